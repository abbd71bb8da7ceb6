"""Backtests: metrics and baselines against hand-computed numbers, no look-ahead, honest
interval coverage, season detection, and `lstm backtest` as a user runs it."""

from __future__ import annotations

import csv
import itertools
import json
import math

import numpy as np
import pytest
from conftest import SAMPLE, random_walk

from lstmcli import metrics
from lstmcli.backtest import (
    BacktestSpec,
    baseline_forecasts,
    coverage,
    detect_season,
    parse_refit,
    plan,
    run_backtest,
    score,
)
from lstmcli.errors import DataError, OptionError
from lstmcli.intervals import conformal_quantiles
from lstmcli.training import TrainConfig

TINY = TrainConfig(window=6, hidden=4, epochs=3, patience=2, batch_size=32)


def _monthly_seasonal(n: int = 120, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 * np.exp(0.01 * t + 0.2 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.02, n))


# ---------------------------------------------------------------------------------------
# metrics against hand-computed values


def test_point_metrics_by_hand():
    a, f = np.array([10.0, 12.0, 8.0, 10.0]), np.array([11.0, 12.0, 10.0, 9.0])
    # errors 1, 0, 2, 1
    assert metrics.mae(a, f) == pytest.approx(4 / 4)
    assert metrics.rmse(a, f) == pytest.approx(math.sqrt((1 + 0 + 4 + 1) / 4))
    assert metrics.mape(a, f) == pytest.approx(100 * (1 / 10 + 0 + 2 / 8 + 1 / 10) / 4)
    assert metrics.smape(a, f) == pytest.approx(100 * (2 / 21 + 0 + 4 / 18 + 2 / 19) / 4)
    assert math.isnan(metrics.mape(np.array([0.0, 1.0]), np.array([1.0, 1.0])))


def test_mase_scales_by_in_sample_naive_and_seasonal_naive():
    h = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    assert metrics.naive_scale(h) == pytest.approx((2 + 1 + 3 + 1) / 4)
    assert metrics.naive_scale(h, season=2) == pytest.approx((1 + 2 + 2) / 3)
    assert metrics.mase(np.array([6.0, 6.0]), np.array([5.0, 8.0]), 1.5) == pytest.approx(1.5 / 1.5)
    assert math.isnan(metrics.mase(np.ones(2), np.ones(2), 0.0))


def test_directional_accuracy_by_hand():
    previous = np.array([10.0, 10.0, 10.0, 10.0])
    actual = np.array([11.0, 9.0, 12.0, 10.0])  # up, down, up, flat
    forecast = np.array([10.5, 9.5, 9.0, 10.2])  # up (right), down (right), down (wrong), up (wrong: flat)
    assert metrics.directional_accuracy(previous, actual, forecast) == pytest.approx(50.0)


def test_score_overall_and_per_step():
    actual = np.array([[10.0, 11.0], [12.0, 13.0]])  # (O=2, days=2)
    forecast = np.array([[11.0, 11.0], [12.0, 10.0]])
    previous = np.array([10.5, 12.5])
    s = score(actual, forecast, previous, scale=2.0)
    assert s["mae"] == pytest.approx((1 + 0 + 0 + 3) / 4)
    assert s["mase"] == pytest.approx(1.0 / 2.0)
    assert s["per_step"]["mae"] == pytest.approx([0.5, 1.5])
    assert s["per_step"]["rmse"] == pytest.approx([math.sqrt(0.5), math.sqrt(4.5)])
    # step 1: actual down/down, forecast up/down -> 50%; step 2: up/up vs up/down -> 50%
    assert s["per_step"]["direction"] == pytest.approx([50.0, 50.0])
    assert score(actual, forecast, previous, 2.0, direction=False)["direction"] is None


def test_coverage_counts_values_inside_the_bounds():
    actual = np.array([[1.0, 5.0], [3.0, 2.0]])
    lower, upper = np.zeros((2, 2)), np.full((2, 2), 3.0)
    total, per_step = coverage(actual, lower, upper)
    assert total == pytest.approx(75.0) and per_step == pytest.approx([100.0, 50.0])


def test_conformal_quantiles_use_the_n_plus_1_rank():
    e = np.arange(1.0, 20.0)  # 19 errors 1..19
    q = conformal_quantiles(e, (0.05, 0.5, 0.9, 0.95))
    # lower 5%: floor(20 * 0.05) = 1st smallest; upper 90%: ceil(18) = 18th; 95%: ceil(19) = 19th
    assert q.tolist() == [1.0, 10.0, 18.0, 19.0]


# ---------------------------------------------------------------------------------------
# baselines and the plan


def test_baselines_by_hand():
    p = np.array([1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 8.0, 7.0, 9.0, 10.0])
    origins = np.array([6, 8])
    f = baseline_forecasts(p, origins, days=3, season=4, ma_window=3)
    np.testing.assert_allclose(f["naive"], [[6, 6, 6], [7, 7, 7]])
    # drift: last + h * (last - first) / (origin - 1)
    np.testing.assert_allclose(f["drift"], [[6 + h * 5 / 5 for h in (1, 2, 3)], [7 + h * 6 / 7 for h in (1, 2, 3)]])
    # seasonal naive, season 4: rows 6, 7, 8 <- rows 2, 3, 4; rows 8, 9, 10 <- rows 4, 5, 6
    np.testing.assert_allclose(f["seasonal_naive"], [[4, 3, 5], [5, 6, 8]])
    np.testing.assert_allclose(f["moving_average"], [[(3 + 5 + 6) / 3] * 3, [(6 + 8 + 7) / 3] * 3])
    assert "seasonal_naive" not in baseline_forecasts(p, origins, 3, season=1, ma_window=3)


def test_seasonal_naive_repeats_the_last_season_beyond_one_season():
    p = np.arange(20.0)
    f = baseline_forecasts(p, np.array([12]), days=7, season=3, ma_window=2)
    # rows 12..18 <- 9, 10, 11, 9, 10, 11, 9
    np.testing.assert_allclose(f["seasonal_naive"][0], [9, 10, 11, 9, 10, 11, 9])


def test_plan_holds_out_the_last_fraction_and_keeps_whole_horizons():
    cut, origins = plan(100, BacktestSpec(days=5, test_fraction=0.2, every=3))
    assert cut == 80
    assert origins.tolist() == [80, 83, 86, 89, 92, 95]  # 95 + 5 - 1 = 99, the last row


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        (dict(test_fraction=0.0), "--test-fraction"),
        (dict(test_fraction=1.2), "--test-fraction"),
        (dict(every=0), "--every"),
        (dict(days=0), "--days"),
        (dict(interval=1.0), "--interval"),
        (dict(season=0), "--season"),
    ],
)
def test_impossible_options_name_the_option(kwargs, option):
    with pytest.raises(OptionError, match=option):
        plan(100, BacktestSpec(**kwargs))


def test_too_few_rows_for_the_test_window():
    with pytest.raises(DataError, match="fewer than the default horizon 5 needs") as e:
        plan(40, BacktestSpec(days=5, test_fraction=0.05))
    assert e.value.hint and "--test-fraction" in e.value.hint


def test_parse_refit():
    assert parse_refit("never") is None and parse_refit("20") == 20 and parse_refit("every 5") == 5
    with pytest.raises(OptionError, match="--refit"):
        parse_refit("sometimes")


# ---------------------------------------------------------------------------------------
# season detection


def test_season_detected_on_monthly_seasonal_data():
    assert detect_season(_monthly_seasonal(), "M")[0] == 12


@pytest.mark.parametrize(
    ("values", "freq"),
    [
        (random_walk(600), "B"),  # a random walk has no weekly season
        (100 + 0.04 * np.arange(700) + 8 * np.sin(2 * np.pi * np.arange(700) / 180), "D"),  # slow cycle, not weekly
        (_monthly_seasonal(), None),  # no dates: no season
        (_monthly_seasonal(30), "M"),  # too short to confirm
    ],
)
def test_no_season_where_there_is_none(values, freq):
    assert detect_season(values, freq)[0] == 1


def test_a_strong_season_in_eight_years_is_found():
    """Bartlett's bound grows with a strong season's own autocorrelations: at the old 99% critical
    value (2.58) this clear 12-month season in 96 rows (a 10-year monthly file's training part)
    was refused (0.69 < 0.71), so `lstm backtest` of a 10-year file lost the season `lstm train` found."""
    t = np.arange(96)
    rng = np.random.default_rng(1)
    y = 200 + t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, 96)  # a strong season, 8 years
    assert detect_season(y, "M")[0] == 12
    assert detect_season(y[:76], "M")[0] == 12  # and in a backtest's first fit of a 10-year file


def test_an_unconfirmed_season_says_which_rule_failed_and_how_to_set_it():
    """'no season: autocorrelation at lag 12 is 0.69' read as a contradiction: say the bound it missed, and --season."""
    t = np.arange(48)
    rng = np.random.default_rng(1)
    y = 200 + t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, 48)  # a strong season, 4 years: too few for acf
    m, why = detect_season(y, "M", "acf")
    assert m == 1 and "within the 95% noise bound" in why and why.endswith("--season 12 sets it"), why
    m, why = detect_season(y, "M")  # round 14's default, either: the F test finds it
    assert m == 12 and why.startswith("season 12 (stable-seasonality F ") and "within the 95% noise bound" in why
    _, flat = detect_season(random_walk(200), "M", "acf")
    assert "below 0.2" in flat or "noise bound" in flat or "not a peak" in flat, flat


# ---------------------------------------------------------------------------------------
# the backtest


@pytest.mark.parametrize("refit", [None, 3])
def test_no_look_ahead_changing_later_values_never_changes_earlier_forecasts(refit):
    """Altering any value at or after an origin leaves that origin's forecasts (all models) unchanged."""
    p = random_walk(160, 3)
    spec = BacktestSpec(days=3, test_fraction=0.25, every=2, refit=refit)
    base = run_backtest(p, TINY, "log-return", spec)
    origins = base.origins
    for j in (int(origins[1]), int(origins[4]) + 1, len(p) - 1):
        q = p.copy()
        q[j:] *= 1.7  # a wild future from row j on
        q[j] *= 0.5  # and that row on its own
        alt = run_backtest(q, TINY, "log-return", spec)
        before = origins <= j  # these origins may use rows < origin <= j only
        for m in base.models:
            np.testing.assert_array_equal(base.forecasts[m][before], alt.forecasts[m][before], err_msg=f"{m} j={j}")
        np.testing.assert_array_equal(base.lower[before], alt.lower[before])
        np.testing.assert_array_equal(base.upper[before], alt.upper[before])
        after = origins > j
        if after.any():  # the test can see a change: later naive forecasts do move
            assert not np.array_equal(base.forecasts["naive"][after], alt.forecasts["naive"][after])


def test_interval_coverage_is_near_nominal_on_a_series_with_known_noise():
    """Random walks with N(0, 1) steps: the 90% interval holds ~90% of held-out values."""
    covered, total = 0.0, 0
    for seed in range(4):
        p = random_walk(1000, 100 + seed, start=100, drift=0, vol=1, log=False)
        r = run_backtest(p, TINY, "diff", BacktestSpec(days=2, test_fraction=0.5, interval=0.9))
        covered += r.coverage * r.actual.size
        total += r.actual.size
    assert abs(covered / total - 90) < 4, covered / total


def test_the_lstm_is_scored_on_the_same_origins_as_the_baselines():
    p = _monthly_seasonal(150)
    r = run_backtest(p, TINY, "log-return", BacktestSpec(days=4, test_fraction=0.2), frequency="M")
    assert r.season == 12 and r.reference == "seasonal_naive"
    assert set(r.models) == {"lstm", "naive", "drift", "seasonal_naive", "moving_average"}
    for m in r.models:
        assert r.forecasts[m].shape == r.actual.shape == (len(r.origins), 4)
    naive = r.scores["naive"]
    assert naive["mae"] == pytest.approx(np.mean(np.abs(r.actual - p[r.origins - 1][:, None])))
    assert r.scale == pytest.approx(metrics.naive_scale(p[: r.cut], 12))


def test_refit_every_n_origins_counts_its_fits_and_reports_progress():
    seen = []
    r = run_backtest(
        random_walk(200),
        TINY,
        "log-return",
        BacktestSpec(days=2, test_fraction=0.2, refit=15),
        on_progress=lambda done, what: seen.append(done),
    )
    assert r.fits == math.ceil(len(r.origins) / 15) == len(r.fit_configs)
    assert seen[-1] == pytest.approx(1.0) and all(a <= b + 1e-12 for a, b in itertools.pairwise(seen))
    assert [f["rows"] for f in r.fit_configs] == r.origins[::15].tolist()


def test_verdict_sentences():
    r = run_backtest(random_walk(200), TINY, "log-return", BacktestSpec(days=5, test_fraction=0.2), frequency="B")
    naive = r.scores["naive"]["per_step"]["mase"]
    r.scores["lstm"]["per_step"]["mase"] = [naive[0] * 0.959, *naive[1:4], naive[4] * 1.2]
    assert r.verdict()[1] == (
        "LSTM beats naive by 4.1% MASE at 1 business day, loses to it by 20.0% MASE at 5 business days."
    )
    r.scores["lstm"]["per_step"]["mase"] = [v * 0.9 for v in naive]
    assert r.verdict()[1] == (
        "LSTM beats naive at every step: by 10.0% MASE at 1 business day, 10.0% at 5 business days."
    )
    r.scores["lstm"]["per_step"]["mase"] = [naive[0] * 1.005, *[v * 1.1 for v in naive[1:]]]
    assert r.verdict()[1] == (
        "LSTM ties with naive at 1 business day (+0.5% MASE), loses to it by 10.0% MASE at 5 business days."
    )


def test_a_verdict_on_one_or_two_forecast_windows_says_the_sample_is_too_small(run, tmp_path):
    """One origin 'beating naive by 22%' is no evidence (issue 12): below MIN_VERDICT_WINDOWS separate
    forecast windows the verdict says so instead, and the chance sentence is not printed beside it."""
    from lstmcli.backtest import MIN_VERDICT_WINDOWS, Verdict

    r = run_backtest(random_walk(200), TINY, "log-return", BacktestSpec(days=5, test_fraction=0.05, every=100))
    assert r.chance()[1] == 1 < MIN_VERDICT_WINDOWS
    r.scores["lstm"]["per_step"]["mase"] = [v * 0.8 for v in r.scores["naive"]["per_step"]["mase"]]
    kind, sentence = r.verdict()
    assert kind is Verdict.TIE and sentence.startswith("Too small a sample to judge LSTM against naive: 1 separate")
    assert "beats" not in sentence
    path = tmp_path / "walk.csv"
    path.write_text("Close\n" + "\n".join(f"{v:.4f}" for v in random_walk(200)) + "\n")
    out = run("backtest", str(path), "--days", "5", "--test-fraction", "0.05", "--every", "100", "--epochs", "2").stdout
    assert "Too small a sample to judge" in out and "Too few separate forecast windows" not in out


# ---------------------------------------------------------------------------------------
# the command


MONTHLY = str(SAMPLE / "monthly_seasonal.csv")
FAST = ["--epochs", "5", "--hidden", "8"]


def test_cli_prints_the_comparison_table_and_verdict(run):
    r = run("backtest", MONTHLY, "--days", "3", *FAST)
    assert r.exit_code == 0, r
    out = r.stdout
    for text in [
        "Backtest of 'Sales'",
        "MAE",
        "RMSE",
        "MAPE",
        "sMAPE",
        "MASE",
        "direction",
        "90% coverage",
        "naive",
        "drift",
        "seasonal naive (ref)",
        "moving average",
        "MASE by horizon",
        "+3",
        "Season 12",
        "prediction interval held",
    ]:
        assert text in out, text
    assert "*" in out
    assert "seasonal naive" in out.split("MASE by horizon")[1]
    assert any(line.startswith("LSTM ") and "seasonal naive" in line for line in out.splitlines())
    assert "Read " in r.stderr  # the cleaning summary goes to stderr


def test_cli_json_and_csv_output(run, tmp_path):
    path = tmp_path / "bt.csv"
    r = run("backtest", MONTHLY, "--days", "2", "--every", "3", "--json", "--output", str(path), *FAST)
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    assert payload["season"] == 12 and payload["days"] == 2 and payload["every"] == 3
    assert set(payload["scores"]) == {"lstm", "naive", "drift", "seasonal_naive", "moving_average"}
    assert len(payload["scores"]["lstm"]["per_step"]["mase"]) == 2
    assert payload["interval"]["coverage_nominal"] == pytest.approx(90.0)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == payload["origins"] * 2
    assert {
        "origin_date",
        "date",
        "step",
        "actual",
        "lstm",
        "naive",
        "seasonal_naive",
        "lstm_lower",
        "lstm_upper",
    } <= set(rows[0])
    first = rows[0]
    assert first["date"] == payload["test"]["first_date"] and first["step"] == "1"
    assert float(first["naive"]) == pytest.approx(float(first["last_value"]))


def test_cli_output_dash_prints_only_the_csv(run):
    r = run("backtest", MONTHLY, "--days", "2", "--every", "3", "--output", "-", *FAST)
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert rows and {"origin_date", "step", "actual", "lstm", "naive"} <= set(rows[0])
    assert "Wrote" not in r.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--json", "--output", "-"], "--json and --output -"),
        (["--test-fraction", "1.5"], "--test-fraction"),
        (["--every", "0"], "--every"),
        (["--days", "0"], "--days"),
        (["--refit", "often"], "--refit"),
        (["--test-fraction", "0.01"], "--test-fraction"),
        (["--window", "0"], "--window"),
    ],
)
def test_cli_user_errors_are_one_line_and_exit_2(run, args, option):
    r = run("backtest", MONTHLY, *args)
    assert r.exit_code == 2, r
    assert "Error:" in r.stderr and option in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------------------------------
# data-dependent defaults


@pytest.mark.parametrize(("rows", "window", "target"), [(180, 30, "log-return"), (120, 10, "level"), (400, 20, "diff")])
def test_train_windows_matches_the_forecasters_own_split(rows, window, target):
    from lstmcli.defaults import train_windows
    from lstmcli.forecast import Forecaster

    cfg = TrainConfig(window=window, hidden=2, epochs=1)
    forecaster = Forecaster(cfg, target).fit(random_walk(rows))
    assert forecaster.info.training.train_windows == train_windows(rows, window, cfg.val_fraction, target)


def test_batch_size_gives_short_series_enough_steps_and_long_ones_64():
    from lstmcli.defaults import batch_size_for

    assert batch_size_for(144, 30, 0.2) == 12  # monthly sample before its test window: 90 windows
    assert batch_size_for(60, 30, 0.2) == 8  # never below 8
    assert batch_size_for(2570, 30, 0.2) == 64 == batch_size_for(700, 30, 0.2)


def test_cli_uses_the_data_dependent_batch_unless_given(run):
    r = run("backtest", MONTHLY, "--days", "2", "--json", *FAST)
    assert json.loads(r.stdout)["model"]["batch_size"] == 12
    r = run("backtest", MONTHLY, "--days", "2", "--json", "--batch-size", "32", *FAST)
    assert json.loads(r.stdout)["model"]["batch_size"] == 32


def test_season_given_by_hand_overrides_detection():
    p = _monthly_seasonal(150)
    r = run_backtest(p, TINY, "log-return", BacktestSpec(days=2, season="none"), frequency="M")
    assert r.season == 1 and r.reference == "naive" and "seasonal_naive" not in r.forecasts
    assert r.scale == pytest.approx(metrics.naive_scale(p[: r.cut]))
    r = run_backtest(p, TINY, "log-return", BacktestSpec(days=2, season=6), frequency=None)
    assert r.season == 6 and "given" in r.season_reason and "seasonal_naive" in r.forecasts


def test_an_interval_wider_than_backtest_can_calibrate_is_refused(tmp_path, run, monkeypatch):
    """--interval 0.99 once scored the 95% band under the name 99%; now it is refused up front."""
    monkeypatch.chdir(tmp_path)
    r = run("backtest", str(SAMPLE / "daily_stock.csv"), "--interval", "0.99", "--epochs", "1")
    assert r.exit_code == 2, r
    assert "--interval 0.99 is wider than lstm can calibrate (at most 0.95)" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_chance_uses_separate_forecast_windows():
    """t of the per-origin MAE difference, on origins whose windows do not overlap (every `days`-th)."""
    r = run_backtest(random_walk(300), TINY, "log-return", BacktestSpec(days=5, test_fraction=0.3), frequency="B")
    t, n = r.chance()
    a = r.actual[::5]
    d = np.abs(r.forecasts["lstm"][::5] - a).mean(axis=1) - np.abs(r.forecasts["naive"][::5] - a).mean(axis=1)
    assert n == len(d) == math.ceil(len(r.origins) / 5)
    assert t == pytest.approx(d.mean() / (d.std(ddof=1) / math.sqrt(n)))
    r.forecasts["lstm"] = r.actual.copy()  # a perfect model: far beyond chance
    assert "unlikely to be chance" in r.chance_sentence() and r.chance()[0] < -2
    r.forecasts["lstm"] = r.forecasts["naive"] + 1e-9 * np.random.default_rng(0).normal(size=r.actual.shape)
    assert "could be chance" in r.chance_sentence()
    short = run_backtest(random_walk(60), TINY, "log-return", BacktestSpec(days=5, test_fraction=0.2), frequency="B")
    assert short.chance()[0] is None and short.chance_sentence().startswith("Too few separate forecast windows")
    assert set(short.to_dict()["chance"]) == {"t", "separate_windows"}


def test_backtest_interval_given_as_a_percentage_names_the_share():
    """`lstm backtest --interval 95`: the hint says --interval 0.95 (as predict's does), not just 'such as 0.9'."""
    with pytest.raises(OptionError, match="--interval 95") as e:
        BacktestSpec(interval=95.0).validate()
    assert "--interval 0.95" in (e.value.hint or "")
