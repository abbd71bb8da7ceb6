"""`lstm backtest`: how good would the forecasts have been? Rolling origins vs baselines.

Thin: `backtest.run_backtest` does the work and `render.backtest` draws the comparison; this
module parses options, shows progress and prints (tables, verdict, chart, --json, --output CSV).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lstmcli.cli.auto import AutoOpt, BudgetOpt
from lstmcli.cli.common import (
    STDOUT,
    ColumnsOpt,
    DaskOpt,
    DateFormatOpt,
    DayfirstOpt,
    DecimalOpt,
    IdColumnOpt,
    JobsOpt,
    MoreFilesArg,
    PlotOpt,
    ProgressBar,
    SeasonOpt,
    SeriesOpt,
    SheetOpt,
    StopFlag,
    StrategyOpt,
    check_decimal,
    check_one_stdout,
    check_plot,
    complete_refit,
    complete_target,
    dask_unused,
    json_text,
    read_series,
    reading,
    split_names,
    stderr,
    stdout,
    write_csv,
    wrote_plot,
)
from lstmcli.cli.train import DampedGrowthOpt, DampedTowardOpt, NaiveFitsOpt, SeasonFitsOpt, SeasonTestOpt

_SAME = "\\[default: as lstm train]"


def backtest(
    csv: Annotated[
        str,
        typer.Argument(metavar="PRICES.CSV", help="Price CSV file (or .xlsx, .parquet), or - to read standard input."),
    ],
    days: Annotated[int, typer.Option("--days", "-d", help="Steps ahead to forecast from each origin.")] = 5,
    test_fraction: Annotated[float, typer.Option(help="Last share of the series held out for the test.")] = 0.2,
    every: Annotated[int, typer.Option(help="Steps between forecast origins in the test window.")] = 1,
    refit: Annotated[
        str,
        typer.Option(
            help="Retrain the LSTM: never (train once before the test window) or N "
            "(every N origins, on all data before the origin; these fits run side by side in --jobs processes).",
            autocompletion=complete_refit,
        ),
    ] = "never",
    season: SeasonOpt = "auto",
    interval: Annotated[float, typer.Option(help="Coverage of the LSTM's prediction interval to score.")] = 0.9,
    column: Annotated[
        str | None, typer.Option(help="Column to forecast. \\[default: as lstm train]", show_default=False)
    ] = None,
    date_column: Annotated[
        str | None, typer.Option(help="Date column. \\[default: found by name or by parsing]", show_default=False)
    ] = None,
    features: Annotated[str | None, typer.Option(help="Extra input columns, comma-separated.")] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="What the network learns: auto, log-return, diff or level. "
            "auto (default): log-return when every value is above 0, else diff.",
            show_default=False,
            autocompletion=complete_target,
        ),
    ] = None,
    window: Annotated[
        int | None, typer.Option(help=f"Look-back steps per input window. {_SAME}", show_default=False)
    ] = None,
    hidden: Annotated[int | None, typer.Option(help=f"LSTM units per layer. {_SAME}", show_default=False)] = None,
    layers: Annotated[int | None, typer.Option(help=f"Stacked LSTM layers. {_SAME}", show_default=False)] = None,
    epochs: Annotated[int | None, typer.Option(help=f"Most epochs per fit. {_SAME}", show_default=False)] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            help="Windows per mini-batch. \\[default: 64, at most 1/8 of the training windows]", show_default=False
        ),
    ] = None,
    val_fraction: Annotated[
        float | None,
        typer.Option(
            help=f"Share of each fit's rows held out for validation (and interval errors). {_SAME}", show_default=False
        ),
    ] = None,
    patience: Annotated[
        int | None, typer.Option(help=f"Epochs without improvement before stopping. {_SAME}", show_default=False)
    ] = None,
    lr: Annotated[float | None, typer.Option(help=f"Adam learning rate. {_SAME}", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option(help=f"Random seed. {_SAME}", show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write every origin's forecasts (all "
            "models, with the actual values) to this CSV file, or JSON rows for a .json name (-: print only "
            "the CSV).",
        ),
    ] = None,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart/--no-chart",
            help="Draw the test window with the LSTM's 1-step forecasts and interval band (only on a terminal).",
        ),
    ] = True,
    series_name: SeriesOpt = None,
    id_column: IdColumnOpt = None,
    dayfirst: DayfirstOpt = None,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    strategy: StrategyOpt = "recursive",
    auto: AutoOpt = False,
    budget: BudgetOpt = None,
    jobs: JobsOpt = None,
    sheet: SheetOpt = None,
    plot: PlotOpt = None,
    ensemble: Annotated[
        int | None,
        typer.Option(
            help="Fit ensembles of N networks (as lstm train --ensemble N) and forecast their median. "
            "\\[default: as lstm train, on each fit's rows: 3 for a fit on fewer than 300 rows, else 1; "
            "with --auto too (its refit, as lstm train --auto's); on many series: 1]",
            show_default=False,
        ),
    ] = None,
    more: MoreFilesArg = None,
    columns: ColumnsOpt = None,
    dask: DaskOpt = None,
    refit_all: Annotated[
        bool,
        typer.Option(
            "--refit-all/--no-refit-all",
            help="As lstm train --refit-all: each fit, after early stopping, trains again on all its rows "
            "(training + validation) for its best epoch's optimizer steps, and forecasts with that model.",
        ),
    ] = False,
    level_input: Annotated[
        bool,
        typer.Option(
            "--level-input/--no-level-input",
            help="As lstm train: every fit also reads each window row's level vs the window's mean (on by default).",
        ),
    ] = True,
    season_fits: SeasonFitsOpt = None,
    season_test: SeasonTestOpt = None,
    damped_growth: DampedGrowthOpt = None,
    damped_toward: DampedTowardOpt = "zero",
    naive_fits: NaiveFitsOpt = None,
) -> None:
    """Backtest the LSTM against naive baselines on the newest part of a price series.

    Holds out the last --test-fraction of the rows, trains on the rows before it, then from
    every --every-th row of the held-out part forecasts --days steps ahead using only the data
    before that row. Naive (last value), drift, seasonal naive and a moving average forecast
    from the same origins. Prints MAE, RMSE, MAPE, sMAPE, MASE and directional accuracy per
    model, overall and per step, the coverage of the LSTM's prediction interval, and a verdict.

    With --auto, every fit runs the whole lstm train --auto procedure (selection on the rows
    before that fit's cut only, scored on --days steps), so the backtest measures the procedure.

    Many series (a long file, --columns, several files or a folder): every series is backtested
    (in parallel, --jobs), with scores per series, an aggregate (median and mean MASE, MAE
    relative to naive, wins/ties/losses, coverage) and the best and worst series; --output
    writes one row per series.

    --refit N with --jobs J: J fits at a time, each fit's ensemble members or --auto candidates
    then serial inside it (with one fit they get the --jobs); the numbers are the same for any J
    (with --auto: while its --budget, a clock per fit, lets the same candidates run).
    Ctrl-C (or SIGTERM) keeps the origins scored so far: the report covers them and says so
    first (--json: "interrupted": true); exit 0. Stopped before any fit finished: exit 130.

    Example: lstm backtest sample_data/daily_stock.csv --days 5
    Example: lstm backtest sample_data/monthly_seasonal.csv --auto --every 5
    Example: lstm backtest sample_data/daily_stock.csv --days 5 --plot backtest.png
    """
    from lstmcli.backtest import BacktestSpec, parse_refit
    from lstmcli.forecast import check_strategy
    from lstmcli.modelfile import DIRECT
    from lstmcli.seasons import parse_season

    spec = BacktestSpec(
        days=days,
        test_fraction=test_fraction,
        every=every,
        refit=parse_refit(refit),
        season=parse_season(season),
        interval=interval,
    )
    spec.validate()  # cheap mistakes first, before reading anything
    check_strategy(strategy, days if strategy == DIRECT else None)
    check_plot(plot)
    from lstmcli.ensemble import check_ensemble
    from lstmcli.parallel import check_jobs

    if ensemble is not None:  # None: as lstm train, decided on each fit's rows (run_backtest)
        check_ensemble(ensemble)
    check_jobs(jobs)
    check_one_stdout(json_out, output)
    from lstmcli.cli.auto import check_options, check_season

    check_options(auto, budget)
    check_season(auto, season, "backtest")
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import AUTO, check_target, resolve_target

    chosen = {
        k: v
        for k, v in dict(
            window=window,
            hidden=hidden,
            layers=layers,
            epochs=epochs,
            lr=lr,
            seed=seed,
            batch_size=batch_size,
            val_fraction=val_fraction,
            patience=patience,
        ).items()
        if v is not None
    }
    from lstmcli.cli.train import (
        check_season_test,
        growth_options,
        naive_fits_option,
        one_series_growth,
        one_series_naive,
        one_series_only,
    )

    # as lstm train's: the same values, checks and refusals (a factor with --auto or --target level)
    growth = growth_options(damped_growth, season_fits, target=target, auto=auto, verb="backtest")
    naive_fits = naive_fits_option(naive_fits, auto, "backtest")
    season_test = check_season_test(season_test, season, auto, "backtest")
    growing = dict(damped_growth=growth[0], damped_toward=damped_toward)
    config = TrainConfig(**chosen, refit_all=refit_all, level_input=level_input, **growing)
    config.validate()
    if (target or AUTO) != AUTO:
        target = check_target(target)
    pinned = {k: v for k, v in dict(target=target, window=window, hidden=hidden).items() if v not in (None, AUTO)}

    from lstmcli.backtest import plan, run_backtest
    from lstmcli.defaults import batch_size_for

    err = stderr()
    from lstmcli.cli import panel as panel_cli
    from lstmcli.data import SeveralSeriesError

    sources = [csv, *(more or [])]
    as_panel = dict(spec=spec, config=config, target=target, batch_size_given=batch_size is not None, jobs=jobs)
    as_panel |= dict(json_out=json_out, output=output, quiet=quiet, dask=dask, columns=columns, series=series_name)
    as_panel |= dict(id_column=id_column, column=column, date_column=date_column, features=split_names(features))
    one = 1 if ensemble is None else ensemble  # panels keep one network per series unless told (as lstm train)
    decimal = check_decimal(decimal)
    as_panel |= dict(dayfirst=dayfirst, date_format=date_format, decimal=decimal, strategy=strategy, ensemble=one)
    if auto:  # as one series' backtest: --auto inside every fit, on the rows before its cut
        as_panel["auto"] = {"budget": 60.0 if budget is None else budget, "restrict": pinned, "ensemble": one}
    as_panel |= dict(sheet=sheet, plot=plot)
    if panel_cli.wants_panel(sources, columns, series_name, id_column, date_column, 1 if dask else jobs):
        one_series_only(season_fits, growth[1], growth[2], "backtest", season_test, naive_fits)
        return panel_cli.backtest(sources, **as_panel)
    try:
        series = read_series(
            csv,
            column=column,
            date_column=date_column,
            features=split_names(features),
            quiet=json_out,
            sheet=sheet,
            **reading(series_name, id_column, dayfirst, date_format, decimal),
        )
    except SeveralSeriesError as e:  # a long file of several series: every series backtested
        as_panel["id_column"] = id_column or e.id_column  # found on the whole file, not a sample
        one_series_only(season_fits, growth[1], growth[2], "backtest", season_test, naive_fits)
        return panel_cli.backtest(sources, **as_panel)
    dask_unused(dask, "one series is backtested")
    if not json_out:  # as the Read line: which exchange's holidays the data's closed weekdays are
        from lstmcli.cli.common import calendar_match_note

        calendar_match_note(series, "backtest")
    # auto: decided on the sign of the whole file (every fit must be able to take its transform; whether
    # values can be <= 0 is a property of the kind of series, not a forecast)
    target, why = resolve_target(target or AUTO, series.values)
    # the season's fits and the damped growth: round 12's defaults for one series unless given (as lstm train)
    one_series_fits, choose_growth, _ = one_series_growth(season_fits, growth, series.frequency, target)
    if batch_size is None and not auto:  # the data-dependent default, on the rows the (first) fit sees
        from lstmcli.forecast import auto_window

        cut, _ = plan(len(series.values), spec)
        steps = days if strategy == DIRECT else 1  # a direct head learns `days` steps per window
        W = config.window if window is not None else auto_window(cut, config.window, target, config.val_fraction, steps)
        config.batch_size = batch_size_for(cut, W, config.val_fraction, target)
    from lstmcli.backtest import BacktestStopped

    result = stopped = None
    with (
        StopFlag() as stop,
        ProgressBar(
            err,
            quiet,
            total=1.0,
            before="backtest {task.fields[what]}",
            bar_width=24,
            after="{task.percentage:>3.0f}%",
            fields=dict(what=""),
            elapsed=True,
            transient=True,
            delay=1.0,
        ) as bar,
    ):
        try:
            result = run_backtest(
                series.values,
                config,
                target,
                spec,
                dates=series.dates,
                frequency=series.frequency,
                column=series.columns[0],
                source=series.source,
                timezone=series.timezone,
                on_progress=None if quiet else lambda done, what: bar.update(done, what=what),
                strategy=strategy,
                auto=None
                if not auto
                else {
                    "budget": 60.0 if budget is None else budget,
                    "jobs": jobs,
                    "restrict": pinned,
                    # None (no --ensemble): the refit as lstm train --auto's (ensemble.default_size on the fit's rows)
                    "ensemble": ensemble,
                },
                auto_window=window is None,  # as lstm train: the longest window up to 30 the rows allow
                ensemble=ensemble,
                season_fits=one_series_fits,  # as lstm train of one series: --season-fits, else its default
                choose_growth=choose_growth,  # as lstm train's: --damped-growth, else its default
                naive_fits=one_series_naive(naive_fits),  # as lstm train's: --naive-fits, else its default
                season_test=season_test,  # as lstm train's: the season of the fits, the baselines and MASE
                jobs=jobs,
                should_stop=stop,
            )
        except BacktestStopped as e:  # the user's stop before any fit finished: one line, as train says it
            stopped = e
    if result is None:  # (stopped is set)
        which = "the LSTM fit" if stopped.fits == 1 else f"any of the {stopped.fits:,} LSTM fits"
        err.print(
            f"[yellow]Stopped by {stop.requested} before {which} finished; no origin was scored.[/]",
            soft_wrap=True,
        )
        raise SystemExit(143 if stop.requested == "SIGTERM" else 130)  # not typer.Exit: main would add a line
    from lstmcli.render import backtest as render

    if result.interrupted and (json_out or output == STDOUT):  # stdout is for the data: the line goes to stderr
        err.print(render.stopped_line(result, stop.requested), soft_wrap=True)
    if plot is not None:  # files first: a closed pipe on stdout must not lose them
        from lstmcli.render.plot import save_backtest_plot

        wrote_plot(save_backtest_plot(result, plot))
    if output is not None:
        from lstmcli.backtest import per_origin_rows

        write_csv(output, per_origin_rows(result), "--output")
        if output == STDOUT:
            return
    if json_out:
        payload = result.to_dict()
        payload["source"] = series.source
        print(json_text(payload))
        return

    from lstmcli.backtest import MIN_VERDICT_WINDOWS
    from lstmcli.render.common import user_text

    out = stdout()
    if why and not auto:  # after the run, so that an error stays one line
        err.print(f"target: {target} ({why})", style="dim", soft_wrap=True)
    if result.interrupted:  # the report's first line: these scores are not the whole test window's
        out.print(render.stopped_line(result, stop.requested), soft_wrap=True)
    out.print(render.summary_table(result))
    out.print(render.horizon_table(result))
    out.print(render.verdict_line(result), soft_wrap=True)
    if result.chance()[1] >= MIN_VERDICT_WINDOWS:  # else the verdict itself says the sample is too small
        out.print(user_text(result.chance_sentence()), soft_wrap=True, style="dim")
    if result.reference != "naive":
        out.print(render.verdict_line(result, baseline="naive"), soft_wrap=True)
    if result.coverage is not None:
        out.print(render.coverage_sentence(result), soft_wrap=True)
    if chart and out.is_terminal and result.lower is not None:
        from rich.text import Text

        out.print(Text.from_ansi(render.band_chart(result, width=min(80, out.width - 12))))
    if output is not None:  # (not STDOUT: that returned above)
        err.print(
            f"Wrote {len(result.origins) * spec.days:,} forecast rows to {user_text(output)}",
            style="dim",
            soft_wrap=True,
        )
