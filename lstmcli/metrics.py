"""Forecast error metrics, in price units (NumPy only).

MASE divides by the mean absolute error of the in-sample naive forecast (seasonal naive
with `season` > 1) on the training data. So 1.0 means "an error as large as naive's was in
training", not "as good as naive here": below 1 does NOT mean the forecast beats naive on
the rows scored (naive itself often scores above or below 1 there). To compare, score naive
on the same rows and compare the two MASEs (as `lstm train` and `lstm backtest` do).
"""

from __future__ import annotations

import numpy as np


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))))


def rmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(forecast)) ** 2)))


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error, in percent; NaN when an actual value is 0."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    if np.any(a == 0):
        return float("nan")
    return float(100 * np.mean(np.abs((a - f) / a)))


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric MAPE in percent (0..200): mean of 2|a - f| / (|a| + |f|), 0/0 counted as 0."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    den = np.abs(a) + np.abs(f)
    ratio = np.divide(2 * np.abs(a - f), den, out=np.zeros_like(den), where=den > 0)
    return float(100 * np.mean(ratio))


def naive_scale(history: np.ndarray, season: int = 1) -> float:
    """In-sample MAE of the (seasonal) naive forecast: the denominator of MASE."""
    h = np.asarray(history, dtype=float)
    if len(h) <= season:
        return float("nan")
    return float(np.mean(np.abs(h[season:] - h[:-season])))


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    """Mean absolute scaled error: MAE / scale (scale from `naive_scale` on training data)."""
    if not scale > 0:
        return float("nan")
    return mae(actual, forecast) / scale


def directional_accuracy(previous: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> float:
    """Share (in percent) of steps where the forecast called the move from `previous` right.

    A flat actual move counts as right only for a flat forecast.
    """
    p, a, f = (np.asarray(v, dtype=float) for v in (previous, actual, forecast))
    return float(100 * np.mean(np.sign(a - p) == np.sign(f - p)))


def paired_t(errors: np.ndarray, other: np.ndarray) -> float | None:
    """t = mean(d) / (sd(d) / sqrt(n)) of d = |errors| - |other|, row by row: is one forecast's error lower than
    another's on the same rows by more than chance? t < 0: `errors` are smaller. For one-step errors (each row's
    forecast made with the row before it known) the rows' differences are close to independent, which is what
    the test assumes (Diebold and Mariano's statistic at horizon 1). None under 3 rows or when every d is equal."""
    d = np.abs(np.asarray(errors, dtype=float)) - np.abs(np.asarray(other, dtype=float))
    n = len(d)
    sd = float(np.std(d, ddof=1)) if n >= 3 else 0.0
    if n < 3 or not sd > 0 or not np.isfinite(sd):
        return None
    return float(np.mean(d)) / (sd / np.sqrt(n))


#: Student's t at 97.5% for 1-4 degrees of freedom, where the expansion below is off by up to 3% (4.17 for 4.30)
_T_SMALL = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445}


def t_critical(df: int) -> float:
    """Student's t at 97.5% (a two-sided 5% test) for `df` degrees of freedom, without scipy: exact for df 1-4,
    from there on the Cornish-Fisher expansion around the normal's 1.96 (within 0.2% of the exact value: 2.57 at
    5, 2.09 at 19)."""
    if df in _T_SMALL:
        return _T_SMALL[df]
    z, v = 1.959963984540054, float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )
