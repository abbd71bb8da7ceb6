"""Round 12's polish: what a new user meets first (issue list in the round-12 helper brief).

1. the too-short-series error says which numbers are defaults and which were given;
2. the summary's growth row formats its MAEs as the season row and the validation table do;
3. `lstm backtest` of one series takes `--season-fits` and `--damped-growth` as `lstm train` does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import daily_csv, random_walk

from lstmcli import growth, season_fits
from lstmcli.errors import DataError
from lstmcli.forecast import Forecaster
from lstmcli.render.common import price
from lstmcli.training import TrainConfig

# ---------------------------------------------------------------------------------------------------------------
# 1. too short a series: the numbers from defaults are called defaults, the options given are named


def _error(out) -> str:
    lines = [line for line in out.stderr.splitlines() if line.startswith("Error:")]
    assert out.exit_code == 2 and len(lines) == 1, out
    return lines[0]


def test_train_too_short_with_defaults_says_they_are_defaults(run, tmp_path):
    """On main: `--window 30 with --val-fraction 0.2 needs at least 41` although neither was given."""
    line = _error(run("train", str(daily_csv(tmp_path, 10)), "--model", str(tmp_path / "m.npz"), "-q"))
    assert "has 10 usable rows; the default window 30 and validation fraction 0.2 need at least 41" in line
    assert "--val-fraction 0.2" not in line and "--window 30" not in line


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (("--val-fraction", "0.3"), "the default window 30 with --val-fraction 0.3 needs at least 42"),
        (("--window", "5"), "--window 5 with the default validation fraction 0.2 needs at least 16"),
        (("--window", "5", "--val-fraction", "0.3"), "--window 5 with --val-fraction 0.3 needs at least 17"),
    ],
)
def test_train_too_short_names_only_the_options_given(run, tmp_path, given, says):
    line = _error(run("train", str(daily_csv(tmp_path, 12)), "--model", str(tmp_path / "m.npz"), "-q", *given))
    assert says in line, line


def test_backtest_too_short_says_which_numbers_are_defaults(run, tmp_path):
    """On main: `--test-fraction 0.2 of 12 rows holds out 2, fewer than --days 5 needs`, neither given."""
    line = _error(run("backtest", str(daily_csv(tmp_path, 12)), "-q"))
    assert "the default test fraction 0.2 of 12 rows holds out 2, fewer than the default horizon 5 needs" in line
    line = _error(run("backtest", str(daily_csv(tmp_path, 12)), "-q", "--days", "4", "--test-fraction", "0.1"))
    assert "--test-fraction 0.1 of 12 rows holds out 1, fewer than --days 4 needs" in line


def test_backtest_too_few_rows_before_the_test_window_names_the_window_as_given(run, tmp_path):
    csv = str(daily_csv(tmp_path, 40))
    line = _error(run("backtest", csv, "-q", "--test-fraction", "0.85", "--days", "2"))
    # round 13: no window fits 6 rows (the auto window would shorten 30), so the error names the rows a fit needs
    assert "only 6 of its 40 rows come before the test window; a fit needs at least 12" in line, line
    assert "--test-fraction 0.85 needs at least 77 rows" in line, line
    line = _error(run("backtest", csv, "-q", "--test-fraction", "0.5", "--days", "2", "--window", "25"))
    assert "only 20 rows come before the test window, fewer than --window 25 needs" in line


def test_auto_minimum_says_where_its_validation_fraction_comes_from(run, tmp_path):
    csv = str(daily_csv(tmp_path, 12))
    line = _error(run("train", csv, "--model", str(tmp_path / "m.npz"), "-q", "--auto"))
    assert (
        "--auto needs at least" in line and "the held-out validation part: the default validation fraction 0.2" in line
    )
    line = _error(run("train", csv, "--model", str(tmp_path / "m.npz"), "-q", "--auto", "--val-fraction", "0.3"))
    assert "the held-out validation part: --val-fraction 0.3" in line


def test_predict_data_too_short_names_the_models_window():
    """`lstm predict --data` of too few rows: the window is the model's, as trained (not an option of predict)."""
    y = random_walk(80, 2)
    f = Forecaster(TrainConfig(window=6, hidden=3, epochs=1, seed=1), season="none", ensemble=1).fit(y)
    with pytest.raises(
        DataError, match=r"the new data has 4 rows; the model's window 6 \(as trained\) needs the last 7"
    ):
        f.predict(2, y[:4])


# ---------------------------------------------------------------------------------------------------------------
# 2. the growth row's MAEs


def test_growth_row_formats_its_maes_as_prices():
    """The growth row once printed `:.4g` (`208` beside `249.1`, `1.235e+04`); now `render.common.price`, as the
    season row: both numbers read alike, thousands separated."""
    y = random_walk(120, 3, start=2_000_000.0, drift=0.002, vol=0.01)  # MAEs in the tens of thousands
    cfg = TrainConfig(window=12, hidden=4, epochs=2, patience=2, seed=1)
    f = Forecaster(cfg, season="none", ensemble=1, choose_growth=True).fit(y)
    row = f.choices["growth"]
    m = re.fullmatch(r"damped growth 0\.9 (?:not )?kept: one-step validation MAE (\S+) with it, (\S+) without", row)
    assert m, row
    for text in m.groups():
        assert "e+" not in text and re.fullmatch(r"\d{1,3}(?:,\d{3})*\.\d\d", text), row
    assert m.group(2) == price(f.info.validation.model.mae) or m.group(1) == price(f.info.validation.model.mae)


# ---------------------------------------------------------------------------------------------------------------
# 3. lstm backtest --season-fits / --damped-growth, as lstm train's


@pytest.fixture
def backtest_calls(monkeypatch):
    """run_backtest replaced by a recorder that stops the command with one user error (exit 2)."""
    import lstmcli.backtest as bt

    calls: list[dict] = []

    def fake(values, config, target, spec, **kw):
        calls.append({"config": config, **kw})
        raise DataError("recorded")

    monkeypatch.setattr(bt, "run_backtest", fake)
    return calls


SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
MONTHLY = str(SAMPLES / "monthly_seasonal.csv")


@pytest.mark.parametrize(
    ("given", "fits", "choose", "phi"),
    [
        ((), season_fits.ONE_SERIES, growth.DEFAULT_CHOICE, 0.0),  # round 12's defaults, as before
        (("--season-fits", "shrink", "--damped-growth", "auto"), season_fits.SHRINK, True, 0.0),  # round 11's
        (("--season-fits", "keep", "--damped-growth", "season"), season_fits.KEEP, growth.OVER_SEASON, 0.0),
        (("--damped-growth", "0.9"), season_fits.ONE_SERIES, False, 0.9),  # a factor: one fit with it
        (("--damped-growth", "0"), season_fits.ONE_SERIES, False, 0.0),  # off
    ],
)
def test_backtest_takes_season_fits_and_damped_growth_as_train(run, backtest_calls, given, fits, choose, phi):
    """On main `lstm backtest` had neither option (always ONE_SERIES and growth.DEFAULT_CHOICE)."""
    out = run("backtest", MONTHLY, "-q", *given)
    assert "recorded" in _error(out)
    (call,) = backtest_calls
    assert call["season_fits"] == fits and call["choose_growth"] == choose and call["config"].damped_growth == phi


def test_backtest_damped_growth_season_keeps_trains_business_day_exception(run, backtest_calls):
    """As lstm train: on business days the growth is not tried by default, and not by `season` either."""
    for given in ((), ("--damped-growth", "season")):
        run("backtest", str(SAMPLES / "daily_stock.csv"), "-q", *given)
    assert [c["choose_growth"] for c in backtest_calls] == [False, False]


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (("--season-fits", "nope"), "--season-fits 'nope' is not known"),
        (("--damped-growth", "nope"), "--damped-growth 'nope' is not a number, auto, season or trend"),
        (("--damped-growth", "2"), "--damped-growth 2.0 is not possible"),
        (("--damped-growth", "0.9", "--auto"), "--damped-growth cannot be combined with --auto"),
        (("--damped-growth", "0.9", "--target", "level"), "--damped-growth cannot be combined with --target level"),
    ],
)
def test_backtest_refuses_what_train_refuses(run, backtest_calls, given, says):
    line = _error(run("backtest", MONTHLY, "-q", *given))
    assert says in line and "recorded" not in line, line
    assert not backtest_calls


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (("--damped-growth", "auto"), "--damped-growth auto is for one series, not a panel"),
        (("--season-fits", "shrink"), "--season-fits shrink is for one series"),
    ],
)
def test_backtest_of_a_panel_refuses_one_series_choices(run, tmp_path, given, says):
    a, b = daily_csv(tmp_path, 60, seed=1), daily_csv(tmp_path, 61, seed=2)
    assert says in _error(run("backtest", str(a), str(b), "-q", *given))
