"""What the output says: the naive forecast named by the data's frequency, ISO times in every --json."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import random_walk

from lstmcli.modelfile import Scores, ValidationInfo
from lstmcli.render import train as render_train

FAST = ["--epochs", "2", "--hidden", "4", "--window", "6", "-q"]


def _monthly_csv(path, n=90):
    months = np.datetime64("2015-01", "M") + np.arange(n)
    close = random_walk(n, start=100, drift=0)
    path.write_text("Date,Close\n" + "\n".join(f"{m}-01,{c:.2f}" for m, c in zip(months, close, strict=True)) + "\n")
    return path


def _validation(model_mae: float, naive_mae: float, rows: int = 40) -> ValidationInfo:
    s = lambda mae: Scores(mae, mae, mae, None)  # noqa: E731
    return ValidationInfo(rows=rows, scale=1.0, first_date_index=0, model=s(model_mae), naive=s(naive_mae), drift=s(2))


@pytest.mark.parametrize(
    ("frequency", "words"),
    [
        ("B", "tomorrow = today"),
        ("D", "tomorrow = today"),
        ("W", "next week = this week"),
        ("M", "next month = this month"),
        ("Q", "next quarter = this quarter"),
        ("h", "next hour = this hour"),
        (None, "the last value carried forward"),
    ],
)
def test_the_verdict_names_the_naive_forecast_by_the_frequency(frequency, words):
    for model_mae in (1.0, 1.5):  # about as good; worse
        _, sentence = render_train.verdict(_validation(model_mae, 1.0), frequency)
        assert words in sentence
        if frequency not in ("B", "D"):
            assert "tomorrow" not in sentence
    table = render_train.validation_table(_validation(1.0, 1.0), "Close", frequency)
    assert f"naive ({words})" in table.columns[0]._cells[1]


def test_monthly_train_and_predict_say_next_month_not_tomorrow(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("train", str(_monthly_csv(tmp_path / "monthly.csv")), *FAST)
    assert r.exit_code == 0, r
    assert "naive (next month = this month)" in r.stdout
    assert "tomorrow" not in r.stdout + r.stderr
    monkeypatch.setattr(render_train, "beats_naive", lambda v: False)  # the label predict prints for a losing model
    r = run("predict", "--days", "2", "--no-chart")
    assert r.exit_code == 0, r
    assert "lost to 'next month = this month'" in r.stdout
    assert "tomorrow" not in r.stdout + r.stderr


def _hourly_csv(path, n=120, zone="Z"):
    hours = np.datetime64("2024-01-01T00:00") + np.arange(n) * np.timedelta64(1, "h")
    close = random_walk(n, start=100, drift=0)
    path.write_text("Date,Close\n" + "".join(f"{h}:00{zone},{c:.2f}\n" for h, c in zip(hours, close, strict=True)))
    return path


@pytest.mark.parametrize(("zone", "suffix"), [("Z", "Z"), ("+01:00", "+01:00")])
def test_every_json_writes_times_in_iso_8601_with_the_zone(tmp_path, run, monkeypatch, zone, suffix):
    """train --json, inspect --json and inspect --step-trace --json write times as predict --json does."""
    import json

    from lstmcli.forecast import Forecaster

    monkeypatch.chdir(tmp_path)
    r = run("train", str(_hourly_csv(tmp_path / "hourly.csv", zone=zone)), *FAST, "--json")
    assert r.exit_code == 0, r
    trained = json.loads(r.stdout)["data"]
    assert trained["first_date"] == f"2024-01-01T00:00:00{suffix}"
    assert trained["last_date"] == f"2024-01-05T23:00:00{suffix}"
    assert trained["train_end_date"].endswith(suffix)
    r = run("inspect", "--json")
    assert r.exit_code == 0, r
    assert {k: json.loads(r.stdout)["data"][k] for k in trained if k.endswith("_date")} == {
        k: trained[k] for k in trained if k.endswith("_date")
    }
    r = run("inspect", "--step-trace", "--json")
    assert r.exit_code == 0, r
    trace = json.loads(r.stdout)
    assert trace["steps"][-1]["date"] == f"2024-01-05T23:00:00{suffix}"
    assert trace["forecast"]["date"] == f"2024-01-06T00:00:00{suffix}"
    r = run("predict", "--days", "1", "--json")  # the same text predict --json writes for the same instant
    assert json.loads(r.stdout)["forecast"][0]["date"] == trace["forecast"]["date"]
    # the model file keeps its own text: only the output is converted
    assert Forecaster.load(tmp_path / "lstm-model.npz").info.data.first_date == "2024-01-01T00:00:00"


def test_daily_json_dates_stay_plain_days(tmp_path, run, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    r = run("train", str(_monthly_csv(tmp_path / "monthly.csv")), *FAST, "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["data"]["first_date"] == "2015-01-01"
    r = run("inspect", "--step-trace", "--json")
    assert json.loads(r.stdout)["forecast"]["date"] == "2022-07-01"


def test_panel_json_dates_are_iso_too(tmp_path, run, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    for name in ("a", "b"):
        _hourly_csv(tmp_path / "folder" / f"{name}.csv")
    r = run("train", "folder", *FAST, "--json")
    assert r.exit_code == 0, r
    assert [s["data"]["last_date"] for s in json.loads(r.stdout)["series"]] == ["2024-01-05T23:00:00Z"] * 2
    r = run("inspect", "--json")
    assert r.exit_code == 0, r
    assert [s["first_date"] for s in json.loads(r.stdout)["series"]] == ["2024-01-01T00:00:00Z"] * 2


def test_panel_train_names_the_model_file_it_wrote(tmp_path, run, monkeypatch):
    """A folder (a panel) replaces lstm-model.npz as a single-series train does: its summary says which file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    for name in ("a", "b"):
        _monthly_csv(tmp_path / "folder" / f"{name}.csv")
    r = run("train", "folder", *FAST)
    assert r.exit_code == 0, r
    assert "Saved the panel model (2 series) to lstm-model.npz." in r.stdout
    r = run("train", "folder", *FAST, "--model", "shops.npz")
    assert r.exit_code == 0, r
    assert "Saved the panel model (2 series) to shops.npz." in r.stdout and (tmp_path / "shops.npz").exists()
