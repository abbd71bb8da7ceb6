"""`--auto` for `lstm train` (and its option checks for `lstm backtest`): not a verb, the shared CLI side.

Explicit `--target`, `--window` or `--hidden` given with `--auto` restrict the search space
to that value (the other dimensions are still searched); every other training option
(--layers, --epochs, --lr, --seed, ...) applies to every candidate.
"""

from __future__ import annotations

from typing import Annotated

import typer

AutoOpt = Annotated[
    bool,
    typer.Option(
        "--auto",
        help="Choose target, window and hidden size by rolling-origin validation on the training part only "
        "(multi-step MASE beside naive, seasonal naive and drift), then refit the best on all the data. "
        "lstm train's own model (its defaults) is kept unless a configuration scores clearly lower; the refit "
        "is lstm train's default ensemble below 300 rows (3 networks) unless --ensemble is given. "
        "--target/--window/--hidden given too restrict the search to that value.",
    ),
]
BudgetOpt = Annotated[
    float | None,
    typer.Option(
        help="With --auto: seconds after which no new candidate starts (those running finish). "
        "\\[default: 60; the whole space runs on ~2,500 rows on 2 cores]",
        show_default=False,
    ),
]


def check_options(auto: bool, budget: float | None, days: int | None = None, days_name: str = "--days") -> None:
    """Cheap checks before reading anything: --budget (and train's --days) only with --auto, and possible."""
    from lstmcli.autoselect import check_budget, check_horizon
    from lstmcli.errors import OptionError

    if not auto:
        if budget is not None:
            raise OptionError("--budget only applies with --auto", hint="add --auto, or leave --budget out")
        if days is not None:
            raise OptionError(f"{days_name} only applies with --auto", hint="add --auto, or leave it out")
        return
    if budget is not None:
        check_budget(budget)
    if days is not None:
        check_horizon(days)


def check_season(auto: bool, season: str, verb: str) -> None:
    """--auto looks for the season itself (as --season auto): a given --season none|N would be ignored by its
    fits, so it is refused (`lstm train` and `lstm backtest`)."""
    from lstmcli.seasons import parse_season

    if auto and parse_season(season) != "auto":
        from lstmcli.errors import OptionError

        raise OptionError(
            f"--season {season} cannot be combined with --auto (--auto looks for the season itself, as "
            "--season auto does, and would not use it)",
            hint=f"drop --season, or {verb} without --auto, e.g. lstm {verb} prices.csv --season {season}",
        )


def given(ctx: typer.Context, name: str) -> bool:
    """Whether option `name` was given on the command line (or the environment), not left at its default."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def restriction(ctx: typer.Context, **values) -> dict:
    """The search dimensions the user pinned: {name: value} for each option given explicitly (target: not auto)."""
    from lstmcli.transforms import AUTO

    return {
        name: value
        for name, value in values.items()
        if value is not None and given(ctx, name) and not (name == "target" and value == AUTO)
    }


def candidate_bar(err, quiet: bool):
    """The progress bar over candidates (stderr)."""
    from lstmcli.cli.common import ProgressBar

    return ProgressBar(
        err,
        quiet,
        total=1.0,
        before="--auto {task.fields[done]}",
        bar_width=20,
        # "lowest", not "best": --auto keeps lstm train's defaults unless the lowest is clearly lower (woolyrnq's
        # bar said "best MASE 0.926" above a kept 1.437), and the leaderboard says which it kept
        # the fullest that fits a narrow terminal (ProgressBar): without the last one done, then the lowest alone
        after=("lowest MASE {task.fields[best]}  {task.fields[last]}", "lowest MASE {task.fields[best]}"),
        fields=dict(done="", best="-", last=""),
        elapsed=True,
    )


def candidate_fields(done: int, total: int, label: str, best: float | None) -> dict:
    """The candidate bar's fields after `done` of `total` finished, `label` the last one to finish: named as the
    last one done, since beside "lowest MASE" a bare name read as the lowest one's (it is not, mostly). Once all are
    done it is gone: the bar's last frame is what a pipe or a log keeps, and there the name wrapped into three
    lines under the bar, naming a candidate no more than the 23 others."""
    last = f"last done: {label}" if label and done < total else ""
    return dict(done=f"{done}/{total}", best="-" if best is None else f"{best:.3f}", last=last)


def fit(
    series,
    config,
    how: dict,
    pinned: dict,
    budget,
    days,
    jobs,
    stop,
    bar,
    path,
    ensemble: int = 1,
    season_fits=None,
    choose_growth: bool | str = False,
):
    """Select and refit (autoselect.fit_auto) with the CLI's progress and Ctrl-C; returns the Forecaster.

    Stopped before any candidate finished: says so and exits 130, writing nothing (the model
    file at `path`, if any, is untouched). `season_fits`: the refit's (None: the library's, one fit kept);
    `choose_growth`: the refit fits with and without the damped growth (growth.py), as lstm train does.
    """
    from lstmcli.autoselect import DEFAULT_BUDGET, DEFAULT_HORIZON, SelectionStopped, fit_auto
    from lstmcli.cli.common import stderr
    from lstmcli.render.common import user_text

    def on_candidate(done: int, total: int, label: str, best: float | None) -> None:
        bar.update(done / total, **candidate_fields(done, total, label, best))

    try:
        forecaster = fit_auto(
            series,
            config=config,
            frequency=series.frequency,
            source=series.source,
            horizon=DEFAULT_HORIZON if days is None else days,
            budget=DEFAULT_BUDGET if budget is None else budget,
            jobs=jobs,
            restrict=pinned,
            should_stop=stop,
            on_candidate=on_candidate,
            reading=how,
            ensemble=ensemble,
            **({} if season_fits is None else {"season_fits": season_fits}),
            choose_growth=choose_growth,
        )
    except SelectionStopped:
        stderr().print(
            f"[yellow]Stopped by {stop.requested or 'a stop request'} before any --auto candidate finished; "
            f"nothing was written{' (' + user_text(path) + ' is untouched)' if path.exists() else ''}.[/]",
            soft_wrap=True,
        )
        raise SystemExit(130) from None  # not typer.Exit(130): main would add "Interrupted."
    sel = forecaster.info.selection
    if sel.stopped == "interrupted":
        stderr().print(
            f"[yellow]Stopped by {stop.requested or 'a stop request'} after {sel.tried} of {sel.candidates} "
            "--auto candidates; refitted the best so far on all the data.[/]",
            soft_wrap=True,
        )
    elif sel.stopped == "budget":
        stderr().print(
            f"Note: the --budget of {sel.budget:g} s ran out: {sel.tried} of {sel.candidates} candidates ran "
            "(the cheapest first); a larger --budget tries more.",
            style="dim",
            soft_wrap=True,
        )
    return forecaster
