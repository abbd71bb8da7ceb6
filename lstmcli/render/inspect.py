"""Rich renderables for `lstm inspect`: the step trace, the weights, the model summary, the seed's example.

Functions return tables and text; the command prints them. Every number shown comes from a
`trace.Trace` (the engine's own forward record) or the model file; nothing is recomputed
here except sums written out for the reader (`explain`).

Layout of the step trace, chosen to read well at 80-100 columns:

* Several units: one table per step, one row per unit (columns: forget, input, candidate,
  output, long-term before/after, short-term after). A step is the natural unit of
  reading ("on this date, this happened in every unit"), the columns are the seed's
  stages in order, and eight numeric columns of ~7 characters fit 80 columns. The
  alternative, one table per gate with units as columns, fits only ~9 units across and
  scatters one step's story over seven tables. Rows are limited by `--top`/`--units` and
  tables by `--steps`, and a dim line says what was left out.
* One unit per layer (the seed's case): one table per layer with one row per step, like
  the seed's company tables, so the memory can be read down a column.

Colour only repeats what the numbers say (gates: red near 0 = closed, green near 1 =
open), so NO_COLOR and pipes read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from lstmcli import engine, example, explain, levels
from lstmcli.periods import FREQUENCY_NAMES
from lstmcli.render.common import FitTable, explain_text, format_date, gate_style, price, user_text
from lstmcli.trace import Trace

if TYPE_CHECKING:
    from lstmcli.modelfile import ModelInfo

#: (layer, units shown) pairs
Selection = list[tuple[int, list[int]]]

TARGET_WORDS = {"log-return": "log-return", "diff": "change", "level": "level"}


def _gate(v: float) -> Text:
    return Text(f"{v:.3f}", gate_style(v))


def _signed(v: float, places: int = 3) -> str:
    return f"{v:+.{places}f}"


def _date(t: Trace, s: int) -> str:
    return "" if t.dates is None else format_date(t.dates[s], t.frequency)


def _words(t: Trace) -> str:
    """The transformed column's name: the target's word, or the seasonal difference's."""
    if t.season is not None and t.season.difference:
        return t.season.change_words(t.target)
    return TARGET_WORDS[t.target]


def _transformed(t: Trace, v: float) -> str:
    return f"{v:+.5f}" if t.target == "log-return" else f"{v:+.4g}"


def legend() -> Text:
    """The words of the tables, once: what each gate and memory means (the seed's words)."""
    return Text(
        "forget gate: share of the long-term memory kept; input gate: share of the candidate (the "
        "potential long-term memory, -1..1) added to it; output gate: share of tanh(long-term memory) "
        "passed on as short-term memory. Long-term memory = cell state, short-term memory = hidden "
        "state; both start at 0. Gates near 1 are open (green), near 0 closed (red).",
        style="dim",
    )


def step_heading(t: Trace, s: int) -> Text:
    """`Step 3/4  2024-08-21 (row 7)  Price 0.2514  scaled input -0.716` (raw, transformed, scaled)."""
    text = Text(f"Step {s + 1}/{t.steps}", style="bold")
    text.append(f"  {_date(t, s)} (row {t.rows[s]})" if t.dates is not None else f"  row {t.rows[s]}")
    for j, col in enumerate(t.columns):
        text.append(f"  {col} {price(float(t.prices[s, j]))}")
        if t.target != "level":
            text.append(f"  {_words(t)} {_transformed(t, float(t.transformed[s, j]))}")
        text.append(f"  scaled input {_signed(float(t.scaled[s, j]))}")
    for j in range(len(t.columns), len(t.input_names)):  # season sin, season cos, level vs mean
        text.append(f"  {t.input_names[j]} {_signed(float(t.scaled[s, j]))}")
    return text


def _unit_cells(rec, s: int, u: int, *, cell_before: bool) -> list[str]:
    """Unit u at step s, in the tables' column order: the four gates, then the memories."""
    cells = [
        _gate(float(rec.forget_gate[s, 0, u])),
        _gate(float(rec.input_gate[s, 0, u])),
        _signed(float(rec.candidate[s, 0, u])),
        _gate(float(rec.output_gate[s, 0, u])),
    ]
    if cell_before:
        cells.append(_signed(float(rec.cell_prev[s, 0, u])))
    return [*cells, _signed(float(rec.cell_new[s, 0, u])), _signed(float(rec.hidden_new[s, 0, u]))]


def step_table(t: Trace, s: int, selection: Selection) -> Table:
    """Step s, one row per shown unit (sections per layer): the four gates and both memories.

    The step's heading (`step_heading`) is printed above it, so it can wrap at the console's
    width rather than the table's.
    """
    many = len(selection) > 1
    table = FitTable(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    if many:
        table.add_column("layer", justify="right")
    for header in (
        "unit",
        "forget\ngate",
        "input\ngate",
        "candidate\n(-1..1)",
        "output\ngate",
        "long-term\nbefore",
        "long-term\nafter",
        "short-term\nafter",
    ):  # narrow: "long-term before" goes first (it is the previous step's "after")
        table.add_column(header, justify="right", no_wrap=True, drop=1 if header == "long-term\nbefore" else None)
    for n, (k, units) in enumerate(selection):
        rec = t.record.layers[k]
        if n:
            table.add_section()
        for u in units:
            row = [str(u), *_unit_cells(rec, s, u, cell_before=True)]
            table.add_row(*([str(k)] if many else []), *row)
    return table


def unit_table(t: Trace, layer: int, unit: int, steps: Sequence[int], title: str) -> Table:
    """One unit, one row per step (the seed's layout): input, gates, memories after the step."""
    rec = t.record.layers[layer]
    table = FitTable(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_style="bold"
    )
    has_dates = t.dates is not None
    level = levels.NAME in t.input_names[len(t.columns) :]  # its column is the last input
    table.add_column("step", justify="right")
    if has_dates:
        table.add_column("date", no_wrap=True)
    if layer == 0:
        col = t.columns[0]
        table.add_column(user_text(col if len(col) <= 10 else col[:9] + "."), justify="right", no_wrap=True)
        if t.target != "level":
            table.add_column(_words(t), justify="right", no_wrap=True)
        table.add_column("scaled\ninput", justify="right", no_wrap=True)
        if t.phases is not None and t.season.phase_inputs:  # one narrow column for both season inputs
            table.add_column("season\nphase", justify="right", no_wrap=True)
            m = t.season.length
            if t.season.cycle is None:
                table.caption = (
                    f"season phase k (of {m}): the network also reads {' and '.join(t.season.input_names)} "
                    f"= sin(2 pi k/{m}) and cos(2 pi k/{m})"
                )
            else:  # the position in the year: a cycle of a non-whole length; phases wrap at m rows (whole years)
                c = f"{t.season.cycle:.4g}"
                table.caption = (
                    f"season phase k (rows, of {m}): the network also reads {' and '.join(t.season.input_names)} "
                    f"= sin(2 pi k/{c}) and cos(2 pi k/{c}), the position in the year"
                )
        if level:  # the level input (the default since round 7): an input of layer 0 like the price's
            table.add_column("level\nvs mean", justify="right", no_wrap=True)  # levels.NAME
    else:
        table.add_column("input\n(layer below)", justify="right")
    for header in ("forget\ngate", "input\ngate", "candidate", "output\ngate", "long-term\nafter", "short-term\nafter"):
        table.add_column(header, justify="right", no_wrap=True)
    for s in steps:
        row = [str(s + 1)]
        if has_dates:
            row.append(_date(t, s))
        if layer == 0:
            row.append(price(float(t.prices[s, 0])))
            if t.target != "level":
                row.append(_transformed(t, float(t.transformed[s, 0])))
            row.append(_signed(float(t.scaled[s, 0])))
            if t.phases is not None and t.season.phase_inputs:
                row.append(str(int(t.phases[s])))
            if level:
                row.append(_signed(float(t.scaled[s, -1])))
        else:
            x = rec.inputs[s, 0]
            row.append(_signed(float(x[0])) if len(x) == 1 else f"{len(x)} values")
        row += _unit_cells(rec, s, unit, cell_before=False)
        table.add_row(*row)
    return table


def explain_parts(t: Trace, params: dict[str, np.ndarray], s: int, selection: Selection) -> list[RenderableType]:
    """The seed's three stages written out for step s of every shown unit."""
    parts: list[RenderableType] = []
    for k, units in selection:
        for u in units:
            where = f"layer {k} unit {u}" if len(t.record.layers) > 1 or t.record.layers[k].cell.shape[-1] > 1 else ""
            when = f"Step {s + 1}/{t.steps}" + (f" ({_date(t, s)})" if t.dates is not None else "")
            heading = f"{when}{', ' + where if where else ''}: the three stages"
            if k == 0 and len(t.input_names) <= explain.MAX_TERMS:  # the inputs the stages list, in order, named
                named = [
                    f"{'scaled ' * (j < len(t.columns))}{name} {explain.num(float(t.scaled[s, j]))}"
                    for j, name in enumerate(t.input_names)
                ]
                heading += f" ({'input' if len(named) == 1 else 'inputs'}: {', '.join(named)})"
            v = explain.step_values(params, t.record.layers[k], layer=k, t=s, unit=u)
            parts.append(Text("\n" + heading, style="bold underline"))
            parts.append(explain_text(explain.explain_step(v)))
    return parts


def head_text(t: Trace, params: dict[str, np.ndarray]) -> Text:
    """The head's output, its meaning in target units, and the forecast in prices."""
    W, b = params["head.weight"], params["head.bias"]  # (O, H), (O,)
    h = t.record.layers[-1].hidden_new[-1, 0]  # (H,)
    text = Text()
    if len(h) <= explain.MAX_TERMS:
        terms = " + ".join(f"{explain.term(a)} x {explain.term(w)}" for a, w in zip(h, W[0], strict=True))
        arith = f"{terms} + {explain.term(b[0])}"
    else:
        arith = f"head.weight (1 x {len(h)}) . short-term memory + head.bias"
    text.append("Head: ", style="bold")
    linear = t.record.linear  # (1, O) the autoregressive skip's share of the output, or None
    if linear is None:
        text.append(f"{arith} = {t.head[0]:+.4f} (scaled, from the last step's short-term memory)\n")
    else:
        lin, lstm_part = float(linear[0, 0]), float(t.head[0]) - float(linear[0, 0])
        text.append(f"{arith} = {lstm_part:+.4f} (LSTM part, scaled, from the last step's short-term memory)\n")
        text.append(_linear_part(t, params, lin))
        text.append(f"  output: LSTM part {lstm_part:+.4f} + linear part {lin:+.4f} = {t.head[0]:+.4f} (scaled)\n")
    col, last, fc, y = t.columns[0], float(t.last_price[0]), float(t.forecast[0]), float(t.head_target[0])
    mean = float(t.scale_mean[0])
    unscale = (
        f"  unscaled: {explain.term(float(t.head[0]))} x {float(t.scale_std[0]):.4g} (std) + "
        f"{f'{mean:.4g}' if mean >= 0 else f'({mean:.4g})'} (mean) = "
    )
    adjust = t.season.adjust if t.season is not None else None
    if adjust is not None:  # the network learnt the seasonally adjusted series: the way back names both indices
        s0, s1 = (float(t.season.indices[int(k) % t.season.length]) for k in (t.phases[-1], t.phases[-1] + 1))
        mult = adjust == "multiplicative"
        base = last / s0 if mult else last - s0
        text.append(f"{unscale}{'' if t.target == 'level' else t.target.value + ' '}{_transformed(t, y)}\n")
        step = base * np.exp(y) if t.target == "log-return" else (base + y if t.target == "diff" else y)
        how = "/" if mult else "-"
        back = "x" if mult else "+"
        text.append(
            f"  seasonally adjusted: {price(last)} {how} {s0:.4g} (seasonal index of phase {int(t.phases[-1])}) = "
            f"{price(base)}; next {price(step)}\n  price: {price(step)} {back} {s1:.4g} (seasonal index of "
            f"phase {(int(t.phases[-1]) + 1) % t.season.length}) = {price(fc)}\n"
        )
    elif t.season_base is not None:  # the seasonal difference: from the price a season before the forecast's row
        m, b = t.season.length, float(t.season_base[0])
        log = t.target == "log-return"
        text.append(
            f"{unscale}{t.season.change_words(t.target)} steps {_transformed(t, y)}"
            f" (the network learns {'log y[t] - log y[t-' if log else 'y[t] - y[t-'}{m}]; 0 is seasonal naive)\n"
            f"  price: {price(b)} (row {t.rows[-1] + 1 - m}, {m} steps before) "
            + (f"x exp({y:+.5f})" if log else f"+ ({y:+.4g})")
            + f" = {price(fc)}\n"
        )
    elif t.target == "level":
        text.append(f"{unscale}{col} {price(fc)}\n")
    elif t.target == "diff":
        text.append(f"{unscale}change {_transformed(t, y)}\n  price: {price(last)} + ({y:+.4g}) = {price(fc)}\n")
    else:
        text.append(f"{unscale}log-return {_transformed(t, y)}\n  price: {price(last)} x exp({y:+.5f}) = {price(fc)}\n")
    if t.direct_prices is not None:
        text.append(_direct_steps(t))
    when = "the next step" if t.forecast_date is None else format_date(t.forecast_date, t.frequency)
    change = fc - last
    pct = f", {100 * change / abs(last):+.2f}%" if last != 0 else ""  # of the last value's size, as predict's
    text.append("Forecast ", style="bold")
    text.append(
        f"for {when} (row {t.rows[-1] + 1}): {col} {price(fc)}  (last {price(last)}, "
        f"{'+' if change >= 0 else '-'}{price(abs(change))}{pct})\n"
    )
    if t.actual is not None:
        a = float(t.actual[0])
        text.append(f"Actual value on that row: {price(a)}  (forecast error {fc - a:+.4g})\n")
    return text


def _linear_part(t: Trace, params: dict[str, np.ndarray], value: float) -> str:
    """The autoregressive skip's arithmetic for output 0: ar.weight . the last P scaled target inputs."""
    w = params[engine.AR_WEIGHT][0]  # (P,)
    lags = t.scaled[len(t.scaled) - len(w) :, 0]  # (P,) the inputs it reads, oldest first
    if len(w) <= explain.MAX_TERMS:
        arith = " + ".join(f"{explain.term(float(a))} x {explain.term(float(b))}" for a, b in zip(lags, w, strict=True))
    else:
        arith = f"ar.weight (1 x {len(w)}) . the last {len(w)} scaled {t.columns[0]} inputs"
    return f"  linear part: {arith} = {value:+.4f} (scaled)\n"


def _direct_steps(t: Trace) -> str:
    """A direct head's other outputs: steps 2..O of the target column, each in target units and in prices."""
    what = {"level": "level", "diff": "change", "log-return": "log-return"}[str(t.target)]
    O = len(t.direct_prices)
    adjusted = t.direct_adjusted  # (O,) with a seasonal adjustment: the steps before re-seasoning
    series = "adjusted price -> price" if adjusted is not None else "price"
    lines = [f"  direct head: {O} outputs, steps 1..{O} ahead at once (scaled -> {what} -> {series}):"]
    previous = float(t.last_price[0]) if adjusted is None else None
    m = t.season.length if t.season_base is not None else None  # a seasonal difference: from a season before
    if m is not None:
        series = f"price, from the price {m} steps before"
    if adjusted is not None:  # the adjusted series the network learnt continues from the adjusted last price
        previous = float(t.season.adjusted(t.last_price[None, None, :], np.array([[t.phases[-1]]]))[0, 0, 0])
    steps = adjusted if adjusted is not None else t.direct_prices
    for k, (z, p) in enumerate(zip(t.head_target, steps, strict=True)):
        if m is not None:  # the price m steps before step k + 1: the window's, or step k + 1 - m's forecast
            previous = float(t.prices[k - m, 0]) if k < m else float(steps[k - m])
        if str(t.target) == "level":
            how = f"{price(float(p))}"
        elif str(t.target) == "diff":
            how = f"{price(previous)} + ({z:+.4g}) = {price(float(p))}"
        else:
            how = f"{price(previous)} x exp({z:+.5f}) = {price(float(p))}"
        if adjusted is not None:
            how += f" -> {price(float(t.direct_prices[k]))}"
        lines.append(f"    step {k + 1:>{len(str(O))}}  {t.head[k]:+.4f}  {z:+.5f}  {how}")
        previous = float(p)
    return "\n".join(lines) + "\n"


def omitted_note(t: Trace, steps: Sequence[int], selection: Selection, top_used: bool) -> Text | None:
    """A dim line saying which steps and units are left out, and how to see them."""
    notes = []
    if len(steps) < t.steps:
        notes.append(f"steps {steps[0] + 1}..{steps[-1] + 1} of {t.steps} (see all: --steps all)")
    for k, units in selection:
        H = t.record.layers[k].cell.shape[-1]
        if len(units) < H:
            how = "the ones whose long-term memory changed most" if top_used else "chosen with --units"
            notes.append(
                f"layer {k}: {len(units)} of {H} units, {how}: {', '.join(map(str, units))} (see all: --units all)"
            )
    layers = [k for k, _ in selection]
    if len(layers) < len(t.record.layers):
        notes.append(f"layer {', '.join(map(str, layers))} of 0..{len(t.record.layers) - 1} (other: --layer K)")
    if not notes:
        return None
    return Text("Showing " + "; ".join(notes) + ".", style="dim")


# ---------------------------------------------------------------------------------------
# the model file: summary and weights


def summary_table(info: ModelInfo, params: dict[str, np.ndarray], path: str) -> Table:
    """What is in a model file: format, data, network, training, validation."""
    title = f"Model file {user_text(str(path))}"
    table = FitTable(title=title, title_justify="left", show_header=False, box=box.SIMPLE)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    d, c, tr = info.data, info.config, info.training
    table.add_row(
        "format",
        f"lstmcli model file version {info.format_version}, written by "
        f"{info.tool} {info.tool_version} on {info.created}",
    )
    span = f"{d.first_date[:10]} .. {d.last_date[:10]}" if d.first_date else "no dates"
    freq = FREQUENCY_NAMES.get(d.frequency or "", "irregular or no dates")
    sha = f", sha256 {d.sha256[:12]}" if d.sha256 else ""
    table.add_row("trained on", f"{user_text(d.source)}: {d.rows:,} rows, {span} ({freq}){sha}")
    if d.calendar is not None:
        table.add_row("calendar", f"{d.calendar} (--calendar): forecasts are dated on its trading days")
    elif d.calendar_match is not None:  # found in the data's closed weekdays, not applied
        from lstmcli.calendars import CalendarMatch

        m = CalendarMatch.from_dict(d.calendar_match)
        table.add_row("calendar", f"{m.describe()}; forecasts are business days (train with --calendar {m.name})")
    cols = info.columns
    table.add_row("columns", Text(", ".join(cols) + (" (the first is forecast)" if len(cols) > 1 else "")))
    n_params = sum(int(p.size) for p in params.values())
    F, H, L, O = engine.dims(params)
    table.add_row(
        "network",
        f"{L} layer{'s' if L > 1 else ''} x {H} LSTM unit{'s' if H > 1 else ''}, "
        f"{F} input{'s' if F > 1 else ''}, head to {O} output{'s' if O > 1 else ''}; "
        f"{n_params:,} parameters ({params['weight_hh_l0'].dtype})"
        + (
            f"; plus a linear part on the last {c.ar} scaled {info.columns[0]!r} values (--ar {c.ar})"
            if engine.AR_WEIGHT in params
            else ""
        )
        + (
            "; one input is each row's level vs the window's mean (off: --no-level-input)"
            if info.level is not None
            else ""
        ),
    )
    what, window = info.target.value, f"window {c.window} steps"
    if info.season is not None and info.season.difference:  # the change over a season; its zero is seasonal naive
        m = info.season.length
        what = f"{info.season.change_words(info.target)} steps (0: seasonal naive)"
        window = f"window {c.window + info.target.offset - m} of them ({c.window + info.target.offset} prices)"
    table.add_row(
        "learns",
        (
            f"the next {info.horizon} {what} values of {info.columns[0]!r} at once, scaled; "
            f"{window}; direct forecasts (at most {info.horizon} steps)"
            if info.horizon_strategy == "direct"
            else f"the next {what} of each column, scaled; {window}; {info.horizon_strategy} forecasts"
        ),
    )
    if info.season is not None:
        table.add_row("season", info.season.describe())
    if info.season_fits is not None:  # the season's fits combined (season_fits.py); the rows above: the kept fit's
        table.add_row(
            "season fits", info.season_fits.describe() + "; the rows above describe the kept fit (the lowest)"
        )
    if info.snaive_blend is not None:  # the forecast moved toward seasonal naive (season_fits.SnaiveBlend)
        table.add_row(info.snaive_blend.who, info.snaive_blend.describe() + "; the rows above describe the network")
    from lstmcli.render.train import training_how

    how = training_how(info)
    table.add_row(
        "training",
        f"{tr.epochs_run} of {c.epochs} epochs ({how}), best epoch "
        f"{tr.best_epoch}, validation loss {tr.best_val_loss:.4f} "
        f"(scaled MSE); {tr.train_windows:,} training / {tr.val_windows:,} "
        "validation windows",
    )
    if tr.history is not None and tr.history["train_loss"]:
        table.add_row("loss per epoch", loss_curves(tr.history, tr.best_epoch))
    if tr.refit_epochs is not None:
        from lstmcli.render.train import refit_text

        table.add_row("refit", refit_text(info))
    settings = ", ".join(
        f"{k} {getattr(c, k)}" for k in ("batch_size", "lr", "seed", "val_fraction", "patience", "clip")
    )
    table.add_row("settings", settings)
    if info.ensemble is not None:
        from lstmcli.render.train import ensemble_text

        table.add_row("ensemble", ensemble_text(info) + " (parameters: per member)")
    from lstmcli.render.train import verdict

    v = info.validation
    table.add_row(
        "validation",
        f"one-step MAE on the last {v.rows} rows: model {price(v.model.mae)}, "
        f"naive {price(v.naive.mae)}, "
        + (f"seasonal naive {price(v.seasonal_naive.mae)}, " if v.seasonal_naive is not None else "")
        + f"drift {price(v.drift.mae)} "
        f"(model MASE {v.model.mase:.3f}). "
        # the verdict train and predict print, word for word (round 10: "beats" only beyond chance)
         + verdict(v, info.data.frequency)[1],
    )
    return table


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], width: int = 40) -> str:
    """Values as a row of block characters from their own lowest (▁) to highest (█), None as a space;
    more values than `width` are averaged in equal bins."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    if len(v) > width:
        v = np.array([np.nanmean(b) if np.isfinite(b).any() else np.nan for b in np.array_split(v, width)])
    known = v[np.isfinite(v)]
    if not len(known):
        return " " * len(v)
    lo, hi = float(known.min()), float(known.max())
    top = len(SPARKS) - 1
    return "".join(
        " " if not np.isfinite(x) else SPARKS[0 if hi <= lo else int((x - lo) / (hi - lo) * top + 0.5)] for x in v
    )


def loss_curves(history: dict, best_epoch: int) -> Text:
    """The training and validation loss per epoch as two sparklines (each on its own range), first -> last."""
    train, val = history["train_loss"], history["val_loss"]

    def ends(xs: list) -> str:
        known = [x for x in xs if x is not None]
        return f"{known[0]:.4f} -> {known[-1]:.4f}" if known else "-"

    text = Text()
    text.append(f"train {sparkline(train)}\n")
    text.append(f"val   {sparkline(val)}\n")
    known = [x for x in val if x is not None]
    lowest = f" (lowest {min(known):.4f})" if known else ""
    text.append(
        f"{len(train)} epochs, each line scaled to its own range; first -> last epoch: train {ends(train)}, "
        f"val {ends(val)}{lowest}; best epoch {best_epoch} kept",
        "dim",
    )
    return text


def _norm(a: np.ndarray) -> str:
    return f"{float(np.linalg.norm(a.astype(np.float64))):.3f}"


def weights_summary_table(params: dict[str, np.ndarray], k: int) -> Table:
    """Layer k's weights and biases, one row per gate: shapes and norms."""
    W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]  # (G, F), (G, H)
    bias = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"]  # (G,)
    H = W_hh.shape[1]
    src = "input" if k == 0 else f"layer {k - 1}"
    table = FitTable(
        title=f"Layer {k}: weight_ih_l{k} {W_ih.shape}, weight_hh_l{k} {W_hh.shape}, "
        f"bias {bias.shape}; rows i, f, g, o",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        title_style="bold",
    )
    table.add_column("gate")
    for col in (f"weights on {src}", "norm", "weights on h", "norm", "bias min", "bias mean", "bias max"):
        table.add_column(col, justify="right")
    for g, name in enumerate(engine.GATES):
        rows = engine.gate_rows(g, H)
        b = bias[rows].astype(np.float64)
        table.add_row(
            name,
            str(W_ih[rows].shape),
            _norm(W_ih[rows]),
            str(W_hh[rows].shape),
            _norm(W_hh[rows]),
            f"{b.min():+.3f}",
            f"{b.mean():+.3f}",
            f"{b.max():+.3f}",
        )
    return table


def weights_detail_tables(params: dict[str, np.ndarray], k: int, width: int) -> list[RenderableType]:
    """Every weight of layer k, when it fits `width`: the seed's block table for 1 unit, else one table per gate."""
    W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]  # (G, F), (G, H)
    bias = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"]  # (G,)
    G, F = W_ih.shape
    H = G // 4
    xs = ["input"] if F == 1 and k == 0 else [f"in {j}" for j in range(F)]
    if H == 1:
        table = FitTable(title=f"Layer {k} (one unit), the seed's blocks", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("block")
        table.add_column("short-term weight", justify="right")
        for x in xs:
            table.add_column(f"{x} weight", justify="right")
        table.add_column("bias", justify="right")
        for g in (engine.FORGET_GATE, engine.INPUT_GATE, engine.CANDIDATE, engine.OUTPUT_GATE):  # the seed's order
            name = engine.GATES[g]
            table.add_row(name, f"{W_hh[g, 0]:+.3f}", *(f"{w:+.3f}" for w in W_ih[g]), f"{bias[g]:+.3f}")
        return [table]
    if width < (F + H + 2) * 9:
        return [
            Text(
                f"Layer {k}: {G} x {F + H} weights are too many to print here; "
                "lstm inspect --weights --json gives every value.",
                style="dim",
            )
        ]
    out: list[RenderableType] = []
    for g, name in enumerate(engine.GATES):
        table = FitTable(
            title=f"Layer {k}, {name} {'gate' if name != 'candidate' else ''}: one row per unit",
            title_justify="left",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("unit", justify="right")
        for x in xs:
            table.add_column(x, justify="right")
        for j in range(H):
            table.add_column(f"h {j}", justify="right")
        table.add_column("bias", justify="right")
        rows = engine.gate_rows(g, H)
        for u, (w_ih, w_hh, b) in enumerate(zip(W_ih[rows], W_hh[rows], bias[rows], strict=True)):
            table.add_row(str(u), *(f"{w:+.3f}" for w in w_ih), *(f"{w:+.3f}" for w in w_hh), f"{b:+.3f}")
        out.append(table)
    return out


def head_weights_text(params: dict[str, np.ndarray]) -> Text:
    """head.weight and head.bias: shapes, norms, values when few."""
    W, b = params["head.weight"], params["head.bias"]
    text = Text()
    text.append("Head: ", style="bold")
    text.append(f"head.weight {W.shape} norm {_norm(W)}, head.bias {b.shape} = {', '.join(f'{v:+.4f}' for v in b)}\n")
    if W.size <= 16:
        for o in range(W.shape[0]):
            text.append(f"  output {o}: weights on the last short-term memory {', '.join(f'{w:+.4f}' for w in W[o])}\n")
    if engine.AR_WEIGHT in params:  # the linear autoregressive part beside the LSTM
        A = params[engine.AR_WEIGHT]  # (O, P)
        text.append(
            f"Linear part: {engine.AR_WEIGHT} {A.shape} norm {_norm(A)}, "
            f"on the last {A.shape[1]} scaled target inputs\n"
        )
        if A.size <= 16:
            for o in range(A.shape[0]):
                text.append(f"  output {o}: weights, oldest first {', '.join(f'{w:+.4f}' for w in A[o])}\n")
    return text


def weights_dict(params: dict[str, np.ndarray]) -> dict:
    """Every parameter as {name: {shape, norm, values}} for --weights --json."""
    return {
        name: {
            "shape": list(p.shape),
            "norm": float(np.linalg.norm(p.astype(np.float64))),
            "values": p.astype(np.float64).tolist(),
        }
        for name, p in params.items()
    }


# ---------------------------------------------------------------------------------------
# the seed's worked example (lstm inspect --example)


def seed_weights_table() -> Table:
    """The seed's blocks: short-term weight, input weight and bias of each gate."""
    table = FitTable(title="The seed's weights (one unit)", title_justify="left")
    table.add_column("block")
    for col in ("short-term weight", "input weight", "bias"):
        table.add_column(col, justify="right")
    for name, (w_h, w_x, b) in example.SEED_BLOCKS.items():
        table.add_row(name, f"{w_h:.2f}", f"{w_x:.2f}", f"{b:.2f}")
    return table


def memory_table(title: str, rec: engine.LayerRecord, inputs: list[float], unit: int = 0) -> Table:
    """Day by day for one unit: input, the four gates, long- and short-term memory."""
    table = FitTable(title=title, title_justify="left")
    for col in ("day", "input", "forget", "input gate", "candidate", "output", "long-term", "short-term"):
        table.add_column(col, justify="right")
    for t, x in enumerate(inputs):
        f, i = rec.forget_gate[t, 0, unit], rec.input_gate[t, 0, unit]
        g, o = rec.candidate[t, 0, unit], rec.output_gate[t, 0, unit]
        table.add_row(
            str(t + 1),
            explain.num(x),
            Text(f"{f:.3f}", gate_style(f)),
            Text(f"{i:.3f}", gate_style(i)),
            f"{g:+.3f}",
            Text(f"{o:.3f}", gate_style(o)),
            f"{rec.cell_new[t, 0, unit]:.3f}",
            f"{rec.hidden_new[t, 0, unit]:.3f}",
        )
    return table


def render_seed_example() -> list[RenderableType]:
    """The seed's worked example: weights, the one-step walk-through, the two companies."""
    params = example.seed_params()
    x = np.full((1, 1, 1), example.SEED_INPUT)  # (B=1, T=1, F=1)
    state = [(np.full((1, 1), example.SEED_SHORT_TERM), np.full((1, 1), example.SEED_LONG_TERM))]
    _, record = engine.forward(params, x, state)
    step = explain.step_values(params, record.layers[0], layer=0, t=0)
    parts: list[RenderableType] = [
        Text("The seed's worked example (lstm-notes.md), computed by lstmcli's engine", style="bold underline"),
        seed_weights_table(),
        explain_text(explain.explain_step(step, explain.SEED_SAYS)),
        Text(
            "The seed rounds each step before the next, so its later figures drift from the exact "
            "ones (2.96 vs 2.9476); the exact values above are what the engine computes.\n",
            style="dim",
        ),
        Text("The two companies, from zero memories (the seed's 'both memories start at 0')", style="bold"),
    ]
    for name, prices in example.COMPANIES.items():
        seq = np.asarray(prices, dtype=float).reshape(1, -1, 1)  # (B=1, T=4, F=1)
        pred, rec = engine.forward(params, seq)
        parts.append(
            memory_table(f"Company {name}: prices {', '.join(explain.num(p) for p in prices)}", rec.layers[0], prices)
        )
        target = round(float(pred[0, 0]))
        parts.append(
            Text(
                f"Final short-term memory {pred[0, 0]:.3f}: the model predicts about {target} for "
                f"company {name}'s day 5.\n"
            )
        )
    return parts
