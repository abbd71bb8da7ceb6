"""The verbs on many series (a panel): train, predict, backtest and inspect, called from a few lines in each verb.

`wants_panel` tells from the command line alone (several files, a folder, --columns,
--series A,B) and `data.SeveralSeriesError` from the file (a long file of several series)
that a command is about a panel. Progress over series goes to stderr with a bar (done,
failed, ETA); a series that cannot train is named on one line with the reason. Exit status:
0 when at least one series trained, 2 when none did (nothing is written then).
"""

from __future__ import annotations

from pathlib import Path

from lstmcli.cli.common import STDOUT, ProgressBar, StopFlag, split_names, stderr, stdout, write_csv
from lstmcli.errors import DataError, OptionError


def wants_panel(sources: list[str], columns: str | None, series: str | None) -> bool:
    """Several files, a folder, --columns or --series A,B: a panel, whatever the files hold."""
    from lstmcli.panel_data import is_panel_request

    return is_panel_request(sources, columns, series)


def read_input(
    sources: list[str], *, columns, series, id_column, column, date_column, features, dayfirst, date_format, quiet
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
    **reading,
) -> None:
    """`lstm train` of a panel: one model per series, in parallel; one model file."""
    from lstmcli import parallel
    from lstmcli.panel import Panel
    from lstmcli.render import panel as render
    from lstmcli.render.common import user_text

    jobs = parallel.check_jobs(jobs)
    runner, address = _runner(dask)
    err = stderr()
    inp = read_input(sources, quiet=False, **reading)
    panel = Panel(config, target, auto_window=auto_window)
    panel.source, panel.layout = inp.source, inp.layout
    tasks = panel.tasks_for(inp.series)
    failed = 0
    with StopFlag() as stop, _series_bar(err, quiet, len(tasks), "train") as bar:

        def on_done(outcome, done: int, total: int) -> None:
            nonlocal failed
            for note in outcome.notes:
                if "duplicate" in note:  # two rows of one (series, date): worth knowing in a panel
                    err.print(f"[yellow]Note:[/] {user_text(outcome.id)}: {user_text(note)}", soft_wrap=True)
            if not outcome.ok:
                failed += 1
                err.print(f"[yellow]Skipped {user_text(outcome.id)}:[/] {user_text(outcome.error)}", soft_wrap=True)
            bar.update(done, failed=failed)

        panel.fit_tasks(tasks, jobs=jobs, runner=runner, on_done=on_done, should_stop=stop)
    if not panel.members:
        what = "was stopped before any series finished" if panel.interrupted else "could be trained"
        raise DataError(
            f"none of the {len(tasks):,} series {what}; no model was saved"
            + (f" (first: {panel.skipped[next(iter(panel.skipped))]})" if panel.skipped else ""),
            hint="the lines above say why for each series; give longer series or a smaller --window",
        )
    saved = panel.save(path)
    if panel.interrupted:
        err.print(
            f"[yellow]Stopped by {stop.requested}: kept the {len(panel.members):,} series finished so far "
            f"(of {len(tasks):,}) in {user_text(saved)}.[/]",
            soft_wrap=True,
        )
    out = stdout()
    out.print(render.training_table(panel))
    out.print(render.summary_line(panel, len(tasks)), soft_wrap=True)
    where = f" on the Dask cluster at {address}" if address else ""
    err.print(f"Saved the panel model ({len(panel.members):,} series{where}) to {user_text(saved)}", style="dim")
    err.print(f"Next: lstm predict --days 5{'' if not model_given else f' --model {user_text(path)}'}", style="dim")


def predict(
    path: Path,
    *,
    days: int,
    interval: float,
    json_out: bool,
    output: Path | None,
    series: str | None,
    data_csv: str | None,
) -> None:
    """`lstm predict` of a panel model: every series (or --series), grouped by series."""
    from lstmcli.panel import Panel
    from lstmcli.render import panel as render
    from lstmcli.render.train import beats_naive

    if data_csv is not None:
        raise OptionError(
            "--data is not available for a panel model yet",
            hint="retrain the panel on the newer file (lstm train NEW.csv), then predict",
        )
    panel = Panel.load(path)
    forecasts = panel.predict(days, interval=interval or None, series=split_names(series))
    if output is not None:
        write_csv(output, render.forecast_rows(forecasts), "--output")
    if json_out:
        import json

        payload = {
            "model": str(path),
            "series": [
                {
                    "id": sid,
                    **fc.to_dict(),
                    "validation": panel.members[sid].info.validation.to_dict(),
                    "beats_naive": beats_naive(panel.members[sid].info.validation),
                }
                for sid, fc in forecasts.items()
            ],
            "skipped": [{"id": sid, "reason": why} for sid, why in panel.skipped.items()],
        }
        print(json.dumps(payload, indent=2))
    if json_out or output == STDOUT:
        return
    out = stdout()
    out.print(render.forecast_table(forecasts, days))
    wins = sum(beats_naive(panel.members[sid].info.validation) is True for sid in forecasts)
    out.print(
        f"{wins:,} of {len(forecasts):,} series' models beat the naive forecast on validation "
        "(one-step MAE); lstm inspect lists each.",
        soft_wrap=True,
    )
