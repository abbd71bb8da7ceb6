"""A seasonal model is held against seasonal naive on validation (issue 13: "never silently worse
than seasonal naive"): the train table's row, the verdict, predict's label and --json."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE, rewrite_model

from lstmcli import modelfile
from lstmcli.forecast import Forecaster
from lstmcli.modelfile import Scores, ValidationInfo
from lstmcli.render.train import beats_seasonal_naive, seasonal_naive_words, validation_table, verdict
from lstmcli.training import TrainConfig

TINY = TrainConfig(window=14, hidden=6, epochs=3, seed=0)


def _monthly(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    t = np.arange(n)
    y = 100 * np.exp(0.004 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) * np.exp(0.02 * rng.standard_normal(n))
    dates = (np.datetime64("2010-01", "M") + t).astype("datetime64[D]").astype("datetime64[s]")
    return y, dates


def _validation(model: float, naive: float, seasonal: float | None, rows: int = 30) -> ValidationInfo:
    s = lambda v: Scores(v, v, v, 50.0)  # noqa: E731
    return ValidationInfo(
        rows,
        1.0,
        100,
        s(model),
        Scores(naive, naive, naive, None),
        s(naive),
        seasonal_naive=None if seasonal is None else s(seasonal),
        season=None if seasonal is None else 12,
    )


def test_the_fit_scores_seasonal_naive_on_the_validation_rows():
    y, d = _monthly()
    f = Forecaster(TINY, season_method="phase").fit(y, d)
    v = f.info.validation
    assert f.season.length == 12 and v.season == 12
    first, rows = v.first_date_index, v.rows
    actual, one_season_back = y[first : first + rows], y[first - 12 : first - 12 + rows]
    assert v.seasonal_naive.mae == pytest.approx(np.mean(np.abs(actual - one_season_back)), rel=1e-12)
    assert v.naive.mae == pytest.approx(np.mean(np.abs(actual - y[first - 1 : first - 1 + rows])), rel=1e-12)
    assert v.seasonal_naive.mase == pytest.approx(v.seasonal_naive.mae / v.scale)


def test_a_model_without_a_season_writes_no_seasonal_naive():
    y, d = _monthly()
    f = Forecaster(TINY, season="none").fit(y, d)
    assert f.season is None and f.info.validation.seasonal_naive is None
    assert "seasonal_naive" not in f.info.validation.to_dict()


def test_validation_round_trips_and_old_files_load_without_it(tmp_path):
    v = _validation(1.0, 2.0, 1.5)
    assert ValidationInfo.from_dict(json.loads(json.dumps(v.to_dict()))) == v
    old = {k: val for k, val in v.to_dict().items() if k not in ("seasonal_naive", "season")}
    assert ValidationInfo.from_dict(old).seasonal_naive is None
    f = Forecaster.load(SAMPLE.parent / "tests" / "data" / "r7_quarterly_phase_level.npz")  # round 7: a season
    assert f.season is not None and f.info.validation.seasonal_naive is None
    assert beats_seasonal_naive(f.info.validation) is None
    bad = v.to_dict() | {"season": 1.5}
    with pytest.raises(ValueError, match="not numbers"):
        ValidationInfo.from_dict(bad)


def test_the_verdict_holds_a_seasonal_model_against_seasonal_naive():
    style, sentence = verdict(_validation(1.0, 2.0, 1.25), "M")
    assert style == "green"
    assert sentence == (
        "The model beats the naive forecast by 50.0% and seasonal naive by 20.0% (one-step MAE on validation)."
    )
    style, sentence = verdict(_validation(1.0, 2.0, 1.005), "M")
    assert style == "yellow" and "only ties seasonal naive (-0.5% MAE)" in sentence
    assert "'same month last year'" in sentence
    style, sentence = verdict(_validation(1.0, 2.0, 0.8), "M")
    assert style == "bold red"
    assert "beats the naive forecast by 50.0%, but NOT seasonal naive" in sentence and "25.0% worse" in sentence
    assert sentence.endswith("Trust 'same month last year' over this forecast.")
    assert beats_seasonal_naive(_validation(1.0, 2.0, 0.8)) is False
    assert beats_seasonal_naive(_validation(1.0, 2.0, 1.2)) is True
    # losing to naive, or too few rows to judge: the naive sentence stands, as before
    assert verdict(_validation(3.0, 2.0, 0.8))[1].startswith("The model does NOT beat the naive forecast")
    assert verdict(_validation(1.0, 2.0, 0.8, rows=6))[1].startswith("6 validation rows are too few")
    # no season: exactly the old sentence
    assert verdict(_validation(1.0, 2.0, None))[1] == (
        "The model beats the naive forecast by 50.0% (one-step MAE on validation)."
    )


@pytest.mark.parametrize(
    ("frequency", "season", "words"),
    [
        ("M", 12, "same month last year"),
        ("Q", 4, "same quarter last year"),
        ("W", 52, "same week last year"),
        ("D", 7, "same weekday last week"),
        ("B", 5, "same weekday last week"),
        ("h", 24, "same hour yesterday"),
        (None, 6, "the value 6 steps back"),
        ("M", 6, "the value 6 steps back"),
    ],
)
def test_seasonal_naive_is_named_in_words(frequency, season, words):
    assert seasonal_naive_words(frequency, season) == words


def test_the_table_shows_seasonal_naive_after_naive():
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(validation_table(_validation(1.0, 2.0, 0.8), "Sales", "M"))
    text = console.export_text()
    lines = [line for line in text.splitlines() if "│" in line]
    assert [line.split("│")[1].strip() for line in lines] == [
        "LSTM (this model)",
        "naive (next month = this month)",
        "seasonal naive (same month last year) *",
        "drift (naive + trend)",
    ]


def test_train_and_predict_say_so_when_seasonal_naive_wins(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    y, d = _monthly()
    pd.DataFrame({"Date": pd.DatetimeIndex(d), "Sales": y}).to_csv("m.csv", index=False)
    r = run("train", "m.csv", "--epochs", "2", "--hidden", "4", "--ensemble", "1", "--season", "12")
    assert r.exit_code == 0, r
    assert "seasonal naive (same month last year)" in r.stdout
    _, meta = modelfile.load(tmp_path / "lstm-model.npz")
    v = meta["validation"]
    assert v["season"] == 12
    v["model"]["mae"] = v["naive"]["mae"] * 0.5
    v["seasonal_naive"]["mae"] = v["naive"]["mae"] * 0.25  # beats naive, loses to seasonal naive
    rewrite_model(tmp_path / "lstm-model.npz", tmp_path / "worse.npz", meta=meta)
    r = run("predict", "--model", "worse.npz", "--no-chart")
    assert r.exit_code == 0, r
    first = r.stdout.strip().splitlines()[0]
    assert first == "Worse than seasonal naive: this model lost to 'same month last year' on validation."
    assert "but NOT seasonal naive: its one-step MAE is 100.0% worse" in " ".join(r.stdout.split())
    payload = json.loads(run("predict", "--model", "worse.npz", "--json").stdout)
    assert payload["beats_naive"] is True and payload["beats_seasonal_naive"] is False
    assert payload["validation"]["seasonal_naive"]["mae"] == v["seasonal_naive"]["mae"]
    payload = json.loads(run("predict", "--json").stdout)
    assert isinstance(payload["beats_seasonal_naive"], bool)
    shown = " ".join(run("inspect", "--model", "worse.npz").stdout.split())
    assert "naive " in shown and f"seasonal naive {v['seasonal_naive']['mae']:.4g}"[:18] in shown


def test_predict_json_of_a_model_without_a_season_says_null(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("train", str(SAMPLE / "daily_stock.csv"), "--epochs", "1", "--hidden", "4", "--ensemble", "1", "-q")
    assert r.exit_code == 0, r
    payload = json.loads(run("predict", "--json").stdout)
    assert payload["beats_seasonal_naive"] is None and "seasonal_naive" not in payload["validation"]
