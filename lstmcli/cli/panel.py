"""The verbs on many series (a panel): train, predict, backtest and inspect, called from a few lines in each verb.

`wants_panel` tells from the command line alone (several files, a folder, --columns,
--series A,B) and `data.SeveralSeriesError` from the file (a long file of several series)
that a command is about a panel. Progress over series goes to stderr with a bar (done,
failed, ETA); a series that cannot train is named on one line with the reason. Exit status:
0 when at least one series trained, 2 when none did (nothing is written then).
`--dask ADDRESS` (or $LSTM_DASK_SCHEDULER) runs the per-series tasks on a Dask cluster
(dask_runner.py); `--global` trains one network for all series (Panel.fit_global).
"""

from __future__ import annotations

from pathlib import Path

from lstmcli.cli.common import (
    STDOUT,
    ProgressBar,
    StopFlag,
    info_json,
    iso_text,
    json_text,
    split_names,
    stderr,
    stdout,
    write_csv,
)
from lstmcli.errors import DataError, OptionError


def refuse_single_series_options(**given) -> None:
    """OptionError for an option that works on one series but not yet on a panel (given: name -> value or None)."""
    for name, value in given.items():
        if value is True or value not in (None, False, 1, "recursive", "auto"):  # True == 1: --auto is a flag
            raise OptionError(
                f"{name} works on one series; it is not available for many series yet",
                hint=f"drop {name}, or train each series on its own (--series NAME)",
            )


def forecaster_options(season=None, strategy: str = "recursive", horizon=None, ensemble: int = 1) -> dict:
    """The per-series Forecaster options a panel was given (only those that differ from the defaults),
    so that every series' model is built as `lstm train` builds one series' model."""
    options = {}
    if season not in (None, "auto"):
        options["season"] = season
    if strategy != "recursive":
        options |= dict(strategy=strategy, horizon=horizon)
    if ensemble != 1:
        options["ensemble"] = ensemble
    return options


def wants_panel(
    sources: list[str],
    columns: str | None,
    series: str | None,
    id_column: str | None = None,
    date_column: str | None = None,
    jobs: int | None = 1,
) -> bool:
    """Several files, a folder, --columns or --series A,B: a panel, whatever the files hold; or one CSV
    that is plainly a long file of several series on its first lines (panel_data.looks_long: no full read
    as one series first). A panel to be fitted by `jobs` local workers starts their forkserver as soon
    as it is known (or likely), so that the workers' start-up runs while this process reads the data."""
    from lstmcli.panel_data import is_panel_request, looks_long

    def prestart() -> None:
        import os

        from lstmcli import parallel

        if jobs != 1 and not os.environ.get("LSTM_DASK_SCHEDULER"):
            parallel.prestart(parallel.check_jobs(jobs), WORKER_PRELOAD)

    if is_panel_request(sources, columns, series):
        prestart()
        return True
    return series is None and len(sources) == 1 and looks_long(sources[0], id_column, date_column, prestart)


def read_input(
    sources: list[str],
    *,
    columns,
    series,
    id_column,
    column,
    date_column,
    features,
    dayfirst,
    date_format,
    quiet,
    sheet=None,
    decimal=None,
):
    """The panel's series inputs; the Read line (shape, series, rows) on stderr."""
    from lstmcli.panel_data import read_panel
    from lstmcli.render.common import user_text

    inp = read_panel(
        sources,
        columns=columns,
        series=split_names(series),
        id_column=id_column,
        column=column,
        date_column=date_column,
        features=features or [],
        dayfirst=dayfirst,
        date_format=date_format,
        sheet=sheet,
        decimal=decimal,
    )
    if not quiet:
        stderr().print(user_text(inp.summary()), soft_wrap=True)
    return inp


def _runner(dask: str | None):
    """The task runner: local processes, or a Dask cluster when --dask / LSTM_DASK_SCHEDULER names one."""
    import os

    address = dask or os.environ.get("LSTM_DASK_SCHEDULER") or None
    if address is None:
        return None, None
    from lstmcli import dask_runner

    return dask_runner.connect(address), address


WORKER_PRELOAD = ("lstmcli.panel", "lstmcli.data", "lstmcli.backtest")  # what a series task imports

MAX_SKIP_LINES = 20  # "Skipped X: why" lines shown; the rest are counted in one line (100,000 tiny series)


class _Skips:
    """Prints the first MAX_SKIP_LINES skipped series with their reasons, then counts the rest."""

    def __init__(self, err) -> None:
        self.err, self.count = err, 0

    def __call__(self, sid: str, why: str) -> None:
        from lstmcli.render.common import user_text

        self.count += 1
        if self.count <= MAX_SKIP_LINES:
            self.err.print(f"[yellow]Skipped {user_text(sid)}:[/] {user_text(why)}", soft_wrap=True)

    def close(self, where: str) -> None:
        if self.count > MAX_SKIP_LINES:
            self.err.print(
                f"[yellow]... and {self.count - MAX_SKIP_LINES:,} more series skipped[/] ({where})", soft_wrap=True
            )


def _series_bar(err, quiet: bool, total: int, verb: str) -> ProgressBar:
    return ProgressBar(
        err,
        quiet,
        total=total,
        before=f"{verb} {{task.completed:>5.0f}}/{{task.total:.0f}} series",
        bar_width=24,
        after="failed {task.fields[failed]}",
        fields=dict(failed=0),
        elapsed=True,
    )


def train(
    sources: list[str],
    *,
    path: Path,
    config,
    target: str,
    auto_window: bool,
    jobs: int | None,
    quiet: bool,
    model_given: bool,
    dask: str | None = None,
    global_model: bool = False,
    options: dict | None = None,
    auto: dict | None = None,
    calendar: str | None = None,
    json_out: bool = False,
    sheet: str | None = None,
    **reading,
) -> None:
    """`lstm train` of a panel: one model per series, in parallel (or one --global network); one model file.

    `options` (forecaster_options: --season, --strategy/--horizon, --ensemble) build every series' model.
    `calendar` (--calendar XNYS) dates every series' forecasts on that exchange's sessions (kept in the
    file); `sheet` is the workbook's sheet; `json_out` prints one JSON document (train_payload) instead of
    the tables."""
    import time

    from lstmcli import parallel
    from lstmcli.panel import CALENDAR_NOTE, Panel
    from lstmcli.render import panel as render
    from lstmcli.render.common import user_text

    jobs = parallel.check_jobs(jobs)
    if global_model and dask:
        raise OptionError("--global trains one network in this process", hint="leave out --dask")
    options = options or {}
    if global_model and (options or auto is not None):
        names = ", ".join(["--" + k for k in options if k != "horizon"] + (["--auto"] if auto is not None else []))
        raise OptionError(
            f"--global trains one network for all series; {names} work on one model per series",
            hint=f"leave out --global, or {names}",
        )
    t0 = time.perf_counter()
    panel = Panel(config, target, auto_window=auto_window, auto=auto, calendar=calendar, sheet=sheet, **options)
    runner, address = (None, None) if global_model else _runner(dask)  # bad options fail before reading
    if runner is None and not global_model:  # the workers' start-up runs while this process reads
        parallel.prestart(jobs, WORKER_PRELOAD)
    err = stderr()
    inp = read_input(sources, quiet=False, sheet=sheet, **reading)
    panel.source, panel.layout = inp.source, inp.layout
    tasks = panel.tasks_for(inp.series)
    failed = 0
    skips = _Skips(err)
    closed: list[tuple[str, str]] = []  # (series, note): rows on days the --calendar exchange is closed
    if global_model:  # one network: the bar counts its epochs
        bar_ctx = ProgressBar(
            err,
            quiet,
            total=config.epochs,
            before="global network, epoch {task.completed:>3.0f}/{task.total:.0f}",
            bar_width=24,
            after="series skipped {task.fields[failed]}",
            fields=dict(failed=0),
            elapsed=True,
        )
    else:
        bar_ctx = _series_bar(err, quiet, len(tasks), "train")
    with StopFlag() as stop, bar_ctx as bar:

        def on_done(outcome, done: int, total: int) -> None:
            nonlocal failed
            for note in outcome.notes:
                if "duplicate" in note:  # two rows of one (series, date): worth knowing in a panel
                    err.print(f"[yellow]Note:[/] {user_text(outcome.id)}: {user_text(note)}", soft_wrap=True)
                elif note.startswith(CALENDAR_NOTE):  # said once for the panel, below
                    closed.append((outcome.id, note[len(CALENDAR_NOTE) :]))
            if not outcome.ok:
                failed += 1
                skips(outcome.id, outcome.error)
            bar.update(done, failed=failed)

        if global_model:
            panel.fit_global(
                tasks,
                on_epoch=lambda r: bar.update(r.epoch, failed=len(panel.skipped)),
                should_stop=stop,
                on_skip=skips,
            )
        else:
            panel.fit_tasks(tasks, jobs=jobs, runner=runner, on_done=on_done, should_stop=stop)
    skips.close("lstm inspect lists them all with the reasons" if panel.members else "none could train")
    if closed:
        cal = panel.reading["calendar"]
        sid, what = closed[0]
        err.print(
            f"[yellow]Note:[/] {len(closed):,} series have rows on days {cal} is closed (e.g. {user_text(sid)}: "
            f"{user_text(what)}): is {cal} their exchange?",
            soft_wrap=True,
        )
    if calendar is None:  # which exchange's holidays the series' closed weekdays are: one Note for the panel
        calendar_match_note(panel.calendar_findings, len(tasks), "train")
    if not panel.members and panel.interrupted:  # the user's stop, not an error: one line, exit 130 (143: SIGTERM)
        err.print(
            f"[yellow]Stopped by {stop.requested} before any of the {len(tasks):,} series trained"
            f"{f' ({len(panel.skipped):,} skipped)' if panel.skipped else ''}; nothing was written.[/]"
        )
        raise SystemExit(143 if stop.requested == "SIGTERM" else 130)
    if not panel.members:
        raise DataError(
            f"none of the {len(tasks):,} series could be trained; no model was saved"
            + (f" (first: {panel.skipped[next(iter(panel.skipped))]})" if panel.skipped else ""),
            hint="the lines above say why for each series; give longer series or a smaller --window",
        )
    from lstmcli.cli.destination import replaced, saved_words

    replacing = replaced(path)  # said in the Saved line: nothing is asked, scripts run on
    saved = panel.save(path)
    if panel.interrupted and global_model:
        err.print(f"[yellow]Stopped by {stop.requested}: kept the best global network so far.[/]", soft_wrap=True)
    elif panel.interrupted:
        err.print(
            f"[yellow]Stopped by {stop.requested}: kept the {len(panel.members):,} series finished so far "
            f"(of {len(tasks):,}) in {user_text(saved)}.[/]",
            soft_wrap=True,
        )
    where = f" on the Dask cluster at {address}" if address else ""
    where += ", one global network" if global_model else ""
    saved_as = f"the panel model ({len(panel.members):,} series{where}) to {saved_words(saved, replacing)}"
    if json_out:  # for scripts: one JSON document on stdout, nothing else there; where it went on stderr
        payload = train_payload(panel, saved, len(tasks), time.perf_counter() - t0)
        print(json_text(payload | {"replaced": replacing is not None}))
        err.print(f"Saved {user_text(saved_as)}", style="dim", soft_wrap=True)
    else:  # the summary line says where it saved (once: as the one-series table's `saved` row does)
        out = stdout()
        out.print(render.training_table(panel))
        out.print(render.summary_line(panel, len(tasks), saved_as), soft_wrap=True)
    err.print(
        f"Next: lstm predict --days 5{'' if not model_given else f' --model {user_text(path)}'}",
        style="dim",
        soft_wrap=True,
    )


def calendar_match_note(findings: dict[str, dict], total: int, verb: str) -> None:
    """Without --calendar: ONE Note for the panel (calendars.panel_note) naming the exchange calendar its
    series' closed weekdays match and how many do (or that they differ), not one per series. Never applied."""
    if not findings:
        return
    from lstmcli.calendars import panel_note
    from lstmcli.render.common import user_text

    text = panel_note(findings, total, verb)
    if text is not None:
        stderr().print(f"[yellow]Note:[/] {user_text(text)}", soft_wrap=True)  # series ids are the user's text


def train_payload(panel, saved: Path, total: int, seconds: float) -> dict:
    """`lstm train --json` of a panel: per series what one series' `train --json` prints (its model
    metadata without the tail, `choices` and `beats_naive`) under its `id`, the skipped series with
    their reasons, and totals."""
    from statistics import median

    from lstmcli.render.train import (
        beats_seasonal_naive,
        beyond_chance_count,
        clearly_beats_seasonal_naive,
        verdict_json,
    )

    series = []
    for sid, f in panel.members.items():
        info = info_json(f.info)
        v = f.info.validation
        series.append(
            {
                "id": sid,
                **info,
                "choices": dict(f.choices),
                **verdict_json(v),  # beats_naive, beats_naive_beyond_chance, ...; null: no season
            }
        )
    judged = [b for f in panel.members.values() if (b := beats_seasonal_naive(f.info.validation)) is not None]
    validations = [f.info.validation for f in panel.members.values()]
    rel = [
        f.info.validation.model.mae / f.info.validation.naive.mae
        for f in panel.members.values()
        if f.info.validation.naive.mae > 0
    ]
    return {
        "model": str(saved),
        "kind": "panel",
        "source": panel.source,
        "layout": panel.layout,
        "global": panel.global_model,
        "calendar": panel.reading.get("calendar"),
        "series": series,
        "skipped": [{"id": sid, "reason": why} for sid, why in panel.skipped.items()],
        "totals": {
            "series": total,
            "trained": len(panel.members),
            "skipped": len(panel.skipped),
            "not_run": total - len(panel.members) - len(panel.skipped),  # stopped (Ctrl-C) before they ran
            "beats_naive": sum(r < 1 for r in rel),
            # of those, beyond chance (the paired t the verdict uses); null: files before round 10 have no t
            "beats_naive_beyond_chance": beyond_chance_count(validations),
            "with_season": len(judged),  # the series held against seasonal naive
            "beats_seasonal_naive": sum(judged),
            "beats_seasonal_naive_beyond_chance": beyond_chance_count(validations, clearly_beats_seasonal_naive),
            "median_mae_vs_naive": float(median(rel)) if rel else None,
            "interrupted": panel.interrupted,
            "seconds": round(seconds, 3),
        },
    }


def predict(
    path: Path,
    *,
    days: int,
    interval: float,
    json_out: bool,
    output: Path | None,
    series: str | None,
    data_csv: str | None,
    dask: str | None = None,
    sheet: str | None = None,
    decimal: str | None = None,
) -> None:
    """`lstm predict` of a panel model: every series (or --series), grouped by series (`sheet`: the
    --data workbook's sheet; else the sheet train read, when --data is a workbook too)."""
    from lstmcli.panel import Panel
    from lstmcli.render import panel as render
    from lstmcli.render.train import beats_naive, clear_wins, verdict_json

    runner, _ = _runner(dask)  # before loading: an unreachable scheduler is the first error
    panel = Panel.load(path)
    newer = None if data_csv is None else newer_data(panel, data_csv, panel.select(split_names(series)), sheet, decimal)
    forecasts = panel.predict(days, interval=interval or None, series=split_names(series), runner=runner, newer=newer)
    if output is not None:
        write_csv(output, render.forecast_rows(forecasts), "--output")
    if json_out:
        payload = {
            "model": str(path),
            "series": [
                {
                    "id": sid,
                    **fc.to_dict(),
                    **({"calendar": cal} if (cal := panel.members[sid].info.data.calendar) else {}),  # as one series'
                    "validation": panel.members[sid].info.validation.to_dict(),
                    **verdict_json(panel.members[sid].info.validation),
                }
                for sid, fc in forecasts.items()
            ],
            "skipped": [{"id": sid, "reason": why} for sid, why in panel.skipped.items()],
        }
        print(json_text(payload))
    if json_out or output == STDOUT:
        return
    out = stdout()
    if render.grouped(forecasts, selected=bool(split_names(series))):
        out.print(render.forecast_table(forecasts, days))
    else:  # many series: one row each, and how to get every step with its bounds
        from lstmcli.cli.common import DEFAULT_MODEL

        out.print(render.forecast_summary_table(forecasts, days))
        out.print(
            render.every_row_line(forecasts, days, None if str(path) == DEFAULT_MODEL else str(path)),
            style="dim",
            soft_wrap=True,
        )
    wins = sum(beats_naive(panel.members[sid].info.validation) is True for sid in forecasts)
    out.print(
        f"{wins:,} of {len(forecasts):,} series' models beat the naive forecast"
        + clear_wins(panel.members[sid].info.validation for sid in forecasts)
        + " on validation (one-step MAE)"
        + render.seasonal_wins(panel.members[sid].info.validation for sid in forecasts)
        + "; lstm inspect lists each.",
        soft_wrap=True,
    )


def newer_data(panel, data_csv: str, ids: list[str], sheet: str | None = None, decimal: str | None = None) -> dict:
    """`predict --data` of a panel model: {series id: (values, dates)} of each series' rows in a newer
    file of the panel's shape (long, wide or a yfinance download), read as that series was read for
    training (its columns, id column and date reading); each series' frequency must be the model's."""
    from lstmcli import data
    from lstmcli.panel_data import FILES, WIDE, read_panel
    from lstmcli.periods import FREQUENCY_NAMES
    from lstmcli.render.common import user_text

    if panel.layout == FILES:
        raise OptionError(
            "--data: this panel was trained on one file per series; --data reads one file",
            hint="predict one series' newer file with a model of that series, or retrain on the newer files",
        )
    from lstmcli.cli.common import _data_sheet, check_bars

    first = panel.members[ids[0]].info
    how = dict(dayfirst=first.data.dayfirst, date_format=first.data.date_format, decimal=decimal or first.data.decimal)
    how["sheet"] = _data_sheet(data_csv, first.data, sheet)
    if panel.layout == WIDE:
        inp = read_panel([data_csv], columns=ids, **how)
    else:
        inp = read_panel([data_csv], id_column=first.data.id_column, series=ids, **how)
    found = {s.id: s for s in inp.series}
    missing = [sid for sid in ids if sid not in found]
    if missing:
        raise DataError(
            f"--data {data_csv} has no rows of series {data._listed(missing)}",
            hint="pick the series it holds with --series NAME,..., or pass a file with every series",
        )
    out, err = {}, stderr()
    for sid in ids:
        info = panel.members[sid].info
        s = found[sid]
        cols = list(info.columns)
        options = s.options | dict(column=cols[0], features=cols[1:])
        series = data.read_prices(s.raw, name=s.name, **options)
        if info.data.frequency is not None and series.frequency not in (None, info.data.frequency):
            raise DataError(
                f"--data {data_csv}: series {sid!r} has rows {FREQUENCY_NAMES[series.frequency]} apart, but its "
                f"model was trained on {FREQUENCY_NAMES[info.data.frequency]}",
                hint="forecast from data at the model's frequency, or retrain the panel on this file",
            )
        check_bars(data_csv, info.data.frequency, info.tail.dates, series.dates, sid)
        err.print(user_text(data.cleaning_summary(series)), soft_wrap=True)
        out[sid] = (series.values, series.dates)
    return out


def member(path: Path, series: str | None):
    """The Forecaster of one series of a panel model (`lstm inspect --series`)."""
    from lstmcli.panel import Panel, is_panel_file

    if not is_panel_file(path):
        if not path.exists():
            from lstmcli.forecast import Forecaster

            Forecaster.load(path)  # its own "no model file" message
        raise OptionError(f"--series: {path} is a model of one series", hint="leave out --series")
    panel = Panel.load(path)
    if series is None:
        if len(panel.members) == 1:
            return next(iter(panel.members.values()))
        raise OptionError(
            f"{path} is a panel model of {len(panel.members):,} series; this shows one",
            hint=f"pick one with --series NAME, e.g. --series {panel.ids[0]}",
        )
    [sid] = panel.select([series])
    return panel.members[sid]


def inspect_list(path: Path, json_out: bool) -> None:
    """`lstm inspect` of a panel model: every series with its rows, dates and validation scores."""
    from lstmcli.panel import Panel
    from lstmcli.render import panel as render
    from lstmcli.render.common import user_text

    panel = Panel.load(path)
    if json_out:
        payload = {
            "model": str(path),
            "kind": "panel",
            "series": [
                {
                    "id": sid,
                    "rows": f.info.data.rows,
                    "first_date": iso_text(f.info.data.first_date, f.info.data.frequency, f.info.data.timezone),
                    "last_date": iso_text(f.info.data.last_date, f.info.data.frequency, f.info.data.timezone),
                    "target": str(f.info.target),
                    "window": f.info.config.window,
                    "validation": f.info.validation.to_dict(),
                }
                for sid, f in panel.members.items()
            ],
            "skipped": [{"id": sid, "reason": why} for sid, why in panel.skipped.items()],
            "interrupted": panel.interrupted,
        }
        print(json_text(payload))
        return
    out = stdout()
    out.print(render.series_list(panel, str(path)))
    first = user_text(panel.ids[0])
    out.print(
        f"One series inside: lstm inspect --step-trace --series {first} --model {user_text(path)}",
        style="dim",
        soft_wrap=True,  # a command to copy: one line when piped
    )


def backtest(
    sources: list[str],
    *,
    spec,
    config,
    target: str | None,
    batch_size_given: bool,
    jobs: int | None,
    json_out: bool,
    output: Path | None,
    quiet: bool,
    dask: str | None = None,
    strategy: str = "recursive",
    ensemble: int = 1,
    auto: dict | None = None,
    plot: Path | None = None,
    **reading,
) -> None:
    """`lstm backtest` of a panel: every series backtested (in parallel), scores per series and overall.

    `strategy` and `ensemble` build every series' fits as `lstm backtest` builds one series'.
    `plot` (--plot FILE): each series' MASE beside the baselines' (render.panel.backtest_figure)."""
    from dataclasses import replace

    from lstmcli import parallel
    from lstmcli.panel import CALENDAR_KEY, RUN_KEYS, BacktestTask, aggregate, backtest_task, series_seed
    from lstmcli.render import panel as render
    from lstmcli.render.common import user_text

    jobs = parallel.check_jobs(jobs)
    runner, _ = _runner(dask)
    if runner is None:  # the workers' start-up runs while this process reads
        parallel.prestart(jobs, WORKER_PRELOAD)
    err = stderr()
    inp = read_input(sources, quiet=json_out, **reading)
    tasks = [
        BacktestTask(
            s.id,
            s,
            replace(config, seed=series_seed(config.seed, s.id)),
            spec,
            target,
            batch_size_given,
            strategy=strategy,
            ensemble=ensemble,
            auto=auto,
        )
        for s in inp.series
    ]
    rows: list = [None] * len(tasks)
    failed = 0
    skips = _Skips(err)
    with StopFlag() as stop, _series_bar(err, quiet or json_out, len(tasks), "backtest") as bar:
        results = runner(backtest_task, tasks, jobs) if runner else parallel.run(backtest_task, tasks, jobs, stop)
        findings = {}
        for done, (k, row) in enumerate(results, start=1):
            finding = row.pop(CALENDAR_KEY, None)
            if finding is not None:
                findings[row["series"]] = finding
            rows[k] = row
            if "error" in row:
                failed += 1
                skips(row["series"], row["error"])
            bar.update(done, failed=failed)
            if stop():  # Ctrl-C, SIGTERM: the series finished so far are kept, as lstm train keeps them
                break
        if hasattr(results, "close"):  # ends the workers still busy now, not when the generator is collected
            results.close()
    skips.close("--json lists them all with the reasons")
    if not json_out:  # as one series' backtest: which exchange's holidays the closed weekdays are
        calendar_match_note(findings, len(tasks), "backtest")
    finished = sum(r is not None for r in rows)
    if stop() and finished < len(tasks):
        if not finished:  # the user's stop, not an error: one line, exit 130 (143: SIGTERM)
            err.print(
                f"[yellow]Stopped by {stop.requested} before any of the {len(tasks):,} series finished.[/]",
                soft_wrap=True,
            )
            raise SystemExit(143 if stop.requested == "SIGTERM" else 130)
        (err if json_out or output == STDOUT else stdout()).print(
            f"[yellow]Stopped by {stop.requested} after {finished:,} of {len(tasks):,} series: the scores "
            "below cover those only.[/]",
            soft_wrap=True,
        )
    rows = [r for r in rows if r is not None]
    agg = aggregate(rows)
    if not agg["series"]:
        raise DataError(
            f"none of the {len(tasks):,} series could be backtested",
            hint="the lines above say why for each series; give longer series or a smaller --window",
        )
    scored = [r for r in rows if "error" not in r]
    if plot is not None:  # files first: a closed pipe on stdout must not lose them
        from lstmcli.cli.common import wrote_plot

        wrote_plot(render.save_backtest_plot(scored, agg, plot, inp.source))
    if output is not None:
        columns = [k for k in scored[0] if k != "seconds" and k not in RUN_KEYS]  # RUN_KEYS: nested, --json only
        write_csv(output, [{k: r.get(k) for k in columns} for r in scored], "--output")
        if output == STDOUT:
            return
    if json_out:
        import math

        def clean(v):
            return None if isinstance(v, float) and not math.isfinite(v) else v

        payload = {
            "source": inp.source,
            "aggregate": agg,
            "series": [{k: clean(v) for k, v in r.items() if k != "seconds"} for r in rows],
            "interrupted": len(rows) < len(tasks),
            "series_planned": len(tasks),
        }
        print(json_text(payload))
        return
    out = stdout()
    reference = "seasonal naive" if any(r["season"] > 1 for r in scored) else "naive"
    out.print(render.backtest_table(scored, reference))
    out.print(render.aggregate_table(agg))
    best = ", ".join(user_text(s) for s in agg["best"])
    worst = ", ".join(user_text(s) for s in agg["worst"])
    out.print(f"Best series (MAE / naive): {best}; worst: {worst}.", soft_wrap=True)
    if output is not None:
        err.print(f"Wrote {len(scored):,} series' scores to {user_text(output)}", style="dim", soft_wrap=True)
