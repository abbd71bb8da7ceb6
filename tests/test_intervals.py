"""Prediction-interval rules (intervals.py): no bound below 0 for a series never below 0, extrapolated steps
said so in every output, and short series' bands from their few errors."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from lstmcli import intervals
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

FAST = TrainConfig(window=10, hidden=4, epochs=3, seed=0)


def counts(n: int = 160, seed: int = 1) -> np.ndarray:
    """Daily counts (N,): Poisson(2), zeros included, never negative (`--target auto` picks diff for them)."""
    return np.random.default_rng(seed).poisson(2.0, n).astype(float)


def write(path, values: np.ndarray):
    days = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-01-01") + len(values))
    path.write_text("Date,Count\n" + "".join(f"{d},{v:g}\n" for d, v in zip(days, values, strict=True)))
    return path


@pytest.fixture(scope="module")
def count_model(tmp_path_factory):
    """A diff model of a never-negative daily count series, saved; (path, Forecaster)."""
    from lstmcli.data import read_prices

    folder = tmp_path_factory.mktemp("iv")
    series = read_prices(write(folder / "counts.csv", counts()))
    fc = Forecaster(FAST, "diff").fit(series, frequency=series.frequency, source=series.source)
    return str(fc.save(folder / "counts.npz")), fc


def table_column(stdout: str, k: int) -> list[float]:
    """Column k (0 = date) of the forecast table's rows, as numbers."""
    rows = [line.split("│")[1:-1] for line in stdout.splitlines() if line.startswith("│")]
    return [float(r[k].strip().rstrip("%")) for r in rows]


# ----------------------------------------------------------------------------- never below 0


def test_interval_bounds_clip_at_the_floor():
    info = intervals.from_errors(np.tile(np.linspace(-3, 3, 40)[:, None], (1, 2)), log_ratio=False)
    lo, hi = intervals.interval_bounds(info, np.array([1.0, -5.0]), 0.9)
    assert lo[0] < 0 and hi[1] < 0  # around the model's own forecast, as calibrated
    flo, fhi = intervals.interval_bounds(info, np.array([1.0, -5.0]), 0.9, floor=0.0)
    assert flo.tolist() == [0.0, 0.0] and fhi[0] == hi[0] and fhi[1] == 0.0


def test_floor_rule():
    assert intervals.floor(True) == 0.0 and intervals.floor(True, np.array([0.0, 3.0])) == 0.0
    assert intervals.floor(True, np.array([1.0, -0.5])) is None  # newer data went below 0: no floor
    assert intervals.floor(False) is None and intervals.floor(None) is None  # a file from before the flag


def test_a_never_negative_series_gets_no_negative_bound_or_forecast(count_model):
    _, fc = count_model
    assert fc.info.data.nonnegative is True
    f = fc.predict(10, interval=0.9)
    assert f.floor == 0.0 and (f.lower >= 0).all() and (f.values >= 0).all() and (f.upper >= f.lower).all()
    assert f.to_dict()["nonnegative"] is True
    # the same model given a file that went below 0 since: no floor, the band as calibrated
    newer = np.append(counts(), [-1.0, 0.0, 1.0, 0.0, 0.0])[:, None]
    g = fc.predict(10, newer, interval=0.9)
    assert g.floor is None and (g.lower < 0).any() and "nonnegative" not in g.to_dict()


def test_a_series_that_went_below_0_keeps_its_negative_bounds():
    fc = Forecaster(FAST, "diff").fit(counts() - 1.0)  # has -1s
    assert fc.info.data.nonnegative is False
    f = fc.predict(5, interval=0.9)
    assert f.floor is None and (f.lower < 0).any()


def test_predict_outputs_and_backtest_are_floored(count_model, run, tmp_path):
    path, _ = count_model
    payload = json.loads(run("predict", "--model", path, "--days", "8", "--json").stdout)
    assert all(r["lower_90"] >= 0 and r["forecast"] >= 0 for r in payload["forecast"])
    r = run("predict", "--model", path, "--days", "8", "--interval", "0.5,0.9", "-o", "-")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert all(float(x["lower_90"]) >= 0 and float(x["lower_50"]) >= 0 for x in rows)
    table = run("predict", "--model", path, "--days", "8", "--no-chart").stdout
    assert len(table_column(table, 4)) == 8 and min(table_column(table, 4)) >= 0  # the 90% low column
    assert min(table_column(table, 1)) >= 0  # the forecast

    from lstmcli.backtest import BacktestSpec, run_backtest

    res = run_backtest(counts(200), FAST, "diff", BacktestSpec(days=5, every=5, season="none"))
    assert res.lower is not None and (res.lower >= 0).all() and (res.forecasts["lstm"] >= 0).all()


def test_a_panels_series_are_floored_too(run, tmp_path):
    days = np.arange(np.datetime64("2021-01-01"), np.datetime64("2021-01-01") + 150)
    lines = [f"{d},{t},{v:g}" for t, seed in (("A", 1), ("B", 2)) for d, v in zip(days, counts(150, seed), strict=True)]
    path = tmp_path / "panel.csv"
    path.write_text("Date,Ticker,Count\n" + "\n".join(lines) + "\n")
    model = str(tmp_path / "p.npz")
    r = run("train", str(path), "--model", model, "--target", "diff", "--epochs", "2", "--hidden", "4", "-q")
    assert r.exit_code == 0, r
    payload = json.loads(run("predict", "--model", model, "--days", "8", "--json").stdout)
    assert len(payload["series"]) == 2
    for s in payload["series"]:
        assert all(row["lower_90"] >= 0 and row["forecast"] >= 0 for row in s["forecast"])
    rows = list(csv.DictReader(io.StringIO(run("predict", "--model", model, "--days", "40", "-o", "-").stdout)))
    assert all(float(r["lower_90"]) >= 0 for r in rows)
    assert {r["extrapolated"] for r in rows} == {"False", "True"}  # 40 steps: past the calibrated ones


# ----------------------------------------------------------------------------- extrapolated steps


def test_extrapolated_steps_are_flagged_in_json_csv_and_under_the_table(count_model, run):
    path, fc = count_model
    H = len(fc.info.intervals.quantiles)
    days = H + 3
    payload = json.loads(run("predict", "--model", path, "--days", str(days), "--json").stdout)
    assert [r["extrapolated"] for r in payload["forecast"]] == [False] * H + [True] * 3
    assert payload["interval_calibration"]["steps"] == H
    rows = list(csv.DictReader(io.StringIO(run("predict", "--model", path, "--days", str(days), "-o", "-").stdout)))
    assert [r["extrapolated"] for r in rows] == ["False"] * H + ["True"] * 3
    r = run("predict", "--model", path, "--days", str(days), "--no-chart")
    dates = [r_["date"] for r_ in payload["forecast"]]
    note = f"Note: the band of steps {H + 1}-{days} ({dates[H]} to {dates[-1]}) is extrapolated"
    assert note in r.stdout.replace("\n", " "), r.stdout
    assert f"sqrt(step / {H})" in r.stdout.replace("\n", " ")
    within = run("predict", "--model", path, "--days", str(H), "--no-chart").stdout
    assert "extrapolated" not in within


def test_the_note_keeps_the_table_within_80_columns(count_model, run, monkeypatch):
    path, fc = count_model
    monkeypatch.setenv("COLUMNS", "80")
    r = run("predict", "--model", path, "--days", str(len(fc.info.intervals.quantiles) + 2), "--no-chart")
    table = [line for line in r.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert r.exit_code == 0 and len(table) > 4 and max(len(line) for line in table) <= 80
    assert "90% high" in r.stdout and "extrapolated" in r.stdout


# ----------------------------------------------------------------------------- short series


@pytest.mark.parametrize(("coverage", "n"), [(0.5, 1), (0.6, 2), (0.8, 4), (0.9, 9), (0.95, 19)])
def test_errors_needed_is_the_split_conformal_rank(coverage, n):
    assert intervals.errors_needed(coverage) == n
    assert coverage in intervals.reachable(n) and coverage not in intervals.reachable(n - 1)


def test_few_errors_give_a_symmetric_band_that_covers_as_promised():
    """Exchangeable errors: the symmetric band from n errors covers a new one at least q of the time."""
    rng = np.random.default_rng(0)
    for n in (4, 9, 12):
        hits = {c: 0 for c in intervals.reachable(n)}
        trials = 4000
        for _ in range(trials):
            e = rng.standard_t(3, n + 1)
            info = intervals.from_errors(e[:n, None], log_ratio=False)
            for c in hits:
                lo, hi = intervals.interval_bounds(info, np.array([0.0]), c)
                hits[c] += bool(lo[0] <= e[n] <= hi[0])
        for c, k in hits.items():
            assert k / trials >= c - 0.02, (n, c, k / trials)


def test_horizon_rule():
    assert intervals.horizon(20) == 12 and intervals.horizon(38) == 30  # as many steps as keep 9 errors (90%)
    assert intervals.horizon(9) == 1 and intervals.horizon(5) == 1 and intervals.horizon(0) == 0
    assert intervals.TWO_TAILED_ERRORS == 39  # the 97.5% tail as a conformal rank: ceil(40 * 0.975) = 39


def test_a_short_series_band_is_recalibrated_with_newer_errors(tmp_path):
    values = 50 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.01, 70)))
    fc = Forecaster(FAST, "log-return").fit(values)
    assert intervals.is_few(fc.info.intervals)
    more = 50 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.01, 130)))
    more[:70] = values
    f = fc.predict(3, more[:, None], interval=0.9)
    assert f.recalibrated == 60 and not intervals.is_few(f.calibration)  # >= 39 errors a step: two tails
    assert min(f.calibration.origins) >= intervals.TWO_TAILED_ERRORS
    assert f.interval_note is None and f.lower is not None
    g = fc.predict(3, more[:80, None], interval=0.9)  # 10 newer: more errors, still a symmetric band
    assert g.recalibrated == 10 and intervals.is_few(g.calibration)
    assert min(g.calibration.origins) > min(fc.info.intervals.origins)


def test_a_short_series_backtest_scores_the_band_it_can_give():
    from lstmcli.backtest import BacktestSpec, run_backtest

    values = 50 * np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.01, 90)))
    res = run_backtest(values, FAST, "log-return", BacktestSpec(days=3, every=3, season="none"))
    assert res.coverage is not None and res.interval == 0.9
    none = run_backtest(values, FAST, "log-return", BacktestSpec(days=3, every=3, season="none", interval=0.95))
    assert none.coverage is None and none.lower is None  # 19 errors needed: no band, not a narrower one


def test_band_half_widths_never_shrink_with_the_step():
    """Per-step quantiles of few errors can make step 3 narrower than step 2: each side's width is carried forward."""
    from lstmcli.modelfile import IntervalInfo

    levels = np.array([0.05, 0.5, 0.95])
    q = np.array([[-1.0, 0, 1.0], [-3.0, 0, 2.0], [-2.0, 0, 4.0], [-2.5, 0, 1.5]])  # (H=4, L): not monotone
    for kind, forecast in (("difference", np.full(6, 10.0)), ("log-ratio", np.array([10.0, 12, 8, 11, 9, 10]))):
        info = IntervalInfo(kind, levels, q / (10 if kind == "log-ratio" else 1), (40, 39, 38, 37))
        lo, hi = intervals.interval_bounds(info, forecast, 0.9)
        if kind == "log-ratio":
            down, up = np.log(forecast / lo), np.log(hi / forecast)
        else:
            down, up = forecast - lo, hi - forecast
        assert np.all(np.diff(down) >= -1e-12) and np.all(np.diff(up) >= -1e-12), (kind, down, up)
        scale = 10 if kind == "log-ratio" else 1
        # each side is the widest so far; the extrapolated steps 5-6 grow from step 4's (now widest) quantiles
        np.testing.assert_allclose(down[:4], np.array([1.0, 3, 3, 3]) / scale)
        np.testing.assert_allclose(up[:4], np.array([1.0, 2, 4, 4]) / scale)
        np.testing.assert_allclose(up[4:], 4 / scale * np.sqrt([5 / 4, 6 / 4]))
        np.testing.assert_allclose(down[4:], 3 / scale * np.sqrt([5 / 4, 6 / 4]))


def test_the_floor_at_0_still_applies_after_the_band_is_made_monotone():
    from lstmcli.modelfile import IntervalInfo

    info = IntervalInfo("difference", np.array([0.05, 0.5, 0.95]), np.array([[-1.0, 0, 1], [-0.5, 0, 0.5]]), (30, 29))
    lo, hi = intervals.interval_bounds(info, np.array([0.5, 3.0]), 0.9, floor=0.0)
    np.testing.assert_allclose(lo, [0.0, 2.0])  # step 2 keeps step 1's width 1, then the floor clips step 1
    np.testing.assert_allclose(hi, [1.5, 4.0])
