"""Many series at once: a `Panel` holds one `Forecaster` per series (local models), fitted in parallel.

    >>> from lstmcli.panel import Panel
    >>> panel = Panel().fit(df, jobs=2)          # a long frame: unique_id, ds, y (as statsforecast)
    >>> panel.predict(5)["AAPL"].values          # a Forecast per series
    >>> panel.save("panel.npz"); Panel.load("panel.npz")

Each series is fitted by a task of its own (`fit_task`), with today's defaults and a seed
derived from `--seed` and the series id by a stable hash (zlib.crc32): a task's result depends
on its series, its options and that seed only, so the panel is the same whatever `--jobs` is
and whichever worker (a local process or a Dask worker) ran it. A series that cannot train
(too short, no numbers, non-positive prices for log-returns) is skipped with its reason.

The model file (kind "panel") is one `.npz` with one `__meta__` JSON holding each series' id and
its model metadata as a single-series file holds it (`ModelInfo.to_dict()`), plus the skipped
series and their reasons. Never pickled; written atomically; single-series files (format 1)
are still read by `Forecaster.load`.

Format version 3 (written since the panel of 500 series took 1.8 s to load, most of it JSON
lists of numbers and one npz member per array) keeps the numbers in a few panel-wide arrays,
each the concatenation, in the metadata's series order, of every series' part, flattened:

    __panel__/params.float32 (or .float64)   every network's arrays; `networks` in the metadata
                                             lists each network's prefix, dtype, names and shapes
                                             in stored order (a --global panel's one network once)
    __panel__/tail.values, __panel__/tail.dates                the tails (float64, datetime64[s])
    __panel__/intervals.quantiles, __panel__/intervals.recent_errors   (float64, NaN: no error)

and each series' metadata has `{"shape": [...]}` where format 2 had those numbers as JSON lists
(`split_model`). Format 2 (every series' arrays under the prefix `s{k}.`, every number in the
JSON) is still read, and forecasts the same.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lstmcli import modelfile
from lstmcli.errors import DataError, LstmError, ModelFileError, OptionError
from lstmcli.forecast import Forecast, Forecaster, min_rows, val_fraction_words
from lstmcli.modelfile import META_KEY, ModelInfo
from lstmcli.training import TrainConfig
from lstmcli.transforms import AUTO

PANEL_FORMAT_VERSION = 3
BULK = "__panel__/"  # format 3: the panel-wide arrays' names start with this
# the parts of a series' metadata a format-3 file keeps as arrays: (path in the metadata, array name, dtype)
BULK_PARTS = (
    (("tail", "values"), "tail.values", "float64"),
    (("tail", "dates"), "tail.dates", "datetime64[s]"),
    (("intervals", "quantiles"), "intervals.quantiles", "float64"),
    (("intervals", "recent_errors"), "intervals.recent_errors", "float64"),
)
PANEL_KIND = "panel"
GLOBAL_MIN_WINDOW = 4  # --global's shortest window: series too short for it are skipped


def series_seed(seed: int, series_id: str) -> int:
    """The seed of one series: crc32 of its id, started from --seed (stable across runs and machines)."""
    return zlib.crc32(series_id.encode("utf-8"), seed & 0xFFFFFFFF) & 0x7FFFFFFF


def select_names(available: Sequence[str], wanted: Sequence[str], where: str) -> list[int]:
    """Indices of the `wanted` names in `available` (exact, else ignoring case and spaces); an unknown
    name is a DataError suggesting the nearest."""
    out: list[int] = []
    folded = {}
    for i, a in enumerate(available):
        folded.setdefault(a.strip().casefold(), i)
    for w in wanted:
        if w in available:
            i = list(available).index(w)
        elif w.strip().casefold() in folded:
            i = folded[w.strip().casefold()]
        else:
            close = difflib.get_close_matches(w, list(available), n=3, cutoff=0.5) or difflib.get_close_matches(
                w.upper(), [a.upper() for a in available], n=3, cutoff=0.5
            )
            did = f"did you mean {', '.join(repr(c) for c in close)}? The" if close else "the"
            raise DataError(
                f"{where} has no series {w!r}",
                hint=f"{did} series are: {_listed(list(available))}",
            )
        if i not in out:
            out.append(i)
    return out


def _listed(names: list[str], shown: int = 5) -> str:
    """The first few names, and how many more (as data.py lists series)."""
    return ", ".join(names[:shown]) + (f", ... ({len(names) - shown:,} more)" if len(names) > shown else "")


# ---------------------------------------------------------------------------------------
# one task per series: what a worker (a process, or a Dask worker) receives and returns


@dataclass
class FitTask:
    """Everything one series' fit needs: its data (a `panel_data.SeriesInput` or arrays) and options."""

    id: str
    config: TrainConfig
    target: str = AUTO
    auto_window: bool = False
    source: object | None = None  # a panel_data.SeriesInput, read in the worker
    values: np.ndarray | None = None  # (N, F) prices, when given as arrays (the Python API)
    dates: np.ndarray | None = None
    columns: list[str] | None = None
    name: str = "<array>"
    options: dict = field(default_factory=dict)  # Forecaster keywords: season, strategy, horizon, ensemble
    auto: dict | None = None  # --auto: autoselect.fit_auto keywords (budget, horizon, restrict, ensemble)
    reading: dict = field(default_factory=dict)  # kept in each series' model file: calendar, sheet


@dataclass
class FitOutcome:
    """One series' result: a model (params, info) or the reason it could not train."""

    id: str
    params: dict[str, np.ndarray] | None = None  # every ensemble member's arrays (modelfile.join_members names)
    info: ModelInfo | None = None
    choices: dict = field(default_factory=dict)
    error: str | None = None
    interrupted: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what cleaning did to the series (data.read_prices)
    model_json: str | None = None  # `info` as the panel file's JSON holds it (split_model), encoded by the worker
    model_bulk: dict[str, np.ndarray] | None = None  # and its parts kept as arrays (split_model)
    calendar: dict | None = None  # without --calendar: calendars.series_finding of its closed weekdays

    @property
    def ok(self) -> bool:
        return self.params is not None


def too_few_rows(task: FitTask) -> str | None:
    """Why a series read from a file cannot train on any window, known from its row count alone (no task
    needed: 100,000 tiny series are skipped in a moment, not one worker task each); None: let it try.
    Usable rows are at most the rows before cleaning, and no fit needs fewer than window 1 of a level."""
    rows = getattr(task.source, "rows", 0)
    least = _least_rows(task.config.val_fraction)
    if 0 < rows < least:
        plural = "s" if rows != 1 else ""
        even = f"even --window 1 with {val_fraction_words(task.config.val_fraction)} needs at least {least}"
        return f"{task.source.name} has {rows:,} row{plural}: too few to train ({even})"
    return None


@functools.lru_cache(maxsize=16)
def _least_rows(val_fraction: float) -> int:
    return min_rows(1, 0, val_fraction)


def fit_task(task: FitTask, should_stop: Callable[[], bool] | None = None) -> FitOutcome:
    """Read and fit one series; a user-caused problem (LstmError) becomes the outcome's `error`."""
    t0 = time.perf_counter()
    notes: list[str] = []
    finding = None
    try:
        # jobs=1: an ensemble's members and --auto's candidates run in this task's process (the series
        # already run in parallel)
        forecaster = Forecaster(task.config, task.target, auto_window=task.auto_window, jobs=1, **task.options)
        series = None
        if task.source is not None:
            series = task.source.read()
            notes = list(series.notes)
            notes += _calendar_notes(task.reading.get("calendar"), series.frequency, series.dates)
            finding = _calendar_finding(task, series)
        if task.auto is not None:
            forecaster = _fit_auto(task, series, finding, should_stop)
        elif series is not None:
            forecaster.fit(series, should_stop=should_stop, reading=_reading(task, finding))
        else:
            _calendar_notes(task.reading.get("calendar"), None, None)  # a known name, before the fit
            forecaster.fit(
                task.values, task.dates, task.columns, source=task.name, should_stop=should_stop, reading=task.reading
            )
        if task.source is None:  # arrays: their frequency is known once read by the fit
            _calendar_notes(task.reading.get("calendar"), forecaster.info.data.frequency, None)
        if forecaster.info.data.series is None:
            forecaster.info = replace(forecaster.info, data=replace(forecaster.info.data, series=task.id))
    except LstmError as e:
        return FitOutcome(task.id, error=_one_line(e), seconds=time.perf_counter() - t0, notes=notes, calendar=finding)
    text, bulk = split_model(forecaster.info)  # in the worker: the parent's save only joins the pieces
    return FitOutcome(
        task.id,
        modelfile.join_members(forecaster.members or [forecaster.params]),
        forecaster.info,
        dict(forecaster.choices),
        interrupted=forecaster.result.interrupted,
        seconds=time.perf_counter() - t0,
        notes=notes,
        model_json=text,
        model_bulk=bulk,
        calendar=finding,
    )


def split_model(info: ModelInfo) -> tuple[str, dict[str, np.ndarray]]:
    """One series' model metadata as a format-3 panel file holds it: (its JSON, keys sorted, exactly as
    `json.dumps(meta, sort_keys=True)` writes it inside the panel's metadata, with each of BULK_PARTS
    replaced by {"shape": [...]}; those parts as arrays). The numbers are those format 2's JSON held
    (`to_dict`: recent errors to 7 significant digits, a missing one NaN)."""
    d = {**info.to_dict(), "format_version": 1}
    parts: dict[str, np.ndarray] = {}
    for (where, key), name, dtype in BULK_PARTS:
        node = d.get(where)
        if not isinstance(node, dict) or node.get(key) is None:  # no intervals, no dates, no recent errors
            continue
        v = node[key]
        if key == "recent_errors":  # (n, H), None where the data ended; n may be 0
            H = len(parts["intervals.quantiles"])  # converted just before
            a = np.array([[np.nan if e is None else e for e in row] for row in v], dtype=dtype).reshape(len(v), H)
        else:
            a = np.array(v, dtype=dtype)
        parts[name] = a
        node[key] = {"shape": list(a.shape)}
    return json.dumps(d, sort_keys=True), parts


def _restore_parts(sub: dict, bulk: dict[str, np.ndarray], at: dict[str, int]) -> None:
    """Put a format-3 series' BULK_PARTS back into its metadata `sub` (in place), as arrays: the next
    `shape` of each panel-wide array (`at`: how far each has been read)."""
    for (where, key), name, _ in BULK_PARTS:
        node = sub.get(where)
        if not isinstance(node, dict) or node.get(key) is None:
            continue
        shape = node[key]["shape"]
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
            raise ValueError(f"the shape of {where}.{key} {shape!r} is not a list of counts")
        flat = bulk.get(name)
        start, size = at.get(name, 0), math.prod(shape)
        if flat is None or start + size > len(flat):
            raise ValueError(f"{BULK}{name} holds fewer numbers than the series' metadata need")
        node[key] = flat[start : start + size].reshape(shape)
        at[name] = start + size


CALENDAR_NOTE = "closed days of --calendar: "  # the start of a note fit_task returns; the CLI counts them


def _reading(task: FitTask, finding: dict | None = None) -> dict:
    """How the series was read (kept in its model file, so --data reads a newer file the same way),
    with the panel's --calendar and --sheet, and the calendar its closed weekdays match (`finding`)."""
    options = task.source.options if task.source is not None else {}
    match = {"calendar_match": finding["match"]} if finding is not None and "match" in finding else {}
    return {k: options.get(k) for k in ("id_column", "dayfirst", "date_format", "decimal")} | task.reading | match


def _calendar_finding(task: FitTask, series) -> dict | None:
    """Without --calendar, for a series read from a file (as `lstm train` of one series): the exchange calendar
    its closed weekdays match, or that they look like holidays (calendars.series_finding); never applied."""
    if task.reading.get("calendar") is not None:
        return None
    from lstmcli.calendars import series_finding

    return series_finding(series.dates, series.frequency)


def _calendar_notes(calendar: str | None, frequency: str | None, dates) -> list[str]:
    """--calendar on one series: an OptionError (the series is skipped) when its rows are not daily;
    a note when some rows fall on days the exchange is closed (is it the series' exchange?)."""
    if calendar is None:
        return []
    from lstmcli.calendars import check_calendar, closed_days

    name = check_calendar(calendar, frequency)
    if dates is None:
        return []
    closed = closed_days(name, dates)
    return [f"{CALENDAR_NOTE}{len(closed)} rows, e.g. {closed[-1]}"] if len(closed) else []


def _fit_auto(task: FitTask, series, finding: dict | None, should_stop) -> Forecaster:
    """--auto for one series (autoselect.fit_auto, one process): its own search and refit (`series`: read
    from the task's source, None for arrays)."""
    from lstmcli.autoselect import SelectionStopped, fit_auto

    if series is not None:
        data = dict(values=series, frequency=series.frequency, source=series.source, reading=_reading(task, finding))
    else:
        _calendar_notes(task.reading.get("calendar"), None, None)  # a known name, before the search
        data = dict(values=task.values, dates=task.dates, columns=task.columns, source=task.name, reading=task.reading)
    try:
        return fit_auto(**data, config=task.config, jobs=1, should_stop=should_stop, **task.auto)
    except SelectionStopped:
        raise OptionError("stopped before any --auto candidate finished") from None


def predict_task(task: tuple) -> Forecast:
    """One series' forecast: (its Forecaster, days, interval, newer values or None, their dates) -> Forecast
    (a Dask task)."""
    forecaster, days, interval, values, dates = task
    return forecaster.predict(days, values, dates, interval=interval)


def _one_line(e: LstmError) -> str:
    return " ".join(str(e).split())


# ---------------------------------------------------------------------------------------
# runners: local processes (parallel.run) or a Dask cluster (dask_runner.run), same contract


Runner = Callable[[Callable, list, int], Iterable[tuple[int, object]]]


def local_runner(
    fn: Callable, tasks: list, jobs: int, should_stop: Callable[[], bool] | None = None
) -> Iterable[tuple[int, object]]:
    from lstmcli import parallel

    return parallel.run(fn, tasks, jobs, should_stop=should_stop)


class Panel:
    """One `Forecaster` per series (local models): fit, predict, save, load.

    `members` maps each trained series id to its Forecaster (in the panel's order);
    `skipped` maps each series that could not train to the reason.
    """

    def __init__(
        self,
        config: TrainConfig | None = None,
        target: str = AUTO,
        *,
        auto_window: bool = False,
        auto: dict | None = None,
        calendar: str | None = None,
        sheet: str | None = None,
        **options,
    ) -> None:
        """`options`: Forecaster keywords every series' model is built with (season, strategy, horizon,
        ensemble); checked here, so a bad one fails before any series is read. `auto`: `--auto` per
        series, the `autoselect.fit_auto` keywords (budget, horizon, restrict, ensemble) each series'
        search and refit gets (one process each: the series run in parallel). `calendar` (an exchange
        calendar such as XNYS): every series' forecast dates are its sessions (a series whose rows are
        not daily is skipped); `sheet`: the workbook's sheet the panel was read from (kept for --data)."""
        self.config = config or TrainConfig()
        self.target = target
        self.auto_window = auto_window
        Forecaster(self.config, target, **options)  # OptionError for an impossible option, now
        self.options, self.auto = options, auto
        if calendar is not None:
            from lstmcli.calendars import check_calendar

            calendar = check_calendar(calendar)  # an unknown name fails now, not once per series
        self.reading = {k: v for k, v in dict(calendar=calendar, sheet=sheet).items() if v is not None}
        self.members: dict[str, Forecaster] = {}
        self.skipped: dict[str, str] = {}
        self.interrupted = False
        self.source: str | None = None
        self.layout: str | None = None
        self.global_model = False  # --global: one network shared by every series
        self._encoded: dict[str, tuple[ModelInfo, str, dict]] = {}  # id -> (its info, *split_model(info)) from workers
        self.calendar_findings: dict[str, dict] = {}  # id -> calendars.series_finding, for the panel's one Note

    # ----------------------------------------------------------------------------- fit

    def tasks_for(self, inputs: Sequence) -> list[FitTask]:
        """One FitTask per `panel_data.SeriesInput`, each with its own seed."""
        return [
            FitTask(
                s.id,
                replace(self.config, seed=series_seed(self.config.seed, s.id)),
                self.target,
                self.auto_window,
                source=s,
                options=self.options,
                auto=self.auto,
                reading=self.reading,
            )
            for s in inputs
        ]

    def fit(
        self,
        frame,
        *,
        id_col: str = "unique_id",
        date_col: str | None = "ds",
        value_col: str = "y",
        jobs: int = 1,
    ) -> Panel:
        """Fit one model per series of a long DataFrame (`unique_id, ds, y` as statsforecast, or named columns).

        `date_col` None: the rows of each series are in order and have no dates.
        """
        self.fit_tasks(self.tasks_from_frame(frame, id_col, date_col, value_col), jobs=jobs)
        return self

    def tasks_from_frame(self, frame, id_col: str, date_col: str | None, value_col: str) -> list[FitTask]:
        """One FitTask per series of a long DataFrame, rows sorted by date."""
        for c in (id_col, date_col, value_col):
            if c is not None and c not in frame.columns:
                raise DataError(
                    f"the DataFrame has no column {c!r}",
                    hint=f"its columns are: {', '.join(map(str, frame.columns))}; name them with "
                    "id_col=, date_col=, value_col=",
                )
        tasks = []
        for key, group in frame.groupby(id_col, sort=False):
            sid = str(key)
            if date_col is not None:
                group = group.sort_values(date_col, kind="stable")
                dates = group[date_col].to_numpy().astype("datetime64[s]")
            else:
                dates = None
            values = group[value_col].to_numpy(dtype=np.float64)
            tasks.append(
                FitTask(
                    sid,
                    replace(self.config, seed=series_seed(self.config.seed, sid)),
                    self.target,
                    self.auto_window,
                    values=values,
                    dates=dates,
                    columns=[str(value_col)],
                    name=f"<DataFrame>[{sid}]",
                    options=self.options,
                    auto=self.auto,
                    reading=self.reading,
                )
            )
        return tasks

    def fit_tasks(
        self,
        tasks: list[FitTask],
        *,
        jobs: int = 1,
        runner: Runner | None = None,
        on_done: Callable[[FitOutcome, int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Panel:
        """Run the fit tasks (`runner`: local processes by default); keep the trained series in task order.

        `on_done(outcome, done, total)` hears each series as it finishes. `should_stop()` true
        (Ctrl-C): the unfinished series are dropped, the finished ones kept, `interrupted` set.
        """
        from functools import partial

        from lstmcli import parallel

        jobs = parallel.check_jobs(jobs)
        if not tasks:
            raise DataError("no series to fit", hint="check the input")
        outcomes: list[FitOutcome | None] = [None] * len(tasks)
        fn = partial(fit_task, should_stop=should_stop) if jobs == 1 and runner is None else fit_task
        done = 0
        run = []  # the tasks that go to the workers; a series with too few rows for any fit is skipped here
        for k, task in enumerate(tasks):
            why = too_few_rows(task)
            if why is None:
                run.append(k)
                continue
            outcomes[k] = FitOutcome(task.id, error=why)
            done += 1
            if on_done is not None:
                on_done(outcomes[k], done, len(tasks))
        todo = [tasks[k] for k in run]
        results = local_runner(fn, todo, jobs, should_stop) if runner is None else runner(fn, todo, jobs)
        results = ((run[j], outcome) for j, outcome in results) if len(run) < len(tasks) else results
        try:
            for k, outcome in results:
                if should_stop is not None and should_stop():
                    self.interrupted = True
                    if not outcome.interrupted:  # finished before the stop: keep it, and count it (the bar)
                        outcomes[k] = outcome
                        done += 1
                        if on_done is not None:
                            on_done(outcome, done, len(tasks))
                    break
                outcomes[k] = outcome
                done += 1
                if on_done is not None:
                    on_done(outcome, done, len(tasks))
            if should_stop is not None and should_stop() and done < len(tasks):  # the pool stopped waiting
                self.interrupted = True
        except BaseException:
            if should_stop is not None and should_stop():  # a worker saw Ctrl-C too: keep what finished
                self.interrupted = True
            else:
                raise
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
        self.members, self.skipped, self._encoded, self.calendar_findings = {}, {}, {}, {}
        for task, outcome in zip(tasks, outcomes, strict=True):
            if outcome is None:
                continue
            if outcome.calendar is not None:
                self.calendar_findings[task.id] = outcome.calendar
            if outcome.ok:
                f = Forecaster.from_parts(outcome.params, outcome.info)
                f.choices = outcome.choices
                self.members[task.id] = f
                if outcome.model_json is not None and outcome.model_bulk is not None:
                    self._encoded[task.id] = (outcome.info, outcome.model_json, outcome.model_bulk)
            else:
                self.skipped[task.id] = outcome.error or "could not train"
        return self

    def fit_global(
        self,
        tasks: list[FitTask],
        *,
        on_epoch: Callable | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_skip: Callable[[str, str], None] | None = None,
    ) -> Panel:
        """`--global`: ONE network trained on the windows of all series together.

        Each series is scaled on its own training part (so a series of prices near 3 and one
        near 3,000 look alike to the network) and split in time as a local model would be;
        windows never cross from one series into the next. One target for all (log-return when
        every price of every series is above 0, else diff, unless given) and one window
        (`config.window`; with `auto_window`, shortened to what the shortest series allows, but
        not below GLOBAL_MIN_WINDOW: shorter series are skipped). Each series keeps its own
        scaler, tail, validation scores and interval errors; the weights are shared.
        """
        from lstmcli.forecast import _as_series, _check_prices, min_rows
        from lstmcli.training import train
        from lstmcli.transforms import Scaler, check_target, to_target

        if self.options or self.auto is not None:
            names = ", ".join(sorted([*self.options, *(["auto"] if self.auto is not None else [])]))
            raise OptionError(
                f"--global trains one network for all series; {names} work on local models",
                hint="leave out --global, or those options",
            )
        self.members, self.skipped, self.global_model, self.calendar_findings = {}, {}, True, {}

        def skip(sid: str, why: str) -> None:
            self.skipped[sid] = why
            if on_skip is not None:
                on_skip(sid, why)

        series = {}
        reading = {task.id: _reading(task) for task in tasks}
        for task in tasks:
            try:
                if task.source is not None:
                    read = task.source.read()
                    finding = _calendar_finding(task, read)
                    if finding is not None:
                        self.calendar_findings[task.id] = finding
                        reading[task.id] = _reading(task, finding)
                    s = _as_series(read, None, None, None, "<array>", None)
                else:
                    s = _as_series(task.values, task.dates, task.columns, None, task.name, None)
                _check_prices(s)
                _calendar_notes(task.reading.get("calendar"), s.frequency, None)  # daily rows only
                series[task.id] = s
            except LstmError as e:
                skip(task.id, _one_line(e))
        widths = {s.prices.shape[1] for s in series.values()}
        if len(widths) > 1:
            raise OptionError("--global needs the same columns in every series", hint="leave out --features")
        if self.target == AUTO:
            positive = all((s.prices > 0).all() for s in series.values())
            target = check_target("log-return" if positive else "diff")
        else:
            target = check_target(self.target)
        config = replace(self.config, level_input=False)  # the one network reads the target series only
        if self.auto_window and series:
            longest = min(len(s.prices) - min_rows(0, target.offset, config.val_fraction) for s in series.values())
            config = replace(config, window=max(GLOBAL_MIN_WINDOW, min(config.window, longest)))
        parts, train_all, val_all, kept, start = [], [], [], {}, 0
        for sid, s in series.items():
            f = Forecaster(config, target)
            try:
                z = to_target(s.prices, target, s.source, s.columns)  # (M, F)
                train_t, val_t = f._split(len(z), s)
            except LstmError as e:
                skip(sid, _one_line(e))
                continue
            scaler = Scaler.fit(z[: train_t[-1] + 1])  # this series' training part only
            parts.append(scaler.transform(z))
            train_all.append(train_t + start)
            val_all.append(val_t + start)
            kept[sid] = (f, s, scaler, train_t, val_t)
            start += len(z)
        if not kept:
            return self
        train_t_all, val_t_all = np.concatenate(train_all), np.concatenate(val_all)
        if config.batch_size is None:
            from lstmcli.defaults import batch_size_for_windows

            config = replace(config, batch_size=batch_size_for_windows(len(train_t_all)))
        result = train(
            np.concatenate(parts),
            train_t_all,
            val_t_all,
            config,
            outputs=widths.pop(),
            on_epoch=on_epoch,
            should_stop=should_stop,
        )
        self.interrupted = result.interrupted
        for sid, (f, s, scaler, train_t, val_t) in kept.items():
            f.config, f.params, f.result = config, result.params, result
            try:
                validation, intervals = f._evaluate(s.prices, scaler, train_t, val_t, result.interrupted)
            except LstmError as e:
                skip(sid, _one_line(e))
                continue
            f.info = f._describe(s, scaler, train_t, val_t, result, validation, intervals, reading[sid])
            if f.info.data.series is None:
                f.info = replace(f.info, data=replace(f.info.data, series=sid))
            self.members[sid] = f
        return self

    # ----------------------------------------------------------------------------- use

    @property
    def ids(self) -> list[str]:
        return list(self.members)

    def select(self, wanted: Sequence[str] | None) -> list[str]:
        """The ids `wanted` names (all when None), exact or ignoring case; DataError suggests the nearest."""
        if not wanted:
            return self.ids
        ids = self.ids
        return [ids[i] for i in select_names(ids, wanted, "the panel model")]

    def predict(
        self,
        days: int,
        interval: float | None = 0.9,
        series: Sequence[str] | None = None,
        runner: Runner | None = None,
        newer: dict | None = None,
    ) -> dict[str, Forecast]:
        """A Forecast per series (all, or those `series` names), in the panel's order.

        Without a `runner`, the series' networks run as one batch (`panel_forecast`: the same forecasts as
        one by one, in a fraction of the time); `runner` (a Dask runner) forecasts each series as a task
        that carries only its own model.
        `newer` {id: (values, dates)}: forecast after those newer rows (`Forecaster.predict`'s values, dates).
        """
        ids = self.select(series)
        if runner is None:  # in this process: the series' networks run as one batch (identical forecasts)
            from lstmcli import panel_forecast

            return panel_forecast.predict(self.members, ids, days, interval, newer)
        tasks = [(self.members[sid], days, interval, *(newer or {}).get(sid, (None, None))) for sid in ids]
        out: list = [None] * len(tasks)
        for k, fc in runner(predict_task, tasks, 1):
            out[k] = fc
        return dict(zip(ids, out, strict=True))

    # ----------------------------------------------------------------------------- files

    def _parts(self) -> list[tuple[str, str, str, dict[str, np.ndarray]]]:
        """(id, prefix, model JSON, bulk arrays) of each series (`split_model`; the worker's own when it
        encoded the same info)."""
        out, prefixes = [], {}
        for k, (sid, f) in enumerate(self.members.items()):
            prefix = prefixes.setdefault(id(f.params), "global." if self.global_model else f"s{k}.")
            done = self._encoded.get(sid)
            text, bulk = done[1:] if done is not None and done[0] is f.info else split_model(f.info)
            out.append((sid, prefix, text, bulk))
        return out

    def to_meta(self, placeholders: bool = False, parts: list | None = None) -> dict:
        """The panel file's metadata (format 3: each series' BULK_PARTS as shapes, `split_model`).
        `placeholders`: each series' "model" is the string _placeholder(k), for save to fill in with its JSON."""
        parts = self._parts() if parts is None else parts
        entries = [
            {"id": sid, "prefix": prefix, "model": _placeholder(k) if placeholders else json.loads(text)}
            for k, (sid, prefix, text, _) in enumerate(parts)
        ]
        networks, seen = [], set()
        for (_, prefix, _, _), f in zip(parts, self.members.values(), strict=True):
            if prefix not in seen:  # a --global panel's one network: once
                seen.add(prefix)
                every = modelfile.join_members(f.members or [f.params])  # an ensemble: member k under "member{k}/"
                networks.append(
                    {
                        "prefix": prefix,
                        "dtype": str(f.params["weight_hh_l0"].dtype),
                        "arrays": [[name, list(every[name].shape)] for name in sorted(every)],
                    }
                )
        return {
            "tool": "lstmcli",
            "kind": PANEL_KIND,
            "format_version": PANEL_FORMAT_VERSION,
            "panel": {
                "series": entries,
                "networks": networks,
                "skipped": [{"id": sid, "reason": why} for sid, why in self.skipped.items()],
                "interrupted": self.interrupted,
                "source": self.source,
                "layout": self.layout,
                "seed": self.config.seed,
                "global": self.global_model,
            },
        }

    def save(self, path: str | Path) -> Path:
        """One `.npz` for the whole panel (format 3), written atomically (files.write_atomically)."""
        if not self.members:
            raise OptionError("nothing to save: no series was trained")
        parts = self._parts()
        meta = self.to_meta(placeholders=True, parts=parts)
        nets = {prefix: f for (_, prefix, _, _), f in zip(parts, self.members.values(), strict=True)}
        flat: dict[str, list[np.ndarray]] = {}
        for net in meta["panel"]["networks"]:
            f = nets[net["prefix"]]
            every = modelfile.join_members(f.members or [f.params])
            flat.setdefault(f"params.{net['dtype']}", []).extend(
                np.asarray(every[name], dtype=net["dtype"]).ravel() for name, _ in net["arrays"]
            )
        for _, _, _, bulk in parts:
            for name, a in bulk.items():
                flat.setdefault(name, []).append(a.ravel())
        arrays = {BULK + name: np.concatenate(pieces) for name, pieces in flat.items()}
        return modelfile.write_npz(path, arrays, self._meta_text(meta, parts))

    def _meta_text(self, meta: dict, parts: list) -> str:
        """`json.dumps(meta, sort_keys=True)` with every placeholder replaced by its series' JSON (encoded
        by its worker): the same text as `json.dumps(self.to_meta(), sort_keys=True)`, without decoding
        and encoding each series' metadata again here."""
        pieces = _PLACEHOLDER.split(json.dumps(meta, sort_keys=True))  # [text, k, text, k, ..., text]
        if pieces[1::2] == [str(k) for k in range(len(parts))]:
            pieces[1::2] = [text for _, _, text, _ in parts]
            return "".join(pieces)
        for e, (_, _, text, _) in zip(meta["panel"]["series"], parts, strict=True):  # an id that reads as one
            e["model"] = json.loads(text)
        return json.dumps(meta, sort_keys=True)

    @classmethod
    def load(cls, path: str | Path) -> Panel:
        """Read a panel model file (format 2 or 3); every series is checked as a single-series file is."""
        path = Path(path)
        arrays = modelfile.read_arrays(path)
        meta = modelfile.read_meta(path, arrays)
        if meta.get("kind") != PANEL_KIND:
            raise ModelFileError(
                f"{path} is a single-series model file, not a panel", hint="load it with Forecaster.load"
            )
        if int(meta["format_version"]) > PANEL_FORMAT_VERSION:
            raise ModelFileError(
                f"{path} is panel format version {meta['format_version']}, newer than this lstmcli reads "
                f"({PANEL_FORMAT_VERSION})",
                hint="upgrade lstmcli: pip install -U lstmcli",
            )
        try:
            body = meta["panel"]
            entries = body["series"]
            panel = cls()
            panel.source, panel.layout = body.get("source"), body.get("layout")
            panel.interrupted = bool(body.get("interrupted", False))
            panel.skipped = {str(s["id"]): str(s["reason"]) for s in body.get("skipped", [])}
            panel.global_model = bool(body.get("global", False))
            if int(meta["format_version"]) >= 3:
                by_prefix, bulk = _networks(body["networks"], arrays)
            else:  # format 2: each series' arrays under its prefix
                by_prefix, bulk = {}, {}
                for name, a in arrays.items():
                    prefix, dot, rest = name.partition(".")
                    if not dot:
                        raise ValueError(f"the array {name!r} belongs to no series")
                    by_prefix.setdefault(prefix + ".", {})[rest] = a.copy()
            shared: dict[str, dict] = {}  # prefix -> its checked arrays (a global panel shares one)
            weights: dict[str, dict] = {}  # prefix -> the one params dict its series share
            at: dict[str, int] = {}  # format 3: how far each panel-wide array has been read
            for entry in entries:
                sid, prefix, sub = str(entry["id"]), str(entry["prefix"]), entry["model"]
                if sid in panel.members or (prefix in shared and not panel.global_model):
                    raise ValueError(f"series {sid!r} or prefix {prefix!r} appears twice")
                if bulk:
                    _restore_parts(sub, bulk, at)
                params = modelfile.check_arrays(f"{path} (series {sid!r})", dict(by_prefix.get(prefix, {})), sub)
                f = Forecaster.from_parts(shared.setdefault(prefix, params), ModelInfo.from_dict(sub))
                if f.members is None:  # a global network: one dict of weights for every series
                    f.params = weights.setdefault(prefix, f.params)
                panel.members[sid] = f
            unused = set(by_prefix) - set(shared)
            if unused:
                raise ValueError(f"the arrays of {', '.join(sorted(unused))} belong to no series")
            for name, flat in bulk.items():
                if at.get(name, 0) != len(flat):
                    raise ValueError(f"{BULK}{name} holds more numbers than the series' metadata use")
        except ModelFileError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, LstmError) as e:
            raise ModelFileError(
                f"{path}: panel metadata is incomplete or invalid ({e})", hint="retrain with lstm train"
            ) from None
        if not panel.members:
            raise ModelFileError(f"{path} holds no trained series", hint="retrain with lstm train")
        return panel


def _networks(networks: list, arrays: dict[str, np.ndarray]) -> tuple[dict[str, dict], dict[str, np.ndarray]]:
    """Format 3: ({prefix: {name: array}} cut from the panel-wide params arrays as `networks` lists them,
    {part name: flat array} of BULK_PARTS). ValueError when the arrays and the list do not match."""
    unknown = [k for k in arrays if not k.startswith(BULK)]
    if unknown:
        raise ValueError(f"the arrays {', '.join(sorted(unknown)[:3])} belong to no series")
    flat = {k[len(BULK) :]: a for k, a in arrays.items()}
    dtypes = {name: np.dtype(dtype) for _, name, dtype in BULK_PARTS}
    for name, a in flat.items():
        if a.ndim != 1:
            raise ValueError(f"{BULK}{name} is not flat (shape {a.shape})")
        if name in dtypes and a.dtype != dtypes[name]:
            raise ValueError(f"{BULK}{name} holds {a.dtype}, not {dtypes[name]}")
    by_prefix: dict[str, dict] = {}
    at: dict[str, int] = {}
    for net in networks:
        prefix, key = str(net["prefix"]), f"params.{net['dtype']}"
        if prefix in by_prefix or key not in flat:
            raise ValueError(f"the network {prefix!r} appears twice, or {BULK}{key} is missing")
        params = {}
        for name, shape in net["arrays"]:
            if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
                raise ValueError(f"the shape of {prefix}{name} {shape!r} is not a list of counts")
            start, size = at.get(key, 0), math.prod(shape)
            if start + size > len(flat[key]):
                raise ValueError(f"{BULK}{key} holds fewer numbers than the networks need")
            params[str(name)] = flat[key][start : start + size].reshape(shape)
            at[key] = start + size
        by_prefix[prefix] = params
    for key in [k for k in flat if k.startswith("params.")]:
        if at.get(key, 0) != len(flat[key]):
            raise ValueError(f"{BULK}{key} holds more numbers than the networks use")
    return by_prefix, {k: a for k, a in flat.items() if not k.startswith("params.")}


def _placeholder(k: int) -> str:
    return f"\x00model {k}\x00"  # control characters: never in a series id (panel_data refuses them)


_PLACEHOLDER = re.compile(r'"\\u0000model (\d+)\\u0000"')  # _placeholder(k) as JSON writes it


def is_panel_file(path: str | Path) -> bool:
    """True when `path` is a panel model file (reads only its metadata); False for anything else."""
    import zipfile

    path = Path(path)
    try:
        if not path.is_file() or not zipfile.is_zipfile(path):
            return False
        with np.load(path, allow_pickle=False) as z:
            if META_KEY not in z.files:
                return False
            meta = json.loads(z[META_KEY].tobytes().decode())
    except Exception:  # any damage: the single-series loader says what is wrong
        return False
    return isinstance(meta, dict) and meta.get("kind") == PANEL_KIND


# ---------------------------------------------------------------------------------------
# backtests: one task per series, then an aggregate over the panel


@dataclass
class BacktestTask:
    """One series' backtest: its data (a panel_data.SeriesInput), the fit options and the backtest spec."""

    id: str
    source: object
    config: TrainConfig
    spec: object  # a backtest.BacktestSpec
    target: str | None = None
    batch_size_given: bool = False
    strategy: str = "recursive"  # --strategy; a direct model emits spec.days steps
    ensemble: int = 1  # --ensemble: members trained in this task's process (the series run in parallel)
    auto: dict | None = None  # --auto: run_backtest's `auto` (fit_auto keywords; jobs 1 inside the task)


CALENDAR_KEY = "calendar_finding"  # in a backtest_task row: calendars.series_finding, for the panel's one Note
#: a series' fits as one series' `lstm backtest --json` gives them (same names: --refit, the fits, the model's
#: settings with refit_all, each fit's run with refit_epochs); in --json only, not in --output's flat rows
RUN_KEYS = ("refit", "fits", "model", "fit_runs")


def backtest_task(task: BacktestTask) -> dict:
    """Read and backtest one series; a row of scores (or `error`, the reason it could not run)."""
    from lstmcli.backtest import plan, run_backtest
    from lstmcli.calendars import series_finding
    from lstmcli.defaults import batch_size_for
    from lstmcli.transforms import resolve_target

    t0 = time.perf_counter()
    finding = None
    try:
        series = task.source.read()
        finding = series_finding(series.dates, series.frequency)  # as one series' backtest: for the panel's Note
        target, _ = resolve_target(task.target or AUTO, series.values)
        config = task.config
        if not task.batch_size_given:
            cut, _ = plan(len(series.values), task.spec)
            config = replace(config, batch_size=batch_size_for(cut, config.window, config.val_fraction, target))
        result = run_backtest(
            series.values,
            config,
            target,
            task.spec,
            dates=series.dates,
            frequency=series.frequency,
            column=series.columns[0],
            source=series.source,
            strategy=task.strategy,
            ensemble=task.ensemble,
            jobs=1,
            auto=None if task.auto is None else {**task.auto, "jobs": 1},
        )
    except LstmError as e:
        return {"series": task.id, "error": _one_line(e), "seconds": time.perf_counter() - t0, CALENDAR_KEY: finding}
    s = result.scores
    snaive = s.get("seasonal_naive", s["naive"])  # season 1: seasonal naive is naive
    return {
        "series": task.id,
        "rows": result.rows,
        "origins": len(result.origins),
        "season": result.season,
        "lstm_mae": s["lstm"]["mae"],
        "naive_mae": s["naive"]["mae"],
        "mae_vs_naive": s["lstm"]["mae"] / s["naive"]["mae"] if s["naive"]["mae"] > 0 else float("nan"),
        "lstm_mase": s["lstm"]["mase"],
        "naive_mase": s["naive"]["mase"],
        "seasonal_naive_mase": snaive["mase"],
        "drift_mase": s["drift"]["mase"],
        "coverage": result.coverage,
        "interval": result.interval if result.coverage is not None else None,
        "verdict": result.verdict()[0].value,
        **{k: v for k, v in result.to_dict().items() if k in RUN_KEYS},
        "seconds": time.perf_counter() - t0,
        CALENDAR_KEY: finding,
    }


def _outcome(model: float, baseline: float) -> str:
    """win, tie or loss of a MASE against a baseline's, with backtest's tie band (TIE_PERCENT)."""
    from lstmcli.backtest import TIE_PERCENT

    if not (np.isfinite(model) and np.isfinite(baseline)) or baseline <= 0:
        return "tie" if model == baseline else "loss"
    rel = model / baseline - 1
    return "win" if rel < -TIE_PERCENT / 100 else ("tie" if rel <= TIE_PERCENT / 100 else "loss")


def aggregate(rows: list[dict]) -> dict:
    """The panel's scores: median/mean MASE and MAE vs naive, wins/ties/losses, coverage, best/worst series."""
    ok = [r for r in rows if "error" not in r]
    if not ok:
        return {"series": 0}
    mase = np.array([r["lstm_mase"] for r in ok])
    rel = np.array([r["mae_vs_naive"] for r in ok])
    cov = [r["coverage"] for r in ok if r["coverage"] is not None]
    out: dict = {
        "series": len(ok),
        "failed": len(rows) - len(ok),
        "median_mase": float(np.nanmedian(mase)),
        "mean_mase": float(np.nanmean(mase)),
        "median_mae_vs_naive": float(np.nanmedian(rel)),
        "mean_mae_vs_naive": float(np.nanmean(rel)),
        "mean_coverage": float(np.mean(cov)) if cov else None,
    }
    for base in ("naive", "seasonal_naive"):
        counts = {"wins": 0, "ties": 0, "losses": 0}
        for r in ok:
            counts[{"win": "wins", "tie": "ties", "loss": "losses"}[_outcome(r["lstm_mase"], r[f"{base}_mase"])]] += 1
        out[f"vs_{base}"] = counts
    ranked = sorted(ok, key=lambda r: (not np.isfinite(r["mae_vs_naive"]), r["mae_vs_naive"]))
    k = max(1, min(3, len(ranked) // 2))  # no series both best and worst
    out["best"] = [r["series"] for r in ranked[:k]]
    out["worst"] = [r["series"] for r in ranked[::-1][:k]]
    return out
