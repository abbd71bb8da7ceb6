"""`predict --data`: the interval recalibrated with the errors of forecasts made after training."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import REPO, random_walk

from lstmcli import intervals
from lstmcli.forecast import Forecaster
from lstmcli.modelfile import IntervalInfo
from lstmcli.training import TrainConfig

DATA = REPO / "tests" / "data"
FAST = TrainConfig(window=10, hidden=8, epochs=3, seed=0)


@pytest.fixture(scope="module")
def calm_then_wild():
    """600 calm steps (vol 0.5%) to train on, then 150 steps five times as volatile."""
    rng = np.random.default_rng(4)
    calm = random_walk(600, rng=rng, start=100, drift=0, vol=0.005)
    wild = calm[-1] * np.exp(np.cumsum(rng.normal(0, 0.025, 150)))
    prices = np.concatenate([calm, wild])
    return Forecaster(FAST).fit(prices[:600]), prices


def test_the_rows_after_training_are_found_by_value(calm_then_wild):
    f, prices = calm_then_wild
    assert f._rows_after_training(prices[:600, None]) == 0
    assert f._rows_after_training(prices[:, None]) == 150
    assert f._rows_after_training(prices[250:700, None]) == 100  # a later slice of the same series
    assert f._rows_after_training(prices[:, None] * 1.0001) == 0  # another series: nothing to recalibrate with


def test_newer_volatility_widens_the_interval(calm_then_wild):
    f, prices = calm_then_wild
    static = f.predict(5, prices[:600])  # the training data itself: nothing newer
    recal = f.predict(5, prices)
    assert static.recalibrated == 0 and recal.recalibrated == intervals.RECENT_ORIGINS
    width = lambda fc: np.log(fc.upper / fc.lower)  # noqa: E731  (relative width: the levels differ)
    assert (width(recal) > 3 * width(static)).all()
    assert f.predict(5, prices[:620]).recalibrated == 20  # only origins whose step 1 is known


def test_the_calibration_is_the_newest_origins_errors(calm_then_wild):
    """The recalibrated quantiles are exactly those of the stored errors then the new ones, newest 100."""
    f, prices = calm_then_wild
    info, got = f.info.intervals, f._recalibrated(prices[:, None], 150)
    rows = np.arange(650, 750)
    fc = f.paths(np.stack([prices[r - 11 : r, None] for r in rows]), len(info.quantiles))[:, :, 0]
    errs = intervals.errors(fc, prices, rows, log_ratio=True)
    assert got[1] == 100
    np.testing.assert_array_equal(got[0].recent_errors, errs)  # 100 new origins displace the stored ones
    h0 = errs[:, 0]
    assert got[0].quantiles[0, -1] == intervals.conformal_quantiles(h0, intervals.INTERVAL_LEVELS)[-1]


def test_from_errors_matches_the_per_horizon_calibration():
    rng = np.random.default_rng(0)
    actual = 100 + rng.normal(0, 1, 100).cumsum()
    forecasts = actual[30:75, None] + rng.normal(0, 1, (45, 4))  # origins' step h forecasts row 30 + k + h
    info = intervals.calibrate(forecasts, actual, np.arange(30, 75), log_ratio=False)
    for h in range(4):  # every forecast row is inside the data here (74 + 3 < 100); 45 >= 39 errors: two tails
        e = actual[np.arange(30, 75) + h] - forecasts[:, h]
        np.testing.assert_array_equal(info.quantiles[h], intervals.conformal_quantiles(e, intervals.INTERVAL_LEVELS))
    assert info.origins == (45, 45, 45, 45) and info.recent_errors.shape == (45, 4)
    few = intervals.calibrate(forecasts[:25], actual, np.arange(30, 55), log_ratio=False)  # 25: symmetric
    e = actual[np.arange(30, 55)] - forecasts[:25, 0]
    np.testing.assert_array_equal(few.quantiles[0], intervals.few_quantiles(e, intervals.FEW_COVERAGES))
    assert intervals.is_few(few) and few.origins == (25, 25, 25, 25)


def test_recent_errors_round_trip_through_the_model_file(calm_then_wild, tmp_path):
    f, prices = calm_then_wild
    errs = f.info.intervals.recent_errors
    assert errs.shape == (intervals.RECENT_ORIGINS, len(f.info.intervals.quantiles)) and np.isnan(errs).any()
    g = Forecaster.load(f.save(tmp_path / "m.npz"))
    np.testing.assert_allclose(g.info.intervals.recent_errors, errs, rtol=1e-6, equal_nan=True)
    assert g.predict(5, prices).recalibrated == intervals.RECENT_ORIGINS


def test_older_files_have_no_errors_to_recalibrate_with():
    f = Forecaster.load(DATA / "v1_dated_logreturn.npz")
    assert f.info.intervals.recent_errors is None
    newer = np.vstack([f.info.tail.values, f.info.tail.values[-30:] * 1.01])
    assert f.predict(5, newer).recalibrated == 0


@pytest.mark.parametrize("bad", [[[1.0, "x"]], [[1.0]], [[float("inf"), 1.0]]])
def test_malformed_recent_errors_are_refused(bad):
    d = {"kind": "difference", "levels": [0.05, 0.95], "quantiles": [[-1, 1], [-2, 2]], "origins": [20, 20]}
    IntervalInfo.from_dict(d)
    with pytest.raises(ValueError, match="recent errors are malformed"):
        IntervalInfo.from_dict({**d, "recent_errors": bad})


def test_cli_says_the_interval_was_recalibrated(tmp_path, run, calm_then_wild):
    _, prices = calm_then_wild
    days = np.busday_offset(np.datetime64("2020-01-01"), np.arange(750), roll="forward")
    for name, n in (("train.csv", 600), ("newer.csv", 750)):
        rows = "".join(f"{d},{p:.6f}\n" for d, p in zip(days[:n], prices[:n], strict=True))
        (tmp_path / name).write_text("Date,Close\n" + rows)
    model = str(tmp_path / "m.npz")
    assert (
        run("train", str(tmp_path / "train.csv"), "--window", "10", "--epochs", "3", "-q", "--model", model).exit_code
        == 0
    )
    r = run("predict", "--model", model, "--data", str(tmp_path / "newer.csv"), "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["interval_recalibrated_origins"] == intervals.RECENT_ORIGINS
    assert "recalibrated with the errors of 100 forecasts" in r.stderr
