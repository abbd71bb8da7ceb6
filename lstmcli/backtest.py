"""Rolling-origin backtests: how good is a forecast, measured before anyone trusts it.

The last `test_fraction` of the series is held out. The LSTM is fitted on the part before
it (its own validation split lies inside that part), then forecasts `days` steps ahead from
origins spaced `every` steps apart across the held-out part, each from the history before
its origin only. Baselines forecast from exactly the same origins, and every model is
scored on exactly the same (origin, step) pairs. Nothing after an origin is ever seen by
that origin's forecast: not the scaler, not the target transform, not the weights, not the
season test, not the MASE scale.

Notation: N rows of prices (N, F) with the target in column 0; `cut` is the first held-out
row; O origins o_1 < o_2 < ...; the forecast from origin o covers rows o .. o + days - 1
(its step h = 1..days is row o + h - 1), and it may use rows 0 .. o - 1.

Forecasting goes through `Forecaster.paths`, the code `lstm predict` runs, and
intervals through `intervals.interval_bounds` on the errors stored at fit time, so the
coverage measured here is the coverage `lstm predict` delivers.

NumPy only; the CLI (`cli/backtest.py`) runs it and `render/backtest.py` renders the result.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from lstmcli import intervals, metrics
from lstmcli import season_fits as _season_fits
from lstmcli.errors import DataError, OptionError
from lstmcli.forecast import Forecaster, given_or_default, min_rows, val_fraction_words
from lstmcli.intervals import INTERVAL_LEVELS, interval_bounds, widest_interval
from lstmcli.modelfile import DIRECT, HORIZON_STRATEGY
from lstmcli.seasons import (  # noqa: F401  (autocorrelation, SEASON_BY_FREQUENCY: read here by older callers)
    AUTO,
    DEFAULT_TEST,
    NONE,
    SEASON_BY_FREQUENCY,
    YEAR_CYCLES,
    autocorrelation,
    check_test,
    detect_season,
    parse_season,
    resolve_season,
)
from lstmcli.training import TrainConfig
from lstmcli.transforms import DEFAULT_TARGET, Target, check_target

#: what one step of each frequency is called in sentences
STEP_WORDS = {
    "B": "business day",
    "D": "day",
    "W": "week",
    "M": "month",
    "Q": "quarter",
    "Y": "year",
    "h": "hour",
    "min": "step",
}
MODELS = ("lstm", "naive", "drift", "seasonal_naive", "moving_average")
LABELS = {
    "lstm": "LSTM",
    "naive": "naive",
    "drift": "drift",
    "seasonal_naive": "seasonal naive",
    "moving_average": "moving average",
}
METRICS = ("mae", "rmse", "mape", "smape", "mase", "direction")
#: |relative MASE difference| below this (in %) counts as a tie in the verdict
TIE_PERCENT = 1.0
#: fewer separate (non-overlapping) forecast windows than this: the verdict says the sample is too small to judge
MIN_VERDICT_WINDOWS = 3


class Verdict(enum.Enum):
    """How the model's overall MASE compares with the baseline's: better, a tie (within TIE_PERCENT), worse."""

    BETTER = "better"
    TIE = "tie"
    WORSE = "worse"


# ---------------------------------------------------------------------------------------
# options


@dataclass
class BacktestSpec:
    """How the backtest runs (the model's own settings are a `TrainConfig`)."""

    days: int = 5  # forecast horizon from each origin
    test_fraction: float = 0.2  # last share of the rows held out
    every: int = 1  # steps between origins
    refit: int | None = None  # refit the LSTM every N origins on all rows before the origin; None: never
    season: str | int = AUTO  # "auto": detect from the frequency + autocorrelation; "none"; or a length >= 2
    interval: float = 0.9  # coverage of the prediction interval that is scored
    ma_window: int | None = None  # moving-average length; None: the season, else 5

    @property
    def held_words(self) -> str:
        """`--test-fraction 0.3` when not the default, else `the default test fraction 0.2`: what errors name."""
        tf = self.test_fraction
        return given_or_default("--test-fraction", "test fraction", tf, tf != BacktestSpec.test_fraction)

    def validate(self) -> None:
        """Raise OptionError for impossible values, naming the option."""
        checks = [
            (isinstance(self.days, int) and self.days >= 1, "--days", self.days, "ask for at least 1, e.g. --days 5"),
            (0 < self.test_fraction < 1, "--test-fraction", self.test_fraction, "use a share such as 0.2"),
            (isinstance(self.every, int) and self.every >= 1, "--every", self.every, "use 1 (every step) or more"),
            (self.refit is None or self.refit >= 1, "--refit", self.refit, "use never, or a number of origins >= 1"),
            (
                0 < self.interval < 1,
                "--interval",
                self.interval,
                f"for {self.interval:g}% write --interval {self.interval / 100:g}"
                if 10 <= self.interval < 100
                else "use a coverage such as 0.9",
            ),
            (self.ma_window is None or self.ma_window >= 1, "ma_window", self.ma_window, "use at least 1"),
        ]
        for ok, name, value, hint in checks:
            if not ok:
                raise OptionError(f"{name} {value} is not possible", hint=hint)
        parse_season(self.season)  # auto, none or N >= 2; OptionError naming --season otherwise
        widest = round(INTERVAL_LEVELS[-1] - INTERVAL_LEVELS[0], 6)  # what every fit's stored errors give
        if self.interval > widest + 1e-9:  # not quietly scored as the widest under the name asked for
            raise OptionError(
                f"--interval {self.interval:g} is wider than lstm can calibrate (at most {widest:g})",
                hint=f"ask for --interval {widest:g} or less",
            )


def parse_refit(text: str | None) -> int | None:
    """`--refit never` -> None; `--refit 20` (or `every 20`) -> 20."""
    t = (text or "never").strip().lower().removeprefix("every").strip()
    if t in ("never", "no", ""):
        return None
    if t == "0":  # it once meant never without a word; a 0 more likely asks for something else
        raise OptionError("--refit 0 is not possible", hint="use --refit never (train once) or --refit N (N >= 1)")
    try:
        n = int(t)
    except ValueError:
        n = 0
    if n < 1:
        raise OptionError(
            f"--refit {text!r} is not possible",
            hint="use --refit never (train once) or --refit N to refit every N origins",
        )
    return n


# ---------------------------------------------------------------------------------------
# the plan: where the test window starts and where the origins are


def plan(n_rows: int, spec: BacktestSpec) -> tuple[int, np.ndarray]:
    """(cut, origins): the first held-out row and the origins (O,) whose whole horizon is in the data."""
    spec.validate()
    n_test = round(n_rows * spec.test_fraction)
    if n_test < spec.days:
        need = math.ceil(spec.days / spec.test_fraction)
        horizon = given_or_default("--days", "horizon", spec.days, spec.days != BacktestSpec.days)
        raise DataError(
            f"{spec.held_words} of {n_rows} rows holds out {n_test}, fewer than {horizon} needs",
            hint=f"use a larger --test-fraction (at least {spec.days / n_rows:.2g}), fewer --days, or at least "
            f"{need} rows",
        )
    cut = n_rows - n_test
    origins = np.arange(cut, n_rows - spec.days + 1, spec.every)  # (O,)
    return cut, origins


def _too_few_rows(source: str, n_rows: int, cut: int, spec: BacktestSpec, fewest: int, val_fraction: float) -> None:
    """DataError: the `cut` rows before the test window are fewer than the `fewest` that any fit needs (a window of
    1), with the rows the whole backtest needs at this test fraction and horizon (a smaller test fraction or window
    cannot help then: 10 rows went from "use a larger --test-fraction" to "use a smaller --test-fraction")."""
    tf = spec.test_fraction
    need = next(n for n in itertools.count(n_rows + 1) if n - round(n * tf) >= fewest and round(n * tf) >= spec.days)
    raise DataError(
        f"{source}: only {cut} of its {n_rows} rows come before the test window; a fit needs at least {fewest} "
        f"(the shortest window, 1, with {val_fraction_words(val_fraction)})",
        hint=f"use more data: {spec.held_words} needs at least {need} rows",
    )


# ---------------------------------------------------------------------------------------
# baselines


def baseline_forecasts(
    p: np.ndarray, origins: np.ndarray, days: int, season: int, ma_window: int
) -> dict[str, np.ndarray]:
    """Forecasts (O, days) of the baselines from each origin, using rows before it only.

    naive: the last value. drift: the last value plus h times the average change of the whole
    history (a line through its first and last values). seasonal naive: the value one season
    before the forecast row (repeating the last season). moving average: the mean of the last
    `ma_window` values. Seasonal naive is left out when season is 1 (it would be naive).
    """
    p = np.asarray(p, dtype=np.float64)
    h = np.arange(1, days + 1)  # (days,)
    last = p[origins - 1]  # (O,)
    out = {"naive": np.repeat(last[:, None], days, axis=1)}  # (O, days)
    slope = (last - p[0]) / np.maximum(1, origins - 1)  # (O,)
    out["drift"] = last[:, None] + slope[:, None] * h[None, :]
    if season > 1:
        back = season * ((h - 1) // season + 1)  # (days,) whole seasons back to the last observed one
        out["seasonal_naive"] = p[origins[:, None] + (h - 1)[None, :] - back[None, :]]
    csum = np.r_[0.0, np.cumsum(p)]  # (N + 1,)
    k = np.minimum(ma_window, origins)  # (O,)
    ma = (csum[origins] - csum[origins - k]) / k  # (O,)
    moves = np.r_[0, np.cumsum(p[1:] != p[:-1])]  # (N,) changes of value up to each row
    ma = np.where(moves[origins - 1] == moves[origins - k], last, ma)  # one value: exactly it (the sums round)
    out["moving_average"] = np.repeat(ma[:, None], days, axis=1)
    return out


# ---------------------------------------------------------------------------------------
# scoring


def score(actual: np.ndarray, forecast: np.ndarray, previous: np.ndarray, scale: float, direction: bool = True) -> dict:
    """Metrics of forecasts (O, days) against actuals (O, days), overall and per step.

    `previous` (O,) is the last observed value at each origin: directional accuracy asks
    whether the forecast for step h is above or below it as the actual value is.
    """
    a, f = np.asarray(actual, dtype=np.float64), np.asarray(forecast, dtype=np.float64)
    prev = np.repeat(np.asarray(previous, dtype=np.float64)[:, None], a.shape[1], axis=1)  # (O, days)

    def all_metrics(a: np.ndarray, f: np.ndarray, prev: np.ndarray) -> dict:
        return {
            "mae": metrics.mae(a, f),
            "rmse": metrics.rmse(a, f),
            "mape": metrics.mape(a, f),
            "smape": metrics.smape(a, f),
            "mase": metrics.mase(a, f, scale),
            "direction": metrics.directional_accuracy(prev, a, f) if direction else None,
        }

    overall = all_metrics(a, f, prev)
    per_step = [all_metrics(a[:, h], f[:, h], prev[:, h]) for h in range(a.shape[1])]
    return {**overall, "per_step": {k: [s[k] for s in per_step] for k in METRICS}}


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[float, list[float]]:
    """Share (%) of actual values inside [lower, upper], overall and per step (all (O, days))."""
    inside = (lower <= actual) & (actual <= upper)  # (O, days)
    return float(100 * inside.mean()), [float(v) for v in 100 * inside.mean(axis=0)]


# ---------------------------------------------------------------------------------------
# the backtest


@dataclass
class BacktestResult:
    """Everything a backtest measured; `to_dict` is the JSON the CLI prints."""

    spec: BacktestSpec
    config: TrainConfig
    target: Target
    rows: int
    cut: int
    origins: np.ndarray  # (O,) row index of each origin's first forecast row
    season: int
    season_reason: str
    ma_window: int
    scale: float  # in-sample (seasonal) naive MAE on rows before the cut: the MASE denominator
    actual: np.ndarray  # (O, days)
    previous: np.ndarray  # (O,) last observed value at each origin
    forecasts: dict[str, np.ndarray]  # model -> (O, days)
    scores: dict[str, dict]  # model -> score()
    lower: np.ndarray | None = None  # (O, days) LSTM interval, when the model stored interval errors
    upper: np.ndarray | None = None
    interval: float = 0.9  # the interval's nominal coverage (--interval; wider than the stored errors give is refused)
    coverage: float | None = None  # % of actuals inside the interval
    coverage_per_step: list[float] | None = None
    fits: int = 1
    fit_configs: list[dict] = field(default_factory=list)  # epochs run, best epoch, per fit
    dates: np.ndarray | None = None  # (N,) datetime64 of the rows, when the series has dates
    frequency: str | None = None
    column: str = "value"
    strategy: str = HORIZON_STRATEGY  # how the LSTM forecast several steps: recursive or direct
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before every fit finished: `origins` are those scored
    planned_origins: int | None = None  # origins the test window held (None: as many as `origins`)
    planned_fits: int | None = None  # fits the backtest would have run (None: as many as `fits`)
    timezone: str | None = None  # "UTC" or "-05:00" (PriceSeries.timezone): --json and --output write it in the times
    ensemble_choice: str | None = None  # why the fits are ensembles when --ensemble was not given (as lstm train's)

    def kept_spans(self) -> list[tuple[int, int]]:
        """(first, last) row of each run of consecutive origins scored (one span unless stopped midway)."""
        o, every = [int(v) for v in self.origins], self.spec.every
        spans = [[o[0], o[0]]]
        for v in o[1:]:
            if v == spans[-1][1] + every:
                spans[-1][1] = v
            else:
                spans.append([v, v])
        return [(a, b) for a, b in spans]

    @property
    def reference(self) -> str:
        """The baseline to beat: seasonal naive on a seasonal series, else naive."""
        return "seasonal_naive" if self.season > 1 else "naive"

    @property
    def models(self) -> list[str]:
        return [m for m in MODELS if m in self.forecasts]

    def step_word(self, n: int = 1) -> str:
        word = STEP_WORDS.get(self.frequency or "", "step")
        return word if n == 1 else word + "s"

    def relative(self, model: str = "lstm", baseline: str | None = None) -> list[float]:
        """Per step, how much lower (in %) the model's MASE is than the baseline's (negative: worse)."""
        b = self.scores[baseline or self.reference]["per_step"]["mase"]
        m = self.scores[model]["per_step"]["mase"]
        return [100 * (1 - x / y) if y > 0 else float("nan") for x, y in zip(m, b, strict=True)]

    def chance(self, model: str = "lstm", baseline: str | None = None) -> tuple[float | None, int]:
        """(t, n): is the model's MAE difference from the baseline more than chance?

        d_o = the model's mean absolute error over steps 1..days from origin o minus the
        baseline's; t = mean(d) / (sd(d) / sqrt(n)), on origins taken far enough apart that
        their forecast windows do not overlap (overlapping windows share errors, which would
        make t look larger than it is). t < 0: the model's errors are smaller. None when
        fewer than 3 such origins exist or every difference is the same.
        """
        baseline = baseline or self.reference
        days = self.actual.shape[1]
        apart = math.ceil(days / self.spec.every)  # origins `every` steps apart: every k-th starts a fresh window
        actual = self.actual[::apart]  # (n, days)
        d = np.abs(self.forecasts[model][::apart] - actual).mean(axis=1) - np.abs(
            self.forecasts[baseline][::apart] - actual
        ).mean(axis=1)  # (n,)
        n = len(d)
        sd = float(np.std(d, ddof=1)) if n >= 3 else 0.0
        if n < 3 or not sd > 0:
            return None, n
        return float(np.mean(d)) / (sd / math.sqrt(n)), n

    def chance_sentence(self, model: str = "lstm", baseline: str | None = None) -> str:
        """One sentence on the t statistic of `chance`, in words a reader can act on."""
        baseline = baseline or self.reference
        t, n = self.chance(model, baseline)
        name, base = LABELS[model], LABELS[baseline]
        if t is None:
            return f"Too few separate forecast windows ({n}) to tell whether {name} and {base} differ beyond chance."
        # Student's two-sided 5% value for the windows, as lstm train's verdict (2.0 from ~60 windows; 4.3 on 3)
        bound = metrics.t_critical(n - 1)
        if abs(t) >= bound:
            better = name if t < 0 else base
            return f"Over {n} separate forecast windows {better}'s lower error is unlikely to be chance (t = {t:+.1f})."
        return (
            f"Over {n} separate forecast windows the difference between {name} and {base} could be chance "
            f"(t = {t:+.1f}; |t| < {bound:.1f}): more data or a longer test window would tell."
        )

    def verdict(self, model: str = "lstm", baseline: str | None = None) -> tuple[Verdict, str]:
        """(kind, sentence): does the model beat the baseline, at the first and at the last step?"""
        baseline = baseline or self.reference
        rel = self.relative(model, baseline)
        name, base = LABELS[model], LABELS[baseline]
        days = len(rel)

        def at(h: int) -> str:
            return f"{h} {self.step_word(h)}"

        def part(r: float, h: int, other: str) -> str:
            if not math.isfinite(r):
                return f"cannot be compared with {other} at {at(h)}"
            if abs(r) < TIE_PERCENT:
                from lstmcli.render.common import signed_percent  # (no Rich used: a plain string)

                return f"ties with {other} at {at(h)} ({signed_percent(-r)} MASE)"
            if r > 0:
                return f"beats {other} by {r:.1f}% MASE at {at(h)}"
            return f"loses to {other} by {-r:.1f}% MASE at {at(h)}"

        first, last = rel[0], rel[-1]
        _, windows = self.chance(model, baseline)
        if windows < MIN_VERDICT_WINDOWS:  # one or two forecast windows: a few % either way is luck
            m, b = self.scores[model]["mase"], self.scores[baseline]["mase"]
            several = "" if windows == 1 else "s"
            text = (
                f"Too small a sample to judge {name} against {base}: {windows} separate forecast window{several} "
                f"(MASE {m:.3f} vs {b:.3f}). A longer test part (--test-fraction) or a smaller --every gives more."
            )
            return Verdict.TIE, text
        own, ref = self.scores[model], self.scores[baseline]
        if ref["mae"] == 0:  # a series constant over the test part: the baseline has no error to beat (MASE 0 or nan)
            text = (
                f"{name} ties with {base}: both are exact on the test part."
                if own["mae"] == 0
                else f"{name} loses to {base}, which is exact on the test part (MAE {own['mae']:.3g} against 0)."
            )
        elif days == 1:
            text = f"{name} {part(first, 1, base)}."
        elif all(r >= TIE_PERCENT for r in rel):
            text = f"{name} beats {base} at every step: by {first:.1f}% MASE at {at(1)}, {last:.1f}% at {at(days)}."
        elif all(r <= -TIE_PERCENT for r in rel):
            text = (
                f"{name} loses to {base} at every step: by {-first:.1f}% MASE at {at(1)}, {-last:.1f}% at {at(days)}."
            )
        else:
            text = f"{name} {part(first, 1, base)}, {part(last, days, 'it')}."
        if ref["mase"] > 0:
            overall = own["mase"] / ref["mase"] - 1
        else:  # the baseline exact (above) or no MASE scale (a series constant before the test part): by MAE
            overall = own["mae"] / ref["mae"] - 1 if ref["mae"] > 0 else (0.0 if own["mae"] == 0 else math.inf)
        kind = (
            Verdict.BETTER
            if overall < -TIE_PERCENT / 100
            else (Verdict.TIE if overall <= TIE_PERCENT / 100 else Verdict.WORSE)
        )
        return kind, text

    def to_dict(self) -> dict:
        """Plain JSON-ready numbers (NaN -> None)."""

        def clean(v):
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            if isinstance(v, float | np.floating):
                return float(v) if math.isfinite(v) else None
            if isinstance(v, np.integer):
                return int(v)
            return v

        from lstmcli import periods

        def date(i: int) -> str | None:
            return None if self.dates is None else periods.iso_date(self.dates[i], self.frequency, self.timezone)

        return clean(
            {
                "column": self.column,
                "rows": self.rows,
                "frequency": self.frequency,
                "test": {
                    "first_row": self.cut,
                    "first_date": date(self.cut),
                    "rows": self.rows - self.cut,
                    "fraction": self.spec.test_fraction,
                },
                "origins": len(self.origins),
                "origins_planned": self.planned_origins or len(self.origins),
                "interrupted": self.interrupted,
                "first_origin_date": date(int(self.origins[0])),
                "last_origin_date": date(int(self.origins[-1])),
                "days": self.spec.days,
                "every": self.spec.every,
                "refit": self.spec.refit or "never",
                "fits": self.fits,
                "fits_planned": self.planned_fits or self.fits,
                "season": self.season,
                "season_reason": self.season_reason,
                "moving_average_window": self.ma_window,
                "mase_scale": self.scale,
                "model": {"target": str(self.target), "horizon_strategy": self.strategy, **self.config.to_dict()},
                "fit_runs": self.fit_configs,
                "choices": {} if self.ensemble_choice is None else {"ensemble": self.ensemble_choice},
                "reference": self.reference,
                "scores": self.scores,
                "interval": {
                    "coverage_nominal": 100 * self.interval,
                    "coverage": self.coverage,
                    "coverage_per_step": self.coverage_per_step,
                }
                if self.coverage is not None
                else None,
                "verdict": self.verdict()[1],
                "chance": dict(zip(("t", "separate_windows"), self.chance(), strict=True)),
                "verdict_vs_naive": self.verdict(baseline="naive")[1] if self.reference != "naive" else None,
            }
        )


class BacktestStopped(Exception):
    """The backtest was stopped (Ctrl-C, SIGTERM) before any fit finished: no origin was scored."""

    def __init__(self, fits: int, origins: int) -> None:
        super().__init__(f"stopped before any of the {fits} fits finished ({origins} origins planned)")
        self.fits, self.origins = fits, origins


@dataclass
class _Block:
    """One LSTM fit of a backtest and the origins it forecasts: a task for `parallel.run` (picklable)."""

    index: int  # which fit (0-based)
    values: np.ndarray  # (N, F) the whole series (each origin reads only the rows before it)
    fit_rows: int  # the fit sees values[:fit_rows]
    origins: np.ndarray  # (o,) the origins this fit forecasts from
    config: TrainConfig
    target: Target
    days: int
    interval: float
    source: str
    strategy: str = HORIZON_STRATEGY
    auto: dict | None = None  # fit_auto keywords (no callables: they do not cross processes)
    season: str | int = NONE
    auto_window: bool = False
    frequency: str | None = None
    ensemble: int = 1
    jobs: int | None = 1  # processes for the fit's own parallel work (ensemble members, --auto candidates)
    reason: str = ""  # the season's reason, as backtest found it
    season_fits: str = _season_fits.DEFAULT  # the season's fits kept or combined (season_fits.py)
    choose_growth: bool | str = False  # fit with and without the damped growth, keep the better (growth.py)
    naive_fits: str = _season_fits.NAIVE_DEFAULT  # business days: toward naive where it is not beaten (season_fits.py)
    season_test: str = DEFAULT_TEST  # how a fit's --season auto confirms a season (weekly data: the fit looks)


def _lstm_block(
    values: np.ndarray,
    fit_rows: int,
    origins: np.ndarray,
    config: TrainConfig,
    target: Target,
    days: int,
    interval: float,
    source: str,
    on_epoch,
    strategy: str = HORIZON_STRATEGY,
    auto: dict | None = None,
    season: str | int = NONE,
    auto_window: bool = False,
    frequency: str | None = None,
    ensemble: int = 1,
    jobs: int | None = 1,
    on_member=None,
    should_stop: Callable[[], bool] | None = None,
    season_fits: str = _season_fits.DEFAULT,
    choose_growth: bool | str = False,
    naive_fits: str = _season_fits.NAIVE_DEFAULT,
    season_test: str = DEFAULT_TEST,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, Forecaster]:
    """Fit on values[:fit_rows] and forecast (O, days) from each origin, with interval bounds.

    A direct model is trained to emit exactly `days` steps; `ensemble` members by `jobs`
    processes. `auto`: `autoselect.fit_auto` keywords; the whole --auto procedure runs on
    values[:fit_rows] only. `should_stop` is handed to the fit (it ends early when asked).
    """
    what = f"{source} (the {fit_rows} rows before the test origin)"
    if auto is not None:
        from lstmcli.autoselect import fit_auto

        forecaster = fit_auto(
            values[:fit_rows],
            config=config,
            frequency=frequency,
            source=what,
            horizon=days,
            **auto,
            **({} if should_stop is None else {"should_stop": should_stop}),
        )
    else:
        forecaster = Forecaster(
            config,
            target,
            auto_window=auto_window,
            season=season,
            strategy=strategy,
            horizon=days if strategy == DIRECT else None,
            ensemble=ensemble,
            jobs=jobs,
            season_fits=season_fits,
            choose_growth=choose_growth,
            naive_fits=naive_fits,
            season_test=season_test,
        )
        forecaster.fit(
            values[:fit_rows],
            source=what,
            on_epoch=on_epoch,
            frequency=frequency,
            on_member=on_member,
            should_stop=should_stop,
        )
    W, off = forecaster.config.window, forecaster.target.offset
    hist = np.stack([values[o - W - off : o] for o in origins])  # (O, W + off, F)
    last = np.asarray(origins) - 1  # each history's last row: values[0] is the fit's row 0 (phase 0)
    out = forecaster.paths(hist, days, last_phase=last if forecaster.season is not None else None)[:, :, 0]
    # as lstm predict does: no forecast or bound below 0 for a series never below 0 up to the origin
    floors = [intervals.floor(forecaster.info.data.nonnegative, values[:o, 0]) for o in origins]  # (O,)
    info = forecaster.info.intervals
    bounds = None
    if info is not None and intervals.reaches(interval, info):  # a short series' few errors may reach no band
        bounds = [interval_bounds(info, row, interval, f) for row, f in zip(out, floors, strict=True)]
    out = np.array([row if f is None else np.maximum(row, f) for row, f in zip(out, floors, strict=True)])
    if bounds is None:
        return out, None, None, forecaster
    return out, np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds]), forecaster


def _fit_block(
    block: _Block,
    on_epoch=None,
    on_member=None,
    on_candidate=None,
    should_stop: Callable[[], bool] | None = None,
) -> dict | None:
    """Fit one block and forecast its origins: a dict of plain results, or None when a stop cut the fit short.

    Runs in a worker process (no callbacks; the worker never hears Ctrl-C) or, with one job, in
    this one, hearing `should_stop`: a fit that was asked to stop is dropped (its weights are not
    the ones a full fit gives), so every origin kept was forecast by a finished fit.
    """
    from lstmcli.autoselect import SelectionStopped
    from lstmcli.errors import LstmError

    auto = block.auto if block.auto is None or on_candidate is None else {**block.auto, "on_candidate": on_candidate}
    try:
        out, lo, hi, forecaster = _lstm_block(
            block.values,
            block.fit_rows,
            block.origins,
            block.config,
            block.target,
            block.days,
            block.interval,
            block.source,
            on_epoch,
            block.strategy,
            auto,
            block.season,
            block.auto_window,
            block.frequency,
            block.ensemble,
            block.jobs,
            on_member,
            should_stop,
            season_fits=block.season_fits,
            choose_growth=block.choose_growth,
            naive_fits=block.naive_fits,
            season_test=block.season_test,
        )
    except (LstmError, SelectionStopped):  # e.g. an ensemble stopped before any member finished
        if should_stop is not None and should_stop():
            return None
        raise
    if should_stop is not None and should_stop():
        return None
    t = forecaster.info.training
    season = forecaster.season
    run = {
        "rows": block.fit_rows,
        "epochs_run": t.epochs_run,
        "best_epoch": t.best_epoch,
        "one_step_validation_mase": forecaster.info.validation.model.mase,
        "window": forecaster.config.window,
        # the reason backtest found (the fit was given the season as a number)
        "season": None
        if season is None
        else season.describe()
        if block.season == AUTO  # weekly data without a season: the fit chose (the position in the year, 52, none)
        else replace(season, reason=block.reason).describe(),
        "ensemble_members": len(forecaster.members or [forecaster.params]),
    } | ({} if block.auto is None else {"auto": forecaster.info.selection.to_dict()})
    if (blend := forecaster.info.snaive_blend) is not None:  # its forecasts are (half) seasonal naive's: say so
        run["naive_weight" if blend.naive else "snaive_weight"] = blend.weight  # season 1: naive's (--naive-fits)
    if t.refit_epochs is not None:  # --refit-all: the model that forecast was refitted on all the fit's windows
        run |= {"refit_epochs": t.refit_epochs, "refit_windows": t.refit_windows}
    return {
        "forecasts": out,
        "lower": lo,
        "upper": hi,
        "run": run,
        "config": forecaster.config,
        "target": forecaster.target,
        "intervals": forecaster.info.intervals,
    }


def run_backtest(
    values: np.ndarray,
    config: TrainConfig | None = None,
    target: Target | str = DEFAULT_TARGET,
    spec: BacktestSpec | None = None,
    *,
    dates: np.ndarray | None = None,
    frequency: str | None = None,
    column: str = "value",
    source: str = "<array>",
    on_progress: Callable[[float, str], None] | None = None,
    strategy: str = HORIZON_STRATEGY,
    auto: dict | None = None,
    auto_window: bool = False,
    ensemble: int | None = 1,
    jobs: int | None = 1,
    should_stop: Callable[[], bool] | None = None,
    timezone: str | None = None,
    season_fits: str = _season_fits.DEFAULT,
    choose_growth: bool | str = False,
    naive_fits: str = _season_fits.NAIVE_DEFAULT,
    season_test: str = DEFAULT_TEST,
) -> BacktestResult:
    """Backtest the LSTM (trained with `config`, learning `target`, forecasting by `strategy`) and the baselines.

    values (N,) or (N, F), oldest first, column 0 the target. `on_progress(done, what)` hears
    the share done (0..1) after every training epoch and at the end. `auto` (a dict of
    `autoselect.fit_auto` keywords, e.g. {"budget": 60, "jobs": 2}) runs `--auto` inside every
    fit, on the rows before that fit's cut only; `config` is then the base of every candidate.
    `auto_window`: every fit shortens `config.window` as `lstm train` does without --window
    (Forecaster(auto_window=True)). The season (`spec.season`) serves the baselines, the MASE
    scale and the LSTM fits alike; `auto` is detected once on the rows before the test window
    (for the LSTM, never on business days, as `lstm train` does).
    `ensemble` N: each fit is an ensemble of N networks; None: as `lstm train` without --ensemble
    decides on the rows it reads, each fit on the rows it is fitted on (`ensemble.default_size`:
    3 below SHORT_ROWS, else 1), so a fit is the model `lstm train` builds from the rows before its
    origin (with `auto`: 1, as `lstm train --auto`'s refit). `timezone` (PriceSeries.timezone) goes
    into the times of `to_dict` and `per_origin_rows` (ISO 8601). `season_fits` (season_fits.py): each fit's
    season fits kept or combined (with `auto`: the refit's); `lstm backtest` of one series gives ONE_SERIES, as
    `lstm train` builds its model. `choose_growth`: each fit (with `auto`: the refit) fits with and without the
    damped growth and keeps the better (growth.py), as `lstm train` of one series does (growth.tried_by_default).
    `naive_fits` (season_fits.NAIVE_CHOICES): each fit's, as `lstm train --naive-fits` (not with `auto`).
    `season_test` (seasons.SEASON_TESTS): how `spec.season` auto confirms the season, for the baselines, the MASE
    scale and the fits alike, as `lstm train --season-test` (not with `auto`, whose selection detects by the default
    test).

    `jobs` processes (None: the cores): with several fits (`spec.refit`), the fits run side by
    side, `jobs` at a time, and each fit's own work (ensemble members, --auto candidates) runs
    serially inside it; with one fit, that work gets the `jobs`. The forecasts are the same for
    any `jobs` (every fit carries its own seed; one BLAS thread per process; `auto`: while its
    budget, a clock per fit, lets the same candidates run).

    `should_stop()` (Ctrl-C, SIGTERM: `cli.common.StopFlag`) turning true ends the backtest
    early: the fits finished so far are kept (a fit cut short is dropped) and the result covers
    their origins only (`interrupted`, `planned_origins`); `BacktestStopped` when none finished.
    """
    spec = spec or BacktestSpec()
    config = config or TrainConfig()
    target = check_target(target)
    spec.validate()
    config.validate()
    values = np.asarray(values, dtype=np.float64)
    values = values[:, None] if values.ndim == 1 else values  # (N, F)
    if not np.isfinite(values).all():
        raise DataError(f"{source} has missing or infinite values", hint="clean the file first")
    N = len(values)
    cut, origins = plan(N, spec)
    W, off = config.window, target.offset
    steps = spec.days if strategy == DIRECT else 1
    if auto_window and auto is None:
        from lstmcli.forecast import auto_window as longest_window

        W = longest_window(cut, W, target, config.val_fraction, steps)
    if auto is None and cut < W + off + 1:  # (--auto names its own minimum)
        if auto_window:  # not even a window of 1 fits: the rows a fit needs, not the default window's
            _too_few_rows(source, N, cut, spec, min_rows(1, off, config.val_fraction, steps), config.val_fraction)
        raise DataError(
            f"{source}: only {cut} rows come before the test window, fewer than "
            f"{given_or_default('--window', 'window', W, not auto_window)} needs",
            hint="use a smaller --test-fraction or --window, or more data",
        )
    p = values[:, 0]  # (N,)

    requested = parse_season(spec.season)
    season_test = check_test(season_test)
    if auto is not None and (season_test != DEFAULT_TEST or naive_fits != _season_fits.NAIVE_DEFAULT):
        given = f"season_test={season_test!r}" if season_test != DEFAULT_TEST else f"naive_fits={naive_fits!r}"
        # --auto's selection detects its season by the default test and judges naive itself (the CLI refuses it)
        raise OptionError(
            f"run_backtest({given}) cannot be combined with auto: its selection would not use it",
            hint="drop it, or backtest without auto",
        )
    if requested == AUTO:
        season, reason = detect_season(p[:cut], frequency, season_test)
        # as lstm train: none on business days; weekly data without a season: the fits try the position in the year
        found = resolve_season(AUTO, p[:cut], frequency, season_test)[0]
        lstm_season = found or (AUTO if frequency in YEAR_CYCLES else NONE)
    elif requested == NONE:
        season, reason, lstm_season = 1, "no season (--season none)", NONE
    else:
        season, reason, lstm_season = requested, f"season {requested} (given with --season)", requested
    if season > 1 and cut <= season:
        raise DataError(
            f"{source}: --season {season} needs more than {season} rows before the test window; there are {cut}",
            hint="use a smaller --test-fraction or --season",
        )
    ma_window = spec.ma_window or (season if season > 1 else 5)
    scale = metrics.naive_scale(p[:cut], season)

    # LSTM: one fit per block of `refit` origins (one block when refit is never); blocks in parallel
    O, days = len(origins), spec.days
    step = spec.refit or O
    starts = list(range(0, O, step))
    n_fits = len(starts)
    from lstmcli import parallel

    jobs_asked, jobs = jobs, parallel.check_jobs(jobs)  # (None: a small ensemble trains in its fit's process)
    block_jobs = min(jobs, n_fits)  # fits at once; each fit's own work (members, candidates) is serial then
    auto_task = None if auto is None else {k: v for k, v in auto.items() if k != "on_candidate"}
    if auto_task is not None:  # the refit's season fits, as lstm train --auto's
        auto_task.setdefault("season_fits", season_fits)
        auto_task.setdefault("choose_growth", choose_growth)
    if auto_task is not None and block_jobs > 1:
        auto_task["jobs"] = 1
    from lstmcli.ensemble import default_size

    def members(fit_rows: int) -> int:
        """The fit's ensemble size: as given, else as `lstm train` decides on those rows. Not read with --auto:
        `auto["ensemble"]` goes to `fit_auto` (None from the CLI: lstm train --auto's refit default)."""
        return default_size(fit_rows) if ensemble is None else ensemble

    blocks = [
        _Block(
            index=b,
            values=values,
            fit_rows=int(origins[k]),
            origins=origins[k : k + step],
            config=config,
            target=target,
            days=days,
            interval=spec.interval,
            source=source,
            strategy=strategy,
            auto=auto_task,
            season=lstm_season,
            auto_window=auto_window,
            frequency=frequency,
            ensemble=members(int(origins[k])),
            jobs=1 if block_jobs > 1 else jobs_asked,
            reason=reason,
            season_fits=season_fits,
            choose_growth=choose_growth,
            naive_fits=naive_fits,
            season_test=season_test,
        )
        for b, k in enumerate(starts)
    ]

    def here(block: _Block) -> dict | None:
        """One fit in this process (one job): progress per epoch, member or candidate; hears should_stop."""
        b, what = block.index, f"fit {block.index + 1}/{n_fits}"

        def on_epoch(r) -> None:
            if on_progress is not None:
                on_progress((b + r.epoch / r.epochs) / n_fits, what)

        def on_member(done, total) -> None:
            if on_progress is not None:
                on_progress((b + done / total) / n_fits, what)

        def on_candidate(done, total, label, best) -> None:
            if on_progress is not None:
                on_progress((b + done / total) / n_fits, f"{what}, --auto {done}/{total}")

        return _fit_block(
            block, on_epoch, on_member, on_candidate if auto is not None else None, should_stop=should_stop
        )

    done: dict[int, dict] = {}
    for b, outcome in parallel.run(here if block_jobs == 1 else _fit_block, blocks, block_jobs, should_stop):
        if outcome is None:  # a stop cut this fit short (in this process): nothing of it is kept
            continue
        done[b] = outcome
        if on_progress is not None:
            what = f"fit {b + 1}/{n_fits}" if block_jobs == 1 else f"{len(done)}/{n_fits} fits, {block_jobs} at a time"
            on_progress((b + 1 if block_jobs == 1 else len(done)) / n_fits, what)
    if not done:
        raise BacktestStopped(n_fits, O)
    kept = sorted(done)  # in order of origin, whatever order the fits finished in
    interrupted = len(kept) < n_fits
    if interrupted:
        origins = np.concatenate([blocks[b].origins for b in kept])
    lstm_forecasts = np.concatenate([done[b]["forecasts"] for b in kept])  # (O, days)
    has_bounds = all(done[b]["lower"] is not None for b in kept)
    if has_bounds:
        lower = np.concatenate([done[b]["lower"] for b in kept])
        upper = np.concatenate([done[b]["upper"] for b in kept])
    fit_runs = [done[b]["run"] for b in kept]
    ensemble_choice = None
    if ensemble is None and auto is None:  # said as lstm train says its default's choice
        from lstmcli.ensemble import default_choice_fits

        ensemble_choice = default_choice_fits([blocks[b].fit_rows for b in kept])
    last = done[kept[-1]]

    forecasts = {"lstm": lstm_forecasts, **baseline_forecasts(p, origins, days, season, ma_window)}
    actual = p[origins[:, None] + np.arange(days)[None, :]]  # (O, days)
    previous = p[origins - 1]  # (O,)
    scores = {name: score(actual, f, previous, scale, direction=name != "naive") for name, f in forecasts.items()}
    cov = cov_steps = None
    nominal = spec.interval
    if has_bounds:
        nominal = min(spec.interval, widest_interval(last["intervals"]))
        cov, cov_steps = coverage(actual, lower, upper)
    return BacktestResult(
        spec=spec,
        config=last["config"],  # as the (last) fit resolved it: the auto window, the batch size, --auto's choice
        target=target if auto is None else last["target"],
        rows=N,
        cut=cut,
        origins=origins,
        season=season,
        season_reason=reason,
        ma_window=ma_window,
        scale=scale,
        actual=actual,
        previous=previous,
        forecasts={m: forecasts[m] for m in MODELS if m in forecasts},
        scores={m: scores[m] for m in MODELS if m in scores},
        lower=lower if has_bounds else None,
        upper=upper if has_bounds else None,
        interval=nominal,
        coverage=cov,
        coverage_per_step=cov_steps,
        fits=len(kept),
        fit_configs=fit_runs,
        dates=dates,
        frequency=frequency,
        column=column,
        strategy=strategy,
        interrupted=interrupted,
        planned_origins=O,
        planned_fits=n_fits,
        timezone=timezone,
        ensemble_choice=ensemble_choice,
    )


def per_origin_rows(result: BacktestResult) -> list[dict]:
    """One row per (origin, step): dates, actual and every model's forecast, for `--output`."""
    from lstmcli import periods

    rows = []
    d = result.dates
    for i, o in enumerate(result.origins):
        for h in range(result.spec.days):
            row: dict = {"origin": int(o), "origin_date": None, "step": h + 1, "row": int(o + h), "date": None}
            if d is not None:
                row["origin_date"] = periods.iso_date(d[o - 1], result.frequency, result.timezone)  # last observed
                row["date"] = periods.iso_date(d[o + h], result.frequency, result.timezone)
            else:
                row.pop("origin_date")
                row.pop("date")
            row["last_value"] = float(result.previous[i])
            row["actual"] = float(result.actual[i, h])
            for m in result.models:
                row[m] = float(result.forecasts[m][i, h])
            if result.lower is not None:
                row["lstm_lower"], row["lstm_upper"] = float(result.lower[i, h]), float(result.upper[i, h])
            rows.append(row)
    return rows
