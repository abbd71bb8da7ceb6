"""Ensembles: N networks that differ only by their seed, trained in parallel, forecasting as one.

Member k is trained with seed `seed + k` (`member_seed`): member 0 is exactly the model a
single fit gives (same seed, same data, same code), so `--ensemble 1` is today's model bit
for bit, and an ensemble's member 0 is that same model. Members are independent tasks for
`parallel.run`: each carries its own TrainConfig (with its seed), the scaled target series
and the split, and `fit_member` depends on nothing else, so the weights are the same
whatever `--jobs` is (each worker runs one BLAS thread, as `lstm` itself does).

The ensemble forecasts the median of its members' price paths, value by value (`combine`).
Measured on 12 corpus series (benchmarks/bench_ensemble.py, 5 members, the same fits scored
both ways): geometric mean MAE/naive 0.507 (median) vs 0.508 (mean), better on 5 and 6
series; the median's worst case is the milder one (shampoo 0.811 vs 0.869, where two of the
five members scored 0.98: a mean follows a member that runs off, a median does not). So median.

Each member's worker also forecasts what the parent's validation and interval calibration
need (`MemberTask.forecasts`: the one-step validation forecasts and the multi-step ones from the
calibration origins) and returns them beside the weights, as compact arrays; the parent only
takes their median. With the forecasts done in the parent, one member after another, an
ensemble of 4 on sample_data/daily_stock.csv spent 0.5-0.8 s serially after the fits
(benchmarks/bench_ensemble.py phases). The forecasts are the same calls on the same arrays
wherever they run (one BLAS thread), so nothing depends on --jobs.

`lstm train` without --ensemble trains an ensemble of DEFAULT_SHORT (3) on a series of fewer than
SHORT_ROWS rows, where one network's fit is cheap, and a single network otherwise (`default_size`).
Measured on the benchmark corpus (benchmarks/README.md, "Seed ensembles as the default for short
series"): over three disjoint seed sets the ensemble of 3 beat the mean of its own members on every
set, by 0.5-1.1% of the corpus's geometric mean MAE, and about halved the seed-to-seed spread of
each series' error, for 0.4-1.9 s more of `lstm train` there. `--auto`'s refit follows the same
default (`autoselect.fit_auto(ensemble=None)`; `--auto --ensemble 3` was better or equal to the single
refit on five of five seeds), so that `--auto` keeping the defaults keeps `lstm train`'s model.

Without --jobs (`Forecaster(jobs=None)`), members whose total work is below IN_PROCESS_WORK (members x
rows x epochs x hidden x layers; 3 members of the default settings under 100 rows) train in this
process (`members_jobs`): there the pool's start-up cost more than it saved (benchmarks/README.md,
"Short ensembles without the worker pool"). The weights are the same either way.

Ctrl-C while members train keeps the members that finished; the member being trained is
dropped (its weights are not the ones its seed gives, so an interrupted ensemble does not
pass as a complete one). With no finished member nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from lstmcli import parallel
from lstmcli.errors import OptionError
from lstmcli.growth import DampedGrowth
from lstmcli.training import TrainConfig, TrainResult, refit, train

MAX_ENSEMBLE = 100  # each member is a full fit (100 x the time of one), and a file of 100 networks is 100x
# a single one's size; 5 already took the geometric-mean MAE/naive from 0.521 (one member) to 0.507
COMBINES = ("median", "mean")
DEFAULT_COMBINE = "median"


SHORT_ROWS = 300  # below this many rows `lstm train` defaults to an ensemble (one fit there took 0.01-1.0 s)
DEFAULT_SHORT = 3  # its size: the median of 3 already steadies the seed lottery (benchmarks/README.md)


# Members x rows x epochs x hidden units x layers below which the members train in this process when
# --jobs is not given: starting the worker pool (forkserver, workers, each fit's arrays sent over) cost
# ~0.5 s more than it saved on the shortest series (benchmarks/README.md, "Short ensembles without the
# worker pool"). The default settings (60 epochs, 32 units, 1 layer) put 3 members below it under 100 rows.
IN_PROCESS_WORK = 3 * 100 * 60 * 32


def work(member_tasks: list[MemberTask]) -> int:
    """The members' total work, as IN_PROCESS_WORK counts it: sum of rows x epochs x hidden x layers."""
    return sum(len(t.series) * t.config.epochs * t.config.hidden * t.config.layers for t in member_tasks)


def pool_pays(members: int, rows: int, config: TrainConfig) -> bool:
    """Whether `members` fits of `rows` rows with `config` are work enough for the worker pool (IN_PROCESS_WORK);
    what `lstm train` asks before starting the pool early, once the rows are read."""
    return members * rows * config.epochs * config.hidden * config.layers >= IN_PROCESS_WORK


def members_jobs(member_tasks: list[MemberTask], jobs: int, given: bool) -> int:
    """The processes that train these members: `jobs`, or 1 (this process) when --jobs was not `given`
    and their work is below IN_PROCESS_WORK (the weights are the same either way)."""
    return jobs if given or work(member_tasks) >= IN_PROCESS_WORK else 1


def default_size(rows: int) -> int:
    """`lstm train`'s ensemble size when --ensemble is not given: DEFAULT_SHORT below SHORT_ROWS rows, else 1."""
    return DEFAULT_SHORT if rows < SHORT_ROWS else 1


def default_choice(rows: int) -> str:
    """Why a default ensemble was trained, for the training summary (`Forecaster.choices["ensemble"]`)."""
    return (
        f"the default for a series under {SHORT_ROWS} rows, {rows:,} here: the median of {DEFAULT_SHORT} "
        "networks is steadier than one; --ensemble 1 trains one"
    )


def default_choice_fits(fit_rows: list[int]) -> str | None:
    """Why `lstm backtest` without --ensemble fitted ensembles (each fit as `lstm train` on its rows); None: none."""
    short = [r for r in fit_rows if r < SHORT_ROWS]
    if not short:
        return None
    span = f"{min(short):,}" if min(short) == max(short) else f"{min(short):,}-{max(short):,}"
    why = f"as lstm train decides, the default for a series under {SHORT_ROWS} rows"
    if len(short) == len(fit_rows):
        where = f"the fit's {span} rows" if len(fit_rows) == 1 else f"each fit's rows ({span} here)"
        return f"{why}, on {where}: the median of {DEFAULT_SHORT} networks is steadier than one; --ensemble 1 keeps one"
    longer = len(fit_rows) - len(short)
    return (
        f"{why}, on each fit's rows: {DEFAULT_SHORT} networks for the {len(short):,} "
        f"fit{'s' if len(short) > 1 else ''} on {span} rows, one for the {longer:,} on {SHORT_ROWS} or more; "
        "--ensemble 1 keeps one"
    )


def check_ensemble(n) -> int:
    """`--ensemble N`: 1..MAX_ENSEMBLE members (OptionError naming --ensemble otherwise)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_ENSEMBLE:
        raise OptionError(
            f"--ensemble {n} is not possible",
            hint=f"use a number of networks from 1 (a single model) to {MAX_ENSEMBLE}, e.g. --ensemble 5 "
            "(each member is a full fit; past a few dozen the median no longer changes)",
        )
    return int(n)


def member_seed(seed: int, k: int) -> int:
    """The seed of member k of an ensemble trained with `seed`: seed + k (member 0 = the single model)."""
    return seed + k


@dataclass
class MemberTask:
    """Everything one member's fit needs: the result depends on this alone (picklable for a worker)."""

    config: TrainConfig  # with the member's own seed
    series: np.ndarray  # (M, F) the scaled target series
    train_targets: np.ndarray  # (T,) target rows
    val_targets: np.ndarray  # (V,)
    outputs: int
    direct: bool
    forecasts: Callable[[dict], list[np.ndarray]] | None = None  # params -> arrays the parent needs (picklable)
    growth: DampedGrowth | None = None  # the damped local growth the network learns around (growth.py)


@dataclass
class MemberFit:
    """A member's fit as its worker returns it: the result, and `task.forecasts(params)` (None without)."""

    result: TrainResult
    forecasts: list[np.ndarray] | None = None


def fit_member(task: MemberTask, should_stop: Callable[[], bool] | None = None) -> TrainResult:
    """Train one member (run in a worker process, or in this one with --jobs 1, hearing `should_stop`)."""
    return train(
        task.series,
        task.train_targets,
        task.val_targets,
        task.config,
        outputs=task.outputs,
        direct=task.direct,
        should_stop=should_stop,
        growth=task.growth,
    )


def fit_and_forecast(task: MemberTask, should_stop: Callable[[], bool] | None = None) -> MemberFit:
    """Train one member, then forecast what `task.forecasts` asks with its weights (not once interrupted)."""
    result = fit_member(task, should_stop)
    if task.forecasts is None or result.interrupted:
        return MemberFit(result)
    return MemberFit(result, task.forecasts(result.params))


def tasks(
    config: TrainConfig,
    n: int,
    series,
    train_targets,
    val_targets,
    outputs: int,
    direct: bool,
    forecasts=None,
    growth: DampedGrowth | None = None,
):
    """The N member tasks of an ensemble trained with `config` (member k: seed + k); `forecasts`, `growth`: see
    MemberTask."""
    return [
        MemberTask(
            replace(config, seed=member_seed(config.seed, k)),
            series,
            train_targets,
            val_targets,
            outputs,
            direct,
            forecasts,
            growth,
        )
        for k in range(n)
    ]


def fit_members(
    member_tasks: list[MemberTask],
    jobs: int | None,
    on_member: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[int, MemberFit]:
    """{member index: its fit (result and forecasts)} in member order; `on_member(done, total)` after each finishes.

    When `should_stop()` turns true, the members finished so far are returned (with several
    jobs not necessarily 0, 1, ...: whichever finished), the rest dropped.
    """
    results: dict[int, MemberFit] = {}
    jobs = parallel.check_jobs(jobs)
    if jobs == 1:  # in-process: the member in training hears should_stop and is dropped
        for k, task in enumerate(member_tasks):
            if should_stop is not None and should_stop():
                break
            fit = fit_and_forecast(task, should_stop)
            if fit.result.interrupted:
                break
            results[k] = fit
            if on_member is not None:
                on_member(len(results), len(member_tasks))
        return {k: results[k] for k in sorted(results)}
    runs = parallel.run(fit_and_forecast, member_tasks, jobs, should_stop=should_stop)
    try:
        for k, result in runs:
            results[k] = result
            if on_member is not None:
                on_member(len(results), len(member_tasks))
            if should_stop is not None and should_stop():
                break
    except BaseException as e:
        # Workers never see Ctrl-C (parallel.run holds SIGINT back from them), but a SIGTERM to the
        # whole process group kills them and breaks the pool. Asked to stop, that is no error: keep
        # the members that finished. A KeyboardInterrupt of this process (a second Ctrl-C) still aborts.
        from_worker = type(e.__cause__).__name__ == "_RemoteTraceback"
        if should_stop is None or not should_stop() or (isinstance(e, KeyboardInterrupt) and not from_worker):
            raise
    finally:
        runs.close()  # terminates unfinished workers
    return {k: results[k] for k in sorted(results)}


@dataclass
class RefitTask:
    """One network's refit on all windows (training.refit): the result depends on this alone (picklable)."""

    config: TrainConfig  # with the network's own seed (its initial weights are the first fit's)
    series: np.ndarray  # (M, F) the scaled target series
    targets: np.ndarray  # (A,) every window's target row: training and validation
    epochs: int
    outputs: int
    direct: bool
    growth: DampedGrowth | None = None  # as MemberTask's


def refit_member(task: RefitTask, should_stop: Callable[[], bool] | None = None) -> TrainResult:
    """Train one network again on all windows for `task.epochs` epochs (a worker, or this process)."""
    return refit(
        task.series,
        task.targets,
        task.config,
        task.epochs,
        task.outputs,
        should_stop=should_stop,
        direct=task.direct,
        growth=task.growth,
    )


def refit_members(
    refit_tasks: list[RefitTask], jobs: int | None, should_stop: Callable[[], bool] | None = None
) -> list[TrainResult] | None:
    """Every task's refit, in task order, by `jobs` processes (the weights do not depend on it);
    None when `should_stop()` turned true before all finished (nothing partial is kept)."""
    jobs = parallel.check_jobs(jobs)
    if jobs == 1:
        out = []
        for task in refit_tasks:
            result = refit_member(task, should_stop)
            if result.interrupted:
                return None
            out.append(result)
        return out
    done: dict[int, TrainResult] = {}
    runs = parallel.run(refit_member, refit_tasks, jobs, should_stop=should_stop)
    try:
        for k, result in runs:
            done[k] = result
    finally:
        runs.close()
    return [done[k] for k in range(len(refit_tasks))] if len(done) == len(refit_tasks) else None


def combine(paths: list[np.ndarray], how: str = DEFAULT_COMBINE) -> np.ndarray:
    """The ensemble's forecast from its members' paths (each (B, days, F)): median or mean per value."""
    if len(paths) == 1:
        return paths[0]
    stack = np.stack(paths)  # (N, B, days, F)
    return np.median(stack, axis=0) if how == "median" else np.mean(stack, axis=0)
