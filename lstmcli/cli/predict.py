"""`lstm predict`: a dated forecast from the saved model, as a table, a chart, --json or a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lstmcli.cli.common import (
    STDOUT,
    DaskOpt,
    DataColumnOpt,
    DecimalOpt,
    ModelOpt,
    PlotOpt,
    SeriesOpt,
    SheetOpt,
    check_data_column,
    check_decimal,
    check_one_stdout,
    check_plot,
    dask_unused,
    json_text,
    model_path,
    read_data,
    stderr,
    stdout,
    write_csv,
    wrote_plot,
)

DEFAULT_DAYS = 5  # lstm predict without --days (a direct model trained for fewer steps: all of its)


def predict(
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            "-d",
            help="How many steps ahead to forecast. \\[default: 5; a direct model trained for fewer: all its steps]",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = None,
    data_csv: Annotated[
        str | None,
        typer.Option(
            "--data",
            help="Forecast from the end of this newer CSV (same columns) instead of the training data; no retraining.",
        ),
    ] = None,
    interval: Annotated[
        str,
        typer.Option(
            help="Coverage of the prediction interval, or several for several bands (0.5,0.9); 0 turns it off."
        ),
    ] = "0.9",
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Also write the forecast to this CSV file, or JSON rows for a .json name (-: print only the CSV).",
        ),
    ] = None,
    chart: Annotated[
        bool, typer.Option("--chart/--no-chart", help="Draw a terminal chart (only on a terminal).")
    ] = True,
    plot: PlotOpt = None,
    series_name: SeriesOpt = None,
    dask: DaskOpt = None,
    sheet: SheetOpt = None,
    column: DataColumnOpt = None,
    decimal: DecimalOpt = None,
) -> None:
    """Forecast the next days from the saved model, as a dated table (and a chart).

    Dates continue the series' own frequency (business days, months, ...). The table says how
    the model compared with the naive forecast on validation, so you know what it is worth.

    A panel model (many series) forecasts every series, grouped by series; --series AAPL,MSFT selects.

    Example: lstm predict --days 5     (after: lstm train prices.csv)
    Newer data: lstm predict --data newer.csv    (its column named otherwise: --column Last)
    Keep a chart: lstm predict --days 20 --plot forecast.png   (.svg, .html)
    """
    from lstmcli.forecast import Forecaster, check_horizon
    from lstmcli.intervals import parse_levels
    from lstmcli.modelfile import DIRECT

    levels = parse_levels(interval)
    interval = max(levels, default=0.0)  # the widest band is the interval; the others are extra bands
    days_given, days = days is not None, DEFAULT_DAYS if days is None else days
    check_horizon(days, interval)  # before loading anything

    check_one_stdout(json_out, output)
    check_plot(plot)
    if sheet is not None and data_csv is None:
        from lstmcli.errors import OptionError

        raise OptionError("--sheet picks the sheet of a --data workbook", hint="give --data FILE.xlsx, or drop --sheet")
    check_data_column(column, data_csv, "lstm predict", "forecasts")
    decimal = check_decimal(decimal, data_csv, "lstm predict")
    path = model_path(model)
    from lstmcli.panel import is_panel_file

    if is_panel_file(path):  # one model per series: every series (or --series), grouped by series
        from lstmcli.cli import panel as panel_cli

        panel_cli.refuse_single_series_options(**{"--plot": plot, "--column": column})
        return panel_cli.predict(
            path,
            days=days,
            interval=interval,
            json_out=json_out,
            output=output,
            series=series_name,
            data_csv=data_csv,
            dask=dask,
            sheet=sheet,
            decimal=decimal,
        )
    dask_unused(dask, "a model of one series forecasts")
    if series_name is not None and data_csv is None:  # with --data it picks the series of a file of several
        from lstmcli.errors import OptionError

        raise OptionError(
            f"--series: {path} is a model of one series",
            hint="leave out --series (with --data it picks one series of a file of several)",
        )
    if series_name is not None and "," in series_name:  # several names: a panel's option, not one series' model
        from lstmcli.errors import OptionError

        names = [n.strip() for n in series_name.split(",") if n.strip()]
        raise OptionError(
            f"--series {series_name}: {path} is a model of one series, and forecasts one series of --data at a time",
            hint=f"pick one, e.g. --series {names[0] if names else 'NAME'}, or train a panel model of several "
            f"(lstm train {data_csv} --series {series_name})",
        )
    fc_model = Forecaster.load(path)
    if not days_given and fc_model.strategy == DIRECT:  # it emits its horizon's steps, no more: --horizon 3 gives 3
        days = min(days, fc_model.horizon)
    values = dates_ = None
    if data_csv is not None:
        series = read_data(data_csv, fc_model.info, sheet, series=series_name, column=column, decimal=decimal)
        values, dates_ = series.values, series.dates
    fc = fc_model.predict(days, values, dates_, interval=interval or None, levels=levels)
    if values is not None:  # after predict's own checks of the data (too short, prices <= 0)
        from lstmcli.cli.common import older_data_note, scale_note

        scale_note(fc_model.info, values)
        older_data_note(fc_model.info, dates_, data_csv)

    if output is not None:  # the file first: a closed pipe on stdout (| head -1) must not lose it
        write_csv(output, fc.to_dict()["forecast"], "--output")
    if plot is not None:
        from lstmcli.render.plot import save_forecast_plot

        wrote_plot(save_forecast_plot(fc, plot))
    from lstmcli.render.train import beats_seasonal_naive, verdict_json

    if json_out:
        payload = fc.to_dict()
        payload["model"] = str(path)
        if fc_model.info.data.calendar:  # the dates are that exchange's sessions
            payload["calendar"] = fc_model.info.data.calendar
        payload["validation"] = fc_model.info.validation.to_dict()
        payload |= verdict_json(fc_model.info.validation)  # beats_naive, ..._beyond_chance; null: no season
        if fc_model.info.selection is not None:  # --auto: did the chosen configuration beat naive in selection?
            payload["selection_beats_naive"] = fc_model.info.selection.beats_naive
        if (blend := fc_model.info.snaive_blend) is not None:  # the forecast is (partly) seasonal naive's: say so
            payload[blend.key] = blend.to_dict()
        print(json_text(payload))
    if json_out or output == STDOUT:
        _notes(fc, fc_model, interval)
        return

    from lstmcli.render import predict as render
    from lstmcli.render.train import naive_words, seasonal_naive_words, verdict

    out = stdout()
    validation, frequency = fc_model.info.validation, fc_model.info.data.frequency
    style, sentence = verdict(validation, frequency)
    blend = fc_model.info.snaive_blend  # the forecast moved toward seasonal naive (--season-fits shrink-snaive)
    lost = validation.model.mae > validation.naive.mae  # (not tied: a constant series)
    if lost:  # first, above the forecast
        naive = naive_words(frequency)
        out.print(f"[{style}]Worse than naive: this model lost to '{naive}' on validation.[/]", soft_wrap=True)
    if blend is not None and (blend.naive or not lost):  # not the network's numbers alone: say whose they are
        words = naive_words(frequency) if blend.naive else seasonal_naive_words(frequency, blend.season)
        who = blend.who
        whose = (
            f"{who.capitalize()}'s forecast ('{words}'), not the network's"
            if blend.weight == 1
            else f"The mean of the network's forecast and {who}'s ('{words}')"
        )
        out.print(
            f"[yellow]{whose}: the network did not beat {who} on validation (lstm inspect says by how much).[/]",
            soft_wrap=True,
        )
    elif not lost and beats_seasonal_naive(validation) is False:
        words = seasonal_naive_words(frequency, validation.season or 0)
        out.print(f"[{style}]Worse than seasonal naive: this model lost to '{words}' on validation.[/]", soft_wrap=True)
    from lstmcli.render.auto import predict_label

    # --auto found nothing better than a baseline in selection (and the validation rows may say otherwise)
    if (label := predict_label(fc_model.info.selection, validation)) is not None:
        out.print(label, soft_wrap=True)
    out.print(render.title(fc, days), soft_wrap=True)  # a line of its own: a table title wraps at the table's width
    out.print(render.forecast_table(fc))
    if (note := render.extrapolation_note(fc)) is not None:  # under the table it qualifies
        out.print(f"[dim]{note}[/]", soft_wrap=True)
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    if chart and out.is_terminal and len(fc.history) > 1:
        from rich.text import Text

        out.print(Text.from_ansi(render.forecast_chart(fc, width=min(80, out.width - 12))))
    _notes(fc, fc_model, interval)


def _notes(fc, fc_model, interval: float) -> None:
    """What a user should know about a forecast that the table does not say, on stderr, last."""
    if fc.interval_note is not None:  # a short series: how few errors calibrate the band, or why there is none
        stderr().print(f"[yellow]Note:[/] {fc.interval_note}", soft_wrap=True)
    elif interval and fc.interval is None:  # asked for (the default) but the model has none: say why
        from lstmcli.forecast import MIN_INTERVAL_ORIGINS

        rows = fc_model.info.validation.rows
        stderr().print(  # a model file from before short series got intervals
            f"[yellow]Note:[/] no prediction interval: the model was validated on {rows} rows, fewer than "
            f"the {MIN_INTERVAL_ORIGINS} it needed to calibrate one when it was trained. Retrain it (lstm now "
            "calibrates short series too), or train on a longer history, to get one.",
            soft_wrap=True,
        )
    if fc.recalibrated:
        from lstmcli.intervals import RECENT_ORIGINS

        stderr().print(
            f"[dim]The interval is recalibrated with the errors of {fc.recalibrated} forecast"
            f"{'s' if fc.recalibrated > 1 else ''} the model made on --data rows newer than its training "
            f"(the newest {RECENT_ORIGINS} origins count).[/]",
            soft_wrap=True,
        )
    if fc.is_flat:  # right for a random walk, but worth knowing
        stderr().print(
            "[yellow]Note:[/] the forecast is almost flat (it moves less than a tenth of a typical "
            "step): the model expects about no change, much as the naive forecast does, which is "
            "often the best there is for prices; lstm backtest shows whether it is here.",
            soft_wrap=True,
        )
