"""`lstm train`: read a price CSV, fit the LSTM, save the model, print how it compares with naive."""

from __future__ import annotations

from typing import Annotated

import typer

from lstmcli.cli.common import (
    DateFormatOpt,
    DayfirstOpt,
    IdColumnOpt,
    JobsOpt,
    ModelOpt,
    ProgressBar,
    SeriesOpt,
    StopFlag,
    model_path,
    read_series,
    reading,
    split_names,
    stderr,
    stdout,
)
from lstmcli.errors import LstmError


def train(
    csv: Annotated[str, typer.Argument(metavar="PRICES.CSV", help="Price CSV file, or - to read standard input.")],
    column: Annotated[
        str | None,
        typer.Option(
            help="Column to forecast. [default: Adj Close, Close, Price, or the only numeric column]",
            show_default=False,
        ),
    ] = None,
    date_column: Annotated[
        str | None, typer.Option(help="Date column. [default: found by name or by parsing]", show_default=False)
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Extra input columns, comma-separated, e.g. Volume,High.")
    ] = None,
    series_name: SeriesOpt = None,
    id_column: IdColumnOpt = None,
    dayfirst: DayfirstOpt = None,
    date_format: DateFormatOpt = None,
    target: Annotated[
        str,
        typer.Option(
            help="What the network learns: auto, log-return, diff or level. auto: log-return when every value "
            "is above 0, else diff. Forecasts are always prices."
        ),
    ] = "auto",
    window: Annotated[
        int | None,
        typer.Option(
            help="Look-back steps per input window. \\[default: 30, shorter when the series is too short for 30]",
            show_default=False,
        ),
    ] = None,
    hidden: Annotated[int, typer.Option(help="LSTM units per layer.")] = 32,
    layers: Annotated[int, typer.Option(help="Stacked LSTM layers.")] = 1,
    epochs: Annotated[int, typer.Option(help="Most epochs to train (early stopping usually ends sooner).")] = 60,
    batch_size: Annotated[
        int | None,
        typer.Option(
            help="Windows per mini-batch. \\[default: 64, at most 1/8 of the training windows]", show_default=False
        ),
    ] = None,
    lr: Annotated[float, typer.Option(help="Adam learning rate.")] = 1e-3,
    seed: Annotated[int, typer.Option(help="Random seed: same data + options + seed = same model.")] = 0,
    val_fraction: Annotated[float, typer.Option(help="Last share of the series held out for validation.")] = 0.2,
    patience: Annotated[int, typer.Option(help="Epochs without improvement before stopping.")] = 10,
    model: ModelOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    more: Annotated[
        list[str] | None,
        typer.Argument(metavar="[MORE.CSV]...", help="More files: one series per file (a panel).", show_default=False),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(help="Wide file: one series per column, e.g. AAPL,MSFT, or all (a panel).", show_default=False),
    ] = None,
    jobs: JobsOpt = None,
    dask: Annotated[
        str | None,
        typer.Option(
            help="Fit a panel's series on this Dask scheduler, e.g. tcp://host:8786. \\[default: $LSTM_DASK_SCHEDULER]",
            show_default=False,
        ),
    ] = None,
    global_model: Annotated[
        bool,
        typer.Option(
            "--global",
            help="Many series: ONE network trained on the windows of all series (each scaled on its own "
            "training part), instead of one model per series.",
        ),
    ] = False,
) -> None:
    """Learn from a CSV price series and save the model.

    Reads the CSV (dates and price columns found automatically), trains on the older part,
    validates on the newest part, and prints how the model's one-step forecasts compare with
    the naive forecast (tomorrow = today). Ctrl-C stops early and keeps the best model so far.

    Many series (a panel) make one model per series, fitted in parallel (--jobs), in one model
    file: a long file (Date, Ticker, Close), a wide one (--columns all), several files or a
    folder (one series per file). Exit 0 when at least one series trained, 2 when none did.

    Example: lstm train sample_data/daily_stock.csv --window 30 --seed 1
    """
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import AUTO, check_target

    config = TrainConfig(
        window=30 if window is None else window,
        hidden=hidden,
        layers=layers,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        val_fraction=val_fraction,
        patience=patience,
    )
    config.validate()  # cheap mistakes first, before reading anything
    if target != AUTO:
        check_target(target)
    path = model_path(model)
    if path.is_dir():
        raise LstmError(f"--model {path} is a directory", hint="give a file name such as lstm-model.npz")

    from lstmcli.render import train as render

    err = stderr()
    how = reading(series_name, id_column, dayfirst, date_format)
    from lstmcli.cli import panel as panel_cli
    from lstmcli.data import SeveralSeriesError
    from lstmcli.parallel import check_jobs

    check_jobs(jobs)  # --jobs 0 is a mistake even for one series
    sources = [csv, *(more or [])]
    as_panel = dict(path=path, config=config, target=target, auto_window=window is None, jobs=jobs, quiet=quiet)
    as_panel |= dict(model_given=model is not None, dask=dask, columns=columns, series=series_name, column=column)
    as_panel |= dict(id_column=id_column, date_column=date_column, features=split_names(features))
    as_panel |= dict(dayfirst=dayfirst, date_format=date_format, global_model=global_model)
    if panel_cli.wants_panel(sources, columns, series_name) or global_model:
        return panel_cli.train(sources, **as_panel)
    try:
        series = read_series(csv, column=column, date_column=date_column, features=split_names(features), **how)
    except SeveralSeriesError:  # a long file of several series: one model per series
        return panel_cli.train(sources, **as_panel)

    forecaster = Forecaster(config, target, auto_window=window is None)
    with (
        StopFlag() as stop,
        ProgressBar(
            err,
            quiet,
            total=epochs,
            before="epoch {task.completed:>3}/{task.total}",
            bar_width=20,
            after="loss {task.fields[train]} val {task.fields[val]} best {task.fields[best]}",
            fields=dict(train="-", val="-", best="-"),
        ) as bar,
    ):

        def on_epoch(r) -> None:
            bar.update(
                r.epoch,
                train=f"{r.train_loss:.4f}",
                val=f"{r.val_loss:.4f}",
                best=f"{r.best_val_loss:.4f} (epoch {r.best_epoch})",
            )

        forecaster.fit(
            series,
            frequency=series.frequency,
            source=series.source,
            on_epoch=None if quiet else on_epoch,
            should_stop=stop,
            reading=how,
        )
    saved = forecaster.save(path)
    if forecaster.result.interrupted:
        err.print(
            f"[yellow]Stopped by {stop.requested} after epoch {forecaster.result.epochs_run}; "
            f"kept the best model so far (epoch {forecaster.result.best_epoch}).[/]"
        )

    from lstmcli.render.common import user_text

    out = stdout()
    info = forecaster.info
    style, sentence = render.verdict(info.validation)
    if render.beats_naive(info.validation) is False:  # say it first, before any table
        out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    out.print(render.training_summary(info, str(saved), forecaster.choices))
    out.print(render.validation_table(info.validation, info.columns[0]))
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    err.print(f"Next: lstm predict --days 5{'' if model is None else f' --model {user_text(path)}'}", style="dim")
