"""Smooth trending series whose training part grows at an almost constant rate (round 9, r9trend).

fpp2's `guinearice` (rice production in Guinea, 1970-2011) grows by 4.4% a year to 5 digits until 2000, then
falls 9.4% in 2001: the training part's log-returns have a standard deviation of 1e-4 of their size, so the
validation part's fall is ~3e4 standard deviations and even an untrained network's validation loss is ~5e8.
Until this round `lstm train` called that "training diverged" (a loss above 1e6) and refused the series with
its defaults; the divergence test is now relative to the loss of a network that always outputs 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstmcli import training
from lstmcli.errors import TrainingError
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig


def _constant_growth_then_a_fall(n: int = 60, fall_at: int = 52) -> np.ndarray:
    """1% growth a step, rounded to 4 decimals (returns constant to ~1e-6), then a 10% fall in the validation part."""
    y = np.round(100 * 1.01 ** np.arange(n), 4)
    y[fall_at:] *= 0.9
    return y


def test_a_near_constant_growth_rate_with_a_fall_in_validation_trains():
    """Fails before round 9: TrainingError "training diverged: the validation loss became 1.514e+10 in epoch 1"."""
    y = _constant_growth_then_a_fall()
    f = Forecaster(TrainConfig(window=10, epochs=3, hidden=4), ensemble=1).fit(y)
    assert f.result.best_val_loss > training.DIVERGED_LOSS  # the loss that used to be called divergence
    forecast = f.predict(3, interval=None).values
    growth = np.diff(np.log(np.r_[y[-1], forecast]))
    assert np.all(np.isfinite(forecast)) and np.all(np.abs(growth - math.log(1.01)) < 0.005), growth


def test_such_a_series_with_the_defaults_trains_an_ensemble():
    """Fails before round 9 (validation loss 1.635e+10 in epoch 1); window 30 on 80 rows, an ensemble of 3."""
    y = _constant_growth_then_a_fall(80, 72)
    f = Forecaster(TrainConfig(epochs=3, hidden=4), auto_window=True, jobs=1).fit(y)
    assert np.all(np.isfinite(f.predict(5, interval=None).values))


def test_zero_guess_loss_is_the_mean_square_of_the_targets():
    series = np.arange(24, dtype=np.float64).reshape(12, 2) / 10  # (M, F)
    rows = np.array([8, 9, 10])
    assert training.zero_guess_loss(series, rows, 2) == pytest.approx(np.mean(series[rows] ** 2))
    assert training.zero_guess_loss(series, rows[:2], 2, direct=True) == pytest.approx(
        np.mean(series[[8, 9, 9, 10], 0] ** 2)
    )
    # the zero guess's loss is evaluate's loss of a network whose head outputs exactly 0
    from lstmcli import engine

    params = engine.init_params(2, 3, 1, 2, np.random.default_rng(0), dtype=np.float64)
    params["head.weight"][...] = 0.0
    params["head.bias"][...] = 0.0
    assert training.evaluate(params, series, 4, rows) == pytest.approx(training.zero_guess_loss(series, rows, 2))


def test_blown_up_weights_still_count_as_diverged_on_such_a_series():
    """The threshold scales with the zero guess's loss; an infinite loss (--lr 1e30) is still divergence."""
    y = _constant_growth_then_a_fall()
    with pytest.raises(TrainingError, match="training diverged"):
        Forecaster(TrainConfig(window=10, epochs=3, hidden=4, lr=1e30), ensemble=1).fit(y)
