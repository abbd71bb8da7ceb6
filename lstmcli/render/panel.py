"""Tables of a panel (many series): what trained, forecasts grouped by series, backtest scores per series.

Render functions return Rich objects; the commands print them. Series names come from the
user's files, so they pass through `user_text`.
"""

from __future__ import annotations

import math

from rich import box
from rich.table import Table
from rich.text import Text

from lstmcli.render.common import FitTable, format_date, plural, price, user_text

MAX_ROWS = 40  # series shown in a table; the rest are counted in the caption


def _num(v: float | None, fmt: str = "{:.3f}") -> str:
    return "-" if v is None or not math.isfinite(v) else fmt.format(v)


def _fit(name: str) -> dict:
    """Numbers and dates are never cut (FitTable's width rules); names and model descriptions wrap instead."""
    return {} if name in ("series", "model") else {"no_wrap": True}


def _model(info) -> str:
    """`log-return, w30` (and `, season 12`): what each series' model learns; lstm inspect --series has the rest.
    A seasonal difference's model learns `log change over 4` (its target alone would say log-return)."""
    season = getattr(info, "season", None)
    learns = season.change_words(info.target) if season is not None and season.difference else info.target
    return f"{learns}, w{info.config.window}" + (f", {season.label}" if season is not None else "")


def _any_seasonal(panel) -> bool:
    """Some series' model was scored against seasonal naive: `lstm inspect`'s list gets a `snaive MAE` column."""
    return any(f.info.validation.seasonal_naive is not None for f in panel.members.values())


def _snaive(v) -> str:
    """Seasonal naive's one-step MAE on the series' validation rows ("-": no season)."""
    return "-" if v.seasonal_naive is None else price(v.seasonal_naive.mae)


def training_table(panel, rows: dict[str, int] | None = None) -> Table:
    """One row per trained series: rows, window, target, epochs, one-step validation MAE vs naive."""
    table = FitTable(
        title="Trained series (one-step forecasts on each series' validation part)",
        title_justify="left",
        box=box.SIMPLE_HEAD,  # no vertical rules: a row of numbers fits 80 columns
    )
    for name, justify in (
        ("series", "left"),
        ("rows", "right"),
        ("model", "left"),
        ("MAE", "right"),
        ("naive MAE", "right"),
        ("MAE / naive", "right"),
        ("MASE", "right"),
    ):
        table.add_column(name, justify=justify, **_fit(name))
    items = list(panel.members.items())
    for sid, f in items[:MAX_ROWS]:
        info = f.info
        v = info.validation
        rel = v.model.mae / v.naive.mae if v.naive.mae > 0 else float("nan")
        table.add_row(
            user_text(sid),
            f"{info.data.rows:,}",
            _model(info),
            price(v.model.mae),
            price(v.naive.mae),
            _num(rel, "{:.2f}"),
            _num(v.model.mase),
        )
    if len(items) > MAX_ROWS:
        table.caption = f"... and {len(items) - MAX_ROWS:,} more series (lstm inspect lists them all)"
    return table


def summary_line(panel, total: int, saved: str | None = None) -> str:
    """How many series trained, how many beat naive on validation (one-step MAE), and the model file written
    (`saved`: what follows "Saved", e.g. "the panel model (3 series) to p.npz", said here only)."""
    trained = len(panel.members)
    rel = [
        f.info.validation.model.mae / f.info.validation.naive.mae
        for f in panel.members.values()
        if f.info.validation.naive.mae > 0
    ]
    wins = sum(r < 1 for r in rel)
    median = sorted(rel)[len(rel) // 2] if rel else float("nan")
    skipped = f", {len(panel.skipped):,} skipped" if panel.skipped else ""
    from lstmcli.render.train import clear_wins

    return (
        f"Trained {trained:,} of {total:,} series{skipped}; {wins:,} of {len(rel):,} beat the naive forecast"
        + clear_wins(f.info.validation for f in panel.members.values())
        + f" on validation (median MAE / naive {_num(median, '{:.3f}')})"
        + seasonal_wins(f.info.validation for f in panel.members.values())
        + "."
        + ("" if saved is None else f" Saved {user_text(saved)}.")
    )


def seasonal_wins(validations) -> str:
    """ "; 2 of the 3 with a season beat seasonal naive (1 beyond chance)": the bar a seasonal series' model is held
    to, beside the count that beat naive ("" when no series has a season, or no file says: models before round 9;
    no "beyond chance" for files before round 10)."""
    from lstmcli.render.train import beats_seasonal_naive, beyond_chance_count, clearly_beats_seasonal_naive

    validations = list(validations)
    judged = [b for b in map(beats_seasonal_naive, validations) if b is not None]
    if not judged:
        return ""
    clear = beyond_chance_count(validations, clearly_beats_seasonal_naive)
    beyond = f" ({clear:,} beyond chance)" if clear is not None and sum(judged) else ""
    return f"; {sum(judged):,} of the {len(judged):,} with a season beat seasonal naive{beyond}"


def forecast_table(forecasts: dict, days: int) -> Table:
    """The forecasts of every series, grouped by series (a section each)."""
    table = FitTable(title=f"Forecast, next {plural(days, 'step')}, per series", title_justify="left")
    any_bounds = any(fc.lower is not None for fc in forecasts.values())
    for name, justify in (("series", "left"), ("step", "right"), ("date", "left"), ("forecast", "right")):
        table.add_column(name, justify=justify, **_fit(name))
    if any_bounds:
        label = next(fc.interval for fc in forecasts.values() if fc.lower is not None)
        table.add_column(f"{label:.0%} interval", justify="right")
    for sid, fc in forecasts.items():
        for k, v in enumerate(fc.values):
            row = [
                user_text(sid) if k == 0 else "",
                str(k + 1),
                format_date(fc.dates[k], fc.frequency, fc.timezone) if fc.dates is not None else "-",
                price(v),
            ]
            if any_bounds:
                row.append(f"{price(fc.lower[k])} .. {price(fc.upper[k])}" if fc.lower is not None else "-")
            table.add_row(*row)
        table.add_section()
    return table


GROUPED_SERIES = 20  # beyond this many series, `predict` shows one row per series (forecast_summary_table)


def grouped(forecasts: dict, selected: bool) -> bool:
    """True for the grouped table (every step of every series): a --series selection, or up to GROUPED_SERIES
    series. Beyond that the grouped table runs past several screens (20 series x 5 steps is ~120 lines), so
    one row per series (forecast_summary_table) shows them, and the rest goes to --output or --json."""
    return selected or len(forecasts) <= GROUPED_SERIES


def _last_date(fc) -> str:
    return format_date(fc.last_date, fc.frequency, fc.timezone) if fc.last_date is not None else "-"


def forecast_summary_table(forecasts: dict, days: int) -> Table:
    """One row per series: its last date and price, the forecast `days` steps on, its change and its band
    (a big panel's `lstm predict`; every step with its bounds: --series, --output or --json)."""
    first = next(iter(forecasts.values()))
    ends = {
        format_date(fc.dates[-1], fc.frequency, fc.timezone) if fc.dates is not None else "-"
        for fc in forecasts.values()
    }
    same_end = len(ends) == 1  # one date for every series: said in the title, not in a column
    when = f" ({user_text(next(iter(ends)))})" if same_end and first.dates is not None else ""
    table = FitTable(
        title=f"Forecast {days} step{'s' if days > 1 else ''} ahead{when}, one row per series",
        title_justify="left",
        box=box.SIMPLE_HEAD,  # no vertical rules: a row of numbers fits 80 columns
    )
    label = next((fc.interval for fc in forecasts.values() if fc.lower is not None), None)
    columns = [("series", "left", None), ("last date", "left", None), ("last", "right", None)]
    if not same_end:
        columns.append((f"step {days} date", "left", 1))
    columns += [(f"step {days}", "right", None), ("change", "right", None)]
    if label is not None:
        columns.append((f"{label:.0%} interval", "right", None))
    for name, justify, drop in columns:
        table.add_column(name, justify=justify, drop=drop, **_fit(name))
    for sid, fc in forecasts.items():
        v = fc.values[-1]
        change = fc.change_pct[-1]
        row = [str(sid), _last_date(fc), price(fc.last_value)]
        if not same_end:
            row.append(format_date(fc.dates[-1], fc.frequency, fc.timezone) if fc.dates is not None else "-")
        row += [price(v), _num(change, "{:+.1f}%")]
        if label is not None:
            row.append(f"{price(fc.lower[-1])} .. {price(fc.upper[-1])}" if fc.lower is not None else "-")
        table.add_row(*map(Text, row))  # Text: literal (no markup to parse in a series name), and a third faster
    return table


def every_row_line(forecasts: dict, days: int, model: str | None) -> str:
    """Under the one-row-per-series table: how to get every step of every series, with its bounds."""
    import shlex  # names with spaces are quoted, so the line can be pasted into a shell

    first = user_text(shlex.quote(str(next(iter(forecasts)))))
    where = f" --model {user_text(shlex.quote(str(model)))}" if model else ""
    return (
        f"Every step with its bounds: lstm predict --days {days}{where} --series {first} (one series), "
        f"or --output forecast.csv / --json (all {len(forecasts):,} series)."
    )


def forecast_rows(forecasts: dict) -> list[dict]:
    """The long CSV of `lstm predict --output`: series, step, date, forecast, lower_90, upper_90, extrapolated."""
    from lstmcli.intervals import level_label

    label = next((level_label(fc.interval) for fc in forecasts.values() if fc.lower is not None), None)
    rows = []
    for sid, fc in forecasts.items():
        for r in fc.to_dict()["forecast"]:
            row = {"series": sid, "step": r["step"], "date": r["date"] or "", "forecast": r["forecast"]}
            if label is not None:
                row[f"lower_{label}"] = r.get(f"lower_{label}", "")
                row[f"upper_{label}"] = r.get(f"upper_{label}", "")
                row["extrapolated"] = r.get("extrapolated", "")  # the band beyond the calibrated steps
            rows.append(row)
    return rows


def series_list(panel, path: str) -> Table:
    """`lstm inspect` of a panel: every series with its rows, dates and validation scores."""
    table = FitTable(
        box=box.SIMPLE_HEAD,
        title=f"Panel model {user_text(path)}: {len(panel.members):,} series"
        + (f", {len(panel.skipped):,} skipped" if panel.skipped else ""),
        title_justify="left",
    )
    for name, justify in (
        ("series", "left"),
        ("rows", "right"),
        ("last date", "left"),
        ("model", "left"),
        ("MAE", "right"),
        ("naive MAE", "right"),
        *((("snaive MAE", "right"),) if (seasonal := _any_seasonal(panel)) else ()),
        ("MASE", "right"),
    ):
        table.add_column(name, justify=justify, **_fit(name))
    for sid, f in panel.members.items():
        d, v = f.info.data, f.info.validation
        table.add_row(
            user_text(sid),
            f"{d.rows:,}",
            user_text((d.last_date or "-")[:10]),  # the day; the span and times of day: lstm inspect --series
            _model(f.info),
            price(v.model.mae),
            price(v.naive.mae),
            *((_snaive(v),) if seasonal else ()),
            _num(v.model.mase),
        )
    for sid, why in panel.skipped.items():
        table.add_row(user_text(sid), "", "", f"skipped: {user_text(why)}", *[""] * (3 + seasonal))
    return table


def backtest_table(results: list[dict], reference: str) -> Table:
    """Per-series backtest scores: MASE of the LSTM and the baselines, MAE relative to naive, coverage."""
    table = FitTable(title="Backtest per series", title_justify="left")
    for name in ("series", "origins", "LSTM MASE", "naive MASE", "snaive MASE", "MAE / naive", "coverage", "verdict"):
        table.add_column(name, justify="left" if name in ("series", "verdict") else "right")
    for r in results[:MAX_ROWS]:
        table.add_row(
            user_text(r["series"]),
            str(r["origins"]),
            _num(r["lstm_mase"]),
            _num(r["naive_mase"]),
            _num(r["seasonal_naive_mase"]),
            _num(r["mae_vs_naive"], "{:.3f}"),
            _num(r["coverage"], "{:.0f}%"),
            r["verdict"],
        )
    if len(results) > MAX_ROWS:
        table.caption = f"... and {len(results) - MAX_ROWS:,} more series (--output writes them all)"
    return table


def aggregate_table(agg: dict) -> Table:
    """The panel's aggregate backtest: median/mean MASE, MAE vs naive, wins/ties/losses, coverage."""
    table = FitTable(title=f"Backtest over {agg['series']:,} series", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("median LSTM MASE", _num(agg["median_mase"]))
    table.add_row("mean LSTM MASE", _num(agg["mean_mase"]))
    table.add_row("median MAE / naive", _num(agg["median_mae_vs_naive"]))
    table.add_row("mean MAE / naive", _num(agg["mean_mae_vs_naive"]))
    for base in ("naive", "seasonal_naive"):
        w = agg[f"vs_{base}"]
        table.add_row(f"wins/ties/losses vs {base.replace('_', ' ')}", f"{w['wins']}/{w['ties']}/{w['losses']}")
    table.add_row("mean interval coverage", _num(agg["mean_coverage"], "{:.1f}%"))
    return table


PLOT_SERIES = 30  # bars in `backtest --plot` of a panel: every series up to this, else the best and worst half


def plot_rows(scored: list[dict]) -> tuple[list[dict], int]:
    """The series `backtest --plot` draws as bars, best (lowest MAE / naive) first, and how many are left out:
    every series up to PLOT_SERIES, else the PLOT_SERIES // 2 best and the PLOT_SERIES // 2 worst."""
    ranked = sorted(scored, key=lambda r: (not math.isfinite(r["mae_vs_naive"]), r["mae_vs_naive"]))
    if len(ranked) <= PLOT_SERIES:
        return ranked, 0
    half = PLOT_SERIES // 2
    return ranked[:half] + ranked[-half:], len(ranked) - 2 * half


def _plain(text: str) -> str:
    """A name from the user's file as matplotlib shows it literally ($ would start its math mode)."""
    return str(text).replace("$", r"\$")


def backtest_figure(scored: list[dict], agg: dict, source: str):
    """`lstm backtest --plot` of a panel, one figure of the plot module's size (1000 x 500 px as PNG).

    Left: a bar per series (the best and worst when there are many): the LSTM's MASE beside naive's
    (and seasonal naive's when a series has a season), best first. Right: how MAE / naive is spread
    over every series, with 1 (as good as naive) and the median marked."""
    import numpy as np

    from lstmcli.render.plot import DPI, FIG_INCHES, _pyplot

    plt = _pyplot()
    fig, (bars, hist) = plt.subplots(1, 2, figsize=FIG_INCHES, dpi=DPI, width_ratios=(3, 2))
    shown, left_out = plot_rows(scored)
    y = np.arange(len(shown))
    seasonal = any(r["season"] > 1 for r in shown)
    models = [("lstm_mase", "LSTM", "#d9480f"), ("naive_mase", "naive", "#868e96")]
    if seasonal:
        models.append(("seasonal_naive_mase", "seasonal naive", "#1f4e79"))
    h = 0.8 / len(models)
    for j, (key, label, color) in enumerate(models):
        values = np.array([r[key] for r in shown], dtype=float)
        bars.barh(y + (j - (len(models) - 1) / 2) * h, np.nan_to_num(values), height=h, color=color, label=label)
    bars.set_yticks(y, [_plain(r["series"]) for r in shown], fontsize=7 if len(shown) > 15 else 9)
    bars.invert_yaxis()  # the best series on top
    if left_out:  # a line between the best and the worst half
        bars.axhline(len(shown) / 2 - 0.5, color="black", lw=0.8, ls="--")
    bars.set_xlabel("MASE (lower is better)")
    what = f"{len(shown)} series" if not left_out else f"the {len(shown) // 2} best and {len(shown) // 2} worst"
    bars.set_title(f"MASE per series: {what}, best first", fontsize=10)
    bars.grid(axis="x", alpha=0.3)
    bars.legend(loc="lower right", fontsize="small")
    rel = np.array([r["mae_vs_naive"] for r in scored], dtype=float)
    rel = rel[np.isfinite(rel)]
    if len(rel):
        hist.hist(rel, bins=min(30, max(5, len(rel) // 3)), color="#d9480f", alpha=0.7)
        hist.axvline(1.0, color="black", lw=1.2, label="1: as good as naive")
        hist.axvline(agg["median_mae_vs_naive"], color="#1f4e79", lw=1.2, ls="--", label="median")
        hist.legend(loc="upper right", fontsize="small")
    hist.set_xlabel("LSTM MAE / naive MAE (below 1: beats naive)")
    hist.set_ylabel("series")
    hist.yaxis.get_major_locator().set_params(integer=True)  # counts of series
    hist.set_title(f"All {len(scored):,} series", fontsize=10)
    hist.grid(alpha=0.3)
    wins = agg["vs_naive"]["wins"]
    fig.suptitle(
        f"Backtest of {len(scored):,} series from {_plain(source)}: median MASE {_num(agg['median_mase'])}, "
        f"{wins:,} beat naive",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def save_backtest_plot(scored: list[dict], agg: dict, path, source: str):
    """`lstm backtest --plot FILE` of a panel (.png, .svg or .html, written atomically)."""
    from lstmcli.render.plot import save_figure

    return save_figure(backtest_figure(scored, agg, source), path, f"{source}: backtest of {len(scored):,} series")
