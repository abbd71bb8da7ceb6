"""Prediction intervals from the model's own validation errors (split conformal), NumPy only.

At fit time the model forecasts H steps ahead from every validation origin; the errors at
each horizon h give quantiles (`calibrate`), stored in the model file as an `IntervalInfo`.
At predict time (and in backtests) those quantiles put bounds around a forecast
(`interval_bounds`). Errors are log(actual / forecast) for a log-return model (they scale
with the price), else actual - forecast (price units).
"""

from __future__ import annotations

import math

import numpy as np

from lstmcli.errors import OptionError
from lstmcli.modelfile import IntervalInfo

#: quantile levels of the stored validation errors, enough for 50..95% intervals
INTERVAL_LEVELS = (0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975)
MAX_INTERVAL_HORIZON = 30
MIN_INTERVAL_ORIGINS = 20
MAX_INTERVAL_ORIGINS = 5000
RECENT_ORIGINS = 100  # errors kept per model file, and the calibration set once newer data brings more
INTERRUPTED_ORIGINS = 500  # after Ctrl-C: fewer origins, so stopping stays prompt (the counts are stored)


def horizon(origins: int) -> int:
    """How many steps ahead `origins` validation origins can calibrate (< 1: too few for any)."""
    return min(MAX_INTERVAL_HORIZON, origins - MIN_INTERVAL_ORIGINS + 1)


def conformal_quantiles(errors: np.ndarray, levels: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Split-conformal quantiles (len(levels),) of n calibration errors, safe for small n.

    An upper level q takes the ceil((n + 1) q)-th smallest error and a lower level the
    floor((n + 1) q)-th (clamped to the largest / smallest), as split conformal prediction
    does: a plain interpolated quantile of n errors covers about n/(n + 1) of what it should,
    which for the 20-30 validation origins of a short monthly series is 5-10 points short.
    """
    e = np.sort(np.asarray(errors, dtype=np.float64))  # (n,)
    n = len(e)
    out = []
    for q in levels:
        if q == 0.5:
            out.append(float(np.median(e)))
            continue
        k = math.ceil((n + 1) * q - 1e-9) if q > 0.5 else math.floor((n + 1) * q + 1e-9)  # 1-based rank
        out.append(float(e[min(max(k, 1), n) - 1]))
    return np.asarray(out)


def errors(forecasts: np.ndarray, actual: np.ndarray, first_rows: np.ndarray, log_ratio: bool) -> np.ndarray:
    """Errors (V, H) of forecasts (V, H) made from V origins; NaN where the data ends first.

    `actual` (N,) is the target column's prices; origin k's step h forecasts row first_rows[k] + h.
    Errors are log(actual / forecast) for a log-return model, else actual - forecast.
    """
    rows = np.asarray(first_rows)[:, None] + np.arange(forecasts.shape[1])  # (V, H)
    inside = rows < len(actual)
    a = np.where(inside, actual[np.minimum(rows, len(actual) - 1)], np.nan)  # (V, H)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(a / forecasts) if log_ratio else a - forecasts


def from_errors(errs: np.ndarray, log_ratio: bool, keep: int = RECENT_ORIGINS) -> IntervalInfo:
    """Error quantiles at each horizon from errors (V, H) (NaN: not observed), with the newest `keep` rows kept."""
    quantiles, counts = [], []
    for h in range(errs.shape[1]):
        e = errs[:, h][~np.isnan(errs[:, h])]
        quantiles.append(conformal_quantiles(e, INTERVAL_LEVELS))
        counts.append(len(e))
    return IntervalInfo(
        kind="log-ratio" if log_ratio else "difference",
        levels=np.asarray(INTERVAL_LEVELS),
        quantiles=np.asarray(quantiles),
        origins=tuple(counts),
        recent_errors=errs[-keep:].copy(),
    )


def calibrate(forecasts: np.ndarray, actual: np.ndarray, first_rows: np.ndarray, log_ratio: bool) -> IntervalInfo:
    """Error quantiles at each horizon of forecasts (V, H) made from V origins.

    `actual` (N,) is the target column's prices; origin k's step h forecasts row
    first_rows[k] + h. Step h is scored on the V - h origins whose row is still in the data.
    """
    return from_errors(errors(forecasts, actual, first_rows, log_ratio), log_ratio)


def recalibrate(info: IntervalInfo, newer: np.ndarray) -> IntervalInfo:
    """The interval calibrated on the newest RECENT_ORIGINS origins: the stored recent errors, then `newer` (n, H).

    Adaptive in the spirit of online conformal prediction: when the series has moved on since
    training (volatility up or down), the errors of the forecasts the model made since then say
    so. Horizons with fewer than MIN_INTERVAL_ORIGINS errors keep the stored quantiles.
    """
    if info.recent_errors is None or not len(newer):
        return info
    newest = np.vstack([info.recent_errors, newer[:, : len(info.quantiles)]])[-RECENT_ORIGINS:]  # (<= 100, H)
    fresh = from_errors(newest, info.kind == "log-ratio")
    enough = np.asarray(fresh.origins) >= MIN_INTERVAL_ORIGINS  # (H,)
    return IntervalInfo(
        kind=info.kind,
        levels=info.levels,
        quantiles=np.where(enough[:, None], fresh.quantiles, info.quantiles),
        origins=tuple(int(n) if ok else int(o) for n, ok, o in zip(fresh.origins, enough, info.origins, strict=True)),
        recent_errors=fresh.recent_errors,
    )


def widest_interval(info: IntervalInfo) -> float:
    """The widest coverage the stored error quantiles can give (0.95 for levels 0.025..0.975)."""
    return round(float(info.levels[-1] - info.levels[0]), 6)


def check_interval(coverage: float, info: IntervalInfo) -> None:
    """Raise OptionError when `coverage` is wider than the stored error quantiles can calibrate.

    Quietly giving the widest band instead (a 95% band asked for as 99%) is a wrong answer
    with exit 0; the message names what the model can give.
    """
    widest = widest_interval(info)
    if coverage > widest + 1e-9:
        raise OptionError(
            f"--interval {coverage:g} is wider than this model can calibrate (at most {widest:g})",
            hint=f"ask for --interval {widest:g} or less: the model stores its validation errors' "
            f"quantiles from {info.levels[0]:.1%} to {info.levels[-1]:.1%}",
        )


def level_label(coverage: float) -> str:
    """A coverage as the percent in a column name: 0.9 -> '90', 0.925 -> '92.5'."""
    return f"{round(100 * coverage, 6):g}"


def interval_bounds(info: IntervalInfo, forecast: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds (days,) around a forecast from the stored validation errors.

    Beyond the longest horizon measured, the error quantiles grow with sqrt(horizon), as a
    random walk's do.
    """
    levels, q = info.levels, info.quantiles  # (L,), (H, L)
    lo_p, hi_p = (1 - coverage) / 2, (1 + coverage) / 2
    if lo_p < levels[0] - 1e-12:
        lo_p, hi_p = levels[0], levels[-1]  # widest we measured
    H = len(q)
    lows, highs = [], []
    for h in range(len(forecast)):
        row = q[min(h, H - 1)]
        grow = math.sqrt((h + 1) / H) if h >= H else 1.0
        lows.append(np.interp(lo_p, levels, row) * grow)
        highs.append(np.interp(hi_p, levels, row) * grow)
    lo, hi = np.asarray(lows), np.asarray(highs)
    if info.kind == "log-ratio":
        return forecast * np.exp(lo), forecast * np.exp(hi)
    return forecast + lo, forecast + hi


def parse_levels(text: str) -> list[float]:
    """`--interval 0.5,0.9` -> [0.5, 0.9] (sorted, once each); "0" -> [] (no interval).

    Each level must be a coverage between 0 and 1; whether the model can calibrate it is
    checked against its stored quantiles (`check_interval`) once the model is loaded.
    """
    levels = set()
    for part in [p.strip() for p in str(text).split(",")]:
        try:
            v = float(part)
        except ValueError:
            raise OptionError(
                f"--interval {text}: {part!r} is not a number", hint="give coverages such as 0.9 or 0.5,0.9"
            ) from None
        if not math.isfinite(v) or not 0 <= v < 1 or (v == 0 and "," in str(text)):
            if "," not in str(text):  # one value: the words check_horizon has always used
                raise OptionError(
                    f"--interval {text} is not possible", hint="use a coverage such as 0.9, or 0 for none"
                )
            raise OptionError(
                f"--interval {text}: {part} is not a coverage",
                hint="use coverages between 0 and 1 such as 0.5,0.9, or 0 alone for none",
            )
        levels.add(v)
    return sorted(v for v in levels if v > 0)


def several_bands(
    info: IntervalInfo, forecast: np.ndarray, levels: list[float]
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Bounds for each coverage in `levels` (narrowest first), each checked against the stored quantiles."""
    for level in levels:
        check_interval(level, info)
    return {level: interval_bounds(info, forecast, level) for level in sorted(levels)}
