"""The stable-seasonality F test (round 13, branch r13season): `--season-test ftest` confirms the frequency's season
by X-11's one-way analysis of variance of the detrended values by phase (F >= 7) instead of the autocorrelation of
the detrended changes, which misses strong seasons in short series (devseason's ldeaths: 52 rows).

Every test here fails on main (6bf40d8): no `season_test`, no `stable_seasonality`, no `--season-test`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_season_fits import _csv
from typer.testing import CliRunner

from lstmcli import seasons
from lstmcli.cli import app
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

T = np.arange(60)


def _short_seasonal(seed: int, n: int = 52) -> np.ndarray:
    """A short monthly series: a sine season of amplitude 0.25 in logs, a small trend and noise of 0.08."""
    noise = np.random.default_rng(seed).normal(0, 0.08, len(T))
    return (1000 * np.exp(0.25 * np.sin(2 * np.pi * T / 12) + 0.004 * T + noise))[:n]


def _random_walk(rng, n: int) -> np.ndarray:
    return 100 * np.exp(np.cumsum(rng.normal(0.005, 0.03, n)))


@pytest.mark.parametrize("seed", range(6))
def test_the_f_test_finds_short_seasons_the_autocorrelation_misses(seed):
    y = _short_seasonal(seed)
    m, why = seasons.detect_season(y, "M", test="acf")
    assert m == 1 and ("noise bound" in why or "below 0.2" in why)
    m, why = seasons.detect_season(y, "M", test="ftest")
    assert m == 12
    assert why.startswith("season 12 (stable-seasonality F ") and why.endswith(" >= 7)")


def test_quarterly_short_season():
    t = np.arange(40)
    y = 50 + 0.2 * t + np.array([3.0, -2, 1, -2])[t % 4] + np.random.default_rng(3).normal(0, 1.0, len(t))
    assert seasons.detect_season(y, "Q", test="ftest")[0] == 4


def test_the_f_statistic_is_the_one_way_anova_by_phase():
    y = _short_seasonal(0, 60)
    m = 12
    logs = np.log(y)
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m
    si = logs[6:-6] - np.convolve(logs, w, mode="valid")
    groups = [si[(np.arange(len(si)) + 6) % m == k] for k in range(m)]
    grand = si.mean()
    between = sum(len(g) * (g.mean() - grand) ** 2 for g in groups) / (m - 1)
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (len(si) - m)
    assert seasons.stable_seasonality(y, m) == pytest.approx(between / within)


@pytest.mark.parametrize("frequency", ["M", "Q"])
def test_random_walks_with_drift_are_rarely_seasonal(frequency):
    """Monthly and quarterly random walks with drift, 60 to 300 rows: at most 2 of 150 called seasonal."""
    rng = np.random.default_rng(11)
    called = sum(
        seasons.detect_season(_random_walk(rng, n), frequency, test="ftest")[0] > 1
        for n in (60, 100, 150, 200, 300)
        for _ in range(30)
    )
    assert called <= 2


def test_no_season_in_noise_or_lines():
    rng = np.random.default_rng(4)
    assert seasons.detect_season(100 + rng.normal(0, 1, 120), "M", test="ftest")[0] == 1
    assert seasons.detect_season(np.linspace(10, 50, 120), "M", test="ftest")[0] == 1
    assert seasons.detect_season(np.linspace(10, 50, 120), "Q", test="ftest")[0] == 1


def test_weekly_data_keep_the_autocorrelation():
    y = _random_walk(np.random.default_rng(2), 300)
    assert seasons.detect_season(y, "W", test="ftest") == seasons.detect_season(y, "W", test="acf")


def test_too_few_rows_and_unknown_tests():
    assert seasons.detect_season(_short_seasonal(0, 30), "M", test="ftest")[1].startswith("no season: 30 rows")
    with pytest.raises(OptionError, match="--season-test 'f' is not known"):
        seasons.detect_season(_short_seasonal(0), "M", test="f")
    assert seasons.resolve_season("auto", _short_seasonal(0), "M", "acf")[0] is None
    assert seasons.resolve_season("auto", _short_seasonal(0), "M", "ftest")[0] == 12


def test_forecaster_season_test():
    cfg = TrainConfig(window=6, hidden=4, epochs=2, patience=2, seed=1)
    y = _short_seasonal(1, 60)
    assert Forecaster(cfg, season_method="phase", season_test="acf").fit(y, frequency="M").season is None
    f = Forecaster(cfg, season_method="phase", season_test="ftest").fit(y, frequency="M")
    assert f.season is not None and f.season.length == 12 and "stable-seasonality F" in f.season.reason
    with pytest.raises(OptionError):
        Forecaster(cfg, season_test="nope")


def test_cli_season_test(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # the summary's season row on one line
    data = _csv(tmp_path / "m.csv", _short_seasonal(1, 60))
    model = tmp_path / "m.npz"
    flags = ["--window", "6", "--hidden", "4", "--epochs", "2", "--patience", "2", "--seed", "1", "--ensemble", "1"]
    runner = CliRunner()
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "--season-test", "acf", *flags])
    assert r.exit_code == 0, r.output
    assert "no season: autocorrelation at lag 12" in " ".join(r.output.split())
    r = runner.invoke(app, ["train", str(data), "--model", str(model), "--season-test", "ftest", *flags])
    assert r.exit_code == 0, r.output
    assert "season 12 (stable-seasonality F " in " ".join(r.output.split())
    for bad, words in (
        (["--season-test", "bogus"], "--season-test 'bogus' is not known"),
        (["--season-test", "ftest", "--season", "12"], "--season-test ftest is for --season auto"),
        (["--season-test", "ftest", "--auto"], "--season-test ftest cannot be combined with --auto"),
    ):
        r = runner.invoke(app, ["train", str(data), "--model", str(tmp_path / "x.npz"), *bad])
        assert isinstance(r.exception, OptionError) and words in str(r.exception), r.output


def test_backtest_season_test(tmp_path):
    """Round 13 (branch r13polish; fails on main: no such option): `lstm backtest --season-test ftest` finds the season
    `lstm train --season-test ftest` fits, for its fits and for its own seasonal naive and MASE scale alike."""
    data = _csv(tmp_path / "m.csv", _short_seasonal(1, 60))
    flags = ["--window", "6", "--hidden", "4", "--epochs", "2", "--patience", "2", "--seed", "1", "--ensemble", "1"]
    flags += ["--days", "3", "--json", "-q"]
    runner = CliRunner()
    got = {}
    for test in ("acf", "ftest", None):  # None: the default, either (the F test finds this season)
        r = runner.invoke(app, ["backtest", str(data), *(["--season-test", test] if test else []), *flags])
        assert r.exit_code == 0, r.output
        got[test] = json.loads(r.stdout)
    plain, f = got["acf"], got["ftest"]
    assert got[None]["season"] == 12 and got[None]["season_reason"].startswith("season 12 (stable-seasonality F ")
    assert plain["season"] == 1 and "seasonal_naive" not in plain["scores"]
    assert plain["fit_runs"][0]["season"] is None
    assert f["season"] == 12 and f["season_reason"].startswith("season 12 (stable-seasonality F ")
    assert "seasonal_naive" in f["scores"] and f["mase_scale"] != plain["mase_scale"]  # seasonal naive's in-sample MAE
    assert f["fit_runs"][0]["season"].startswith("season 12 (stable-seasonality F ")
    for bad, words in (
        (["--season-test", "bogus"], "--season-test 'bogus' is not known"),
        (["--season-test", "ftest", "--season", "12"], "--season-test ftest is for --season auto"),
        (["--season-test", "ftest", "--auto"], "--season-test ftest cannot be combined with --auto"),
        (["--season-test", "ftest", str(data)], "--season-test ftest is for one series"),
    ):
        r = runner.invoke(app, ["backtest", str(data), *bad])
        assert isinstance(r.exception, OptionError) and words in str(r.exception), r.output


@pytest.mark.parametrize("given", [{"season_test": "ftest"}, {"naive_fits": "mean-naive-t"}])
def test_the_library_backtest_refuses_them_with_auto(given):
    """The CLI refused `--season-test ftest` and `--naive-fits` with `--auto`; `run_backtest(auto=..., ...)` ran
    --auto's selection (which detects its season by acf and judges naive itself) with the baselines on the other
    test, silently. Fails on fef937c (no refusal)."""
    from lstmcli.backtest import run_backtest

    values = 100 + np.sin(np.arange(80) * 2 * np.pi / 12)
    with pytest.raises(OptionError, match="cannot be combined with auto"):
        run_backtest(values, auto={"max_candidates": 1}, **given)


def _pool(count: int = 200):
    """Monthly series, 50 to 200 rows: random walks, a season of 0 to 0.25 in the logs' level or in their changes."""
    rng = np.random.default_rng(0)
    for _ in range(count):
        n = int(rng.integers(50, 200))
        t = np.arange(n)
        amp = rng.choice([0, 0.02, 0.05, 0.1, 0.25])
        if rng.integers(0, 2) == 0:
            yield 100 * np.exp(np.cumsum(rng.normal(0.002, 0.03, n)) + amp * np.sin(2 * np.pi * t / 12))
        else:
            yield 100 * np.exp(np.cumsum(rng.normal(0.0, 0.03, n) + amp * 0.3 * np.sin(2 * np.pi * t / 12)))


def test_either_is_acf_then_the_f_test():
    """Round 14 (fails on a476f9d: no "either"): `--season-test either` keeps acf's season where acf finds one and
    the F test's where acf does not; no season only where neither finds one. The pool holds all four cases."""
    cases = set()
    for y in _pool():
        acf, f, either = (seasons.detect_season(y, "M", test) for test in ("acf", "ftest", "either"))
        cases.add((acf[0] > 1, f[0] > 1))
        if acf[0] > 1:
            assert either == acf
        elif f[0] > 1:
            assert either[0] == 12 and either[1].startswith(f[1] + "; acf alone did not confirm it (")
            assert "--season" not in either[1]
        else:
            assert either[0] == 1 and either[1].startswith("no season by either test: autocorrelation at lag 12")
            assert "stable-seasonality F is" in either[1] and either[1].endswith("; --season 12 sets it")
    assert cases == {(True, True), (True, False), (False, True), (False, False)}


def test_either_on_weekly_and_short_data():
    y = _random_walk(np.random.default_rng(2), 300)
    assert seasons.detect_season(y, "W", test="either") == seasons.detect_season(y, "W", test="acf")
    short = _short_seasonal(0, 30)
    assert seasons.detect_season(short, "M", "either") == seasons.detect_season(short, "M", "acf")
    assert seasons.resolve_season("auto", _short_seasonal(0), "M", "either")[0] == 12
    assert seasons.resolve_season("auto", _short_seasonal(0), "B", "either")[0] is None


def test_either_is_the_default():
    """Round 14: the default test (library and CLI) is either: the short smooth season acf misses is found."""
    assert seasons.DEFAULT_TEST == "either"
    assert seasons.detect_season(_short_seasonal(0), "M") == seasons.detect_season(_short_seasonal(0), "M", "either")
    assert seasons.resolve_season("auto", _short_seasonal(0), "M")[0] == 12


def test_cli_season_test_either(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    data = _csv(tmp_path / "m.csv", _short_seasonal(1, 60))
    flags = ["--window", "6", "--hidden", "4", "--epochs", "2", "--patience", "2", "--seed", "1", "--ensemble", "1"]
    runner = CliRunner()
    for given in ([], ["--season-test", "either"]):  # the default, and said
        r = runner.invoke(app, ["train", str(data), "--model", str(tmp_path / "m.npz"), *given, *flags])
        assert r.exit_code == 0, r.output
        out = " ".join(r.output.split())
        assert "season 12 (stable-seasonality F " in out and "acf alone did not confirm it" in out
    r = runner.invoke(app, ["train", str(data), "--model", str(tmp_path / "x.npz"), "--season-test", "acf", "--auto"])
    assert isinstance(r.exception, OptionError)
    assert "--season-test acf cannot be combined with --auto" in str(r.exception)
