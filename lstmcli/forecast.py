"""Forecasting: fit a model to a price series, forecast N steps, judge it against naive.

The Python API the CLI itself uses:

    >>> from lstmcli.forecast import Forecaster
    >>> forecaster = Forecaster().fit(prices)     # (N,) or (N, F) prices, column 0 the target
    >>> forecaster.predict(5).values              # a Forecast: the next 5 prices, dated
    >>> forecaster.info.validation.model.mae      # the model file's metadata, typed (modelfile.ModelInfo)
    >>> forecaster.save("lstm-model.npz"); Forecaster.load("lstm-model.npz")

Horizon strategy: *recursive* (the default): the network predicts one step of every input
column; each prediction is fed back as the newest input to predict the next step. *direct*
(`strategy="direct"`, `horizon=H`): the head emits the next H steps of the target column at
once, as neuralforecast's models do: no prediction is fed back, so one step's error cannot
compound into the next, but the model forecasts at most H steps. The strategy is named in
the model file and in the output. Every validation number is one-step-ahead, in price
units, beside the naive forecast (tomorrow = today) and drift (naive + the training trend).
Prediction intervals come from the model's own validation errors (intervals.py).

Seasons (seasons.py): `Forecaster(season="auto")` looks for a season on the training part at
fit time. With one, the network also reads `season sin`/`season cos` of each row's phase (two
input columns it does not predict; each fed-back step gets the next row's); a second fit on
the seasonally adjusted series and a third on the seasonal difference (the network learns
log y[t] - log y[t-m]; forecasts map back from the price m steps before, so an output of 0 is
seasonal naive) are made, and the fit with the lowest one-step validation MAE is kept. Weekly data without a
season (a year is 52.18 weeks) get `year sin`/`year cos`, the position in the year, kept only
when the fit's validation MAE is lower than a second fit's without them.

NumPy only at import time: `lstm predict` never loads pandas.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lstmcli import engine, intervals, metrics, modelfile, parallel, periods, seasons
from lstmcli import ensemble as _ensemble
from lstmcli import growth as _growth
from lstmcli import levels as _levels
from lstmcli import season_fits as _season_fits
from lstmcli.defaults import batch_size_for_windows, split_sizes
from lstmcli.errors import DataError, OptionError, TrainingError
from lstmcli.growth import DampedGrowth
from lstmcli.intervals import (  # noqa: F401  (MIN_INTERVAL_ORIGINS: the CLI's note reads it here)
    INTERRUPTED_ORIGINS,
    MAX_INTERVAL_ORIGINS,
    MIN_INTERVAL_ORIGINS,
    check_interval,
    interval_bounds,
    level_label,
    widest_interval,
)
from lstmcli.levels import LevelInput
from lstmcli.modelfile import (
    DIRECT,
    HORIZON_STRATEGY,
    MAX_DIRECT_HORIZON,
    STRATEGIES,
    DataInfo,
    EnsembleInfo,
    IntervalInfo,
    ModelInfo,
    Scores,
    Tail,
    TrainingInfo,
    ValidationInfo,
)
from lstmcli.seasons import SeasonInfo
from lstmcli.training import EpochReport, TrainConfig, TrainResult, refit_epochs, train
from lstmcli.transforms import (
    AUTO,
    DEFAULT_TARGET,
    Scaler,
    Target,
    check_target,
    next_price,
    offset,
    resolve_target,
    to_target,
)

MAX_DAYS = 10_000  # longest forecast: far beyond anything a recursive one-step model can tell
TAIL_ROWS = 250  # recent history kept in the model file (for predict's chart and context)
MAX_ABS_PRICE = 1e100  # larger values are refused: their squares would overflow float64


def _iso(d: np.datetime64 | None) -> str | None:
    return None if d is None else str(np.datetime64(d, "s"))


def model_input(
    scaler: Scaler,
    kind: Target,
    history: np.ndarray,
    dtype: np.dtype,
    season: SeasonInfo | None = None,
    last_phase: np.ndarray | int | None = None,
    level: LevelInput | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The network's input for B histories of prices (B, W + offset, F), the one way to build it.

    Returns (target series (B, W, F) in float64, scaled input (B, W, F + E) in `dtype`), E the
    extra input columns: the season's (season sin, season cos; none without a season), then
    the level input's (`level`: each row's level vs the window's mean, levels.py). With a
    season, `last_phase` (B,) is the phase of each history's last row; a seasonally adjusted
    model sees the adjusted prices. `recursive_forecast` and `lstm inspect --step-trace`
    (trace.py) both use it.
    """
    raw = history
    if season is not None:
        history = season.adjusted(history, _phases(history.shape[1], last_phase))  # (B, W + off, F)
    # (B, W, F); a seasonal difference (season.lag m): (B, W + offset - m, F), the network's shorter window
    z = to_target(history, kind, axis=1, lag=seasons.target_lag(season))
    x = scaler.transform(z)  # (B, W, F)
    if season is not None and season.phase_inputs:
        ph = _phases(history.shape[1], last_phase)[:, kind.offset :]  # (B, W): each input row's own price row
        x = np.concatenate([x, seasons.phase_columns(ph, season.period)], axis=-1)  # (B, W, F + 2)
    if level is not None:
        lev = _window_levels(raw, z, kind, season, last_phase)  # (B, W)
        x = np.concatenate([x, level.column(lev)[:, :, None]], axis=-1)  # (B, W, F + E)
    return z, x.astype(dtype)


def _window_levels(prices, z, kind: Target, season: SeasonInfo | None, last_phase) -> np.ndarray:
    """(B, W) target-space levels the level input reads for histories of prices (B, W + off, F) whose target
    series is z (B, W, F): z's, or with a level adjustment (`SeasonInfo.level_adjust`) the adjusted prices'."""
    if season is None or season.level_adjust is None:
        return _levels.levels(z[:, :, 0], kind)
    adjusted = season.level_adjusted(prices, _phases(prices.shape[1], last_phase))
    return _levels.levels(to_target(adjusted, kind, axis=1)[:, :, 0], kind)


def _phases(n: int, last_phase) -> np.ndarray:
    """(B, n) phases of n consecutive rows ending at phases `last_phase` (B,) (unreduced: taken mod m where used)."""
    last = np.atleast_1d(np.asarray(last_phase, dtype=np.int64))  # (B,)
    return last[:, None] - (n - 1) + np.arange(n)[None, :]  # (B, n)


def recursive_forecast(
    params: dict[str, np.ndarray],
    scaler: Scaler,
    kind: Target,
    window: int,
    history: np.ndarray,
    days: int,
    chunk: int = 256,
    season: SeasonInfo | None = None,
    last_phase: np.ndarray | int | None = None,
    level: LevelInput | None = None,
    growth: DampedGrowth | None = None,
) -> np.ndarray:
    """Forecast `days` steps for each of B histories (B, window + offset, F) of prices.

    Returns (B, days, F) prices. Each step's prediction of every column is fed back in, with
    the next row's season sin/cos when the model reads them; `last_phase` (B,) is the phase of
    each history's last row (with a season). With the level input (`level`) the window's level
    column is rebuilt after each step from the window's levels (the new row's is its step's).
    `growth`: the network learnt column 0 around a damped local growth; step d adds the prior path's
    step d from the history's own window (growth.py).
    Histories are processed `chunk` at a time: memory
    stays bounded for any B, and at 256 the per-step buffers stay in cache (2x the windows/s
    of 2048 at H=64).
    """
    B, N, F = history.shape
    assert N == window + offset(kind), (N, window, offset(kind))
    if season is not None:
        last_phase = np.broadcast_to(np.asarray(last_phase, dtype=np.int64), (B,))
    if B > chunk:
        return np.concatenate(
            [
                recursive_forecast(
                    params,
                    scaler,
                    kind,
                    window,
                    history[b : b + chunk],
                    days,
                    chunk,
                    season,
                    None if season is None else last_phase[b : b + chunk],
                    level,
                    growth,
                )
                for b in range(0, B, chunk)
            ]
        )
    dtype = params["weight_hh_l0"].dtype
    z, x = model_input(scaler, kind, history, dtype, season, last_phase, level)  # (B, W, F + E)
    lev = None if level is None else _window_levels(history, z, kind, season, last_phase)  # (B, W) target-space
    level_adjusted = level is not None and season is not None and season.level_adjust is not None
    if season is not None:
        history = season.adjusted(history, _phases(N, last_phase))  # the series the network learnt
    last = history[:, -1, :].astype(np.float64)  # (B, F)
    lag = seasons.target_lag(season)
    prior = None if growth is None else growth.path(x[:, :, 0], days)  # (B, days) scaled, from the origin's window
    out = np.empty((B, days, F))
    for d in range(days):
        step = engine.predict(params, x).astype(np.float64)  # (B, F) scaled target values
        if prior is not None:  # the network's output is the deviation from the prior path
            step[:, 0] += prior[:, d]
        z = scaler.inverse(step)  # (B, F) the step in target units
        base = last if lag == 1 else _season_before(history, out, d, lag)
        price = next_price(base, z, kind)  # (B, F)
        out[:, d] = price
        before, last = last, price
        new = step[:, None, :]  # (B, 1, F)
        if season is not None and season.phase_inputs:
            new = np.concatenate([new, seasons.phase_columns(last_phase + d + 1, season.period)[:, None]], axis=-1)
        if level is not None:  # the new row's level (its step in target units), then the column vs it
            if level_adjusted:  # the step of the level-adjusted series: from the two prices, each by its phase
                pair = season.level_adjusted(np.stack([before, price], axis=1), last_phase[:, None] + d + np.arange(2))
                z = to_target(pair, kind, axis=1)[:, -1]  # (B, F)
            lev = _levels.advanced(lev, z[:, 0], kind)
            new = np.concatenate([new, np.zeros((B, 1, 1))], axis=-1)
        x = np.concatenate([x[:, 1:], new.astype(dtype)], axis=1)  # (B, W, F + E)
        if level is not None:
            x[:, :, -1] = level.column(lev)
    if season is not None:
        out[:, :, 0] = season.reseasoned(out[:, :, 0], last_phase[:, None] + 1 + np.arange(days)[None, :])
    return out


def direct_forecast(
    params: dict[str, np.ndarray],
    scaler: Scaler,
    kind: Target,
    window: int,
    history: np.ndarray,
    days: int,
    season: SeasonInfo | None = None,
    last_phase: np.ndarray | int | None = None,
    level: LevelInput | None = None,
    growth: DampedGrowth | None = None,
) -> np.ndarray:
    """Forecast `days` (<= the head's outputs) steps of the target column for B histories (B, window + offset, F).

    Returns (B, days, 1) prices: one forward pass; the head's outputs are steps 1..O of the
    target column's (scaled) target series, mapped back to prices step after step (and, for a
    seasonally adjusted model, re-seasoned by each step's phase, as `recursive_forecast` does).
    """
    B, N, _ = history.shape
    assert N == window + offset(kind), (N, window, offset(kind))
    dtype = params["weight_hh_l0"].dtype
    _, x = model_input(scaler, kind, history, dtype, season, last_phase, level)  # (B, W, F + E)
    if season is not None:
        last_phase = np.broadcast_to(np.asarray(last_phase, dtype=np.int64), (B,))
        history = season.adjusted(history, _phases(N, last_phase))  # the series the network learnt
    steps = engine.predict(params, x).astype(np.float64)[:, :days]  # (B, days) scaled target of column 0
    if growth is not None:  # the head's outputs are the deviations from the prior path (growth.py)
        steps += growth.path(x[:, :, 0], days)
    z = steps * scaler.std[0] + scaler.mean[0]  # (B, days) target units
    last = history[:, -1, :1].astype(np.float64)  # (B, 1)
    lag = seasons.target_lag(season)
    out = np.empty((B, days, 1))
    for d in range(days):
        base = last if lag == 1 else _season_before(history, out, d, lag)  # (B, 1)
        last = next_price(base, z[:, d : d + 1], kind)  # (B, 1)
        out[:, d] = last
    if season is not None:
        out[:, :, 0] = season.reseasoned(out[:, :, 0], last_phase[:, None] + 1 + np.arange(days)[None, :])
    return out


def _season_before(history: np.ndarray, out: np.ndarray, d: int, lag: int) -> np.ndarray:
    """The price a seasonal difference's step d maps back from, m = `lag` steps before it: the history's
    (B, W + off, F) own row, or beyond m steps the forecast's `out` (B, days, C) own; (B, C)."""
    return history[:, history.shape[1] - lag + d, : out.shape[2]] if d < lag else out[:, d - lag]


MIN_TRAIN_WINDOWS = 8
DEFAULT_VAL_FRACTION = TrainConfig.val_fraction  # lstm train's --val-fraction unless given
#: Forecaster._fit_series's methods for weekly data without a confirmed season: the position in the year (the
#: default method's first fit), season 52 unconfirmed (phase inputs), and neither
YEAR, WEEKS, NO_YEAR = "phase", "season 52", "none"
DIFFERENCE = "difference"  # the seasonal difference's fit (seasons.fit_season's method), one of a season's choice
DEFAULT_DIRECT_HORIZON = 5  # `--strategy direct` without --horizon: a working week of days


def check_strategy(strategy: str, horizon: int | None) -> tuple[str, int]:
    """(strategy, horizon) checked: OptionError naming --strategy or --horizon otherwise."""
    if strategy not in STRATEGIES:
        raise OptionError(f"--strategy {strategy!r} is not known", hint=f"use one of: {', '.join(STRATEGIES)}")
    if strategy != DIRECT:
        if horizon not in (None, 1):
            raise OptionError(
                f"--horizon {horizon} needs --strategy direct",
                hint="a recursive model forecasts any number of steps; drop --horizon or add --strategy direct",
            )
        return strategy, 1
    horizon = DEFAULT_DIRECT_HORIZON if horizon is None else horizon
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or not 1 <= horizon <= MAX_DIRECT_HORIZON:
        raise OptionError(
            f"--horizon {horizon} is not possible",
            hint=f"use the number of steps to forecast at once, 1 to {MAX_DIRECT_HORIZON}, e.g. --horizon 5",
        )
    return strategy, int(horizon)


def given_or_default(flag: str, words: str, value: float, given: bool) -> str:
    """`--window 5` when the user gave it, else `the default window 30`: an error names only the options the user
    typed, and says where the other numbers come from."""
    return f"{flag} {value}" if given else f"the default {words} {value}"


def val_fraction_words(val_fraction: float) -> str:
    """`--val-fraction 0.3` when it is not TrainConfig's default (taken as typed: the library cannot tell 0.2 typed),
    else `the default validation fraction 0.2`."""
    return given_or_default("--val-fraction", "validation fraction", val_fraction, val_fraction != DEFAULT_VAL_FRACTION)


def window_needs(window: int, window_given: bool, val_fraction: float) -> str:
    """The subject of the too-short-series errors (train, backtest, a panel's series): `--window 5 with
    --val-fraction 0.3 needs`, `the default window 30 and validation fraction 0.2 need`, or one of each.
    A --val-fraction is taken as given when it is not TrainConfig's default (the library cannot tell 0.2 typed)."""
    fraction_given = val_fraction != DEFAULT_VAL_FRACTION
    if not window_given and not fraction_given:
        return f"the default window {window} and validation fraction {val_fraction} need"
    w = given_or_default("--window", "window", window, window_given)
    return f"{w} with {val_fraction_words(val_fraction)} needs"


def _too_short_hint(window: int, n: int, off: int, val_fraction: float, horizon: int) -> str:
    """What to change when `n` rows are too few for `window`: a window that fits, else how many rows are needed."""
    if val_fraction > 0.5 and min_rows(1, off, val_fraction, horizon) > n:
        return "use a smaller --val-fraction (e.g. 0.2)"
    fits = [w for w in range(min(window - 1, max(1, n // 4)), 0, -1) if min_rows(w, off, val_fraction, horizon) <= n]
    if fits:  # about a quarter of the rows when that fits, else the longest window that does
        return f"use a smaller --window (e.g. {fits[0]}) or more data"
    return f"use more data: even --window 1 needs at least {min_rows(1, off, val_fraction, horizon)} rows"


def min_rows(window: int, off: int, val_fraction: float, horizon: int = 1) -> int:
    """The fewest price rows that give MIN_TRAIN_WINDOWS training windows (each `horizon` steps of targets).

    A search by doubling and halving, since training windows never decrease as rows are added:
    --val-fraction 0.9999999999999999 needs ~8e16 rows, too many to count up to one by one.
    """

    def enough(t: int) -> bool:  # a direct head's last horizon - 1 training windows are dropped (see _split)
        return split_sizes(t, val_fraction)[0] - (horizon - 1) >= MIN_TRAIN_WINDOWS

    lo = hi = MIN_TRAIN_WINDOWS + 2  # target windows
    while not enough(hi):
        lo, hi = hi + 1, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid + 1, hi)
    return window + off + lo + horizon - 1


def auto_window(rows: int, window: int, kind: Target, val_fraction: float, horizon: int = 1) -> int:
    """The auto window: `window` at most, shortened to the longest a series of `rows` rows gives
    MIN_TRAIN_WINDOWS training windows for (unchanged when even a window of 1 does not fit);
    `horizon`: the steps a direct head learns per window."""
    longest = rows - min_rows(0, kind.offset, val_fraction, horizon)  # min_rows grows 1 for 1 with the window
    return longest if 1 <= longest < window else window


def histories(prices: np.ndarray, window: int, kind: Target, targets: np.ndarray) -> np.ndarray:
    """The price rows (B, window + offset, F) a forecast of target-series rows `targets` starts from.

    Target row t (of the target series) is predicted from target rows t-window .. t-1, which
    come from price rows t-window .. t-1+offset. A view-backed gather: no window is copied twice.
    """
    n = window + offset(kind)
    views = np.lib.stride_tricks.sliding_window_view(prices, (n, prices.shape[1]))[:, 0]  # (N-n+1, n, F)
    return views[np.asarray(targets) - window]  # (B, n, F)


@dataclass
class EvaluationForecasts:
    """The forecasts behind a fit's validation and interval calibration, made by each ensemble member's worker.

    `queries`: (target rows, steps) of each batch of forecasts (`Forecaster._evaluation_queries`).
    Called with a member's weights: that member's paths (B, steps, F or 1) per query, the very
    calls `Forecaster.member_paths` makes for them, so the parent only takes the median.
    """

    strategy: str
    scaler: Scaler
    target: Target
    window: int
    season: SeasonInfo | None
    prices: np.ndarray  # (N, F)
    queries: tuple[tuple[np.ndarray, int], ...]
    level: LevelInput | None = None
    growth: DampedGrowth | None = None

    def __call__(self, params: dict[str, np.ndarray]) -> list[np.ndarray]:
        forecast = direct_forecast if self.strategy == DIRECT else recursive_forecast
        W, off, out = self.window, self.target.offset, []
        with np.errstate(over="ignore", invalid="ignore"):  # the parent checks the scores by value
            for rows, steps in self.queries:
                hist = histories(self.prices, W, self.target, rows)  # (B, W + off, F)
                out.append(
                    forecast(
                        params,
                        self.scaler,
                        self.target,
                        W,
                        hist,
                        steps,
                        season=self.season,
                        last_phase=rows - 1 + off,
                        level=self.level,
                        growth=self.growth,
                    )
                )
        return out


@dataclass
class Forecast:
    """A dated forecast of the target column, with its context."""

    values: np.ndarray  # (days,) prices
    dates: np.ndarray | None  # (days,) datetime64, or None when the series has no dates
    last_value: float
    last_date: np.datetime64 | None
    column: str
    frequency: str | None
    lower: np.ndarray | None = None  # (days,) interval bounds, when the model has them
    upper: np.ndarray | None = None
    interval: float | None = None
    history: np.ndarray = field(default_factory=lambda: np.empty(0))  # recent prices
    history_dates: np.ndarray | None = None
    strategy: str = HORIZON_STRATEGY
    timezone: str | None = None  # "UTC" or "-05:00": shown after each time of day
    recalibrated: int = 0  # forecasts made after training (from --data) whose errors recalibrated the interval
    # several bands (--interval 0.5,0.9): coverage -> (lower, upper) (days,) each, narrowest first, the
    # widest being lower/upper/interval above; empty for one band (intervals.several_bands fills it)
    bands: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    calibration: IntervalInfo | None = None  # the error quantiles the band(s) came from (recalibrated with --data)
    floor: float | None = None  # 0.0: the series never went below 0, nor does the forecast or a bound
    interval_note: str | None = None  # a short series' band (or its absence): how few errors calibrated it

    @property
    def extrapolated(self) -> np.ndarray | None:
        """(days,) True where the band is extrapolated beyond the calibrated horizons; None without a band."""
        if self.lower is None or self.calibration is None:
            return None
        return intervals.extrapolated(self.calibration, len(self.values))

    @property
    def change(self) -> np.ndarray:
        return self.values - self.last_value

    @property
    def change_pct(self) -> np.ndarray:
        """The change in % of the last value's size: a rise is + below zero too (-5.0 to -4.7: +6%); NaN from 0."""
        last = abs(self.last_value)
        return 100 * self.change / last if last != 0 else np.full_like(self.values, np.nan)

    @property
    def is_flat(self) -> bool:
        """True when the whole forecast moves less than a tenth of a typical day's move."""
        if len(self.history) < 3 or len(self.values) < 2:
            return False
        typical = float(np.median(np.abs(np.diff(self.history))))
        span = float(np.ptp(np.append(self.values, self.last_value)))
        return typical > 0 and span < 0.1 * typical

    def to_dict(self) -> dict:
        rows = []
        change, change_pct = self.change, self.change_pct  # (days,) each, computed once (not once per row)
        extrapolated = self.extrapolated
        for k, v in enumerate(self.values):
            row = {
                "step": k + 1,
                "date": periods.iso_date(self.dates[k], self.frequency, self.timezone)  # ISO 8601, for scripts
                if self.dates is not None
                else None,
                "forecast": float(v),
                "change": float(change[k]),
                "change_pct": float(change_pct[k]),
            }
            bands = self.bands or ({self.interval: (self.lower, self.upper)} if self.lower is not None else {})
            for level, (lo, hi) in bands.items():  # the level in the name (lower_90), so a script cannot misread it
                label = level_label(level)
                row[f"lower_{label}"], row[f"upper_{label}"] = float(lo[k]), float(hi[k])
            if extrapolated is not None:  # a column of its own in CSV: the band beyond the calibrated steps
                row["extrapolated"] = bool(extrapolated[k])
            rows.append(row)
        return {
            "column": self.column,
            "last_date": None
            if self.last_date is None
            else periods.iso_date(self.last_date, self.frequency, self.timezone),
            "last_value": self.last_value,
            "frequency": self.frequency,
            "strategy": self.strategy,
            "interval": self.interval,
            "interval_recalibrated_origins": self.recalibrated,
            **({"intervals": list(self.bands)} if self.bands else {}),
            **(
                {
                    "interval_calibration": {
                        "steps": len(self.calibration.quantiles),  # beyond: extrapolated
                        "errors_per_step": list(self.calibration.origins),
                        "band": "symmetric" if intervals.is_few(self.calibration) else "two-tailed",
                        "widest_coverage": widest_interval(self.calibration),
                    }
                }
                if self.calibration is not None
                else {}
            ),
            **({"nonnegative": True} if self.floor is not None else {}),
            "forecast": rows,
        }


def check_horizon(days: int, interval: float | None) -> None:
    """Raise OptionError unless `days` and `interval` (None or 0: no interval) make a forecast.

    The one check of both: `Forecaster.predict` runs it, and the CLI runs it first, before
    loading anything.
    """
    if not isinstance(days, int | np.integer) or days < 1:
        raise OptionError(f"--days {days} is not possible", hint="ask for at least 1, e.g. --days 5")
    if days > MAX_DAYS:
        raise OptionError(
            f"--days {days} is more than lstm forecasts (at most {MAX_DAYS:,} steps)",
            hint="a recursive forecast that far ahead is noise; ask for fewer days",
        )
    if interval is not None and not 0 <= interval < 1:
        raise OptionError(f"--interval {interval} is not possible", hint="use a coverage such as 0.9, or 0 for none")


def change_scale_ratio(info: ModelInfo, values: np.ndarray) -> float | None:
    """How much more the newest changes of `values` (N, F) spread than the training data's did.

    Compares the deviation of the target's recent changes (the last max(window, 30) steps)
    with the training scale the model file stores: the scaler's deviation of a return/diff
    target; for a level target, that of the stored tail's changes. None when it cannot tell; inf when
    the training data did not move (a constant series, deviation 0) and `values` do.
    """
    recent = np.asarray(values, dtype=np.float64)[-(max(info.config.window, 30) + 1) :, 0]
    if info.target is Target.LEVEL:
        trained = float(np.std(np.diff(info.tail.values[:, 0])))
        recent_changes = np.diff(recent)
    else:
        trained = float(info.scaler.std[0])
        if info.target is Target.LOG_RETURN and not (recent > 0).all():
            return None  # predict refuses these prices with its own message
        recent_changes = to_target(recent[:, None], info.target)[:, 0]
    if len(recent_changes) < 2 or not trained >= 0:
        return None
    if trained == 0:  # no spread in training: any move is infinitely more; none cannot be compared
        return math.inf if np.std(recent_changes) > 0 else None
    ratio = float(np.std(recent_changes)) / trained
    return ratio if np.isfinite(ratio) else None


@dataclass
class _Series:
    """What `fit` trains on, whatever it was given: prices (N, F) and what is known about them."""

    prices: np.ndarray  # (N, F) float64, column 0 the target
    dates: np.ndarray | None  # (N,)
    columns: list[str]
    frequency: str | None
    source: str
    sha256: str | None
    series: str | None = None  # what a data.PriceSeries says of itself
    timezone: str | None = None
    session: periods.Session | None = None


def _as_series(values, dates, columns, frequency, source, sha256) -> _Series:
    """Coerce an array, a data.PriceSeries or a pandas Series/DataFrame; the keywords win over what they carry."""
    name = timezone = session = None
    if hasattr(values, "sha256") and hasattr(values, "columns"):  # a data.PriceSeries
        name, timezone, session = values.series, values.timezone, values.session
        dates = values.dates if dates is None else dates
        columns = columns or values.columns
        frequency = frequency or values.frequency
        source = values.source if source == "<array>" else source
        sha256 = sha256 or values.sha256
        values = values.values
    elif hasattr(values, "to_numpy") and hasattr(values, "index"):  # pandas, duck-typed (no import)
        if dates is None and str(getattr(values.index, "dtype", "")).startswith("datetime64"):
            dates = values.index.to_numpy().astype("datetime64[s]")
        names = list(values.columns) if hasattr(values, "columns") else [values.name or "value"]
        columns = columns or [str(n) for n in names]
        values = values.to_numpy(dtype=np.float64)
    if dates is not None and frequency is None:
        frequency = periods.infer_frequency(np.asarray(dates))
    prices = np.asarray(values, dtype=np.float64)
    prices = prices[:, None] if prices.ndim == 1 else prices  # (N, F)
    F = prices.shape[1]
    columns = list(columns) if columns else ["value"] + [f"feature{k}" for k in range(1, F)]
    return _Series(prices, dates, columns, frequency, source, sha256, name, timezone, session)


def _check_prices(s: _Series) -> None:
    """DataError for a price lstm cannot compute with: not finite, or so large its square overflows."""
    prices, columns = s.prices, s.columns
    if not np.isfinite(prices).all():
        row, col = np.argwhere(~np.isfinite(prices))[0]
        raise DataError(
            f"{s.source}: {columns[col]!r} is {prices[row, col]} at data row {row + 1}",
            hint="clean the file; lstm train needs finite prices",
        )
    if prices.size and np.abs(prices).max() > MAX_ABS_PRICE:  # squares and sums of such numbers overflow float64
        row, col = np.unravel_index(np.argmax(np.abs(prices)), prices.shape)
        raise DataError(
            f"{s.source}: {columns[col]!r} is {prices[row, col]:g} at data row {row + 1}, beyond "
            f"the {MAX_ABS_PRICE:g} lstm can compute with",
            hint="rescale the column, e.g. divide it by 1e6",
        )


class EnsembleStopped(TrainingError):
    """A stop (Ctrl-C) came before any member of an ensemble's fit finished: that fit has nothing to keep."""


#: the season line's words when a stop (Ctrl-C) came before the season's other fits were made
STOPPED_BEFORE = "stopped by Ctrl-C before trying"


def weekly_choice(kept: SeasonInfo | None, why_not: str, maes: dict[str, float]) -> str:
    """The summary's season line after weekly data's candidates were tried (the position in the year, season 52
    unconfirmed, neither): which was kept, with every candidate's one-step validation MAE (a stop, Ctrl-C, may
    have left the last ones untried: said so)."""
    from lstmcli.render.common import price

    words = {YEAR: "the position in the year", WEEKS: "season 52's phase inputs", NO_YEAR: "neither"}
    scores = ", ".join(f"{price(v)} with {words[k]}" for k, v in maes.items())
    untried = [{WEEKS: words[WEEKS], NO_YEAR: "the fit without either"}[k] for k in (WEEKS, NO_YEAR) if k not in maes]
    if untried:
        scores += f"; {STOPPED_BEFORE} {' or '.join(untried)}"
    if kept is not None:
        return f"{kept.describe()} (chosen on validation: one-step MAE {scores})"
    return (
        f"{why_not}; the position in the year and season 52 were tried and not kept (one-step validation MAE {scores})"
    )


def season_choice(
    described: str,
    adjusted: float,
    without: float,
    level_only: bool = False,
    difference: float | None = None,
    snaive: float | None = None,
    stopped: bool = False,
) -> str:
    """The training summary's season line: the fits' validation MAEs written like the error table's (3.9999, not 4).

    `level_only`: the fit without the series' adjustment adjusted its level input (SeasonInfo.level_adjust), so
    "without" would contradict the line's "adjustment of the level input": it is named for what it adjusts.
    `difference`: the seasonal difference's fit's, when it was made (`stopped`: a stop, Ctrl-C, came before it);
    `snaive`: seasonal naive's one-step MAE on the same validation rows, for comparison (never a fit lstm keeps).
    """
    from lstmcli.render.common import price

    other = "with only the level input adjusted" if level_only else "without"
    scores = f"{price(adjusted)} with the series seasonally adjusted, {price(without)} {other}"
    if difference is not None:
        scores += f", {price(difference)} with the seasonal difference"
    if stopped:
        scores += f"; {STOPPED_BEFORE} the seasonal difference"
    if snaive is not None:
        scores += f"; seasonal naive {price(snaive)} on the same rows"
    return f"{described} (chosen on validation: one-step MAE {scores})"


class Forecaster:
    """An LSTM price forecaster: fit, predict, save, load.

    After `fit` or `load`: `params` (the weights) and `info` (a `modelfile.ModelInfo`: data,
    training run, validation scores, interval quantiles, tail), e.g.
    `forecaster.info.validation.model.mae`.
    """

    def __init__(
        self,
        config: TrainConfig | None = None,
        target: Target | str = AUTO,
        *,
        auto_window: bool = False,
        strategy: str = HORIZON_STRATEGY,
        horizon: int | None = None,
        season: str | int = seasons.AUTO,
        season_method: str = seasons.DEFAULT_METHOD,
        ensemble: int = 1,
        jobs: int | None = None,
        season_fits: str = _season_fits.DEFAULT,
        choose_growth: bool | str = False,
        season_test: str = seasons.DEFAULT_TEST,
        naive_fits: str = _season_fits.NAIVE_DEFAULT,
    ) -> None:
        """`target` "auto" (the default) is resolved at fit time (`transforms.resolve_target`).

        `auto_window`: treat `config.window` as the most, shortened at fit time to the largest
        window the series gives enough training windows for (the CLI's default when --window is absent).
        `strategy` "recursive" (the default) or "direct"; `horizon`: the steps a direct model
        emits (default DEFAULT_DIRECT_HORIZON; only with "direct").
        `season`: "auto" (detected on the training part at fit time, `seasons.resolve_season`),
        "none", or a length >= 2; `season_method` says what the network is given once a season is
        found (`seasons.METHODS`: phase inputs, seasonal adjustment, or both).
        `ensemble`: N networks from seeds seed..seed+N-1 forecasting as their median (ensemble.py),
        trained by `jobs` worker processes (None: the cores, or this process alone when the members'
        work is small, `ensemble.members_jobs`; the weights do not depend on it).
        `season_fits`: "keep" (the default) keeps the season's fit with the lowest one-step validation MAE;
        "combine" forecasts the mean of the fits within `season_fits.COMBINE_WITHIN` of it; "shrink" halfway
        between the kept fit and that mean, where this beats seasonal naive on validation (season_fits.py);
        "shrink-snaive" as shrink, then toward seasonal naive where the model does not beat it on validation (one
        step, and steps 1..H from the calibration origins: season_fits.beats, SnaiveBlend).
        `choose_growth` (`--damped-growth auto`): fit without the damped growth and with it (`config.damped_growth`, or
        growth.AUTO_PHI when that is 0) and keep the fit with the lower one-step validation MAE; growth.WITHOUT_SEASON
        (round 11's default): the same where the first fit found no season; growth.OVER_SEASON (`--damped-growth
        season`, lstm train's default since round 12): on every series, keeping the lower validation MAE over one season
        ahead (`_ahead_mae`; one step without a season); growth.TREND (`--damped-growth trend`): the same, the factor
        tried on a series without a season growth.TREND_PHI (`growth.factor`).
        `season_test`: how `season` "auto" confirms the frequency's season (`seasons.SEASON_TESTS`): "acf" (the
        default: the autocorrelation of the detrended changes), "ftest" (the stable-seasonality F test) or "either"
        (a season where either finds one).
        `naive_fits` (round 13): "keep" (the default) forecasts the network's forecast; "shrink-naive" on a
        business-day series without a season, where the network does not beat naive on validation (as shrink-snaive
        judges seasonal naive), the equal-weight mean with naive's forecast if that beats naive, else naive's;
        "shrink-naive-t" the same, the network kept only where its one-step MAE is also below naive's beyond chance
        (the verdict's paired t); "mean-naive-t" shrink-naive-t's test, and the mean wherever the network fails it.
        """
        self.strategy, self.horizon = check_strategy(strategy, horizon)
        self.ensemble, self.jobs = _ensemble.check_ensemble(ensemble), parallel.check_jobs(jobs)
        self.jobs_given = jobs is not None  # else a small ensemble trains in this process (ensemble.members_jobs)
        self.combine = _ensemble.DEFAULT_COMBINE  # how members' forecasts become one (a loaded file says)
        self.members: list[dict[str, np.ndarray]] | None = None  # every member's params; [0] is `params`
        self.config = config or TrainConfig()
        self.choose_growth = choose_growth
        self.requested_target = AUTO if target == AUTO else check_target(target)
        self.target = DEFAULT_TARGET if target == AUTO else self.requested_target
        self.auto_window = auto_window
        self.requested_season = seasons.parse_season(season)
        self.season_test = seasons.check_test(season_test)
        self.season_method = season_method
        self.season: SeasonInfo | None = None  # resolved at fit time, or read from the model file
        self.level: LevelInput | None = None  # the level input's scale (config.level_input), fitted or read
        self.choices: dict[str, str] = {}  # what fit chose from the data, and why: {"target": ..., "window": ...}
        self.params: dict[str, np.ndarray] | None = None
        self.info: ModelInfo | None = None
        self.result: TrainResult | None = None
        self.season_fits = _season_fits.check(season_fits)
        self.partners: list[Forecaster] | None = None  # the season's other fits combined with this one's
        self.partners_combine = _season_fits.MEAN  # how: season_fits.combine's `how` (a loaded file says)
        self.snaive_weight = 0.0  # seasonal naive's weight in the forecast (`shrink-snaive`; a loaded file says)
        self.naive_fits = _season_fits.check_naive(naive_fits)

    # ----------------------------------------------------------------------------- fit

    def fit(
        self,
        values,
        dates: np.ndarray | None = None,
        columns: list[str] | None = None,
        *,
        frequency: str | None = None,
        source: str = "<array>",
        sha256: str | None = None,
        on_epoch: Callable[[EpochReport], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        reading: dict | None = None,
        on_member: Callable[[int, int], None] | None = None,
    ) -> Forecaster:
        """Train on prices, oldest first; column 0 is the forecast target.

        `values` is an array (N,) or (N, F), a `data.PriceSeries` (from `read_prices`), or a
        pandas Series/DataFrame (a DatetimeIndex gives the dates); the keywords override
        what those carry. `reading` is how the file was read (`id_column`, `dayfirst`,
        `date_format`, `decimal` as given to read_prices), kept so a newer file is read the same way.
        An ensemble reports `on_member(done, total)` as members finish (not `on_epoch`).
        """
        self.config.validate()
        series = _as_series(values, dates, columns, frequency, source, sha256)
        if not self.choose_growth:
            return self._fit_all(series, on_epoch, should_stop, reading, on_member)
        # --damped-growth auto: the whole fit (season choice included) without the damped growth, then with it
        requested, phi = self.config, self.config.damped_growth or _growth.AUTO_PHI
        self.config = replace(requested, damped_growth=0.0)
        self._fit_all(series, on_epoch, should_stop, reading, on_member)
        phi = _growth.factor(self.choose_growth, None if self.season is None else self.season.length, phi)
        if self.result.interrupted or (should_stop is not None and should_stop()):
            self.choices["growth"] = f"none ({STOPPED_BEFORE} the damped growth {phi:g})"
            return self
        if self.choose_growth == _growth.WITHOUT_SEASON and self.season is not None:
            self.choices["growth"] = _growth.SEASONAL_NOTE
            return self
        without = dict(self.__dict__)
        self.choices = dict(self.choices)  # the second fit writes its own
        self.config = replace(requested, damped_growth=phi)
        if on_member is not None and self.ensemble > 1:  # the second fit's members start: the bar restarts
            on_member(0, self.ensemble)
        stopped = f"damped growth {phi:g} not kept: its fit was stopped by Ctrl-C before it finished"
        try:
            self._fit_all(series, on_epoch, should_stop, reading, on_member)
        except EnsembleStopped:
            self.__dict__.clear()
            self.__dict__.update(without)
            self.choices["growth"] = stopped
            return self
        if self.result.interrupted:  # a half-trained fit is not compared: the whole fit without it is kept
            self.__dict__.clear()
            self.__dict__.update(without)
            self.choices["growth"] = stopped
            return self
        maes, words = (without["info"].validation.model.mae, self.info.validation.model.mae), "one-step validation MAE"
        if _growth.over_season(self.choose_growth):  # judged over one season ahead (the same H for both fits)
            (before, steps), (after, _) = without["_ahead"], self._ahead
            maes = (before, after)
            if steps > 1:
                words = f"validation MAE over 1-{steps} steps ahead (a season)"
        if not maes[1] < maes[0]:  # a tie: without (a stopped fit returned above)
            self.__dict__.clear()
            self.__dict__.update(without)
        from lstmcli.render.common import price  # as the season row's MAEs (no Rich used: a plain string)

        kept = "kept" if self.config.damped_growth else "not kept"
        self.choices["growth"] = (
            f"damped growth {phi:g} {kept}: {words} {price(maes[1])} with it, {price(maes[0])} without"
        )
        return self

    def _fit_all(self, series: _Series, on_epoch, should_stop, reading, on_member) -> Forecaster:
        """One fit of `series` with the config as it is, the season's choice included (`fit`)."""
        _check_prices(series)
        # a whole fit starts with no combined fits: --damped-growth auto's second fit must not inherit the first's
        self.partners, self.partners_combine = None, _season_fits.MEAN
        self.snaive_weight = 0.0
        requested, auto = self.config, self.season_method == seasons.AUTO
        self._fit_series(series, "phase" if auto else self.season_method, on_epoch, should_stop, reading, on_member)

        def another(method: str) -> dict | None:
            """One more fit of the season's choice (its state), or None when a stop (Ctrl-C) came first or before
            any of its ensemble members finished: the fits already made are then kept, never thrown away."""
            if should_stop is not None and should_stop():
                return None
            kept = dict(self.__dict__)
            self.config = requested
            if on_member is not None and self.ensemble > 1:  # this fit's members start: a bar over members restarts
                on_member(0, self.ensemble)
            try:
                self._fit_series(series, method, on_epoch, should_stop, reading, on_member)
            except EnsembleStopped:
                self.__dict__.clear()
                self.__dict__.update(kept)
                return None
            return dict(self.__dict__)

        if auto and self.season is not None and self.season.cycle is not None and not self.result.interrupted:
            # weekly data, no season confirmed: the position in the year, season 52's phase inputs (unconfirmed)
            # or neither, whichever has the lowest one-step validation MAE
            fits = {YEAR: dict(self.__dict__)}
            for method in (WEEKS, NO_YEAR):
                made = another(method)
                if made is None:
                    break
                fits[method] = made
            why_not = self.choices.get("season", "") if NO_YEAR in fits else ""  # the fit without either's reason
            maes = {k: f["info"].validation.model.mae for k, f in fits.items()}
            best = min(maes, key=lambda k: (maes[k], k != NO_YEAR))  # a tie: no season
            self.__dict__.update(fits[best])
            self.choices["season"] = weekly_choice(self.season, why_not, maes)
        elif auto and self.season is not None and not self.result.interrupted:
            # a season was found: also fit with the seasonal adjustment and, when the window reaches a season back,
            # with the seasonal difference; keep the lowest one-step validation MAE (a tie: the earlier fit)
            fits = {"phase": dict(self.__dict__)}
            for method in ("phase+adjust", DIFFERENCE):
                if method == DIFFERENCE and not self._difference_fits():
                    break
                made = another(method)
                if made is None:
                    break
                fits[method] = made
            if "phase+adjust" not in fits:
                self.__dict__.update(fits["phase"])
                self.choices["season"] = f"{self.season.describe()} ({STOPPED_BEFORE} a seasonal adjustment)"
            else:
                maes = {k: f["info"].validation.model.mae for k, f in fits.items()}
                best = min(maes, key=lambda k: (maes[k], list(maes).index(k)))
                self.__dict__.update(fits[best])
                level_only = fits["phase"]["season"].level_adjust is not None
                self.choices["season"] = season_choice(
                    self.season.describe(),
                    maes["phase+adjust"],
                    maes["phase"],
                    level_only,
                    maes.get(DIFFERENCE),
                    getattr(self.info.validation.seasonal_naive, "mae", None),  # scored by _validate
                    stopped=DIFFERENCE not in maes and self._difference_fits(),
                )
                if self.season_fits in _season_fits.HOWS:
                    self._combine_fits(fits, maes, series.prices)
                if self.season_fits == _season_fits.SHRINK_SNAIVE:
                    self._toward_snaive(series.prices)
        elif _season_fits.toward_naive(self.naive_fits, self.season, series.frequency) and not self.result.interrupted:
            self._toward_snaive(series.prices)  # no season: toward naive, seasonal naive with season 1
        if self.config.refit_all and not self.result.interrupted:
            for fitted in [self, *(self.partners or [])]:
                fitted._refit_all(should_stop)
        if _growth.over_season(self.choose_growth) and not self.result.interrupted:
            self._ahead = self._ahead_mae(series.prices)  # what `fit` judges the damped growth on
        for fitted in [self, *(self.partners or [])]:  # the scaled series and targets are not needed after fit
            fitted.__dict__.pop("_refit_job", None)
            fitted.__dict__.pop("_rows", None)
            fitted.__dict__.pop("_paths_cache", None)
        return self

    def _combine_fits(self, fits: dict[str, dict], maes: dict[str, float], prices: np.ndarray) -> None:
        """Combine the season's fits within season_fits.COMBINE_WITHIN of the kept one's one-step validation MAE
        (`fits`: each fit's state, `maes` theirs): the others become `partners`, and the validation scores and
        interval quantiles become the combination's own (its forecasts of the same validation rows). "shrink":
        halfway between the kept fit and the mean, and the kept fit alone unless that combination's one-step
        validation MAE is below seasonal naive's (season_fits.py)."""
        chosen = _season_fits.within(maes)
        if len(chosen) == 1:
            self.choices["season"] += f"; no other fit within {_season_fits.COMBINE_WITHIN:g}x: nothing combined"
            return
        self.partners = []
        for k in chosen[1:]:
            other = object.__new__(Forecaster)
            other.__dict__.update(fits[k])
            self.partners.append(other)
        self.partners_combine = _season_fits.HOWS[self.season_fits]
        train_t, val_t = self._rows
        kept = self.info.validation.model.mae
        validation, intervals = self._evaluate(prices, self.info.scaler, train_t, val_t, False)
        from lstmcli.render.common import price

        snaive = validation.seasonal_naive
        if self.season_fits in _season_fits.GUARDED and not (snaive is not None and validation.model.mae < snaive.mae):
            self.partners, self.partners_combine = None, _season_fits.MEAN
            versus = "none" if snaive is None else price(snaive.mae)
            self.choices["season"] += (
                f"; the {len(chosen)} fits within {_season_fits.COMBINE_WITHIN:g}x, halfway to their mean, are not "
                f"below seasonal naive on validation (one-step MAE {price(validation.model.mae)} vs {versus}): "
                "the kept fit alone"
            )
            return
        combined = _season_fits.SeasonFitsInfo(
            _season_fits.method_of(self.season),
            kept,
            _season_fits.COMBINE_WITHIN,
            tuple(
                _season_fits.CombinedFit(
                    _season_fits.method_of(p.season),
                    p.info.validation.model.mae,
                    p.config,
                    p.info.scaler,
                    p.season,
                    p.level,
                    p.info.ensemble,
                )
                for p in self.partners
            ),
            self.partners_combine,
        )
        self.info = replace(self.info, validation=validation, intervals=intervals, season_fits=combined)
        self.choices["season"] += f"; {combined.describe()}: one-step MAE {price(validation.model.mae)} on validation"

    def _ahead_mae(self, prices: np.ndarray) -> tuple[float, int]:
        """(validation MAE over 1..H steps ahead, H) of the fit as it forecasts (the season's fits combined, when
        they are): growth.ahead_mae of H-step forecasts from every validation origin, H = growth.ahead_steps (one
        season; H = 1 is the one-step validation MAE), at most a direct head's outputs."""
        _, val_t = self._rows
        steps = _growth.ahead_steps(None if self.season is None else self.season.length, len(val_t))
        if self.strategy == DIRECT:  # a direct head forecasts its `horizon` steps, no more
            steps = min(steps, self.horizon)
        if steps == 1:
            return self.info.validation.model.mae, 1
        off = self.target.offset
        hist = histories(prices, self.config.window, self.target, val_t)  # (V, W + off, F)
        with np.errstate(over="ignore", invalid="ignore"):  # a runaway forecast scores inf
            made = self.paths(hist, steps, self.info.scaler, val_t - 1 + off)[:, :, 0]  # (V, steps)
            mae = _growth.ahead_mae(made, prices[val_t + off, 0])
        return (mae if math.isfinite(mae) else math.inf), steps

    def _toward_snaive(self, prices: np.ndarray) -> None:
        """`shrink-snaive` (issue 13): where the model (its season fits' blend, or the kept fit) does not beat
        seasonal naive on validation (season_fits.beats: one-step, and steps 1..H from the calibration origins),
        forecast the equal-weight mean of the model's and seasonal naive's forecasts if that mean beats it, else
        seasonal naive's forecast itself (season_fits.SNAIVE_WEIGHTS); validation and interval quantiles become the
        forecast's own. Seasonal naive reads the last m prices of a history: a shorter one (W + offset < m) is left
        alone, and said so. Without a season (`--naive-fits shrink-naive`): the same toward naive (m = 1), said in
        the choices' "naive" row."""
        from lstmcli.render.common import price

        before = self.info.validation
        m = self._blend_season()
        naive, row = (before.naive, "naive") if m == 1 else (before.seasonal_naive, "season")
        if naive is None:
            return
        train_t, val_t = self._rows
        steps, model_h, naive_h, mean_h = self._steps_maes(prices, val_t)
        model, snaive = (before.model.mae, model_h), (naive.mae, naive_h)
        if _season_fits.beats(model, snaive) and (m > 1 or self._clearly_beats_naive(before)):
            if m == 1:  # said, as the fallback would be
                steps_words = "" if model[1] is None else f", steps 1-{steps} {price(model[1])} vs {price(snaive[1])}"
                self.choices[row] = (
                    f"the network's own forecast: it beats naive on validation (MAE one-step {price(model[0])} vs "
                    f"{price(snaive[0])}{steps_words})"
                )
            return
        if self.config.window + self.target.offset < m:
            self.choices[row] += (
                f"; validation one-step MAE {price(model[0])} vs seasonal naive's {price(snaive[0])}, but the window "
                "is shorter than the season: not blended with seasonal naive"
            )
            return
        half, whole = _season_fits.SNAIVE_WEIGHTS  # the equal-weight mean, else seasonal naive itself
        self.snaive_weight = half
        validation, intervals = self._evaluate(prices, self.info.scaler, train_t, val_t, False)
        mean = (validation.model.mae, mean_h)
        floor = m == 1 and self.naive_fits == _season_fits.MEAN_NAIVE_T  # the mean, whatever it scores
        if not _season_fits.beats(mean, snaive) and not floor:  # only then is seasonal naive's own forecast scored
            self.snaive_weight = whole
            validation, intervals = self._evaluate(prices, self.info.scaler, train_t, val_t, False)
        blend = _season_fits.SnaiveBlend(self.snaive_weight, m, steps, model, snaive, mean)
        self.info = replace(self.info, validation=validation, intervals=intervals, snaive_blend=blend)
        if m == 1:
            self.choices[row] = blend.describe()
        else:
            self.choices[row] += f"; {blend.describe()}"

    def _clearly_beats_naive(self, validation) -> bool:
        """`--naive-fits shrink-naive-t`: the network's one-step validation MAE is below naive's beyond chance (the
        verdict's paired t, render.train.beyond_chance); shrink-naive asks no more than `beats`."""
        if self.naive_fits not in _season_fits.NAIVE_T:
            return True
        from lstmcli.render.train import beyond_chance

        return validation.model.mae < validation.naive.mae and beyond_chance(validation, validation.naive)

    def _blend_season(self) -> int:
        """The season the blend toward (seasonal) naive looks back: the model's, or 1 (naive) without one."""
        return 1 if self.season is None else self.season.length

    def _steps_maes(
        self, prices: np.ndarray, val_t: np.ndarray
    ) -> tuple[int, float | None, float | None, float | None]:
        """(H, the model's MAE, seasonal naive's, their equal-weight mean's) over steps 1..H of the forecasts from the
        calibration origins
        (`_evaluation_queries`: the forecasts the interval comes from): each origin's MAE over its steps inside the
        data, averaged over the origins (as the accuracy study scores held-out forecasts: a mean over all (origin,
        step) pairs would weigh the oldest origins' longest steps most); (0, None, None) without them. Needs a
        history of at least the season (W + offset >= m)."""
        queries = self._evaluation_queries(val_t, MAX_INTERVAL_ORIGINS)
        m = self._blend_season()
        if len(queries) < 2 or self.config.window + self.target.offset < m:
            return 0, None, None, None
        rows, H = queries[1]
        W, off, N = self.config.window, self.target.offset, len(prices)
        last = rows - 1 + off  # (V,) each history's last price row
        hist = histories(prices, W, self.target, rows)  # (V, W + off, F)
        with np.errstate(over="ignore", invalid="ignore"):
            forecasts = self.paths(hist, H, self.info.scaler, last)[:, :, 0]
        target = last[:, None] + np.arange(1, H + 1)[None, :]  # (V, H) the price row each step forecasts
        inside = target < N
        actual = prices[np.minimum(target, N - 1), 0]
        naive = _season_fits.snaive_paths(hist, H, m)[:, :, 0]  # (V, H)

        def each_origin(f: np.ndarray) -> float:  # every origin weighs the same (the newest reach fewer steps)
            errors = np.where(inside, np.abs(f - actual), 0.0)
            return float(np.mean(errors.sum(axis=1) / inside.sum(axis=1)))

        mean = _season_fits.blend(forecasts, naive, _season_fits.SNAIVE_WEIGHTS[0])  # as `paths` would forecast it
        return H, each_origin(forecasts), each_origin(naive), each_origin(mean)

    def _difference_fits(self) -> bool:
        """A seasonal difference can be fitted: a change target (not levels), and a history of W + offset prices
        that holds at least one seasonal difference (the network reads W + offset - m of them), and as many as the
        autoregressive skip reads (`--ar P`)."""
        net_window = self.config.window + self.target.offset - self.season.length
        return self.target is not Target.LEVEL and net_window >= max(1, self.config.ar)

    def _refit_all(self, should_stop: Callable[[], bool] | None) -> None:
        """Train every network again from its own initial weights on all windows (training + validation) for
        its best epoch's optimizer steps (`training.refit_epochs`), and ship those weights (`TrainConfig.refit_all`).

        The validation scores and interval quantiles stay the early-stopped fit's (out-of-sample for it);
        the scaler and the season (found and adjusted on the training part) stay as they are. A stop
        (Ctrl-C) during the refit ships the early-stopped fit.
        """
        series, targets, outputs, direct, n_train = self._refit_job
        cfg = self._network_config()
        if self.members is None:
            seeds, best = (cfg.seed,), (self.result.best_epoch,)
        else:
            seeds, best = self.info.ensemble.seeds, self.info.ensemble.best_epochs
        tasks = [
            _ensemble.RefitTask(
                replace(cfg, seed=seed),
                series,
                targets,
                refit_epochs(b, n_train, len(targets), cfg.batch_size),
                outputs,
                direct,
                DampedGrowth.of(cfg, self.info.scaler),
            )
            for seed, b in zip(seeds, best, strict=True)
        ]
        results = _ensemble.refit_members(tasks, self.jobs if len(tasks) > 1 else 1, should_stop)
        if results is None:
            self.choices["refit"] = "stopped during the refit on all rows: the early-stopped fit is kept"
            return
        self.params = results[0].params
        if self.members is not None:
            self.members = [r.params for r in results]
        training = replace(self.info.training, refit_epochs=tasks[0].epochs, refit_windows=len(targets))
        self.info = replace(self.info, training=training)

    def _fit_series(
        self, series: _Series, method: str, on_epoch, should_stop, reading: dict | None, on_member=None
    ) -> None:
        """One fit of `series` whose season (when one is found) gives the network `method`'s inputs."""
        self._method = method
        self._paths_cache = {}  # this fit's own forecasts, made once (`_own_paths`); dropped at the end of `fit`
        self._resolve(series)
        if self.config.damped_growth and self.target is Target.LEVEL:
            raise OptionError(
                "--damped-growth needs a change target (log-return or diff), not --target level",
                hint="drop --damped-growth, or use --target auto",
            )
        z = to_target(series.prices, self.target, series.source, series.columns)  # (M, F): the target series
        train_t, val_t = self._split(len(z), series)
        last_label = self._last_label(train_t)  # a direct head's windows learn rows up to here
        z, extra = self._seasonal(series, z, last_label + self.target.offset)  # (M, F), (M, E)
        lag = seasons.target_lag(self.season)  # a seasonal difference's first m - 1 rows are unused
        scaler = Scaler.fit(z[lag - 1 : last_label + 1])  # training part only: no look-ahead
        if lag > 1:  # the network reads the W + offset - m seasonal differences a history of W + offset prices holds
            self.config = replace(self.config, level_input=False)
        direct = self.strategy == DIRECT
        outputs = self.horizon if direct else series.prices.shape[1]
        self.level = None
        if self.config.level_input:  # the last input column: levels, made relative per window by training.gather
            # as model_input reads them (the seasonally adjusted level with `level_adjust`); row n is phase n
            lev = _window_levels(series.prices[None], z[None], self.target, self.season, len(series.prices) - 1)[0]
            self.level = LevelInput.fit(lev, train_t, self.config.window)
            extra = np.concatenate([extra, self.level.series_column(lev, last_label)[:, None]], axis=1)
        inputs = np.concatenate([scaler.transform(z), extra], axis=1)  # (M, F + E): season sin/cos, level last
        growth = DampedGrowth.of(self.config, scaler)  # None: off
        if self.ensemble > 1:  # each member's worker also makes its validation and calibration forecasts
            queries = tuple(self._evaluation_queries(val_t, MAX_INTERVAL_ORIGINS))
            wanted = EvaluationForecasts(
                self.strategy,
                scaler,
                self.target,
                self.config.window,
                self.season,
                series.prices,
                queries,
                self.level,
                growth,
            )
            result, members = self._fit_ensemble(
                inputs, train_t, val_t, outputs, on_member, should_stop, wanted, growth
            )
        else:
            result = train(
                inputs,
                train_t,
                val_t,
                self._network_config(),
                outputs=outputs,
                on_epoch=on_epoch,
                should_stop=should_stop,
                direct=direct,
                growth=growth,
            )
            members = None
        self.params, self.result = result.params, result
        self.members = None if members is None else [m.result.params for m in members.values()]
        # what `_refit_all` needs: the scaled series and every window's target row (a direct head's last too)
        every = np.arange(self.config.window, len(z) - (self.horizon - 1))
        self._refit_job = (inputs, every, outputs, direct, len(train_t))
        self._rows = (train_t, val_t)  # a combination of the season's fits is scored on the same rows
        made = None if members is None else [m.forecasts for m in members.values()]
        validation, intervals = self._evaluate(series.prices, scaler, train_t, val_t, result.interrupted, made)
        self.info = self._describe(series, scaler, train_t, val_t, result, validation, intervals, reading or {})
        if members is not None:
            self.info = replace(self.info, ensemble=self._ensemble_info(members))

    def _fit_ensemble(self, series, train_t, val_t, outputs, on_member, should_stop, forecasts=None, growth=None):
        """(the result standing for the run, {member index: MemberFit} of the finished members): trained in parallel.

        The run's result is the first kept member's (member 0 unless Ctrl-C dropped it), marked
        interrupted when members were dropped. `forecasts` (EvaluationForecasts): what each
        member's worker forecasts with its weights, returned in its MemberFit. `growth`: see training.train.
        """
        direct = self.strategy == DIRECT
        tasks = _ensemble.tasks(
            self._network_config(), self.ensemble, series, train_t, val_t, outputs, direct, forecasts, growth
        )
        jobs = _ensemble.members_jobs(tasks, self.jobs, self.jobs_given)
        results = _ensemble.fit_members(tasks, jobs, on_member, should_stop)
        if not results:
            raise EnsembleStopped(
                f"stopped before any of the {self.ensemble} ensemble members finished training; no model was saved "
                "(a previous model file is untouched)",
                hint="let at least one member finish (the progress bar counts them), or use --ensemble 1",
            )
        first = next(iter(results.values())).result
        return replace(first, interrupted=len(results) < self.ensemble), results

    def _network_config(self) -> TrainConfig:
        """The config the network trains with: a seasonal difference's window is W + offset - m (`season.lag`)."""
        lag = seasons.target_lag(self.season)
        if lag == 1:
            return self.config
        return replace(self.config, window=self.config.window + self.target.offset - lag)

    def _ensemble_info(self, members: dict[int, _ensemble.MemberFit]) -> EnsembleInfo:
        return EnsembleInfo(
            seeds=tuple(_ensemble.member_seed(self.config.seed, k) for k in members),
            combine=self.combine,
            requested=self.ensemble,
            best_epochs=tuple(m.result.best_epoch for m in members.values()),
        )

    def _resolve(self, series: _Series) -> None:
        """Resolve `--target auto` and the auto window from the data; `choices` records why."""
        self.choices = {}
        self.target, why = resolve_target(self.requested_target, series.prices, series.columns)
        if why:
            self.choices["target"] = why
        if self.auto_window:
            cfg, N = self.config, len(series.prices)
            W = auto_window(N, cfg.window, self.target, cfg.val_fraction, self.horizon)
            if W != cfg.window:
                self.config = replace(cfg, window=W, ar=min(cfg.ar, W))  # the skip's lags stay inside the window
                self.choices["window"] = f"auto: {N} rows"

    def _seasonal(self, series: _Series, z: np.ndarray, train_end: int) -> tuple[np.ndarray, np.ndarray]:
        """Resolve the season on the training part (price rows 0..train_end); (target series, extra inputs).

        With a seasonal adjustment the target series is rebuilt from the adjusted prices; the
        extra inputs (M, E) are season sin/cos of each target row's price row (E = 0 without).
        Weekly data without a season (`--season auto`, a method with phase inputs) get the
        position in the year instead (`seasons.year_season`; year sin/cos).
        """
        p = series.prices[: train_end + 1, 0]  # (n,) the training part of the target column
        m, why = seasons.resolve_season(self.requested_season, p, series.frequency, self.season_test)
        self.choices.pop("season", None)
        self.season = None
        if m is None and self._method == WEEKS:  # weekly data: season 52, not confirmed by the test
            m, why = seasons.SEASON_BY_FREQUENCY[series.frequency], f"season 52, not confirmed ({why})"
            self._method = "phase"
        elif m is None and self.requested_season == seasons.AUTO and "phase" in self._method:
            self.season = seasons.year_season(p, series.frequency, why)  # weekly data: the position in the year
        if m is None and self.season is None:
            if self.requested_season == seasons.AUTO:
                self.choices["season"] = why
            return z, np.empty((len(z), 0))
        if m is None:
            self.choices["season"] = self.season.describe()
            return z, seasons.phase_columns(np.arange(len(z)) + self.target.offset, self.season.period)  # (M, 2)
        self.season = seasons.fit_season(
            m, why, p, self._method, self.target is not Target.DIFF, level_input=self.config.level_input
        )
        self.choices["season"] = self.season.describe()
        off = self.target.offset
        if self.season.adjust is not None:
            adjusted = self.season.adjusted(series.prices, np.arange(len(series.prices)))  # (N, F)
            z = to_target(adjusted, self.target, series.source, series.columns)  # (M, F)
        if self.season.difference:  # row t: price row t + off vs m rows before; the first m - 1 rows have none (0)
            zl = to_target(series.prices, self.target, series.source, series.columns, lag=m)  # (N - m, F)
            z = np.concatenate([np.zeros((len(z) - len(zl), z.shape[1])), zl])  # (M, F)
        if not self.season.phase_inputs:
            return z, np.empty((len(z), 0))
        return z, seasons.phase_columns(np.arange(len(z)) + off, self.season.period)  # (M, 2)

    def _split(self, M: int, series: _Series) -> tuple[np.ndarray, np.ndarray]:
        """(training, validation) target rows of a target series of M rows; resolves the batch size.

        Row t of the target series is predicted from rows t-W .. t-1; the newest share validates.
        A direct model's window t also learns rows t+1 .. t+horizon-1, so its last horizon - 1
        training windows are dropped: no validation row is ever a training label.
        """
        cfg, off, steps = self.config, self.target.offset, self.horizon
        W, N = cfg.window, len(series.prices)
        n_train, _ = split_sizes(M - W - (steps - 1), cfg.val_fraction)
        if n_train - (steps - 1) < MIN_TRAIN_WINDOWS:
            raise DataError(
                f"{series.source} has {N} usable rows; {window_needs(W, not self.auto_window, cfg.val_fraction)} "
                f"at least {min_rows(W, off, cfg.val_fraction, steps)} "
                f"({MIN_TRAIN_WINDOWS} windows to train on and 2 to validate"
                + (f", each with {steps} steps ahead)" if steps > 1 else ")"),
                hint=_too_short_hint(W, N, off, cfg.val_fraction, steps),
            )
        if cfg.batch_size is None:  # the data-dependent default, resolved here so the model file records it
            self.config = replace(cfg, batch_size=batch_size_for_windows(n_train))
        targets = np.arange(W, M - (steps - 1))
        return targets[: n_train - (steps - 1)], targets[n_train:]

    def _last_label(self, train_t: np.ndarray) -> int:
        """The last target-series row a training window learns (a direct head's reach horizon - 1 rows further)."""
        return int(train_t[-1]) + self.horizon - 1

    def _evaluate(
        self, prices, scaler, train_t, val_t, interrupted: bool, member_forecasts: list | None = None
    ) -> tuple[ValidationInfo, IntervalInfo | None]:
        """Validation scores and interval quantiles of the trained weights; TrainingError if they diverged.

        `member_forecasts`: each member's forecasts for `_evaluation_queries(val_t, MAX_INTERVAL_ORIGINS)`,
        made in its worker (EvaluationForecasts); only their median is taken here. Without them (or
        after a stop, which calibrates on fewer origins) the forecasts are made here.
        """
        # stopped by Ctrl-C: calibrate on the newest 500 origins only, so the stop stays prompt on long series
        max_origins = INTERRUPTED_ORIGINS if interrupted else MAX_INTERVAL_ORIGINS
        queries = self._evaluation_queries(val_t, max_origins)
        with np.errstate(over="ignore", invalid="ignore"):  # runaway forecasts are caught by value just below
            if member_forecasts is None or interrupted or None in member_forecasts:
                W, off = self.config.window, self.target.offset
                made = [
                    self.paths(histories(prices, W, self.target, rows), steps, scaler, rows - 1 + off)
                    for rows, steps in queries
                ]
            else:
                made = [_ensemble.combine([m[q] for m in member_forecasts], self.combine) for q in range(len(queries))]
                self._remember_paths(prices, scaler, queries, made)
            validation = self._validate(prices, scaler, train_t, val_t, made[0][:, 0, 0])
            intervals = self._interval_errors(
                prices, scaler, val_t, max_origins, made[1][:, :, 0] if len(made) > 1 else None
            )
        if not (math.isfinite(validation.model.mae) and (intervals is None or np.isfinite(intervals.quantiles).all())):
            raise TrainingError(
                "training diverged: the model's forecasts run off to infinity; no model was saved",
                hint=f"lower --lr (now {self.config.lr:g}) or use --target diff",
            )
        return validation, intervals

    def _remember_paths(self, prices, scaler, queries, made: list[np.ndarray]) -> None:
        """Keep the ensemble members' validation and calibration forecasts (made in their workers by
        EvaluationForecasts: the calls `member_paths` makes, with the same weights, scaler, season, level and damped
        growth on the same histories, one BLAS thread) as this fit's own (`_own_paths`), so that `_combine_fits` does
        not make them again. Only for the network's own forecasts: not once the season's fits are combined or blended
        toward seasonal naive (`paths` then forecasts more than the members' median)."""
        cache = self.__dict__.get("_paths_cache")
        if cache is None or self.partners or self.snaive_weight:
            return
        W, off, state = self.config.window, self.target.offset, self._paths_state(scaler)
        for (rows, steps), own in zip(queries, made, strict=True):
            key = self._paths_key(histories(prices, W, self.target, rows), steps, rows - 1 + off)
            self._keep_paths(cache, key, state, own)

    def _describe(
        self,
        series: _Series,
        scaler: Scaler,
        train_t: np.ndarray,
        val_t: np.ndarray,
        result: TrainResult,
        validation: ValidationInfo,
        intervals: IntervalInfo | None,
        reading: dict,
    ) -> ModelInfo:
        """The model file's metadata for this fit."""
        prices, dates, off = series.prices, series.dates, self.target.offset
        N = len(prices)
        keep = min(N, max(TAIL_ROWS, self.config.window + off))
        train_end = int(self._last_label(train_t) + off)  # last price row of the training part
        return ModelInfo(
            config=self.config,
            target=self.target,
            scaler=scaler,
            columns=tuple(series.columns),
            created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            data=DataInfo(
                source=series.source,
                sha256=series.sha256,
                rows=N,
                first_date=_iso(dates[0]) if dates is not None else None,
                last_date=_iso(dates[-1]) if dates is not None else None,
                frequency=series.frequency,
                train_rows=train_end + 1,
                train_end_date=_iso(dates[train_end]) if dates is not None else None,
                series=series.series,
                id_column=reading.get("id_column"),
                dayfirst=reading.get("dayfirst"),
                date_format=reading.get("date_format"),
                decimal=reading.get("decimal"),
                calendar=reading.get("calendar"),
                calendar_match=reading.get("calendar_match"),
                sheet=reading.get("sheet"),
                timezone=series.timezone,
                session=series.session.to_dict() if series.session is not None else None,
                nonnegative=bool((prices[:, 0] >= 0).all()),
            ),
            tail=Tail(
                prices[-keep:].copy(), np.asarray(dates[-keep:]).astype("datetime64[s]") if dates is not None else None
            ),
            training=TrainingInfo(
                epochs_run=result.epochs_run,
                best_epoch=result.best_epoch,
                best_val_loss=result.best_val_loss,
                stopped_early=result.stopped_early,
                interrupted=result.interrupted,
                train_windows=len(train_t),
                val_windows=len(val_t),
                history=TrainingInfo.losses(result.history),
            ),
            validation=validation,
            intervals=intervals,
            horizon_strategy=self.strategy,
            horizon=self.horizon,
            season=self.season,
            level=self.level,
        )

    def paths(
        self, hist: np.ndarray, days: int, scaler: Scaler | None = None, last_phase: np.ndarray | int | None = None
    ) -> np.ndarray:
        """Forecasts (B, days, F or 1) in prices from B histories (B, W + offset, F): the one way the network forecasts.

        Column 0 is the target whatever the strategy (a direct model forecasts only it).
        `scaler` defaults to the fitted one (`fit` passes it before `info` exists). With a
        season, `last_phase` (B,) is the phase of each history's last row (its row number in the
        training data's count; `last_phase()` places newer data).
        An ensemble forecasts the median (`combine`) of its members' paths, value by value:
        everything downstream (validation, intervals, predict, backtest) is then the ensemble's own.
        """
        own = self._own_paths(hist, days, scaler, last_phase)
        if self.partners:
            # the season's fits combined (season_fits.py): each other fit forecasts with its own scaler and season
            others = [p.paths(hist, days, None, last_phase) for p in self.partners]
            own = _season_fits.combine([own, *others], self.partners_combine)
        if self.snaive_weight:  # toward seasonal naive (`shrink-snaive`, season_fits.SnaiveBlend)
            own = _season_fits.toward_snaive(own, hist, self._blend_season(), self.snaive_weight)
        return own

    def _own_paths(
        self, hist: np.ndarray, days: int, scaler: Scaler | None, last_phase: np.ndarray | int | None
    ) -> np.ndarray:
        """The median (`combine`) of the members' paths (a single model's own): `paths` before the season's fits are
        combined and the blend toward seasonal naive. During `fit` (`_paths_cache` set by `_fit_series`) a forecast
        already made from the same histories, phases and steps by the same weights, scaler, season and config is
        returned again instead of being made twice (`_combine_fits`, `_steps_maes` and `_toward_snaive`'s
        `_evaluate` forecast the same calibration origins): the same function of the same arrays, so the same bits."""
        cache = self.__dict__.get("_paths_cache")
        if cache is None:
            return _ensemble.combine(self.member_paths(hist, days, scaler, last_phase), self.combine)
        scaler = scaler or self.info.scaler
        key, state = self._paths_key(hist, days, last_phase), self._paths_state(scaler)
        hit = cache.get(key)
        if hit is not None and hit[2] == self.combine and all(a is b for a, b in zip(hit[0], state, strict=True)):
            return hit[1].copy()
        own = _ensemble.combine(self.member_paths(hist, days, scaler, last_phase), self.combine)
        self._keep_paths(cache, key, state, own)
        return own

    def _keep_paths(self, cache: dict, key: tuple, state: tuple, own: np.ndarray) -> None:
        """`_paths_cache`'s entry for the forecasts `own` (a copy kept) made from `key` (`_paths_key`) in `state`
        (`_paths_state`) with this combine: what `_own_paths` looks up, and `_remember_paths` fills in."""
        cache[key] = (state, own.copy(), self.combine)

    @staticmethod
    def _paths_key(hist: np.ndarray, days: int, last_phase: np.ndarray | int | None) -> tuple:
        """`_paths_cache`'s key: the forecast's arguments, by value."""
        phase = None if last_phase is None else np.asarray(last_phase)
        return (
            days,
            hist.shape,
            hist.dtype.str,
            hist.tobytes(),
            None if phase is None else (phase.shape, phase.dtype.str, phase.tobytes()),
        )

    def _paths_state(self, scaler: Scaler) -> tuple:
        """What member_paths reads besides its arguments, compared by identity (a refit's weights are new objects)."""
        return (self.params, self.members, scaler, self.season, self.level, self.config, self.target, self.strategy)

    def member_paths(
        self, hist: np.ndarray, days: int, scaler: Scaler | None = None, last_phase: np.ndarray | int | None = None
    ) -> list[np.ndarray]:
        """Each member's forecasts (B, days, F or 1) from B histories: one array for a single model."""
        W, scaler = self.config.window, scaler or self.info.scaler
        if self.season is not None and last_phase is None:
            raise ValueError("a seasonal model needs the phase of each history's last row")
        forecast = direct_forecast if self.strategy == DIRECT else recursive_forecast
        growth = DampedGrowth.of(self.config, scaler)
        return [
            forecast(
                params,
                scaler,
                self.target,
                W,
                hist,
                days,
                season=self.season,
                last_phase=last_phase,
                level=self.level,
                growth=growth,
            )
            for params in self.members or [self.params]
        ]

    def member(self, k: int) -> Forecaster:
        """Member k as a single-model Forecaster (same data, scaler and metadata): what `inspect --member` traces."""
        n = len(self.members or [self.params])
        if not isinstance(k, int) or not 0 <= k < n:
            raise OptionError(
                f"--member {k} does not exist (the model has {'members 0..' if n > 1 else 'one member, '}{n - 1})",
                hint=f"choose --member from 0 to {n - 1}" if n > 1 else "drop --member: this model is not an ensemble",
            )
        if n == 1 and not self.partners and not self.snaive_weight:
            return self
        one = Forecaster(self.config, self.target, strategy=self.strategy, horizon=self.horizon)
        one.params, one.info, one.season, one.level = (
            (self.members or [self.params])[k],
            self.info,
            self.season,
            self.level,
        )
        return one

    def _one_step(self, prices: np.ndarray, scaler: Scaler, targets: np.ndarray) -> np.ndarray:
        """One-step-ahead forecasts (len(targets), F or 1) in prices for the given target rows."""
        hist = histories(prices, self.config.window, self.target, targets)  # (B, W + off, F)
        last = targets - 1 + self.target.offset  # (B,) each history's last price row (its phase with a season)
        return self.paths(hist, 1, scaler, last)[:, 0]  # (B, F or 1)

    def _evaluation_queries(self, val_t: np.ndarray, max_origins: int) -> list[tuple[np.ndarray, int]]:
        """(target rows, steps) of the forecasts `_evaluate` scores: one step from every validation
        row, then H steps from the newest `max_origins` (interval calibration; none when H < 1)."""
        queries = [(val_t, 1)]
        origins = val_t[-max_origins:]  # the newest errors are the most relevant; bounds the cost
        H = intervals.horizon(len(origins))
        if self.strategy == DIRECT:
            H = min(H, self.horizon)  # a direct model forecasts no further
        return [*queries, (origins, H)] if H >= 1 else queries

    def _validate(self, prices, scaler, train_t, val_t, model: np.ndarray | None = None) -> ValidationInfo:
        """One-step-ahead MAE/RMSE/MASE of the model, naive and drift on the validation part.

        `model`: the model's one-step forecasts (V,) of the target, when already made."""
        off = self.target.offset
        p = prices[:, 0]
        actual = p[val_t + off]  # (V,)
        previous = p[val_t + off - 1]  # (V,) naive: tomorrow = today
        if model is None:
            model = self._one_step(prices, scaler, val_t)[:, 0]
        train_end = int(self._last_label(train_t) + off)
        slope = (p[train_end] - p[0]) / max(1, train_end)
        drift = previous + slope
        scale = metrics.naive_scale(p[: train_end + 1])

        def scores(forecast: np.ndarray, direction: bool = True, baseline: bool = True) -> Scores:
            return Scores(
                mae=metrics.mae(actual, forecast),
                rmse=metrics.rmse(actual, forecast),
                mase=metrics.mase(actual, forecast, scale),
                directional_accuracy=metrics.directional_accuracy(previous, actual, forecast) if direction else None,
                # a baseline's row: is the model's error lower than this one's by more than chance?
                t=metrics.paired_t(model - actual, forecast - actual) if baseline else None,
            )

        # a seasonal model is also held against seasonal naive (the value one season back): beating
        # "tomorrow = today" is easy on a seasonal series, "same month last year" is the bar to clear
        m = self.season.length if self.season is not None else None
        seasonal = m is not None and int(val_t[0]) + off - m >= 0
        return ValidationInfo(
            rows=len(val_t),
            scale=scale,
            first_date_index=int(val_t[0] + off),
            model=scores(model, baseline=False),
            naive=scores(previous, direction=False),
            drift=scores(drift),
            seasonal_naive=scores(p[val_t + off - m]) if seasonal else None,
            season=m if seasonal else None,
        )

    def _interval_errors(
        self, prices, scaler, val_t, max_origins: int = MAX_INTERVAL_ORIGINS, forecasts: np.ndarray | None = None
    ) -> IntervalInfo | None:
        """Quantiles of the model's own validation errors at each horizon (split conformal).

        `forecasts`: the model's (V, H) forecasts of the target from the newest `max_origins`
        validation rows (`_evaluation_queries`), when already made.

        Errors are log(actual / forecast) when the model learns log-returns (errors scale with
        the price), else actual - forecast (errors in price units, as a diff or level model
        assumes): log-ratios of an additive-noise series calibrated at one price level give
        intervals far too wide or too narrow once the level has moved.
        """
        val_t = val_t[-max_origins:]  # the newest errors are the most relevant; bounds the cost
        H = intervals.horizon(len(val_t))
        if self.strategy == DIRECT:
            H = min(H, self.horizon)  # a direct model forecasts no further
        if H < 1:
            return None
        W, off = self.config.window, self.target.offset
        if forecasts is None:
            hist = histories(prices, W, self.target, val_t)  # (V, W + off, F)
            last = val_t - 1 + off  # (V,) each history's last price row
            forecasts = self.paths(hist, H, scaler, last)[:, :, 0]  # (V, H)
        # log-return needs prices > 0, so the log is safe
        return intervals.calibrate(forecasts, prices[:, 0], val_t + off, self.target is Target.LOG_RETURN)

    # ----------------------------------------------------------------------------- predict

    def predict(
        self,
        days: int,
        values: np.ndarray | None = None,
        dates: np.ndarray | None = None,
        interval: float | None = 0.9,
        levels: list[float] | None = None,
        path: np.ndarray | None = None,
    ) -> Forecast:
        """Forecast `days` steps after the training data, or after newer `values` (N, F) with their `dates`.

        `interval` is the coverage of the prediction interval (None or 0: none); one wider than
        the stored errors give is refused (OptionError), not quietly narrowed; one wider than a
        short series' few errors reach gives no band and says so (`Forecast.interval_note`).
        `levels`: several coverages (the widest being `interval`) for `Forecast.bands`.
        A series that never went below 0 (training and `values`) gets no forecast or bound below 0.
        `path`: this model's `paths` (1, days, F) from the training tail, computed beforehand (a panel
        forecasts its series' networks as one batch, `panel_forecast`); only without `values`.
        """
        if self.params is None or self.info is None:
            raise OptionError("this Forecaster has not been fitted or loaded")
        check_horizon(days, interval)
        if days > self.horizon and self.strategy == DIRECT:
            raise OptionError(
                f"--days {days} is more than this model forecasts: it was trained to emit {self.horizon} steps "
                "at once (--strategy direct)",
                hint=f"ask for --days {self.horizon} or fewer, or retrain with --horizon {days}",
            )
        info = self.info
        W, off = self.config.window, self.target.offset
        newer = 0  # rows after the training data that --data brings: their errors recalibrate the interval
        if values is None:
            prices, dates = info.tail.values, info.tail.dates
        else:
            prices = self._newer_prices(values)
            newer = self._rows_after_training(prices)
        hist = prices[None, -(W + off) :]  # (1, W + off, F)
        phase = self.last_phase(None if values is None else len(prices), dates)
        with np.errstate(over="ignore", invalid="ignore"):  # checked by value below
            if path is None:
                path = self.paths(hist, days, last_phase=phase)
            elif values is not None or path.shape[1] != days:
                raise ValueError("a precomputed path is for the training tail and `days` steps only")
            out = path[0, :, 0]  # (days,)
        if not np.isfinite(out).all():
            k = int(np.argmax(~np.isfinite(out)))  # steps that are still finite
            raise OptionError(
                f"the forecast runs off to infinity after {k} steps",
                hint=f"ask for --days {k} or fewer" if k else "retrain the model, e.g. with a lower --lr",
            )
        freq = info.data.frequency
        session = periods.Session.from_dict(info.data.session) if info.data.session else None
        lower = upper = calibration = note = None
        bands = {}
        recalibrated = 0
        floor = intervals.floor(info.data.nonnegative, None if values is None else prices[:, 0])
        if interval and info.intervals is not None:
            for level in levels or [interval]:
                check_interval(level, info.intervals)
            calibration = info.intervals
            if newer and calibration.recent_errors is not None:
                calibration, recalibrated = self._recalibrated(prices, newer, phase)
            note = intervals.few_errors_note(calibration, interval)
            if intervals.reaches(interval, calibration):
                lower, upper = interval_bounds(calibration, out, interval, floor)  # around the model's own forecast
                if levels and len(levels) > 1:
                    bands = intervals.several_bands(calibration, out, levels, floor)
            else:
                interval = None
        else:
            interval = None
        if floor is not None:
            out = np.maximum(out, floor)
        return Forecast(
            values=out,
            dates=periods.future_dates(dates, freq, days, session=session, calendar=info.data.calendar)
            if dates is not None
            else None,
            last_value=float(prices[-1, 0]),
            last_date=dates[-1] if dates is not None else None,
            column=info.columns[0],
            frequency=freq,
            lower=lower,
            upper=upper,
            interval=interval,
            history=prices[-min(len(prices), 120) :, 0],
            history_dates=dates[-min(len(prices), 120) :] if dates is not None else None,
            strategy=self.strategy,
            timezone=info.data.timezone,
            recalibrated=recalibrated,
            bands=bands,
            calibration=calibration,
            floor=floor,
            interval_note=note,
        )

    def last_phase(self, rows: int | None = None, dates: np.ndarray | None = None) -> int | None:
        """The season phase of the last row of the training data (`rows` None) or of newer data of `rows` rows.

        None without a season. Newer data with dates are placed by their last date; without dates
        their first row is taken as the training data's first (seasons.last_phase).
        """
        if self.season is None or self.info is None:
            return None
        info = self.info
        model_last = info.tail.dates[-1] if info.tail.dates is not None else None
        return seasons.last_phase(
            self.season.length,
            info.data.rows,
            model_last,
            info.data.frequency,
            dates,
            rows,
            countable=info.data.session is None,  # intraday sessions: nights are not steps
        )

    def _rows_after_training(self, prices: np.ndarray) -> int:
        """How many of the newer prices (N, F) come after the training data's last row; 0 when unknown.

        Found by value: the newest rows of the stored tail, matched as one block inside `prices`
        (the last match wins). A file that does not contain them (another series, other
        rounding) gives 0: nothing is recalibrated.
        """
        tail = self.info.tail.values[-min(len(self.info.tail.values), 20) :]  # (K, F)
        K = len(tail)
        if len(prices) <= K:
            return 0
        views = np.lib.stride_tricks.sliding_window_view(prices, (K, prices.shape[1]))[:, 0]  # (N-K+1, K, F)
        hits = np.flatnonzero((views == tail).all(axis=(1, 2)))
        return 0 if not len(hits) else len(prices) - (int(hits[-1]) + K)

    def _recalibrated(self, prices: np.ndarray, newer: int, phase: int | None = None) -> tuple[IntervalInfo, int]:
        """The interval recalibrated with the errors of forecasts from origins after training; (info, origins used).

        `phase`: with a season, the phase of the last row of `prices`.
        """
        info, W, off = self.info, self.config.window, self.target.offset
        H = len(info.intervals.quantiles)
        N = len(prices)
        first = max(N - newer, W + off, N - intervals.RECENT_ORIGINS)  # price row each origin's step 1 forecasts
        if first >= N:
            return info.intervals, 0
        rows = np.arange(first, N)  # (n,)
        with np.errstate(over="ignore", invalid="ignore"):
            last = None if phase is None else phase - (N - rows)  # (n,) phase of each history's last row
            forecasts = self.paths(histories(prices, W, self.target, rows - off), H, last_phase=last)[:, :, 0]
        errs = intervals.errors(forecasts, prices[:, 0], rows, info.intervals.kind == "log-ratio")
        if not np.isfinite(errs[~np.isnan(errs)]).all():
            return info.intervals, 0
        return intervals.recalibrate(info.intervals, errs), len(rows)

    def _newer_prices(self, values: np.ndarray) -> np.ndarray:
        """Newer prices (N, F) to forecast from, checked: the model's columns, enough rows, finite and usable."""
        info, W, off = self.info, self.config.window, self.target.offset
        prices = np.asarray(values, dtype=np.float64)
        prices = prices[:, None] if prices.ndim == 1 else prices
        if prices.shape[1] != info.features:
            raise DataError(
                f"the new data has {prices.shape[1]} columns, the model was trained on "
                f"{info.features} ({', '.join(info.columns)})"
            )
        if len(prices) < W + off:
            raise DataError(
                f"the new data has {len(prices)} rows; the model's window {W} (as trained) needs the last {W + off}",
                hint="pass a longer --data file",
            )
        if not np.isfinite(prices[-(W + off) :]).all():
            raise DataError(
                "the new data has missing or infinite values in its last rows", hint="fill or delete those rows"
            )
        recent = prices[-(W + off) :]  # (W + off, F): all the forecast reads
        if self.target is Target.LOG_RETURN and not (recent > 0).all():
            row, col = np.argwhere(~(recent > 0))[0]
            raise DataError(
                f"the new data: {info.columns[col]!r} is {recent[row, col]:g} at data row "
                f"{len(prices) - len(recent) + row + 1}, but this model learns log-returns, which "
                "need prices above 0",
                hint="retrain with --target diff or --target level for series with zero or negative values",
            )
        return prices

    # ----------------------------------------------------------------------------- files

    def save(self, path: str | Path) -> Path:
        if self.params is None or self.info is None:
            raise OptionError("nothing to save: fit the Forecaster first")
        arrays = modelfile.join_members(self.members or [self.params])
        for k, other in enumerate(self.partners or [], 1):  # the season's other fits combined: under fit{k}/
            own = modelfile.join_members(other.members or [other.params])
            arrays |= {_season_fits.fit_prefix(k) + name: a for name, a in own.items()}
        return modelfile.save(path, arrays, self.info.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> Forecaster:
        return cls.from_parts(*modelfile.read(path))

    @classmethod
    def from_parts(cls, params: dict[str, np.ndarray], info: ModelInfo) -> Forecaster:
        """A Forecaster from a model file's checked arrays (every member's, `join_members` names) and its
        info: the strategy, horizon, season and ensemble members as saved (a panel's series use it too)."""
        n = 1 if info.ensemble is None else len(info.ensemble.seeds)
        forecaster = cls(info.config, info.target, strategy=info.horizon_strategy, horizon=info.horizon, ensemble=n)
        members = modelfile.split_members(params, n)
        forecaster.params, forecaster.info = members[0], info
        forecaster.members = members if n > 1 else None
        forecaster.combine = _ensemble.DEFAULT_COMBINE if info.ensemble is None else info.ensemble.combine
        forecaster.season = info.season  # None for a model file without one (all files before seasons)
        forecaster.level = info.level  # None without the level input (all files before it)
        if info.snaive_blend is not None:  # the forecast moved toward seasonal naive (season_fits.SnaiveBlend)
            forecaster.snaive_weight = info.snaive_blend.weight
        if info.season_fits is not None:  # the season's other fits, combined with this one's (season_fits.py)
            forecaster.partners, forecaster.partners_combine = [], info.season_fits.combine
            for k, fit in enumerate(info.season_fits.fits, 1):
                prefix = _season_fits.fit_prefix(k)
                own = {name[len(prefix) :]: a for name, a in params.items() if name.startswith(prefix)}
                other_info = replace(
                    info,
                    config=fit.config,
                    scaler=fit.scaler,
                    season=fit.season,
                    level=fit.level,
                    ensemble=fit.ensemble,
                    intervals=None,
                    season_fits=None,
                    snaive_blend=None,
                )
                forecaster.partners.append(cls.from_parts(own, other_info))
        return forecaster
