"""Rich renderables for `lstm predict`: the title line, the dated forecast table, the terminal chart."""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text

from lstmcli.intervals import level_label
from lstmcli.render.common import FitTable, format_date, line_chart, price, user_text


def title(fc, days: int) -> str:
    """`Close: 5-step forecast (recursive) after 2024-05-31, last value 101.23` (markup, italic)."""
    last = "" if fc.last_date is None else f" after {user_text(format_date(fc.last_date, fc.frequency, fc.timezone))}"
    return (
        f"[italic]{user_text(fc.column)}: {days}-step forecast ({fc.strategy}){last}, "
        f"last value {price(fc.last_value)}[/]"
    )


def forecast_table(fc, title: str | None = None) -> Table:
    """Date, forecast, change vs the last value (and %), and the interval(s) when there are any.

    With several bands (--interval 0.5,0.9) the absolute change is left out, so that the table
    still fits 80 columns (the CSV and JSON keep it). Narrower still, the width rules leave out the
    change, then the change %, then the bands from the narrowest level up.
    """
    bands = fc.bands or ({fc.interval: (fc.lower, fc.upper)} if fc.lower is not None else {})
    with_change = len(bands) <= 1
    table = FitTable(title=title, title_justify="left")
    table.add_column("date" if fc.dates is not None else "step", no_wrap=True)
    table.add_column("forecast", justify="right")
    if with_change:
        table.add_column("change", justify="right", drop=1)
    table.add_column("change %", justify="right", drop=2)
    order = sorted(bands)  # the narrowest band goes first
    for level in bands:
        table.add_column(f"{level_label(level)}% low", justify="right", drop=3 + order.index(level))
        table.add_column(f"{level_label(level)}% high", justify="right", drop=3 + order.index(level))
    for k, v in enumerate(fc.values):
        label = format_date(fc.dates[k], fc.frequency, fc.timezone) if fc.dates is not None else f"+{k + 1}"
        ch, pc = fc.change[k], fc.change_pct[k]
        style = "green" if ch > 0 else ("red" if ch < 0 else "")
        row = [label, price(v)]
        row += [Text(("+" if ch > 0 else "-" if ch < 0 else "") + price(abs(ch)), style)] if with_change else []
        row += [Text(f"{pc:+.2f}%" if np.isfinite(pc) else "-", style)]  # from a last value of 0: no percentage
        for lo, hi in bands.values():
            row += [price(lo[k]), price(hi[k])]
        table.add_row(*row)
    return table


def extrapolation_note(fc) -> str | None:
    """`Note: the band of steps 11-15 (2024-06-10 to 2024-06-14) is extrapolated: ...`, or None."""
    from lstmcli.intervals import extrapolation_note as sentence

    if fc.lower is None or fc.calibration is None:
        return None
    labels = None if fc.dates is None else [user_text(format_date(d, fc.frequency, fc.timezone)) for d in fc.dates]
    text = sentence(fc.calibration, len(fc.values), labels)
    return None if text is None else f"Note: {text}"


def forecast_chart(fc, width: int = 70, height: int = 14) -> str:
    """History then forecast (and band) as a terminal line chart drawn by uniplot."""

    n = len(fc.history)
    dated = fc.dates is not None and fc.history_dates is not None and fc.last_date is not None
    if dated:  # uniplot labels a datetime64[s] axis with dates
        xs_hist = np.asarray(fc.history_dates).astype("datetime64[s]")
        xs_fc = np.concatenate([[np.datetime64(fc.last_date, "s")], np.asarray(fc.dates).astype("datetime64[s]")])
    else:
        xs_hist = np.arange(n) - (n - 1)
        xs_fc = np.arange(len(fc.values) + 1)
    ys = [fc.history, np.append(fc.last_value, fc.values)]
    xs = [xs_hist, xs_fc]
    legend = ["history", "forecast"]
    if fc.lower is not None:
        ys += [np.append(fc.last_value, fc.lower), np.append(fc.last_value, fc.upper)]
        xs += [xs_fc, xs_fc]
        legend += [f"{fc.interval:.0%} low", f"{fc.interval:.0%} high"]
    x_is = "dates" if dated else "steps from the last one"
    title = f"{fc.column}: last {n} observations and the forecast (x: {x_is})"
    return line_chart(ys, xs, legend, title, width, height)
