"""`lstm train --auto`: choose the LSTM configuration by rolling-origin validation on the training part only.

The procedure, for N price rows (N, F) and a horizon H (5, or the `--days` you plan):

1. **Selection part.** The rows every candidate's final fit trains on: the first `Plan.rows`
   rows, i.e. the training part of the candidate with the smallest one (`plan`). The held-out
   validation rows that `Forecaster.fit` reports on come after it and are never read by the
   selection, so the refitted model's validation scores stay honest. (One fact about the
   whole series is used: whether every value is above 0, since a log-return winner must be
   refittable on all of it.)
2. **Origins.** The last SELECT_FRACTION of the selection part (at least H rows) holds the
   origins, one every step (spaced out to at most MAX_ORIGINS). Each candidate is fitted ONCE,
   with the normal `Forecaster.fit`, on the rows before the first origin, then forecasts steps
   1..H from every origin using the rows before it, as `lstm predict --data` does.
3. **Score.** Multi-step MASE: the mean absolute error over every (origin, step), divided by
   the in-sample MAE of the (seasonal) naive forecast on the rows before the first origin.
   Naive, seasonal naive (when `backtest.detect_season` confirms a season on the selection
   part) and drift are scored on the same (origin, step) pairs.
4. **Choice.** The lowest MASE wins (a tie goes to the earlier candidate in the order), unless
   it does not beat plain `lstm train`'s own configuration (`defaults_candidate`; when the
   space was pinned to other values, the candidate nearest it: `nearest_defaults`) clearly
   (`clearly_better`): by more than `margin(m - 1)` standard errors of the per-origin
   difference, a one-sided test at RULE_ALPHA Bonferroni-corrected for the m - 1 other
   candidates the lowest was picked from (2.85 standard errors for 24 candidates); never on
   fewer than two independent origins' worth (O overlapping H-step origins one row apart count
   as O / H: a short series' few origins cannot tell). Then that one is kept
   (`SelectionInfo.rule` says so). With 10-40 origins on a short series the scores
   of two dozen candidates are noisy, and the lowest of them is often lucky; measured on the
   corpus in benchmarks/README.md ("one standard error", then "Which rule").
5. **Refit.** The chosen candidate is fitted again on all the data with the normal
   `Forecaster.fit`, and the leaderboard (`leaderboard.SelectionInfo`) goes into the model file.
   Without `--ensemble` the refit is `lstm train`'s default ensemble (`ensemble.default_size`: 3
   networks below 300 rows), so when the defaults are kept the model is the one `lstm train`
   (same data, same seed) writes.

The space (`dimensions`): the targets valid for the data (log-return when every value is
above 0, and diff), three windows (short/medium/long: WINDOWS, or with a season the multiples
of it nearest to those; see `windows_for`), two hidden sizes (HIDDEN), recursive and direct;
`defaults_candidate` (recursive, the auto target, `base.window` shortened as lstm train shortens it,
`base.hidden`, `--season auto` resolved by `Forecaster.fit` on the rows it fits, as lstm train's is,
weekly data's three-way choice included) takes the place of the candidate nearest it, so the count
(24 at most) and the rule's margin are as before; the other settings
(layers, epochs, lr, seed, ...) come from the base TrainConfig. Explicit `--target`,
`--window` or `--hidden` restrict the space to the value given. A candidate whose window
leaves too few rows is left out, except `defaults_candidate`: its window is the one lstm train
picks for the rows each of its fits sees (`Candidate.window_on`: the selection's `fit_rows`, then
all the rows in the refit), so a series too short for window 30 still has lstm train's model to
keep. When no other candidate is left, the space is searched with the longest single window
below its shortest that fits (down to MIN_FALLBACK_WINDOW), as plain `lstm train` shortens its
window, beside `defaults_candidate` (`short_space`), before the series is refused. Where the
shortened defaults are the very network of another candidate (same window, recursive, target,
hidden, no season), that one is left out (`_without_twin`), as `space` does on longer series.
`seeds` > 1 scores each candidate as a median ensemble of that many networks (measured on the corpus: no better; see
benchmarks/README.md, so the default is 1). Adding a dimension is one field on `Candidate` (named as the
`TrainConfig` field or the `Forecaster` keyword it sets) and one line in `dimensions`.

Budget and determinism. Candidates run in a fixed order, cheapest first (window x hidden,
targets alternating). A candidate starts only while the budget (wall-clock seconds since
the selection began) is not spent; started candidates finish. The choice is made among the
longest run of candidates, from the first, that all finished: a deterministic function of
the data, the seed and the number tried. The budget only decides that number, and the
leaderboard says how many of how many ran. Every candidate fits with the same seed in its
own process with one BLAS thread, so the same data + seed + number tried gives the same
choice whatever `--jobs` is; with the default budget the whole space runs on ~2,500 rows
(see README), so there the choice is the same on every run. `max_candidates` fixes the
number without a clock (tests, benchmarks).

Stopping (Ctrl-C, `should_stop`): no new candidate starts and the running ones are dropped;
if at least one had finished, the best so far is refitted (that refit runs to its end: a
second Ctrl-C aborts it, and nothing is written); if none had, `SelectionStopped` is raised
and nothing is written.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from statistics import NormalDist

import numpy as np

from lstmcli import metrics, parallel
from lstmcli import season_fits as _season_fits
from lstmcli.backtest import baseline_forecasts, detect_season
from lstmcli.defaults import split_sizes
from lstmcli.ensemble import check_ensemble, default_choice, default_size
from lstmcli.errors import DataError, LstmError, OptionError, TrainingError
from lstmcli.forecast import (
    MIN_TRAIN_WINDOWS,
    Forecaster,
    _as_series,
    _check_prices,
    auto_window,
    min_rows,
    val_fraction_words,
)
from lstmcli.leaderboard import DRIFT, NAIVE, SEASONAL_NAIVE, Entry, SelectionInfo
from lstmcli.modelfile import DIRECT, HORIZON_STRATEGY, STRATEGIES
from lstmcli.seasons import AUTO, NONE, resolve_season
from lstmcli.training import TrainConfig
from lstmcli.transforms import Target, check_target

DEFAULT_BUDGET = 60.0  # seconds; the whole default space fits in it for ~2,500 rows on 2 cores
MAX_BUDGET = 86_400.0  # a day: more is a typo (the space is a dozen fits)
DEFAULT_HORIZON = 5
SELECT_FRACTION = 0.2  # share of the selection part that holds the origins
MAX_ORIGINS = 500  # more origins are spaced out (forecasting them is cheap, but enough is enough)
HIDDEN = (16, 32)
SELECT_SEEDS = 1  # networks (seeds seed, seed+1, ...) per candidate; it scores as their median forecast
WINDOWS = (5, 15, 30)  # short / medium / long, without a season
MIN_FALLBACK_WINDOW = 2  # a series too short for every window of the space tries shorter ones, down to this
RULE_ALPHA = 0.05  # one-sided level of "clearly lower than the defaults' score", shared among the comparisons


class SelectionStopped(Exception):
    """The selection was stopped (Ctrl-C) before any candidate finished: there is nothing to keep."""


@dataclass(frozen=True)
class Candidate:
    """One configuration. A field named as a `TrainConfig` field sets it; any other is a `Forecaster` keyword."""

    target: Target
    window: int
    hidden: int
    strategy: str = HORIZON_STRATEGY  # "direct": the head emits `horizon` steps at once
    horizon: int | None = None  # a direct candidate's steps: the selection's H (None for recursive)
    season: int | str = NONE  # the season found on the selection part (phase inputs, adjustment chosen on validation)
    auto_window: bool = False  # the window shortened to what the rows allow, as lstm train does without --window

    @property
    def is_defaults(self) -> bool:
        """Whether this is plain `lstm train`'s own configuration (`defaults_candidate`)."""
        return self.auto_window and self.season == AUTO and self.strategy == HORIZON_STRATEGY

    @property
    def label(self) -> str:
        if self.is_defaults:
            own = f"{self.target.value}, window {self.window}, {self.hidden} units, season auto"
            return f"lstm train's defaults ({own})"
        shown = [f for f in fields(self)[3:] if getattr(self, f.name) not in (None, HORIZON_STRATEGY, NONE, False)]
        extra = ", ".join(f"{f.name} {getattr(self, f.name)}" for f in shown)
        return f"{self.target.value}, window {self.window}, {self.hidden} units" + (f", {extra}" if extra else "")

    def window_on(self, rows: int, val_fraction: float) -> int:
        """The window it fits with on `rows` price rows: `window`, or with `auto_window` the window lstm train
        picks for that many rows (`forecast.auto_window`, as `Forecaster.fit` shortens it)."""
        if not self.auto_window:
            return self.window
        return auto_window(rows, self.window, self.target, val_fraction, self.horizon or 1)

    def label_on(self, rows: int, val_fraction: float) -> str:
        """`label`, with the window it fits with on `rows` rows when that is shorter (as lstm train's summary
        says it: "window 11 (auto: 22 rows)")."""
        w = self.window_on(rows, val_fraction)
        if w == self.window:
            return self.label
        return self.label.replace(f"window {self.window},", f"window {w} (auto: {rows} rows),", 1)

    def settings(self) -> dict:
        """The fields as plain values (the leaderboard's); auto_window only when set, so others' are as before."""
        d = {f.name: (v.value if isinstance(v := getattr(self, f.name), Target) else v) for f in fields(self)}
        return d if self.auto_window else {k: v for k, v in d.items() if k != "auto_window"}

    def config(self, base: TrainConfig) -> TrainConfig:
        names = {f.name for f in fields(TrainConfig)}
        return replace(base, **{k: v for k, v in self.settings().items() if k in names})

    def forecaster(self, base: TrainConfig) -> Forecaster:
        names = {f.name for f in fields(TrainConfig)}
        keywords = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in names}
        return Forecaster(self.config(base), **keywords)

    def cost(self) -> int:
        """Relative fit cost (steps x recurrent work), for the cheapest-first order."""
        return self.window * self.hidden * (self.hidden + 1)


def windows_for(season: int) -> tuple[int, ...]:
    """Short, medium and long windows: WINDOWS, or with a season m the multiples of m nearest to them.

    Repeats are topped up with the next multiples of m up to 2 x the longest of WINDOWS, so
    monthly (12) gets 12, 24, 36; quarterly (4) 4, 16, 32; daily (7) 7, 14, 28; business
    days (5) 5, 15, 30; hourly (24) 24, 48; weekly (52) 52 alone.
    """
    if season <= 1:
        return WINDOWS
    chosen = {max(1, round(w / season)) * season for w in WINDOWS}
    k = max(chosen) // season + 1
    while len(chosen) < len(WINDOWS) and k * season <= 2 * WINDOWS[-1]:
        chosen.add(k * season)
        k += 1
    return tuple(sorted(chosen))


def targets_for(prices: np.ndarray) -> tuple[Target, ...]:
    """log-return (only when every value is above 0) and diff; level cannot forecast beyond its training range."""
    positive = bool((np.asarray(prices) > 0).all())
    return (Target.LOG_RETURN, Target.DIFF) if positive else (Target.DIFF,)


def dimensions(prices: np.ndarray, season: int, restrict: dict | None = None) -> dict[str, tuple]:
    """The search space, one tuple of values per `Candidate` field; `restrict` pins a field to one value."""
    dims: dict[str, tuple] = {
        "target": targets_for(prices),
        "window": windows_for(season),
        "hidden": HIDDEN,
        "strategy": STRATEGIES,  # recursive and direct (trained to emit the selection's H steps)
        "season": (season,) if season > 1 else (NONE,),  # as lstm train's --season auto, found on the selection part
    }
    for name, value in (restrict or {}).items():
        if name not in dims:
            raise OptionError(f"--auto cannot restrict {name!r}", hint=f"restrict one of: {', '.join(dims)}")
        dims[name] = (value,)
    return dims


def space(
    prices: np.ndarray,
    season: int,
    restrict: dict | None = None,
    horizon: int = DEFAULT_HORIZON,
    base: TrainConfig | None = None,
) -> list[Candidate]:
    """Every candidate, in the order they run: cheapest first (a stable sort keeps targets alternating).

    With `base`, `defaults_candidate` (plain `lstm train`'s configuration) takes the place of the
    candidate nearest it (`nearest_defaults`), so the count stays the same; not when `restrict`
    pins a value the defaults do not have.
    """
    dims = dimensions(prices, season, restrict)
    order = ["window", "hidden", "target"] + [k for k in dims if k not in ("window", "hidden", "target")]
    combos = [dict(zip(order, values, strict=True)) for values in itertools.product(*(dims[k] for k in order))]
    for c in combos:  # a direct head emits the steps the selection scores
        c["horizon"] = horizon if c.get("strategy") == DIRECT else None
    cands = sorted((Candidate(**c) for c in combos), key=Candidate.cost)
    own = None if base is None else defaults_candidate(prices, base, restrict)
    if own is not None and cands:
        cands[nearest_defaults(cands, base, prices)] = own
        cands.sort(key=Candidate.cost)
    return cands


def short_space(
    prices: np.ndarray,
    season: int,
    window: int,
    restrict: dict | None = None,
    horizon: int = DEFAULT_HORIZON,
    base: TrainConfig | None = None,
) -> list[Candidate]:
    """The space of a series too short for `space`'s windows: its candidates with the one shorter `window`, and
    with `base`, beside them (added, not in place of one) `defaults_candidate`, whose window `plan` shortens to
    the one lstm train picks for the rows it fits on (not `window`: another network, so it is one more
    candidate scored), unless `restrict` pins a value the defaults do not have."""
    cands = space(prices, season, {**(restrict or {}), "window": window}, horizon)
    own = None if base is None else defaults_candidate(prices, base, restrict)
    return cands if own is None else sorted([*cands, own], key=Candidate.cost)


def defaults_candidate(prices: np.ndarray, base: TrainConfig, restrict: dict | None = None) -> Candidate | None:
    """Plain `lstm train`'s configuration: recursive, its target (auto), `base.hidden`, `base.window` (shortened
    as lstm train shortens it) and `--season auto` resolved by `Forecaster.fit` as lstm train resolves it (weekly
    data: the position in the year, season 52 unconfirmed or neither); None when `restrict` pins another value."""
    own = Candidate(targets_for(prices)[0], base.window, base.hidden, season=AUTO, auto_window=True)
    for name, value in (restrict or {}).items():
        if getattr(own, name, None) != value:
            return None
    return own


# ---------------------------------------------------------------------------------------
# the rolling-origin plan


def train_rows(n: int, c: Candidate, val_fraction: float, shorten: bool = True) -> int | None:
    """Price rows `Forecaster.fit` trains on (before its validation part) for n rows; None: too few.
    `shorten`: an `auto_window` candidate fits with the window lstm train picks for n rows (`window_on`)."""
    off, extra = c.target.offset, (c.horizon or 1) - 1  # a direct head's windows need horizon - 1 more rows
    W = c.window_on(n, val_fraction) if shorten else c.window
    n_train, _ = split_sizes(n - off - W - extra, val_fraction)
    return W + off + n_train if n_train - extra >= MIN_TRAIN_WINDOWS else None


@dataclass(frozen=True)
class Plan:
    rows: int  # the selection part: rows 0 .. rows-1
    fit_rows: int  # each candidate is fitted on rows 0 .. fit_rows-1
    origins: np.ndarray  # (O,) first forecast row of each origin
    candidates: list[Candidate]  # those that fit the data, in order


def plan(n: int, cands: list[Candidate], horizon: int, val_fraction: float, shorten: bool = True) -> Plan | None:
    """The selection part, the origins and the candidates that fit, for n rows; None when none fits.

    `shorten` (not with a pinned --window): `defaults_candidate` (`auto_window`) fits with the window lstm
    train picks for the rows it is fitted on, in the selection (`fit_rows`) and in the refit (n), as lstm
    train's own window is shortened on a short series; the other candidates' windows are fixed.
    """
    final = [r for c in cands if (r := train_rows(n, c, val_fraction, shorten)) is not None]
    if not final:
        return None
    rows = min(final)  # never past any candidate's training part
    fit_rows = rows - max(horizon, round(SELECT_FRACTION * rows))

    def fits(c: Candidate) -> bool:
        W = c.window_on(fit_rows, val_fraction) if shorten else c.window
        return fit_rows >= min_rows(W, c.target.offset, val_fraction, c.horizon or 1)

    ok = [c for c in cands if fits(c)]
    if not ok:
        return None
    last = rows - horizon  # the last origin whose H steps are all in the selection part
    every = max(1, math.ceil((last - fit_rows + 1) / MAX_ORIGINS))
    return Plan(rows, fit_rows, np.arange(fit_rows, last + 1, every), ok)


def min_rows_for(
    cands: list[Candidate], horizon: int, val_fraction: float, limit: int = 10_000_000, shorten: bool = True
) -> int:
    """The fewest rows for which at least one candidate can be selected (doubling, then bisection)."""
    lo = hi = 2
    while plan(hi, cands, horizon, val_fraction, shorten) is None:
        if hi > limit:
            return hi
        lo, hi = hi + 1, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if plan(mid, cands, horizon, val_fraction, shorten) is not None else (mid + 1, hi)
    return lo


def check_budget(budget: float) -> float:
    """`--budget` in seconds: finite, above 0, at most MAX_BUDGET (OptionError naming --budget)."""
    ok = isinstance(budget, int | float) and not isinstance(budget, bool) and math.isfinite(budget)
    if not ok or budget <= 0:
        raise OptionError(
            f"--budget {budget} is not possible",
            hint=f"give the seconds the selection may take, e.g. --budget {DEFAULT_BUDGET:g}",
        )
    if budget > MAX_BUDGET:
        raise OptionError(
            f"--budget {budget:g} is more than a day",
            hint=f"the space is a dozen fits: give at most {MAX_BUDGET:g} seconds, e.g. --budget 600",
        )
    return float(budget)


def check_horizon(horizon: int) -> int:
    if not isinstance(horizon, int | np.integer) or isinstance(horizon, bool) or not 1 <= horizon <= 1000:
        raise OptionError(f"--days {horizon} is not possible with --auto", hint="score 1 to 1000 steps, e.g. --days 5")
    return int(horizon)


# ---------------------------------------------------------------------------------------
# one candidate (runs in a worker process; everything it needs is in the task)


@dataclass(frozen=True)
class _Task:
    candidate: Candidate
    base: TrainConfig
    prices: np.ndarray  # (rows, F) the selection part
    fit_rows: int
    origins: np.ndarray  # (O,)
    horizon: int
    deadline: float | None  # time.time() after which the candidate does not start
    seeds: int = 1  # networks fitted (seeds seed..seed+seeds-1); the score is their median forecast's
    frequency: str | None = None  # the data's, for a candidate whose season Forecaster.fit resolves (weekly data)


@dataclass(frozen=True)
class _Outcome:
    status: str  # "done", "skipped" (budget), "interrupted", "failed"
    mae: float | None = None
    seconds: float | None = None
    epochs: int | None = None
    note: str | None = None
    origin_mae: np.ndarray | None = None  # (O,) the MAE over steps 1..H from each origin (mae is their mean)


def _run(task: _Task, should_stop: Callable[[], bool] | None = None) -> _Outcome:
    """Fit one candidate on the rows before the first origin and score its H-step forecasts from every origin."""
    if task.deadline is not None and time.time() > task.deadline:
        return _Outcome("skipped")
    start = time.perf_counter()
    c, p = task.candidate, task.prices
    try:
        fc = c.forecaster(replace(task.base, refit_all=False))  # scored as fitted: the refit is the winner's only
        fc.ensemble, fc.jobs = task.seeds, 1  # several seeds: one ensemble, trained in this process
        frequency = task.frequency if c.season == AUTO else None  # the others' fits stay as they were
        fc.fit(p[: task.fit_rows], frequency=frequency, source="the selection fit", should_stop=should_stop)
        if fc.result.interrupted:
            return _Outcome("interrupted")
        W, off = fc.config.window, fc.target.offset
        hist = np.stack([p[o - W - off : o] for o in task.origins])  # (O, W + off, F)
        last = task.origins - 1 if fc.season is not None else None  # row numbers are phases: p[0] is phase 0
        with np.errstate(over="ignore", invalid="ignore"):
            out = fc.paths(hist, task.horizon, last_phase=last)[:, :, 0]  # (O, H)
    except LstmError as e:  # e.g. diverged: a failed candidate, not a failed selection
        return _Outcome("failed", seconds=time.perf_counter() - start, note=e.message)
    actual = p[task.origins[:, None] + np.arange(task.horizon)[None, :], 0]  # (O, H)
    if not np.isfinite(out).all():
        return _Outcome("failed", seconds=time.perf_counter() - start, note="forecasts ran off to infinity")
    per_origin = np.abs(actual - out).mean(axis=1)  # (O,)
    return _Outcome(
        "done", metrics.mae(actual, out), time.perf_counter() - start, fc.result.epochs_run, None, per_origin
    )


def _run_in_worker(task: _Task) -> _Outcome:
    """`_run` in a worker process: Ctrl-C reaches the workers too, and the parent decides what to keep."""
    try:
        return _run(task)
    except KeyboardInterrupt:
        return _Outcome("interrupted")


# ---------------------------------------------------------------------------------------
# the selection


@dataclass
class Selection:
    info: SelectionInfo
    chosen: Candidate


def select(
    prices: np.ndarray,
    base: TrainConfig,
    *,
    frequency: str | None = None,
    horizon: int = DEFAULT_HORIZON,
    budget: float = DEFAULT_BUDGET,
    jobs: int | None = 1,
    restrict: dict | None = None,
    max_candidates: int | None = None,
    source: str = "the data",
    seeds: int = SELECT_SEEDS,
    should_stop: Callable[[], bool] | None = None,
    on_candidate: Callable[[int, int, str, float | None], None] | None = None,
) -> Selection:
    """Score the space on the training part of `prices` (N, F) and pick the best candidate (see the module doc).

    `on_candidate(done, total, label, best_mase)` hears each finished candidate.
    Raises DataError when the series is too short for any candidate, SelectionStopped when
    stopped before any finished.
    """
    budget = check_budget(budget)
    horizon = check_horizon(horizon)
    jobs = parallel.check_jobs(jobs)
    base.validate()
    prices = np.asarray(prices, dtype=np.float64)
    prices = prices[:, None] if prices.ndim == 1 else prices  # (N, F)
    N, vf = len(prices), base.val_fraction
    # the season, on rows inside every candidate's training part (at most N - the smallest validation part)
    season_rows = N - max(2, math.ceil(N * vf))
    season, season_reason = detect_season(prices[: max(0, season_rows), 0], frequency)
    lstm_season = season  # the candidates' season: as `lstm train --season auto`, which never takes business days
    if season > 1 and resolve_season(AUTO, prices[: max(0, season_rows), 0], frequency)[0] is None:
        season_reason, lstm_season = f"{season_reason} (for the baselines; the LSTM gets none, as lstm train)", 1
    cands = space(prices, lstm_season, restrict, horizon, base)
    pinned = bool(restrict and "window" in restrict)  # a given --window is never shortened, as lstm train's
    p = plan(N, cands, horizon, vf, shorten=not pinned)
    if not pinned and (p is None or all(c.auto_window for c in p.candidates)):
        # a short series: the longest single window shorter than the space's that leaves a selection
        # (as lstm train shortens its window), beside lstm train's defaults, rather than no model at all
        p = None
        for w in range(min(c.window for c in cands if not c.auto_window) - 1, MIN_FALLBACK_WINDOW - 1, -1):
            short = short_space(prices, lstm_season, w, restrict, horizon, base)
            q = plan(N, short, horizon, vf)
            if q is not None and not all(c.auto_window for c in q.candidates):
                p, cands = q, short
                break
    if p is None:
        if not pinned:  # the fallback's shortest window sets the minimum
            cands = space(prices, lstm_season, {**(restrict or {}), "window": MIN_FALLBACK_WINDOW}, horizon)
        need = min_rows_for(cands, horizon, vf, shorten=False)
        shortest = min(c.window for c in cands)
        raise DataError(
            f"{source} has {N} rows; --auto needs at least {need} (its shortest window, {shortest}, fitted "
            f"before the selection origins, {horizon} steps scored from them, then the held-out validation part: "
            f"{val_fraction_words(vf)})",
            hint="use more data, or train without --auto (lstm train picks a shorter window itself)",
        )
    cands = _without_twin(p.candidates, p.fit_rows, vf) if not pinned else p.candidates
    cands = cands[:max_candidates] if max_candidates else cands
    sel = prices[: p.rows]  # (rows, F): all the selection ever reads
    start = time.time()
    deadline = start + budget
    # the first candidate always runs, so any budget gives a model
    tasks = [
        _Task(c, base, sel, p.fit_rows, p.origins, horizon, deadline if k else None, seeds, frequency)
        for k, c in enumerate(cands)
    ]

    outcomes: dict[int, _Outcome] = {}
    stopped: str | None = None
    scale = metrics.naive_scale(sel[: p.fit_rows, 0], season)
    best: float | None = None
    results = (
        parallel.run(_run_in_worker, tasks, jobs, should_stop=should_stop)
        if jobs > 1 and len(tasks) > 1
        else ((k, _run(t, should_stop)) for k, t in enumerate(tasks))
    )
    try:
        for k, outcome in results:
            outcomes[k] = outcome
            if outcome.status == "done":
                mase = _mase(outcome.mae, scale)
                best = mase if best is None or mase < best else best
            if on_candidate is not None and outcome.status in ("done", "failed"):
                finished = sum(o.status in ("done", "failed") for o in outcomes.values())
                on_candidate(finished, len(tasks), cands[k].label_on(p.fit_rows, vf), best)
            if should_stop is not None and should_stop():
                stopped = "interrupted"
                break
    except Exception as e:  # a worker killed by Ctrl-C breaks the pool; anything else is a bug
        from concurrent.futures.process import BrokenProcessPool

        if not (isinstance(e, BrokenProcessPool) and should_stop is not None and should_stop()):
            raise
        stopped = "interrupted"
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the pool without waiting for the rest
    if stopped is None and should_stop is not None and should_stop():  # the pool stopped waiting for the rest
        stopped = "interrupted"
    # the longest run from the first candidate that all finished (done or failed): a prefix of the order
    tried = 0
    while tried < len(tasks) and tried in outcomes and outcomes[tried].status in ("done", "failed"):
        tried += 1
    if tried == len(tasks):
        stopped = None  # a stop after the last candidate finished stopped nothing
    elif stopped is None:
        stopped = "interrupted" if any(o.status == "interrupted" for o in outcomes.values()) else "budget"
    done = [k for k in range(tried) if outcomes[k].status == "done"]
    if not done:
        if stopped == "interrupted" or (should_stop is not None and should_stop()):
            raise SelectionStopped("stopped before any candidate finished")
        notes = "; ".join(sorted({outcomes[k].note or "" for k in range(tried)}))
        raise TrainingError(f"{source}: no --auto candidate could be fitted ({notes})", hint="lower --lr")

    entries = _leaderboard(cands, outcomes, tried, sel[:, 0], p, season, horizon, scale, vf)
    chosen_entry = min((e for e in entries if e[0] is not None), key=lambda e: (e[1].mase, e[0]))
    rule = None
    inc = nearest_defaults(cands[:tried], base, sel[:, 0])
    if chosen_entry[0] != inc and outcomes[inc].status == "done":
        every = int(p.origins[1] - p.origins[0]) if len(p.origins) > 1 else 1
        best, kept = outcomes[chosen_entry[0]], outcomes[inc]
        others = len(done) - 1  # the lowest was picked among the scored candidates: the others are comparisons
        z = margin(others)
        if not clearly_better(best.origin_mae, kept.origin_mae, horizon, every, z):
            low = chosen_entry[1]
            chosen_entry = next(e for e in entries if e[0] == inc)
            near = "" if cands[inc].is_defaults else "It is the configuration nearest lstm train's defaults. "
            O = len(p.origins)
            if origins_worth(O, horizon, every) < 2:  # a short series: too few origins for any standard error
                rule = (
                    f"{near}The lowest score ({low.mase:.3f}: {low.name}) cannot be told from it on {O} "
                    f"origin{'s' if O > 1 else ''} of {horizon}-step forecasts {every} row{'s' if every > 1 else ''} "
                    "apart: fewer than two independent origins' worth, no standard error"
                )
            else:
                rule = (
                    f"{near}The lowest score ({low.mase:.3f}: {low.name}) is not lower by more than {z:.2f} standard "
                    f"errors over the origins, a one-sided {RULE_ALPHA:.0%} test Bonferroni-corrected for the lowest "
                    f"of {others + 1} scores"
                )
    board = sorted(entries, key=_board_order)
    info = SelectionInfo(
        horizon=horizon,
        rows=p.rows,
        fit_rows=p.fit_rows,
        origins=len(p.origins),
        season=season,
        season_reason=season_reason,
        candidates=len(cands),
        tried=tried,
        stopped=stopped,
        budget=budget,
        seconds=round(time.time() - start, 3),
        board=tuple(e for _, e in board),
        chosen=board.index(chosen_entry),
        rule=rule,
    )
    return Selection(info, cands[chosen_entry[0]])


def _without_twin(cands: list[Candidate], fit_rows: int, val_fraction: float) -> list[Candidate]:
    """`cands` without the candidate that is the very network `defaults_candidate` fits on a short series: when
    its window, shortened on the `fit_rows` rows, is one of the space's and no season was found (recursive, its
    target and hidden size), the two would be scored alike and count twice in the margin. The defaults stay."""
    own = next((c for c in cands if c.is_defaults), None)
    if own is None or (W := own.window_on(fit_rows, val_fraction)) == own.window:
        return cands  # not shortened: `space` already put it in the place of the nearest
    twin = Candidate(own.target, W, own.hidden)
    return [c for c in cands if c != twin]


def nearest_defaults(cands: list[Candidate], base: TrainConfig, prices: np.ndarray) -> int:
    """Index of `defaults_candidate` (plain `lstm train`'s configuration) when it is among `cands`; else of the
    candidate nearest it: recursive, its target (auto), hidden and window (the nearest window in the space;
    between two equally near, the longer)."""
    target = targets_for(prices)[0]  # as --target auto: log-return when every value is above 0, else diff
    return min(
        range(len(cands)),
        key=lambda k: (
            not cands[k].is_defaults,
            cands[k].strategy != HORIZON_STRATEGY,
            cands[k].target != target,
            abs(cands[k].hidden - base.hidden),
            abs(cands[k].window - base.window),
            -cands[k].window,
            k,
        ),
    )


def margin(comparisons: int, alpha: float = RULE_ALPHA) -> float:
    """Standard errors by which the lowest score must beat the defaults' candidate's: the one-sided `alpha`
    quantile of the normal, Bonferroni-corrected for the `comparisons` (the other candidates scored) the
    lowest was picked from. 1.64 for one, 2.85 for 23; the more candidates, the luckier the lowest can be."""
    return NormalDist().inv_cdf(1 - alpha / max(1, comparisons))


def origins_worth(origins: int, horizon: int, every: int) -> float:
    """Independent origins' worth of `origins` H-step forecasts `every` rows apart (they overlap by H - every)."""
    return origins * min(1.0, every / horizon)


def clearly_better(a: np.ndarray | None, b: np.ndarray | None, horizon: int, every: int, z: float = 1.0) -> bool:
    """Whether per-origin errors `a` (O,) are lower than `b` by more than `z` standard errors of the mean difference.

    The H-step forecasts of origins `every` rows apart overlap by H - every steps, so their
    differences are not independent: they count as O x every / H origins. With fewer than two
    origins' worth there is no standard error, and nothing is clearly better: on a short series
    the 2-9 origins one row apart of 5-step forecasts are one or two forecasts' worth, and their
    nearly equal differences would make any lower score look clear (measured in benchmarks/README.md,
    "`--auto` on short series").
    """
    if a is None or b is None:
        return False
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)  # (O,)
    n = origins_worth(len(d), horizon, every)
    if n < 2:
        return False
    return bool(d.mean() + z * d.std(ddof=1) / math.sqrt(n) < 0)


def _mase(mae: float, scale: float) -> float:
    return mae / scale if scale > 0 else float("nan")


def _board_order(e: tuple[int | None, Entry]) -> tuple:
    """Scored rows by MASE (candidates before baselines at equal MASE, then in the run order); failed ones last."""
    k, entry = e
    return (entry.mase is None, entry.mase or 0.0, entry.kind != "lstm", -1 if k is None else k)


def _leaderboard(
    cands, outcomes, tried, p, plan_: Plan, season, horizon, scale, val_fraction
) -> list[tuple[int | None, Entry]]:
    """(candidate index or None, Entry) for the tried candidates and the baselines, unsorted; each named with
    the window it was fitted with (`Candidate.label_on`)."""

    def clean(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    rows: list[tuple[int | None, Entry]] = []
    for k in range(tried):
        o, c = outcomes[k], cands[k]
        mase = None if o.mae is None else clean(_mase(o.mae, scale))
        if o.status == "done" and mase is None:  # a constant series: no scale; rank by MAE instead
            mase = clean(o.mae)
        rows.append(
            (
                k if o.status == "done" else None,
                Entry(
                    c.label_on(plan_.fit_rows, val_fraction),
                    "lstm",
                    mase,
                    None if o.mae is None else clean(o.mae),
                    c.settings(),
                    None if o.seconds is None else round(o.seconds, 3),
                    o.epochs,
                    o.note,
                ),
            )
        )
    base = baseline_forecasts(p, plan_.origins, horizon, season, 5)
    actual = p[plan_.origins[:, None] + np.arange(horizon)[None, :]]  # (O, H)
    names = {"naive": NAIVE, "seasonal_naive": SEASONAL_NAIVE, "drift": DRIFT}
    for key, name in names.items():
        if key in base:
            mae = metrics.mae(actual, base[key])
            mase = clean(metrics.mase(actual, base[key], scale))
            rows.append((None, Entry(name, "baseline", mase if mase is not None else clean(mae), clean(mae))))
    return rows


# ---------------------------------------------------------------------------------------
# select, then refit the winner on all the data


def fit_auto(
    values,
    dates: np.ndarray | None = None,
    columns: list[str] | None = None,
    *,
    config: TrainConfig | None = None,
    frequency: str | None = None,
    source: str = "<array>",
    sha256: str | None = None,
    horizon: int = DEFAULT_HORIZON,
    budget: float = DEFAULT_BUDGET,
    jobs: int | None = 1,
    restrict: dict | None = None,
    max_candidates: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_candidate: Callable[[int, int, str, float | None], None] | None = None,
    on_epoch=None,
    reading: dict | None = None,
    ensemble: int | None = 1,
    season_fits: str = _season_fits.DEFAULT,
    choose_growth: bool | str = False,
) -> Forecaster:
    """`select`, then the winner fitted on all of `values` (anything `Forecaster.fit` takes) with its leaderboard.

    `ensemble` N > 1: the winner is refitted as an ensemble of N networks (seeds seed..seed+N-1),
    which evens out the seed's luck that a single refit carries. None: as plain `lstm train` without
    --ensemble, `ensemble.default_size` for the rows (3 networks below 300 rows), said in `choices`.
    `season_fits` (season_fits.py): how the refit treats the season's fits; the candidates are scored with one
    fit kept, as measured. `choose_growth`: the refit fits with and without the damped growth (growth.py) and
    keeps the lower one-step validation MAE, as lstm train's default does; the candidates are scored without.

    The returned Forecaster's `info.selection` is the leaderboard; `choices["auto"]` says what was chosen.
    """
    base = config or TrainConfig()
    if restrict and "target" in restrict:
        restrict = {**restrict, "target": check_target(restrict["target"])}
    series = _as_series(values, dates, columns, frequency, source, sha256)
    _check_prices(series)
    selection = select(
        series.prices,
        base,
        frequency=series.frequency,
        horizon=horizon,
        budget=budget,
        jobs=jobs,
        restrict=restrict,
        max_candidates=max_candidates,
        source=series.source,
        should_stop=should_stop,
        on_candidate=on_candidate,
    )
    forecaster = selection.chosen.forecaster(base)
    size = default_size(len(series.prices)) if ensemble is None else ensemble
    forecaster.ensemble, forecaster.jobs = check_ensemble(size), parallel.check_jobs(jobs)
    forecaster.jobs_given = jobs is not None  # (ensemble.members_jobs)
    forecaster.season_fits = _season_fits.check(season_fits)
    forecaster.choose_growth = False if forecaster.target is Target.LEVEL else choose_growth
    forecaster.fit(
        values,
        dates,
        columns,
        frequency=frequency,
        source=source,
        sha256=sha256,
        on_epoch=on_epoch,
        # a stop asked during the selection does not cut the refit short (a second Ctrl-C aborts it)
        should_stop=None if should_stop is not None and should_stop() else should_stop,
        reading=reading,
    )
    forecaster.info = replace(forecaster.info, selection=selection.info)
    info = selection.info
    found = forecaster.season
    given = None if found is None else f"season {found.length} (given with --season)"
    if found is not None and found.reason == given and info.season == found.length:
        # the candidate passed the season --auto detected to its fit as if given: say why it has one
        found = replace(found, reason=info.season_reason)
        forecaster.season, forecaster.info = found, replace(forecaster.info, season=found)
        if "season" in forecaster.choices:
            forecaster.choices["season"] = forecaster.choices["season"].replace(given, info.season_reason, 1)
    ran = f"{info.tried}" if info.tried == info.candidates else f"{info.tried} tried of {info.candidates}"
    if info.rule and info.lowest is not info.winner:  # not the best score: the defaults' (nearest), kept by the rule
        defaults = info.winner.name.startswith("lstm train's defaults")
        kept = "lstm train's defaults" if defaults else "nearest the defaults"
        why = f"--auto: {kept}, no other of {ran} clearly lower"
    else:
        why = f"--auto, best of {ran}"
    own = forecaster.choices.get("window")  # the defaults' window, shortened for all the rows as lstm train does
    if own and (info.winner.settings or {}).get("auto_window"):  # the board's names the selection's rows
        why = f"{own}; {why}"
    # said once, after the window: the target was chosen with it (one configuration), as the verdict says
    forecaster.choices = {**forecaster.choices, "window": why, "target": "--auto"}
    if ensemble is None and size > 1:  # as lstm train's summary says its default ensemble
        forecaster.choices["ensemble"] = default_choice(len(series.prices))
    return forecaster
