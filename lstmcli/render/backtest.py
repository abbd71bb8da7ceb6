"""Rich renderables for `lstm backtest`: the summary and horizon tables, the verdict's colour, coverage, the chart."""

from __future__ import annotations

import math

import numpy as np

from lstmcli.backtest import LABELS, Verdict
from lstmcli.render.common import FitTable, format_date, line_chart, plural, price, user_text

#: the colour of each verdict kind (the library says which kind; the renderer colours it)
VERDICT_STYLES = {Verdict.BETTER: "green", Verdict.TIE: "yellow", Verdict.WORSE: "bold red"}


def verdict_line(result, baseline: str | None = None) -> str:
    """The verdict sentence (model vs baseline), coloured by its kind, as markup."""
    kind, sentence = result.verdict(baseline=baseline)
    return f"[{VERDICT_STYLES[kind]}]{sentence}[/]"


def _num(v: float | None, fmt: str) -> str:
    return "-" if v is None or not math.isfinite(v) else format(v, fmt)


def _lstm_season(r) -> str:
    """`, season 12 with phase inputs ...` when the LSTM fits had a season (that of the last fit)."""
    last = r.fit_configs[-1].get("season") if r.fit_configs else None
    if not last:
        return ""
    given = last.split("; ", 1)[1] if "; " in last else ""
    return f", season {r.season}" + (f" with {given}" if given else "")


def _toward_snaive(r) -> str:
    """`, forecasting seasonal naive's values (not the network's)` when the fits' forecasts were seasonal naive's (or
    the mean with it: --season-fits shrink-snaive), or naive's (--naive-fits), so that its numbers are not read as the
    network's."""
    naive = any("naive_weight" in f for f in r.fit_configs)  # a series has a season or not: one kind of blend
    who = "naive's" if naive else "seasonal naive's"
    weights = [f.get("naive_weight" if naive else "snaive_weight", 0) for f in r.fit_configs]
    whose = {1: f"{who} values (not the network's)", 0.5: f"the mean of the network's and {who}"}
    on = [(w, sum(x == w for x in weights)) for w in whose if w in weights]
    of = "" if len(weights) == 1 else f" of {len(weights)}"
    return "".join(f", forecasting {whose[w]}" + ("" if n == len(weights) else f" on {n}{of} fits") for w, n in on)


def _members(r) -> str:
    """`, median of 3 networks` when the LSTM fits were ensembles (`on fits under 300 rows` when only some were)."""
    sizes = {f.get("ensemble_members", 1) for f in r.fit_configs}
    if max(sizes, default=1) == 1:
        return ""
    from lstmcli.ensemble import SHORT_ROWS

    return f", median of {max(sizes)} networks" + (f" on fits under {SHORT_ROWS} rows" if len(sizes) > 1 else "")


def summary_table(result):
    """One row per model: overall MAE, RMSE, MAPE, sMAPE, MASE, direction; best per column marked *."""
    r = result
    d0 = r.dates
    span = (
        (
            f" from {user_text(format_date(d0[r.origins[0]], r.frequency))} to "
            f"{user_text(format_date(d0[r.origins[-1]], r.frequency))}"
        )
        if d0 is not None
        else ""
    )
    unit = r.step_word(2)
    title = (
        f"Backtest of {user_text(repr(r.column))}: {plural(len(r.origins), 'origin')}{span}, "
        f"1-{r.spec.days} {unit} ahead, "
        f"every {r.spec.every}; LSTM fitted {r.fits}x (window {r.config.window}, {plural(r.config.hidden, 'unit')}, "
        f"{r.target}, batch {r.config.batch_size}"
        + _lstm_season(r)
        + _toward_snaive(r)
        + _members(r)
        + (", refitted on all rows" if r.config.refit_all else "")
        + ")"
    )
    table = FitTable(title=title, title_justify="left", caption_justify="left")
    table.add_column("model", no_wrap=True)
    cols = [
        ("mae", "MAE", price),
        ("rmse", "RMSE", price),
        ("mape", "MAPE %", lambda v: _num(v, ".2f")),
        ("smape", "sMAPE %", lambda v: _num(v, ".2f")),
        ("mase", "MASE", lambda v: _num(v, ".3f")),
        ("direction", "direction", lambda v: _num(v, ".0f") + ("%" if v is not None else "")),
    ]
    drop = {"smape": 1, "mape": 2, "rmse": 3, "direction": 4}  # narrow terminals: MAE, MASE and coverage stay
    for key, name, _ in cols:
        table.add_column(name, justify="right", drop=drop.get(key))
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
    table.caption = (
        f"* best in column; (ref) the baseline the verdict compares with. naive = last value; "
        f"drift = naive + average past change; moving average of the last {r.ma_window}. "
        f"MASE = MAE / in-sample {seasonal}naive MAE before the test window ({price(r.scale)}). "
        f"Direction: forecast above/below the last value as the actual was. "
        f"{r.season_reason[0].upper() + r.season_reason[1:]}."
        + ("" if r.ensemble_choice is None else f" Ensemble: {r.ensemble_choice}.")
    )
    return table


def _finite(v) -> bool:
    return v is not None and math.isfinite(v)


def horizon_table(result):
    """MASE per horizon step for every model (best per row marked *), and the LSTM's interval coverage."""
    r = result
    table = FitTable(title=f"MASE by horizon ({r.step_word(2)} ahead)", title_justify="left")
    table.add_column("step", justify="right")
    # narrow terminals: the moving average, the coverage, then drift go first; the LSTM and the baseline the verdict
    # compares with (seasonal naive on a seasonal series) stay longest
    drop = {"moving_average": 1, "drift": 3}
    for m in r.models:
        table.add_column(LABELS[m], justify="right", drop=None if m in ("lstm", r.reference) else drop.get(m, 4))
    if r.coverage_per_step is not None:
        table.add_column(f"LSTM {r.interval:.0%} coverage", justify="right", drop=2)
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
    return (
        f"[{style}]The {r.interval:.0%} prediction interval held {r.coverage:.1f}% of the {n:,} held-out values "
        f"({how} nominal).[/]"
    )


def band_chart(result, width: int = 70, height: int = 14) -> str:
    """The test window: actual values, the LSTM's 1-step forecasts and its interval band."""
    r = result
    rows = r.origins  # (O,) the row each 1-step forecast is for
    dated = r.dates is not None  # uniplot labels a datetime64[s] axis with dates
    xs = np.asarray(r.dates)[rows].astype("datetime64[s]") if dated else rows - rows[0]
    ys = [r.actual[:, 0], r.forecasts["lstm"][:, 0], r.lower[:, 0], r.upper[:, 0]]
    legend = ["actual", "LSTM 1-step forecast", f"{r.interval:.0%} low", f"{r.interval:.0%} high"]
    return line_chart(
        ys,
        [xs] * 4,
        legend,
        f"{r.column}: test window, 1 {r.step_word()} ahead",
        width,
        height,
        **({} if dated else {"x_unit": f" {r.step_word(2)} into the test window"}),
    )


def stopped_line(result, signal_name: str | None) -> str:
    """The first line of a backtest stopped midway (Ctrl-C, SIGTERM): which origins the scores cover, as markup."""
    r = result
    total = r.planned_origins or len(r.origins)

    def at(row: int) -> str:  # an origin by its first forecast date, else its row (the --output CSV's `origin`)
        return user_text(format_date(r.dates[row], r.frequency)) if r.dates is not None else f"row {row}"

    spans = ", ".join(at(a) if a == b else f"{at(a)} to {at(b)}" for a, b in r.kept_spans())
    fits = f" ({r.fits} of {r.planned_fits} fits finished)" if (r.planned_fits or 1) > 1 else ""
    return (
        f"[yellow]Stopped by {signal_name or 'a stop request'} after {len(r.origins):,} of {total:,} origins{fits}: "
        f"the scores below cover origins {spans} only.[/]"
    )
