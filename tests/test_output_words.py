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
