"""Prediction intervals from the model's own validation errors (split conformal), NumPy only.

At fit time the model forecasts H steps ahead from every validation origin; the errors at
each horizon h give quantiles (`calibrate`), stored in the model file as an `IntervalInfo`.
At predict time (and in backtests) those quantiles put bounds around a forecast
(`interval_bounds`). Errors are log(actual / forecast) for a log-return model (they scale
with the price), else actual - forecast (price units).

Rules (README "Prediction intervals"):
- Steps: as many horizons are calibrated as keep 9 errors each (what a 90% band needs, below),
  up to 30 (`horizon`); beyond, the band is extrapolated (`interval_bounds`: the last step's
  quantiles times sqrt(h / H), as a random walk's grow) and `extrapolated` names those steps.
- Two tails when every calibrated step has TWO_TAILED_ERRORS (39) errors: the quantiles at
  INTERVAL_LEVELS, each a split-conformal rank (asymmetric bands when the errors are).
- Fewer: split conformal on the absolute errors, a band symmetric around the forecast (both
  tails pool their errors, and a bias that changes sign since validation widens no single
  tail). A coverage q needs n >= q / (1 - q) errors (9 for 90%, 19 for 95%, 1 for 50%); only
  the coverages its n errors reach are stored, and a wider one gets no band (never a narrower
  band under its name). With fewer than 39 errors, two separate 2.5% tails would both be the
  extreme errors, whose "95%" covers only (n - 1) / (n + 1).
- Monotone: each side's width is non-decreasing in the step (the widest so far; `interval_bounds`).
- A series that never went below 0 (in training and in the data forecast from) gets no bound
  or forecast below 0 (`floor`): bounds are computed around the model's forecast, then clipped.
"""

from __future__ import annotations

import math

import numpy as np

from lstmcli.errors import OptionError
from lstmcli.modelfile import IntervalInfo

#: quantile levels of the stored validation errors, enough for 50..95% intervals
INTERVAL_LEVELS = (0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975)
MAX_INTERVAL_HORIZON = 30
MIN_INTERVAL_ORIGINS = 20  # model files from before short series had bands needed this many validation origins
MAX_INTERVAL_ORIGINS = 5000
#: central coverages a short series' few errors may calibrate (symmetric bands), narrowest first
FEW_COVERAGES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
DEFAULT_COVERAGE = 0.9  # what `lstm predict` shows unless told otherwise
RECENT_ORIGINS = 100  # errors kept per model file, and the calibration set once newer data brings more
INTERRUPTED_ORIGINS = 500  # after Ctrl-C: fewer origins, so stopping stays prompt (the counts are stored)


def horizon(origins: int) -> int:
    """How many steps ahead `origins` validation origins can calibrate (< 1: too few for any).

    Step h is scored on origins - h + 1 of them: as many steps as keep the errors the default
    90% band needs (`errors_needed`: 9), at most MAX_INTERVAL_HORIZON, and at least step 1
    (whose `origins` errors reach the coverages they can). Steps beyond are extrapolated.
    """
    if origins < 1:
        return 0
    return max(1, min(MAX_INTERVAL_HORIZON, origins - errors_needed(DEFAULT_COVERAGE) + 1))


def errors_needed(coverage: float) -> int:
    """The fewest absolute errors whose split-conformal quantile reaches `coverage`: ceil((n + 1) q) <= n."""
    return math.ceil(coverage / (1 - coverage) - 1e-9)


#: errors a step needs for two tails: the outermost stored level (0.975) as a conformal rank, not the largest error
TWO_TAILED_ERRORS = errors_needed(INTERVAL_LEVELS[-1])  # 39


def reachable(n: int) -> tuple[float, ...]:
    """The FEW_COVERAGES that n absolute errors calibrate (empty for n < 1)."""
    return tuple(c for c in FEW_COVERAGES if n >= errors_needed(c))


def is_few(info: IntervalInfo) -> bool:
    """True for a symmetric band (fewer than TWO_TAILED_ERRORS errors at some horizon), False for two tails."""
    return len(info.levels) != len(INTERVAL_LEVELS) or not np.allclose(info.levels, INTERVAL_LEVELS)


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


def from_errors(
    errs: np.ndarray, log_ratio: bool, keep: int = RECENT_ORIGINS, symmetric: bool | None = None
) -> IntervalInfo | None:
    """Error quantiles at each horizon from errors (V, H) (NaN: not observed), with the newest `keep` rows kept.

    `symmetric` None: symmetric bands (`few_quantiles`) when some horizon has fewer than
    TWO_TAILED_ERRORS errors, else each tail separately. None when no horizon has an error.
    """
    columns = [errs[:, h][~np.isnan(errs[:, h])] for h in range(errs.shape[1])]  # H arrays of errors
    counts = [len(e) for e in columns]
    if not counts or min(counts) < 1:
        return None
    if symmetric is None:
        symmetric = min(counts) < TWO_TAILED_ERRORS
    if symmetric:
        coverages = reachable(min(counts))
        levels = np.array([(1 - c) / 2 for c in reversed(coverages)] + [(1 + c) / 2 for c in coverages])
        quantiles = [few_quantiles(e, coverages) for e in columns]
    else:
        levels = np.asarray(INTERVAL_LEVELS)
        quantiles = [conformal_quantiles(e, INTERVAL_LEVELS) for e in columns]
    return IntervalInfo(
        kind="log-ratio" if log_ratio else "difference",
        levels=levels,
        quantiles=np.asarray(quantiles),
        origins=tuple(counts),
        recent_errors=errs[-keep:].copy(),
    )


def few_quantiles(errors: np.ndarray, coverages: tuple[float, ...]) -> np.ndarray:
    """Symmetric band edges (2C,) for C coverages (widest first below 0, narrowest first above) from n errors.

    Split conformal on the absolute errors: the band of coverage q is +-the ceil((n + 1) q)-th
    smallest |error|, which covers at least q of new errors exchangeable with these (q reachable:
    ceil((n + 1) q) <= n, see `reachable`).
    """
    a = np.sort(np.abs(np.asarray(errors, dtype=np.float64)))  # (n,)
    n = len(a)
    half = [float(a[min(math.ceil((n + 1) * c - 1e-9), n) - 1]) for c in coverages]  # (C,) narrowest first
    return np.array([-h for h in reversed(half)] + half)


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
    so. Two tails: horizons with fewer than MIN_INTERVAL_ORIGINS errors keep the stored quantiles
    (as model files before symmetric bands did). A symmetric band is replaced when the newer
    errors make more of them at every horizon (two-tailed once there are TWO_TAILED_ERRORS).
    """
    if info.recent_errors is None or not len(newer):
        return info
    newest = np.vstack([info.recent_errors, newer[:, : len(info.quantiles)]])[-RECENT_ORIGINS:]  # (<= 100, H)
    log_ratio = info.kind == "log-ratio"
    if is_few(info):
        fresh = from_errors(newest, log_ratio)
        return fresh if fresh is not None and min(fresh.origins) >= min(info.origins) else info
    fresh = from_errors(newest, log_ratio, symmetric=False)
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


def coverages(info: IntervalInfo) -> tuple[float, ...]:
    """The central coverages stored exactly (a short series' symmetric bands), or all up to the widest."""
    if is_few(info):
        return tuple(round(float(2 * hi - 1), 6) for hi in info.levels[len(info.levels) // 2 :])  # upper edges
    return FEW_COVERAGES


def reaches(coverage: float, info: IntervalInfo) -> bool:
    """True when the stored errors calibrate `coverage` (False: too few errors for so wide a band)."""
    return coverage <= widest_interval(info) + 1e-9


def few_errors_note(info: IntervalInfo, coverage: float | None) -> str | None:
    """A sentence for a band from few errors (or none, when `coverage` is out of their reach); None otherwise.

    Said of a series with fewer than MIN_INTERVAL_ORIGINS validation origins (which had no band
    before symmetric bands) or a coverage its errors do not reach; `interval_calibration` in
    --json gives every model's counts.
    """
    if not is_few(info) or (info.origins[0] >= MIN_INTERVAL_ORIGINS and (coverage is None or reaches(coverage, info))):
        return None
    n, H, most = min(info.origins), len(info.origins), max(info.origins)
    count = f"{n} validation error{'s' * (n != 1)}" if n == most else f"{most} to {n} validation errors"
    steps = "step 1" if H == 1 else f"steps 1-{H}"
    if coverage is not None and not reaches(coverage, info):
        widest = widest_interval(info)
        return (
            f"no {level_label(coverage)}% interval: a {level_label(coverage)}% band needs "
            f"{errors_needed(coverage)} validation errors per step, and this short series' model has "
            f"{count} ({steps}); --interval {widest:g} or less gives one."
        )
    return (
        # errors per step ahead, fewer for further steps ("18 to 9 ... (steps 1-10)" left to guess which is which)
        f"the interval is calibrated on only "
        f"{f'{count} ({steps})' if n == most else f'{most} validation errors for step 1, down to {n} for step {H}'}"
        ", as a band symmetric around the "
        f"forecast{' (in ratio terms)' if info.kind == 'log-ratio' else ''}; its coverage on new data is "
        "less certain than a longer series' band."
    )


def check_interval(coverage: float, info: IntervalInfo) -> None:
    """Raise OptionError when `coverage` is wider than the stored error quantiles can calibrate.

    Quietly giving the widest band instead (a 95% band asked for as 99%) is a wrong answer
    with exit 0; the message names what the model can give.
    """
    widest = widest_interval(info) if not is_few(info) else round(INTERVAL_LEVELS[-1] - INTERVAL_LEVELS[0], 6)
    if coverage > widest + 1e-9:  # (a short series' narrower reach gives no band and a note: `few_errors_note`)
        raise OptionError(
            f"--interval {coverage:g} is wider than this model can calibrate (at most {widest:g})",
            hint=f"ask for --interval {widest:g} or less: the model stores its validation errors' "
            f"quantiles from {info.levels[0]:.1%} to {info.levels[-1]:.1%}"
            if not is_few(info)
            else f"ask for --interval {widest:g} or less",
        )


def level_label(coverage: float) -> str:
    """A coverage as the percent in a column name: 0.9 -> '90', 0.925 -> '92.5'."""
    return f"{round(100 * coverage, 6):g}"


def interval_bounds(
    info: IntervalInfo, forecast: np.ndarray, coverage: float, floor: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds (days,) around a forecast from the stored validation errors.

    Each side's distance from the forecast (in error terms) never shrinks from one step to the
    next: it is the widest of the steps so far, which only ever widens a band. Beyond the longest
    horizon measured (`extrapolated`), the last step's quantiles grow with sqrt(horizon), as a
    random walk's do. `floor` (0 for a series never below 0, `floor`): no bound below it, applied
    last (a floored lower bound may then rise with the step).
    """
    levels, q = info.levels, info.quantiles  # (L,), (H, L)
    lo_p, hi_p = (1 - coverage) / 2, (1 + coverage) / 2
    if lo_p < levels[0] - 1e-12:
        lo_p, hi_p = levels[0], levels[-1]  # widest we measured
    H = len(q)
    # each side's width never shrinks with the step: per-step quantiles of few errors can make step 3
    # narrower than step 2, but uncertainty does not fall with the horizon (the widest so far is kept)
    lo_steps = np.minimum.accumulate([np.interp(lo_p, levels, row) for row in q])  # (H,)
    hi_steps = np.maximum.accumulate([np.interp(hi_p, levels, row) for row in q])  # (H,)
    steps = np.arange(len(forecast))  # (days,)
    grow = np.sqrt(np.maximum(steps + 1, H) / H)  # 1 up to H, then sqrt(h / H)
    lo, hi = lo_steps[np.minimum(steps, H - 1)] * grow, hi_steps[np.minimum(steps, H - 1)] * grow
    if info.kind == "log-ratio":
        lower, upper = forecast * np.exp(lo), forecast * np.exp(hi)
    else:
        lower, upper = forecast + lo, forecast + hi
    if floor is not None:
        lower, upper = np.maximum(lower, floor), np.maximum(upper, floor)
    return lower, upper


def extrapolated(info: IntervalInfo, days: int) -> np.ndarray:
    """(days,) True for the steps beyond the calibrated horizons, whose band `interval_bounds` extrapolates."""
    return np.arange(1, days + 1) > len(info.quantiles)


def extrapolation_note(info: IntervalInfo, days: int, labels: list[str] | None = None) -> str | None:
    """A sentence naming the steps (their dates, when `labels`) whose band is extrapolated, and how; None if none."""
    H = len(info.quantiles)
    if days <= H:
        return None
    first, last = H + 1, days
    steps = f"step {first}" if first == last else f"steps {first}-{last}"
    when = "" if labels is None else (f" ({labels[H]})" if first == last else f" ({labels[H]} to {labels[-1]})")
    return (
        f"the band of {steps}{when} is extrapolated: the model's validation errors calibrate "
        f"{'step 1' if H == 1 else f'steps 1-{H}'} only; beyond, step {H}'s error quantiles grow with "
        f"sqrt(step / {H}), as a random walk's do."
    )


def floor(nonnegative: bool | None, history: np.ndarray | None = None) -> float | None:
    """0.0 when the training series never went below 0 (`nonnegative`) nor did `history` (N,); else None.

    None (no floor) for model files written before the flag existed: they forecast as they did.
    """
    if not nonnegative:
        return None
    if history is not None and bool((np.asarray(history) < 0).any()):
        return None
    return 0.0


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
            if 10 <= v < 100:  # a percentage (95 for 0.95): name the share it means
                raise OptionError(
                    f"--interval {text}: {part} is not a coverage between 0 and 1",
                    hint=f"for {part}% write --interval {v / 100:g}",
                )
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
    info: IntervalInfo, forecast: np.ndarray, levels: list[float], floor: float | None = None
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Bounds for each coverage in `levels` (narrowest first), each checked against the stored quantiles."""
    for level in levels:
        check_interval(level, info)
    return {level: interval_bounds(info, forecast, level, floor) for level in sorted(levels)}
