"""`lstm train`: read a price CSV, fit the LSTM, save the model, print how it compares with naive."""

from __future__ import annotations

from typing import Annotated

import typer

from lstmcli.cli.auto import AutoOpt, BudgetOpt
from lstmcli.cli.common import (
    CalendarOpt,
    ColumnsOpt,
    DaskOpt,
    DateFormatOpt,
    DayfirstOpt,
    DecimalOpt,
    IdColumnOpt,
    JobsOpt,
    ModelOpt,
    MoreFilesArg,
    ProgressBar,
    SeasonOpt,
    SeriesOpt,
    SheetOpt,
    StopFlag,
    StrategyOpt,
    check_decimal,
    complete_target,
    dask_unused,
    info_json,
    json_text,
    model_path,
    read_series,
    reading,
    split_names,
    stderr,
    stdout,
)
from lstmcli.errors import LstmError, TrainingError

#: `--season-fits`, `--damped-growth` and `--damped-toward`: lstm train of one series, and lstm backtest's fits alike
SeasonFitsOpt = Annotated[
    str | None,
    typer.Option(
        "--season-fits",
        metavar="HOW",
        help="With a season, lstm makes up to three fits (phase inputs, the seasonal adjustment, the seasonal "
        "difference). shrink: forecast halfway between the one with the lowest one-step validation MAE and the "
        "mean of those within 1.25x of it, where this beats seasonal naive on validation, else that one alone; "
        "shrink-snaive (the default for one series): shrink, and where that forecast does not beat seasonal "
        "naive on validation (one step, and steps 1..H ahead), the mean of the two if it does, else seasonal "
        "naive (the summary says so); keep: the one alone (panels and --global always); combine: the mean. "
        "Intervals come from the forecast's own validation errors. With --auto: the winner's refit.",
        show_default=False,
    ),
]
NaiveFitsOpt = Annotated[
    str | None,
    typer.Option(
        "--naive-fits",
        metavar="HOW",
        help="Business-day data without a season (stock prices): shrink-naive forecasts, where the network does "
        "not beat naive on validation (one step, and steps 1..H ahead), the mean of the network's forecast and "
        "naive's if that does, else naive's (the summary, predict and inspect say so); shrink-naive-t: the same, "
        "and the network alone only where it also beats naive beyond chance (paired t); mean-naive-t: that test, "
        "and the mean (never naive alone) where the network fails it; keep (the default): the network's forecast. "
        "One series, not with --auto.",
        show_default=False,
    ),
]
SeasonTestOpt = Annotated[
    str | None,  # None: seasons.DEFAULT_TEST (check_season_test), named in the help, not repeated here
    typer.Option(
        "--season-test",
        metavar="acf|ftest|either",
        show_default=False,
        help="How --season auto confirms the dates' usual season on the training part: acf, the autocorrelation "
        "of the detrended changes at the season's lag; ftest, the stable-seasonality F test of X-11/X-13 (the "
        "detrended values' variance between phases over that within phases, at least 7), which finds strong "
        "seasons in short series that acf misses; either (the default), a season where acf or the F test finds "
        "one (weekly data: acf). One series, without --auto.",
    ),
]
DampedGrowthOpt = Annotated[
    str | None,
    typer.Option(
        "--damped-growth",
        metavar="PHI|auto|season|trend",
        help="The network learns each change's deviation from the window's recent growth (an exponentially "
        "weighted mean, half-life 4 steps) damped by PHI per step ahead, as exponential smoothing's damped "
        "trend: an untrained network forecasts that growth fading toward none. 0 (off: panels and --global) or a "
        "factor up to 1, e.g. 0.9; season: fit without it and with 0.9 and keep the lower validation MAE "
        "over one season ahead (m steps from every validation origin; one step without a season); trend (the "
        "default for one series, but on business days, where it is 0; with --auto: the winner's refit's): season, "
        "with 0.98 (a growth that persists) tried instead of 0.9 on a series without a season; auto: season's "
        "0.9 judged one step ahead, on every series. Not for --global or --target level (benchmarks/README.md).",
        show_default=False,
    ),
]

DampedTowardOpt = Annotated[
    str,
    typer.Option(
        "--damped-toward",
        help="With --damped-growth: damp toward no growth (zero, as exponential smoothing) or toward the "
        "training part's mean change (mean).",
    ),
]


def train(
    ctx: typer.Context,
    csv: Annotated[
        str,
        typer.Argument(metavar="PRICES.CSV", help="Price CSV file (or .xlsx, .parquet), or - to read standard input."),
    ],
    column: Annotated[
        str | None,
        typer.Option(
            help="Column to forecast. \\[default: Adj Close, Close, Price, or the only numeric column]",
            show_default=False,
        ),
    ] = None,
    date_column: Annotated[
        str | None, typer.Option(help="Date column. \\[default: found by name or by parsing]", show_default=False)
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Extra input columns, comma-separated, e.g. Volume,High.")
    ] = None,
    series_name: SeriesOpt = None,
    id_column: IdColumnOpt = None,
    dayfirst: DayfirstOpt = None,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    target: Annotated[
        str,
        typer.Option(
            help="What the network learns: auto, log-return, diff or level. auto: log-return when every value "
            "is above 0, else diff. Forecasts are always prices.",
            autocompletion=complete_target,
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
    strategy: StrategyOpt = "recursive",
    horizon: Annotated[
        int | None,
        typer.Option(help="Steps a --strategy direct model forecasts at once. \\[default: 5]", show_default=False),
    ] = None,
    auto: AutoOpt = False,
    budget: BudgetOpt = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help="With --auto: the steps ahead you plan to forecast (lstm predict --days); candidates are scored "
            "on steps 1..DAYS. \\[default: 5]",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOpt = None,
    sheet: SheetOpt = None,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print the training summary as JSON (what inspect --json shows, plus the choices "
            "made, beats_naive, beats_seasonal_naive and whether each is beyond chance); progress stays on stderr.",
        ),
    ] = False,
    calendar: CalendarOpt = None,
    season: SeasonOpt = "auto",
    ensemble: Annotated[
        int | None,
        typer.Option(
            help="Train N networks (seeds seed..seed+N-1) and forecast their median; intervals from the "
            "ensemble's own validation errors. 1: a single network. \\[default: 3 for one series of fewer "
            "than 300 rows (steadier, and cheap there), else 1]",
            show_default=False,
        ),
    ] = None,
    more: MoreFilesArg = None,
    columns: ColumnsOpt = None,
    dask: DaskOpt = None,
    global_model: Annotated[
        bool,
        typer.Option(
            "--global",
            help="Many series: ONE network trained on the windows of all series (each scaled on its own "
            "training part), instead of one model per series.",
        ),
    ] = False,
    ar: Annotated[
        int,
        typer.Option(
            "--ar",
            help="Lags of a linear autoregressive part beside the LSTM: output = LSTM part + a linear "
            "function of the last AR scaled target values (at most the window; shortened with an auto "
            "window). 0: none.",
        ),
    ] = 0,
    refit_all: Annotated[
        bool,
        typer.Option(
            "--refit-all/--no-refit-all",
            help="After the early-stopped fit, train again from the same initial weights on all rows "
            "(training + validation), as many optimizer steps as the fit took to its best epoch, and save "
            "that model; the validation scores and intervals stay the first fit's. With --auto: the "
            "winner's final fit. Not better on average on the benchmark corpus (benchmarks/README.md).",
        ),
    ] = False,
    level_input: Annotated[
        bool | None,
        typer.Option(
            "--level-input/--no-level-input",
            help="One more input column: each window row's level (log price for log-return, else the price) "
            "relative to the window's mean level, scaled on the training windows. On by default (better on the "
            "benchmark corpus, benchmarks/README.md), off with --global; with --auto: every candidate's.",
            show_default=False,
        ),
    ] = None,
    season_fits: SeasonFitsOpt = None,
    season_test: SeasonTestOpt = None,
    damped_growth: DampedGrowthOpt = None,
    damped_toward: DampedTowardOpt = "zero",
    naive_fits: NaiveFitsOpt = None,
) -> None:
    """Learn from a CSV price series and save the model.

    Reads the CSV (dates and price columns found automatically), trains on the older part,
    validates on the newest part, and prints how the model's one-step forecasts compare with
    the naive forecast (the last value carried forward). Ctrl-C stops early and keeps the best model so far
    (with --ensemble: the members that finished; none finished: nothing is saved).

    --auto chooses the target, window and hidden size itself (see --auto below) and prints a
    leaderboard beside naive, seasonal naive and drift.
    With a season (--season auto finds one in monthly, quarterly, weekly, daily or hourly data)
    the network also reads the position in the season, and the summary says which season and why.

    Many series (a panel) make one model per series, fitted in parallel (--jobs), in one model
    file: a long file (Date, Ticker, Close), a wide one (--columns all), several files or a
    folder (one series per file). Exit 0 when at least one series trained, 2 when none did.

    Example: lstm train sample_data/daily_stock.csv --window 30 --seed 1
    Example: lstm train sample_data/monthly_seasonal.csv --auto --budget 60
    Stock data: lstm train prices.csv --calendar XNYS   (forecast dates skip NYSE holidays)
    For scripts: lstm train prices.csv --json -q > summary.json
    Example: lstm train sample_data/daily_stock.csv --ensemble 5 --jobs 2
    """
    from lstmcli.forecast import STOPPED_BEFORE, Forecaster, check_strategy
    from lstmcli.seasons import parse_season
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import AUTO, check_target

    growth = growth_options(damped_growth, season_fits, target=target, auto=auto, global_model=global_model)
    damped_growth, choose_growth, growth_given = growth
    naive_fits = naive_fits_option(naive_fits, auto)
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
        ar=ar,
        refit_all=refit_all,
        level_input=not global_model if level_input is None else level_input,  # the global network reads no level
        damped_growth=damped_growth,
        damped_toward=damped_toward,
    )
    config.validate()  # cheap mistakes first, before reading anything
    check_strategy(strategy, horizon)
    from lstmcli.ensemble import check_ensemble
    from lstmcli.parallel import check_jobs

    default_ensemble = ensemble is None  # decided once the rows are read (ensemble.default_size)
    ensemble = 1 if default_ensemble else check_ensemble(ensemble)  # until then, and for panels
    check_jobs(jobs)
    if target != AUTO:
        check_target(target)
    from lstmcli.cli import auto as cli_auto

    cli_auto.check_options(auto, budget, days)
    if auto and ar:
        from lstmcli.errors import OptionError

        raise OptionError(
            "--ar cannot be combined with --auto (the linear part is not in --auto's space)",
            hint="drop --ar, or train without --auto, e.g. lstm train prices.csv --ar 30",
        )
    cli_auto.check_season(auto, season, "train")
    season_test = check_season_test(season_test, season, auto)
    if global_model and refit_all:
        from lstmcli.errors import OptionError

        raise OptionError(
            "--refit-all cannot be combined with --global (the global network is not refitted)",
            hint="drop --refit-all, or train one model per series without --global",
        )
    if global_model and level_input:
        from lstmcli.errors import OptionError

        raise OptionError(
            "--level-input cannot be combined with --global (the global network reads the target series only)",
            hint="drop --level-input, or train one model per series without --global",
        )
    season = parse_season(season)
    path = model_path(model)
    if path.is_dir():
        raise LstmError(f"--model {path} is a directory", hint="give a file name such as lstm-model.npz")
    from lstmcli.cli.destination import check_model_destination, replaced, saved_words

    check_model_destination(path, [csv, *(more or [])])  # not the data itself, nor a file that is not a model
    from lstmcli.files import check_writable

    check_writable(path, prefix=f"cannot save the model to {path}", option="--model", example="lstm-model.npz")

    from lstmcli.render import train as render

    err = stderr()
    if calendar is not None:  # the name first (cheap); its fit to the data once the data is read
        from lstmcli.calendars import check_calendar

        calendar = check_calendar(calendar)
    decimal = check_decimal(decimal)
    how = reading(series_name, id_column, dayfirst, date_format, decimal)
    how_read = how | {"calendar": calendar, "sheet": sheet}  # what the model file keeps of how the file was read
    from lstmcli.cli import panel as panel_cli
    from lstmcli.data import SeveralSeriesError

    sources = [csv, *(more or [])]
    as_panel = dict(path=path, config=config, target=target, auto_window=window is None, jobs=jobs, quiet=quiet)
    as_panel |= dict(model_given=model is not None, dask=dask, columns=columns, series=series_name, column=column)
    as_panel |= dict(id_column=id_column, date_column=date_column, features=split_names(features))
    as_panel |= dict(dayfirst=dayfirst, date_format=date_format, decimal=decimal, global_model=global_model)
    if auto:  # each series' own search and refit (as one series' --auto: the season and strategy are its own)
        pinned = cli_auto.restriction(ctx, target=target, window=window, hidden=hidden)
        from lstmcli.autoselect import DEFAULT_BUDGET, DEFAULT_HORIZON

        as_panel |= dict(
            auto=dict(
                budget=DEFAULT_BUDGET if budget is None else budget,
                horizon=DEFAULT_HORIZON if days is None else days,
                restrict=pinned,
                ensemble=ensemble,
            )
        )
    else:
        as_panel |= dict(options=panel_cli.forecaster_options(season, strategy, horizon, ensemble))
    as_panel |= dict(calendar=calendar, sheet=sheet, json_out=json_out)
    pool_jobs = 1 if dask or global_model else jobs  # the local workers a panel starts early (1: none)
    if panel_cli.wants_panel(sources, columns, series_name, id_column, date_column, pool_jobs) or global_model:
        one_series_only(season_fits, choose_growth, growth_given, season_test=season_test, naive_fits=naive_fits)
        return panel_cli.train(sources, **as_panel)
    from lstmcli.parallel import prestart

    if ensemble > 1 and jobs is not None:  # the members' worker processes start up while the data is read
        prestart(check_jobs(jobs))
    try:
        series = read_series(
            csv,
            column=column,
            date_column=date_column,
            features=split_names(features),
            sheet=sheet,
            calendar=calendar,
            **how,
        )
    except SeveralSeriesError as e:  # a long file of several series: one model per series
        as_panel["id_column"] = id_column or e.id_column  # found on the whole file, not a sample
        one_series_only(season_fits, choose_growth, growth_given, season_test=season_test, naive_fits=naive_fits)
        return panel_cli.train(sources, **as_panel)
    dask_unused(dask, "one series trains")
    how_read["decimal"] = series.decimal  # given, or how a value both marks read was read: --data's tie-breaker
    if default_ensemble:  # one short series: an ensemble (ensemble.py, "default_size"); --auto's refit too
        from lstmcli.ensemble import default_size

        ensemble = default_size(len(series.values))
    if ensemble > 1 and jobs is None:  # --jobs not given: the pool only for work enough (ensemble.members_jobs)
        from lstmcli.ensemble import pool_pays

        if auto or pool_pays(ensemble, len(series.values), config):
            prestart(check_jobs(jobs))  # while the data is prepared
    if calendar is not None:  # checked on the data read: a known name, daily rows
        from lstmcli.cli.common import calendar_note

        calendar = calendar_note(calendar, series)
    else:  # which exchange's holidays the data's closed weekdays are, said (and kept), not applied
        from lstmcli.cli.common import calendar_match_note

        how_read["calendar_match"] = calendar_match_note(series, "train")

    one_series_fits, choose_growth, growth_note = one_series_growth(season_fits, growth, series.frequency, target)
    forecaster = Forecaster(
        config,
        target,
        auto_window=window is None,
        season=season,
        strategy=strategy,
        horizon=horizon,
        ensemble=ensemble,
        jobs=jobs,
        season_fits=one_series_fits,
        choose_growth=choose_growth,
        season_test=season_test,
        naive_fits=one_series_naive(naive_fits),
    )
    if ensemble > 1:  # members finish whole, in parallel: the bar counts members, not epochs
        bar_opts = dict(
            total=ensemble,
            before="{task.fields[fit]}member {task.completed:>3}/{task.total}",
            after="",
            fields={"fit": ""},
        )
    else:
        bar_opts = dict(
            total=epochs,
            before="{task.fields[fit]}epoch {task.completed:>3}/{task.total}",
            # the fullest that fits a narrow terminal: without the best epoch, without the training loss, val alone
            after=(
                "loss {task.fields[train]} val {task.fields[val]} best {task.fields[best]}{task.fields[at]}",
                "loss {task.fields[train]} val {task.fields[val]} best {task.fields[best]}",
                "val {task.fields[val]} best {task.fields[best]}",
                "val {task.fields[val]}",
            ),
            fields=dict(train="-", val="-", best="-", at="", fit=""),
        )
    with (
        StopFlag() as stop,
        cli_auto.candidate_bar(err, quiet) if auto else ProgressBar(err, quiet, bar_width=20, **bar_opts) as bar,
    ):
        fits = [0, 0]  # [fits started, last epoch]: a season's second fit (on adjusted values) starts at epoch 1

        def on_epoch(r) -> None:
            if r.epoch <= fits[1] or not fits[0]:
                fits[0] += 1
            fits[1] = r.epoch
            bar.update(
                r.epoch,
                fit="" if fits[0] == 1 else f"fit {fits[0]}: ",
                train=f"{r.train_loss:.4f}",
                val=f"{r.val_loss:.4f}",
                best=f"{r.best_val_loss:.4f}",
                at=f" (epoch {r.best_epoch})",
            )

        def on_member(done: int, total: int) -> None:
            if done == 0:  # a season's next fit (weekly data's three, the adjusted one) starts its members
                fits[0] += 1
            bar.update(done, fit=f"fit {fits[0] + 1}: " if fits[0] else "")

        if auto:
            pinned = cli_auto.restriction(ctx, target=target, window=window, hidden=hidden)
            forecaster = cli_auto.fit(
                series, config, how_read, pinned, budget, days, jobs, stop, bar, path, ensemble, one_series_fits,
                choose_growth,
            )  # fmt: skip
        else:
            try:
                forecaster.fit(
                    series,
                    frequency=series.frequency,
                    source=series.source,
                    on_epoch=None if quiet else on_epoch,
                    should_stop=stop,
                    reading=how_read,
                    on_member=on_member,
                )
            except TrainingError:
                if not (ensemble > 1 and stop()):
                    raise
                forecaster = None  # stopped before any member finished: said once the bar is gone
    if forecaster is None:
        _stopped_before_any_member(err, stop.requested, ensemble, path)
    if growth_note is not None:
        forecaster.choices["growth"] = growth_note
    if default_ensemble and ensemble > 1:  # said in the summary (and --json's choices), as the target's choice
        from lstmcli.ensemble import default_choice

        forecaster.choices["ensemble"] = default_choice(len(series.values))
    replacing = replaced(path)  # said where the saved file is named: nothing is asked, scripts run on
    saved = forecaster.save(path)
    if ensemble > 1 and forecaster.result.interrupted:
        kept = len(forecaster.info.ensemble.seeds)
        err.print(
            f"[yellow]Stopped by {stop.requested} after {kept} of {ensemble} ensemble members finished; "
            f"kept {'that member' if kept == 1 else f'those {kept}'} (seed{'s' if kept > 1 else ''} "
            f"{', '.join(map(str, forecaster.info.ensemble.seeds))}); the members still training were dropped.[/]",
            soft_wrap=True,
        )
    elif forecaster.result.interrupted:
        err.print(
            f"[yellow]Stopped by {stop.requested} after epoch {forecaster.result.epochs_run}; "
            f"kept the best model so far (epoch {forecaster.result.best_epoch}).[/]",
            soft_wrap=True,
        )
    elif "refit" in forecaster.choices:  # --refit-all stopped: the early-stopped fit is what was saved
        err.print(
            f"[yellow]Stopped by {stop.requested} during the refit on all rows (--refit-all); kept the "
            f"early-stopped model (epoch {forecaster.result.best_epoch}).[/]",
            soft_wrap=True,
        )
    elif stop.requested and STOPPED_BEFORE in forecaster.choices.get("season", ""):
        err.print(  # the season's first fit had finished: kept, the others not tried (the summary's season row)
            f"[yellow]Stopped by {stop.requested} before the season's other fits finished; kept the fit that "
            "did (the summary's season row says which were tried).[/]",
            soft_wrap=True,
        )
    elif stop.requested and "stopped by Ctrl-C" in forecaster.choices.get("growth", ""):
        err.print(  # --damped-growth auto: the fit without it had finished
            f"[yellow]Stopped by {stop.requested} before the fit with the damped growth finished; kept the fit "
            "without it (the summary's growth row says so).[/]",
            soft_wrap=True,
        )
    elif stop.requested and not auto:  # after the epochs (the validation scores, the intervals): nothing cut short
        # (--auto says its own stop)
        err.print(
            f"[yellow]Stopped by {stop.requested} after the training had finished; the model is complete.[/]",
            soft_wrap=True,
        )

    from lstmcli.render.common import user_text

    out = stdout()
    info = forecaster.info
    if json_out:  # for scripts: the summary as JSON on stdout, nothing else there
        payload = {"model": str(saved), "replaced": replacing is not None, **info_json(info)}
        payload |= {"choices": forecaster.choices, **render.verdict_json(info.validation)}  # null: no season
        print(json_text(payload))
        return
    style, sentence = render.verdict(info.validation, info.data.frequency)
    if info.selection is not None:  # --auto: a baseline that was as good in selection is said first of all
        from lstmcli.render import auto as render_auto

        auto_style, auto_sentence, first = render_auto.verdict(info.selection, info.validation)
        if first:
            out.print(f"[{auto_style}]{auto_sentence}[/]", soft_wrap=True)
    # a loss the verdict counts (red: to naive, or to seasonal naive): say it first, before any table, as predict
    # does; not "too few rows to judge" (a short series' 2 rows) nor a tie with naive, said once below the tables
    if style in ("red", "bold red"):
        out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    out.print(render.training_summary(info, saved_words(saved, replacing), forecaster.choices))
    if info.selection is not None:
        out.print(render_auto.leaderboard_table(info.selection))
        if not first:
            out.print(f"[{auto_style}]{auto_sentence}[/]", soft_wrap=True)
    out.print(render.validation_table(info.validation, info.columns[0], info.data.frequency))
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    hint_days = days or 5
    if forecaster.strategy == "direct":  # a direct model forecasts at most its horizon
        hint_days = min(hint_days, forecaster.horizon)
    where = "" if model is None else f" --model {user_text(path)}"
    err.print(f"Next: lstm predict --days {hint_days}{where}", style="dim", soft_wrap=True)


def growth_options(
    damped_growth: str | None, season_fits: str | None, *, target, auto: bool, global_model: bool = False, verb="train"
) -> tuple[float, bool | str, bool]:
    """`--damped-growth` and `--season-fits` checked, for lstm train and lstm backtest alike: (the config's damped
    growth factor, Forecaster's `choose_growth`, whether --damped-growth was given). OptionError for a value not
    known, and for a season's fits or a damped growth with --global, --target level or (a factor) --auto."""
    from lstmcli import growth as _growth
    from lstmcli import season_fits as _season_fits
    from lstmcli.errors import OptionError

    growth_given = damped_growth is not None  # else growth.tried_by_default decides on the data read
    phi, choose_growth = _growth.parse("0" if damped_growth is None else damped_growth)
    if choose_growth:  # auto: Forecaster.fit makes both fits (phi growth.AUTO_PHI); --auto's candidates have none
        phi = 0.0
    if season_fits is not None and _season_fits.check(season_fits) != _season_fits.KEEP and global_model:
        raise OptionError(
            f"--season-fits {season_fits} cannot be combined with --global (one network for every series)",
            hint="drop --season-fits, or train one series without --global",
        )
    asked = growth_given and (phi or choose_growth)  # a factor or auto (its phi is left to the fit)
    if asked and (global_model or target == "level" or (auto and not choose_growth)):
        other = "--global" if global_model else "--target level" if target == "level" else "--auto"
        raise OptionError(
            f"--damped-growth cannot be combined with {other} "
            "(the damped growth is a prior on the changes of one series' own network)",
            hint=f"drop --damped-growth, or {verb} on changes, e.g. lstm {verb} prices.csv --damped-growth 0.9",
        )
    return phi, choose_growth, growth_given


def one_series_growth(
    season_fits: str | None, growth: tuple[float, bool | str, bool], frequency: str | None, target
) -> tuple[str, bool | str, str | None]:
    """(season_fits, choose_growth, the growth row's note) for a fit of one series, on the data read: the round-12
    defaults (season_fits.ONE_SERIES, growth.DEFAULT_CHOICE where growth.tried_by_default tries it) unless given."""
    from lstmcli import growth as _growth
    from lstmcli import season_fits as _season_fits

    _, choose_growth, growth_given = growth
    fits = _season_fits.ONE_SERIES if season_fits is None else season_fits
    note = None  # the summary's growth row when the default did not try it
    if not growth_given or _growth.over_season(choose_growth):  # season, trend: where the default tries it (not B)
        choose_growth = _growth.tried_by_default(frequency, target, choose_growth or _growth.DEFAULT_CHOICE)
        note = None if choose_growth else _growth.BUSINESS_DAYS_NOTE if frequency == "B" else None
    return fits, choose_growth, note


def check_season_test(season_test: str | None, season, auto: bool, verb: str = "train") -> str:
    """`--season-test` checked (None: seasons.DEFAULT_TEST): a known test (seasons.SEASON_TESTS), and one other than
    the default only where --season auto looks for a season of one series without --auto (--auto's selection detects
    its own, by the default test). `verb`: the command, in the hint (lstm train, lstm backtest)."""
    from lstmcli import seasons
    from lstmcli.errors import OptionError

    test = seasons.check_test(seasons.DEFAULT_TEST if season_test is None else season_test)
    if test != seasons.DEFAULT_TEST and auto:
        raise OptionError(
            f"--season-test {test} cannot be combined with --auto (its selection looks for the season by the "
            f"default test, {seasons.DEFAULT_TEST})",
            hint=f"drop --season-test, or {verb} without --auto",
        )
    if test != seasons.DEFAULT_TEST and str(season).strip().lower() != seasons.AUTO:
        raise OptionError(
            f"--season-test {test} is for --season auto; --season {season} does not look for a season",
            hint="drop --season-test, or drop --season",
        )
    return test


def naive_fits_option(naive_fits: str | None, auto: bool, verb: str = "train") -> str | None:
    """`--naive-fits` checked (None: not given): a known choice (season_fits.NAIVE_CHOICES), and keep with --auto (its
    candidates and refit are judged against naive by the selection itself). `verb`: the command, in the hint."""
    from lstmcli import season_fits as _season_fits
    from lstmcli.errors import OptionError

    if naive_fits is None:
        return None
    choice = _season_fits.check_naive(naive_fits)
    if auto and choice != _season_fits.KEEP:
        raise OptionError(
            f"--naive-fits {choice} cannot be combined with --auto", hint=f"drop --naive-fits, or {verb} without --auto"
        )
    return choice


def one_series_naive(naive_fits: str | None) -> str:
    """A fit of one series' `naive_fits`: --naive-fits, else season_fits.NAIVE_ONE_SERIES."""
    from lstmcli import season_fits as _season_fits

    return _season_fits.NAIVE_ONE_SERIES if naive_fits is None else naive_fits


def one_series_only(
    season_fits: str | None,
    choose_growth: bool | str,
    growth_given: bool,
    verb="train",
    season_test: str | None = None,
    naive_fits: str | None = None,
) -> None:
    """Several series (a panel): `--season-fits` and `--naive-fits` other than keep, `--season-test` other than
    either and `--damped-growth auto|season|trend` are refused (a panel keeps one fit per series without being
    asked; each model would fit twice)."""
    from lstmcli import growth as _growth
    from lstmcli import season_fits as _season_fits
    from lstmcli import seasons
    from lstmcli.errors import OptionError

    for flag, value, panels in (
        ("--season-test", season_test, seasons.DEFAULT_TEST),
        ("--naive-fits", naive_fits, _season_fits.KEEP),
        ("--season-fits", season_fits, _season_fits.KEEP),
    ):
        if value not in (None, panels):  # what a panel's series get without being asked
            raise OptionError(
                f"{flag} {value} is for one series; this is several series (a panel)",
                hint=f"drop {flag}, or {verb} each series on its own",
            )
    if growth_given and choose_growth:
        raise OptionError(
            f"--damped-growth {_growth.word(choose_growth)} is for one series, "
            "not a panel (each model would fit twice)",
            hint=f"give a factor for every series' model, e.g. --damped-growth 0.9, or {verb} one series",
        )


def _stopped_before_any_member(err, signal_name: str | None, ensemble: int, path) -> None:
    """Ctrl-C (or SIGTERM) before any ensemble member finished: the user's stop, not an error.

    One line and exit 130 (143 for SIGTERM), as a stop anywhere else; nothing is written.
    SystemExit, not typer.Exit(130), which main would take for Typer's Ctrl-C and add "Interrupted.".
    """
    from lstmcli.render.common import user_text

    untouched = f" ({user_text(path)} is untouched)" if path.exists() else ""
    err.print(
        f"[yellow]Stopped by {signal_name or 'a stop request'} before any of the {ensemble} ensemble members "
        f"finished; nothing was written{untouched}.[/]",
        soft_wrap=True,
    )
    raise SystemExit(143 if signal_name == "SIGTERM" else 130)
