"""PROTOTYPE (round 7, r7drift): `--local-drift` (TrainConfig.local_drift, levels.LevelInput.drift): column 0 of the
network's input and target relative to the window's mean of it, the mean added back to the head's output."""

from __future__ import annotations

import numpy as np
import pytest

from lstmcli import engine, levels, training
from lstmcli.forecast import Forecaster, histories, model_input, recursive_forecast
from lstmcli.training import TrainConfig
from lstmcli.transforms import to_target

T = np.arange(220.0)
TREND = 100 * np.exp(
    0.01 * T + 0.1 * np.sin(2 * np.pi * T / 10) + np.cumsum(np.random.default_rng(2).normal(0, 0.02, 220))
)


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    cfg = TrainConfig(window=12, hidden=6, epochs=5, patience=3, seed=1, local_drift=True)
    return Forecaster(cfg, season="none").fit(TREND)


def test_training_windows_and_targets_are_relative_to_the_windows_mean_as_forecasts_read_them(fitted):
    f, W = fitted, fitted.config.window
    assert f.level.drift and f.level.to_dict()["drift"] is True
    z = to_target(TREND[:, None], f.target)
    lev = levels.levels(z[:, 0], f.target)
    rows = np.arange(W, len(z))
    scaled = f.info.scaler.transform(z)
    series = np.concatenate([scaled, f.level.series_column(lev, 150)[:, None]], axis=1)
    x, y = training.gather(series, W, rows, 1, level=True, drift=True)
    _, built = model_input(
        f.info.scaler, f.target, histories(TREND[:, None], W, f.target, rows), np.float64, level=f.level
    )
    np.testing.assert_allclose(x, built, atol=1e-12)
    np.testing.assert_allclose(x[:, :, 0].mean(axis=1), 0, atol=1e-12)
    mean = np.array([scaled[r - W : r, 0].mean() for r in rows])
    np.testing.assert_allclose(y[:, 0], scaled[rows, 0] - mean, atol=1e-12)
    # a forecast's first step: the head's output plus the window's mean of column 0, to a price
    hist = histories(TREND[:, None], W, f.target, rows[-1:] + 1)
    _, x1 = model_input(f.info.scaler, f.target, hist, np.float32, level=f.level)
    step = engine.predict(f.params, x1).astype(np.float64)[:, 0] + scaled[-W:, 0].mean()
    want = TREND[-1] * np.exp(f.info.scaler.inverse(step[:, None])[:, 0])
    got = recursive_forecast(f.params, f.info.scaler, f.target, W, hist, 2, level=f.level)
    np.testing.assert_allclose(got[:, 0, 0], want, rtol=1e-6)


def test_the_drift_survives_the_model_file_and_needs_the_level_input(fitted, tmp_path):
    loaded = Forecaster.load(fitted.save(tmp_path / "m.npz"))
    assert loaded.level.drift and loaded.config.local_drift
    np.testing.assert_array_equal(loaded.predict(7).values, fitted.predict(7).values)
    with pytest.raises(Exception, match="local-drift"):
        TrainConfig(local_drift=True, level_input=False).validate()
