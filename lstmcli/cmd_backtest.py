"""`lstm backtest`: how good would the forecasts have been? Rolling origins vs baselines.

Thin: `backtest.run_backtest` does the work; this module parses options, shows progress,
and renders the comparison (tables, verdict, chart, --json, --output CSV). cli.py imports
it at start-up, so only typer and the small shared modules are imported at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lstmcli.console import stderr, stdout

_SAME = "\\[default: as lstm train]"


def backtest(
    csv: Annotated[str, typer.Argument(metavar="PRICES.CSV", help="Price CSV file, or - to read standard input.")],
    days: Annotated[int, typer.Option("--days", "-d", help="Steps ahead to forecast from each origin.")] = 5,
    test_fraction: Annotated[float, typer.Option(help="Last share of the series held out for the test.")] = 0.2,
    every: Annotated[int, typer.Option(help="Steps between forecast origins in the test window.")] = 1,
    refit: Annotated[str, typer.Option(help="Retrain the LSTM: never (train once before the test window) or N "
                                       "(every N origins, on all data before the origin).")] = "never",
    season: Annotated[int | None, typer.Option(help="Season length for seasonal naive and MASE (1 = none). "
                                               "\\[default: from the dates, if autocorrelation confirms it]",
                                               show_default=False)] = None,
    interval: Annotated[float, typer.Option(help="Coverage of the LSTM's prediction interval to score.")] = 0.9,
    column: Annotated[str | None, typer.Option(help="Column to forecast. \\[default: as lstm train]",
                                               show_default=False)] = None,
    date_column: Annotated[str | None, typer.Option(help="Date column. \\[default: found by name or by parsing]",
                                                    show_default=False)] = None,
    features: Annotated[str | None, typer.Option(help="Extra input columns, comma-separated.")] = None,
    target: Annotated[str | None, typer.Option(help=f"What the network learns: log-return, diff or level. {_SAME}",
                                               show_default=False)] = None,
    window: Annotated[int | None, typer.Option(help=f"Look-back steps per input window. {_SAME}",
                                               show_default=False)] = None,
    hidden: Annotated[int | None, typer.Option(help=f"LSTM units per layer. {_SAME}", show_default=False)] = None,
    layers: Annotated[int | None, typer.Option(help=f"Stacked LSTM layers. {_SAME}", show_default=False)] = None,
    epochs: Annotated[int | None, typer.Option(help=f"Most epochs per fit. {_SAME}", show_default=False)] = None,
    batch_size: Annotated[int | None, typer.Option(help="Windows per mini-batch. \\[default: 64, at most 1/8 of the "
                                                   "training windows]", show_default=False)] = None,
    val_fraction: Annotated[float | None, typer.Option(help=f"Share of each fit's rows held out for validation "
                                                       f"(and interval errors). {_SAME}", show_default=False)] = None,
    patience: Annotated[int | None, typer.Option(help=f"Epochs without improvement before stopping. {_SAME}",
                                                 show_default=False)] = None,
    lr: Annotated[float | None, typer.Option(help=f"Adam learning rate. {_SAME}", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option(help=f"Random seed. {_SAME}", show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write every origin's forecasts (all "
                                                "models, with the actual values) to this CSV file (-: print only "
                                                "the CSV).")] = None,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Draw the test window with the LSTM's 1-step "
                                        "forecasts and interval band (only on a terminal).")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Backtest the LSTM against naive baselines on the newest part of a price series.

    Holds out the last --test-fraction of the rows, trains on the rows before it, then from
    every --every-th row of the held-out part forecasts --days steps ahead using only the data
    before that row. Naive (last value), drift, seasonal naive and a moving average forecast
    from the same origins. Prints MAE, RMSE, MAPE, sMAPE, MASE and directional accuracy per
    model, overall and per step, the coverage of the LSTM's prediction interval, and a verdict.

    Example: lstm backtest sample_data/daily_stock.csv --days 5
    """
    from lstmcli.backtest import BacktestSpec, parse_refit

    spec = BacktestSpec(days=days, test_fraction=test_fraction, every=every, refit=parse_refit(refit),
                        season=season, interval=interval)
    spec.validate()  # cheap mistakes first, before reading anything
    from lstmcli.files import STDOUT, check_one_stdout, write_csv_atomically

    check_one_stdout(json_out, output)
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import check_target

    chosen = {k: v for k, v in dict(window=window, hidden=hidden, layers=layers, epochs=epochs, lr=lr, seed=seed,
                                     batch_size=batch_size, val_fraction=val_fraction,
                                     patience=patience).items() if v is not None}
    config = TrainConfig(**chosen)
    config.validate()
    target = check_target(target or "log-return")

    from lstmcli import data
    from lstmcli.backtest import plan, run_backtest
    from lstmcli.defaults import batch_size_for

    err = stderr()
    names = [n.strip() for n in features.split(",") if n.strip()] if features else []
    series = data.read_prices(csv, column=column, date_column=date_column, features=names)
    if batch_size is None:  # the data-dependent default, on the rows the (first) fit sees
        cut, _ = plan(len(series.values), spec)
        config.batch_size = batch_size_for(cut, config.window, config.val_fraction, target)
    if not json_out:
        err.print(data.cleaning_summary(series), soft_wrap=True)
    with _LazyProgress(err, quiet) as on_progress:
        result = run_backtest(series.values, config, target, spec, dates=series.dates, frequency=series.frequency,
                              column=series.columns[0], source=series.source, on_progress=on_progress)
    if output is not None:
        from lstmcli.backtest import per_origin_rows

        write_csv_atomically(output, per_origin_rows(result), "--output")
        if output == STDOUT:
            return
    if json_out:
        import json

        payload = result.to_dict()
        payload["source"] = series.source
        print(json.dumps(payload, indent=2))
        return

    out = stdout()
    out.print(summary_table(result))
    out.print(horizon_table(result))
    style, sentence = result.verdict()
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    if result.reference != "naive":
        style, sentence = result.verdict(baseline="naive")
        out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    if result.coverage is not None:
        out.print(coverage_sentence(result), soft_wrap=True)
    if chart and out.is_terminal and result.lower is not None:
        from rich.text import Text

        out.print(Text.from_ansi(band_chart(result, width=min(80, out.width - 12))))
    if output is not None:  # (not STDOUT: that returned above)
        err.print(f"Wrote {len(result.origins) * spec.days:,} forecast rows to {output}", style="dim")


# ---------------------------------------------------------------------------------------
# rendering (returns Rich objects; the command prints them)


def _num(v: float | None, fmt: str) -> str:
    import math

    return "-" if v is None or not math.isfinite(v) else format(v, fmt)


def summary_table(result):
    """One row per model: overall MAE, RMSE, MAPE, sMAPE, MASE, direction; best per column marked *."""
    from rich.table import Table

    from lstmcli import periods
    from lstmcli.backtest import LABELS
    from lstmcli.render import price

    r = result
    d0 = r.dates
    span = (f" from {periods.format_date(d0[r.origins[0]], r.frequency)} to "
            f"{periods.format_date(d0[r.origins[-1]], r.frequency)}") if d0 is not None else ""
    unit = r.step_word(2)
    title = (f"Backtest of {r.column!r}: {len(r.origins):,} origins{span}, 1-{r.spec.days} {unit} ahead, "
             f"every {r.spec.every}; LSTM fitted {r.fits}x (window {r.config.window}, {r.config.hidden} units, "
             f"{r.target}, batch {r.config.batch_size})")
    table = Table(title=title, title_justify="left", caption_justify="left")
    table.add_column("model", no_wrap=True)
    cols = [("mae", "MAE", price), ("rmse", "RMSE", price), ("mape", "MAPE %", lambda v: _num(v, ".2f")),
            ("smape", "sMAPE %", lambda v: _num(v, ".2f")), ("mase", "MASE", lambda v: _num(v, ".3f")),
            ("direction", "direction", lambda v: _num(v, ".0f") + ("%" if v is not None else ""))]
    for _, name, _ in cols:
        table.add_column(name, justify="right")
    has_cov = r.coverage is not None
    if has_cov:
        table.add_column(f"{r.interval:.0%} coverage", justify="right")
    best = {}
    for key, _, _ in cols:
        vals = {m: r.scores[m][key] for m in r.models if _finite(r.scores[m][key])}
        if vals:
            best[key] = (max if key == "direction" else min)(vals, key=vals.get)
    for m in r.models:
        s = r.scores[m]
        row = [LABELS[m] + (" (ref)" if m == r.reference else "")]
        for key, _, fmt in cols:
            text = fmt(s[key]) if _finite(s[key]) else "-"
            row.append(f"[bold]{text} *[/]" if best.get(key) == m else text + "  ")
        if has_cov:
            row.append(f"{r.coverage:.1f}%" if m == "lstm" else "")
        table.add_row(*row)
    seasonal = "seasonal " if r.season > 1 else ""
    table.caption = (f"* best in column; (ref) the baseline the verdict compares with. naive = last value; "
                     f"drift = naive + average past change; moving average of the last {r.ma_window}. "
                     f"MASE = MAE / in-sample {seasonal}naive MAE before the test window ({price(r.scale)}). "
                     f"Direction: forecast above/below the last value as the actual was. "
                     f"{r.season_reason[0].upper() + r.season_reason[1:]}.")
    return table


def _finite(v) -> bool:
    import math

    return v is not None and math.isfinite(v)


def horizon_table(result):
    """MASE per horizon step for every model (best per row marked *), and the LSTM's interval coverage."""
    from rich.table import Table

    from lstmcli.backtest import LABELS

    r = result
    table = Table(title=f"MASE by horizon ({r.step_word(2)} ahead)", title_justify="left")
    table.add_column("step", justify="right")
    for m in r.models:
        table.add_column(LABELS[m], justify="right")
    if r.coverage_per_step is not None:
        table.add_column(f"LSTM {r.interval:.0%} coverage", justify="right")
    for h in range(r.spec.days):
        vals = {m: r.scores[m]["per_step"]["mase"][h] for m in r.models}
        finite = {m: v for m, v in vals.items() if _finite(v)}
        best = min(finite, key=finite.get) if finite else None
        row = [f"+{h + 1}"]
        for m in r.models:
            text = _num(vals[m], ".3f")
            row.append(f"[bold]{text} *[/]" if m == best else text + "  ")
        if r.coverage_per_step is not None:
            row.append(f"{r.coverage_per_step[h]:.1f}%")
        table.add_row(*row)
    return table


def coverage_sentence(result) -> str:
    """How often the LSTM's interval held the actual value, against its nominal coverage."""
    r = result
    gap = r.coverage - 100 * r.interval
    how = "close to" if abs(gap) <= 3 else ("above" if gap > 0 else "BELOW")
    style = "green" if abs(gap) <= 3 else ("yellow" if gap > 0 else "bold red")
    n = r.actual.size
    return (f"[{style}]The {r.interval:.0%} prediction interval held {r.coverage:.1f}% of the {n:,} held-out values "
            f"({how} nominal).[/]")


def band_chart(result, width: int = 70, height: int = 14) -> str:
    """The test window: actual values, the LSTM's 1-step forecasts and its interval band."""
    from uniplot import plot_to_string

    r = result
    rows = r.origins  # (O,) the row each 1-step forecast is for
    xs = rows - rows[0]
    ys = [r.actual[:, 0], r.forecasts["lstm"][:, 0], r.lower[:, 0], r.upper[:, 0]]
    legend = ["actual", "LSTM 1-step forecast", f"{r.interval:.0%} low", f"{r.interval:.0%} high"]
    lines = plot_to_string(ys, xs=[xs] * 4, lines=True, width=width, height=height, legend_labels=legend,
                           title=f"{r.column}: test window, 1 {r.step_word()} ahead", color=True,
                           x_unit=f" {r.step_word(2)} into the test window")
    return "\n".join(lines) if isinstance(lines, list) else lines


# ---------------------------------------------------------------------------------------
# progress and files


class _LazyProgress:
    """A progress bar on stderr that appears only once the work has taken more than a second."""

    def __init__(self, console, quiet: bool, delay: float = 1.0) -> None:
        self.console, self.quiet, self.delay = console, quiet, delay
        self.bar = None

    def __enter__(self):
        import time

        self.start = time.perf_counter()
        if self.quiet:
            return None

        def on_progress(done: float, what: str) -> None:
            if self.bar is None:
                if time.perf_counter() - self.start < self.delay:
                    return
                from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

                self.bar = Progress(TextColumn("backtest {task.fields[what]}"), BarColumn(bar_width=24),
                                    TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(), TextColumn("ETA"),
                                    TimeRemainingColumn(), console=self.console, transient=True)
                self.bar.start()
                self.task = self.bar.add_task("backtest", total=1.0, what=what)
            self.bar.update(self.task, completed=done, what=what)

        return on_progress

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
