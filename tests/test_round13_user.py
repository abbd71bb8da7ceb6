"""Round 13, a new user on messy files (a fresh venv, no torch): what gave a wrong answer or a confusing message.
Every test here fails on main."""

from __future__ import annotations

import json

import numpy as np
from conftest import write_csv


def _train(run, tmp_path, values, epochs=3):
    csv = write_csv(tmp_path, "Value\n" + "".join(f"{v:.4f}\n" for v in values))
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), "--epochs", str(epochs), "--ensemble", "1", "-q")
    assert r.exit_code == 0, r
    return model


def test_the_change_in_percent_has_the_changes_sign_below_zero(run, tmp_path):
    """A spread (values below zero) forecast to rise from -4.98 by +0.27 said "change % -5.50%": the change divided
    by a negative last value. The percentage is of the last value's size, so it has the change's sign."""
    values = -50 + np.cumsum(np.random.default_rng(0).normal(0.2, 1.0, 200))  # below zero throughout: -6.95 last
    model = _train(run, tmp_path, values)
    r = run("predict", "--model", str(model), "--days", "3", "--json")
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)["forecast"]
    last = json.loads(r.stdout)["last_value"]
    assert last < 0
    for row in rows:
        assert np.sign(row["change_pct"]) == np.sign(row["change"]), rows
        assert row["change_pct"] == 100 * row["change"] / abs(last)
    r = run("predict", "--model", str(model), "--days", "3")
    cells = [line.split("│") for line in r.stdout.splitlines() if line.startswith("│ +")]
    for cell in cells:  # step, forecast, change, change %, ...
        assert cell[3].strip()[0] == cell[4].strip()[0], r.stdout
    r = run("inspect", "--model", str(model), "--step-trace")  # "Forecast ...: ... (last -6.9500, +0.1234, +1.78%)"
    assert r.exit_code == 0, r
    change, pct = " ".join(r.stdout.split()).split("(last ")[1].split(")")[0].split(", ")[-2:]
    assert change[0] == pct[0] and pct.endswith("%"), r.stdout


def test_a_series_that_ends_at_zero_shows_no_percentage_not_nan(run, tmp_path):
    """Monthly sales with a season and zeros (none sold in winter) ended at 0: every row said "+nan%"."""
    pattern = np.array([0, 0, 5, 20, 40, 60, 70, 65, 45, 20, 5, 0], dtype=float)
    values = np.tile(pattern, 10) * (1 + np.random.default_rng(1).normal(0, 0.05, 120))
    model = _train(run, tmp_path, values)
    r = run("predict", "--model", str(model), "--days", "3")
    assert r.exit_code == 0, r
    assert "nan" not in r.stdout.lower(), r.stdout
    rows = [line.split("│") for line in r.stdout.splitlines() if line.startswith("│ +")]
    assert len(rows) == 3 and all(row[4].strip() == "-" for row in rows), r.stdout


def test_a_constant_series_is_not_called_worse_than_naive(run, tmp_path):
    """Every value 42: the network forecast 42.0000000091, and the summary said "The naive forecast is perfect on
    validation; the model is worse" (MAE 9.1e-09 against 0), predict "Worse than naive: this model lost to ...".
    Round 14 (r14const): the forecast is 42 exactly (a target with no spread, transforms.Scaler), an exact tie."""
    model = _train(run, tmp_path, np.full(120, 42.0), epochs=60)  # trained until its output is 0 but for rounding
    r = run("inspect", "--model", str(model), "--json")
    assert r.exit_code == 0, r
    validation = json.loads(r.stdout)["validation"]
    assert validation["model"]["mae"] == 0 and validation["naive"]["mae"] == 0, validation
    r = run("predict", "--model", str(model), "--days", "2")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    assert "worse" not in text.lower() and "lost" not in text, r.stdout
    assert "The model matches the naive forecast exactly." in text, r.stdout


def test_a_backtest_of_too_few_rows_names_the_rows_it_needs(run, tmp_path):
    """10 rows: "use a larger --test-fraction (at least 0.5)", then with it "only 5 rows come before the test window,
    fewer than the default window 30 needs. Use a smaller --test-fraction or --window" (a loop; no window fits).
    The error now names the rows a fit needs and the rows the backtest needs, and that many rows run."""
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{100 + 1.5 * k:.2f}\n" for k in range(10)))
    r = run("backtest", str(csv), "--days", "2")
    assert r.exit_code == 2, r
    words = " ".join(r.stderr.split())
    assert "only 8 of its 10 rows come before the test window; a fit needs at least 12" in words, words
    assert "the default test fraction 0.2 needs at least 15 rows" in words and "--window" not in words, words
    r = run("backtest", str(csv), "--test-fraction", "0.5")
    assert r.exit_code == 2 and "--test-fraction 0.5 needs at least 24 rows" in " ".join(r.stderr.split()), r
    csv = write_csv(tmp_path, "Close\n" + "".join(f"{100 + 1.5 * k + (k % 3):.2f}\n" for k in range(15)), "15.csv")
    r = run("backtest", str(csv), "--days", "2", "--epochs", "2", "--ensemble", "1", "-q")
    assert r.exit_code == 0, r


def test_a_price_100x_its_neighbours_is_noted_as_a_likely_typo(tmp_path):
    """104.52 written 10452 (a lost decimal point) was read without a word, and skewed the fit (its log-returns of
    +-4.6 set the scale) and its scores: the Read line now notes it; the price is read as written."""
    from lstmcli.data import cleaning_summary, read_prices

    prices = np.round(100 * np.exp(np.cumsum(np.random.default_rng(5).normal(0, 0.01, 200))), 2)
    day = np.datetime64("2021-01-01")
    text = "Date,Close\n" + "".join(f"{day + k},{p:.2f}\n" for k, p in enumerate(prices))
    clean = read_prices(write_csv(tmp_path, text, "clean.csv"))
    assert not any("typo" in n for n in clean.notes), clean.notes
    typo = text.replace(f"{day + 150},{prices[150]:.2f}", f"{day + 150},{100 * prices[150]:.0f}")
    series = read_prices(write_csv(tmp_path, typo, "typo.csv"))
    assert series.values[150, 0] == round(100 * prices[150])  # read as written
    line = cleaning_summary(series)
    assert f"{day + 150}'s " in line and "x the rows on either side" in line and "lost decimal point" in line, line


def test_the_typo_note_on_prices_near_the_float_range_warns_nothing(tmp_path):
    """The note's ratio was here / sqrt(before * after): prices near 1e300 overflowed the product and numpy printed
    'RuntimeWarning: overflow encountered in multiply' (and a divide by zero) on the user's terminal. In logs now."""
    import warnings

    from lstmcli.data import cleaning_summary, read_prices

    text = "Close\n" + "".join(f"{v}\n" for v in [1e300, 1.1e300, 5e303, 1.05e300, 1e300, 1.2e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        series = read_prices(write_csv(tmp_path, text, "huge.csv"))
        line = cleaning_summary(series)
    assert "is 4,652x the rows on either side" in line, line  # 5e303 over the geometric mean of its neighbours


def _table_text(fc) -> str:
    from rich.console import Console

    from lstmcli.render.predict import forecast_table

    console = Console(width=100, record=True, color_system=None)
    console.print(forecast_table(fc))
    return console.export_text()


def test_no_change_prints_as_0():
    """A constant series' forecast showed a change of "+1.34e-08" (2.69e-08 at step 2, ...). Its forecast is now its
    last value exactly (round 14, r14const: tests/test_round14_constant.py), and no change prints as 0, without a
    sign; a small real one keeps its sign. (branch r13polish; fails on main)"""
    from lstmcli.forecast import Forecast

    constant = Forecast(np.full(5, 42.0), None, 42.0, None, "Value", None)
    rows = [line.split("│") for line in _table_text(constant).splitlines() if line.startswith("│ +")]
    assert [(row[3].strip(), row[4].strip()) for row in rows] == [("0", "+0.00%")] * 5, rows
    small = Forecast(np.array([42 + 1e-6, 42 - 2e-6]), None, 42.0, None, "Value", None)  # 2.4e-08 of it: a change
    rows = [line.split("│") for line in _table_text(small).splitlines() if line.startswith("│ +")]
    assert [row[3].strip() for row in rows] == ["+1e-06", "-2e-06"], rows


def test_a_zero_width_band_around_an_exact_forecast_covers_the_actual(run, tmp_path):
    """A backtest of a constant series (every value 42) said "The 90% prediction interval held 80.0% of the 100
    held-out values (BELOW nominal)": its band [41.99999996, 41.99999998] around the forecast missed 42 by 2^-30 of
    it per step. Round 14 (r14const): the forecast and both bounds are 42 exactly, which holds it; a miss by a hair is
    a miss. (branch r13polish; fails on main)"""
    from lstmcli.backtest import coverage

    actual = np.full((4, 5), 42.0)
    h = np.arange(1, 6)
    assert coverage(actual, actual.copy(), actual.copy()) == (100.0, [100.0] * 5)
    missed = 42 * (1 - 2.0**-30 * h)
    assert coverage(actual, np.tile(missed - 1e-7, (4, 1)), np.tile(missed, (4, 1))) == (0.0, [0.0] * 5)
    csv = write_csv(tmp_path, "Value\n" + "42.0000\n" * 120)
    r = run("backtest", str(csv), "--json", "-q", "--jobs", "1")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["interval"]["coverage"] == 100.0, r.stdout


def test_an_exact_tie_in_the_backtest_verdict_is_0_percent_not_minus_0():
    """A tie at a step printed "ties with naive at 1 business day (-0.0% MASE)". (branch r13polish; fails on main)"""
    from conftest import random_walk

    from lstmcli.backtest import BacktestSpec, run_backtest
    from lstmcli.training import TrainConfig

    tiny = TrainConfig(window=5, hidden=4, epochs=1, seed=0)
    r = run_backtest(random_walk(200), tiny, "log-return", BacktestSpec(days=5, test_fraction=0.2), frequency="B")
    naive = r.scores["naive"]["per_step"]["mase"]
    r.scores["lstm"]["per_step"]["mase"] = [naive[0], *naive[1:4], naive[4] * 1.0003]
    assert r.verdict()[1] == (
        "LSTM ties with naive at 1 business day (0.0% MASE), ties with it at 5 business days (0.0% MASE)."
    )
