"""Rich renderables for the CLI: functions return tables and text; commands print them.

Numbers are right-aligned; colour only ever repeats what the text already says, so plain
output (NO_COLOR, pipes) reads the same.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from lstmcli import engine, example, explain


def gate_style(v: float) -> str:
    """Colour of a gate value in [0, 1]: near 0 (closed) red, near 1 (open) green."""
    if v < 0.2:
        return "red"
    if v > 0.8:
        return "green"
    return "yellow"


def explain_text(lines: Iterable[str]) -> Text:
    """Stage headings bold, the rest plain."""
    text = Text()
    for line in lines:
        style = "bold" if line.startswith(("Stage", "Start")) else ""
        text.append(line + "\n", style=style)
    return text


def seed_weights_table(params: dict[str, np.ndarray]) -> Table:
    """The seed's blocks: short-term weight, input weight and bias of each gate."""
    table = Table(title="The seed's weights (one unit)", title_justify="left")
    table.add_column("block")
    for col in ("short-term weight", "input weight", "bias"):
        table.add_column(col, justify="right")
    for name, (w_h, w_x, b) in example.SEED_BLOCKS.items():
        table.add_row(name, f"{w_h:.2f}", f"{w_x:.2f}", f"{b:.2f}")
    return table


def memory_table(title: str, rec: engine.LayerRecord, inputs: list[float], unit: int = 0) -> Table:
    """Day by day for one unit: input, the four gates, long- and short-term memory."""
    table = Table(title=title, title_justify="left")
    for col in ("day", "input", "forget", "input gate", "candidate", "output", "long-term", "short-term"):
        table.add_column(col, justify="right")
    for t, x in enumerate(inputs):
        f, i = rec.forget_gate[t, 0, unit], rec.input_gate[t, 0, unit]
        g, o = rec.candidate[t, 0, unit], rec.output_gate[t, 0, unit]
        table.add_row(
            str(t + 1), explain.num(x),
            Text(f"{f:.3f}", gate_style(f)), Text(f"{i:.3f}", gate_style(i)), f"{g:+.3f}",
            Text(f"{o:.3f}", gate_style(o)), f"{rec.cell_new[t, 0, unit]:.3f}", f"{rec.hidden_new[t, 0, unit]:.3f}",
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
        seed_weights_table(params),
        explain_text(explain.explain_step(step, explain.SEED_SAYS)),
        Text(
            "The seed rounds each step before the next, so its later figures drift from the exact\n"
            "ones (2.96 vs 2.9476); the exact values above are what the engine computes.\n",
            style="dim",
        ),
        Text("The two companies, from zero memories (the seed's 'both memories start at 0')", style="bold"),
    ]
    for name, prices in example.COMPANIES.items():
        seq = np.asarray(prices, dtype=float).reshape(1, -1, 1)  # (B=1, T=4, F=1)
        pred, rec = engine.forward(params, seq)
        parts.append(memory_table(f"Company {name}: prices {', '.join(explain.num(p) for p in prices)}",
                                  rec.layers[0], prices))
        target = round(float(pred[0, 0]))
        parts.append(Text(
            f"Final short-term memory {pred[0, 0]:.3f}: the model predicts about {target} for "
            f"company {name}'s day 5.\n"
        ))
    return parts


# ---------------------------------------------------------------------------------------
# train and predict


def price(v: float) -> str:
    """A price with sensible precision for its size: 1,234.56 / 12.3457 / 0.000123."""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.2f}"
    if a >= 1:
        return f"{v:.4f}" if a < 10 else f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}" if a < 1e-3 else f"{v:.4f}"


def verdict(validation: dict) -> tuple[str, str]:
    """(style, sentence) comparing the model's one-step MAE with naive's on validation."""
    m, n = validation["model"]["mae"], validation["naive"]["mae"]
    if not (m == m and n == n):  # NaN
        return "yellow", "No validation comparison is available."
    if n == 0:
        return ("green", "The model matches the naive forecast exactly.") if m == 0 else (
            "red", "The naive forecast is perfect on validation; the model is worse.")
    rel = (m - n) / n * 100
    if rel < -1:
        return "green", f"The model beats the naive forecast by {-rel:.1f}% (one-step MAE on validation)."
    if rel <= 1:
        return "yellow", (f"The model is about as good as the naive forecast ({rel:+.1f}% MAE): it adds little "
                          "over 'tomorrow = today'.")
    return "bold red", (f"The model does NOT beat the naive forecast: its one-step MAE is {rel:.1f}% worse. "
                        "Trust 'tomorrow = today' over this forecast.")


def validation_table(validation: dict, column: str) -> Table:
    """One-step-ahead errors on the validation part: model, naive and drift."""
    rows = validation["rows"]
    table = Table(title=f"One-step-ahead error in {escape(repr(column))}, last {rows:,} rows (validation)",
                  title_justify="left")
    table.add_column("forecast")
    for col in ("MAE", "RMSE", "MASE", "direction right"):
        table.add_column(col, justify="right")
    best = min(("model", "naive", "drift"), key=lambda k: validation[k]["mae"])
    labels = {"model": "LSTM (this model)", "naive": "naive (tomorrow = today)", "drift": "drift (naive + trend)"}
    for key in ("model", "naive", "drift"):
        v = validation[key]
        da = v.get("directional_accuracy")
        mark = " *" if key == best else ""
        table.add_row(labels[key] + mark, price(v["mae"]), price(v["rmse"]), f"{v['mase']:.3f}",
                      "-" if da is None else f"{da:.0f}%")
    # not "MASE < 1 beats naive": the scale is naive's error on the training part, and a model
    # can score below 1 there while losing to naive on these rows (seen with --lr 10)
    table.caption = "* lowest MAE. MASE scales MAE by naive's MAE in training."
    return table


def training_summary(meta: dict, model_path: str) -> Table:
    """What was trained on what: data, settings, training run."""
    d, c, t = meta["data"], meta["config"], meta["training"]
    table = Table(title="Training summary", title_justify="left", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    from lstmcli.periods import FREQUENCY_NAMES

    span = f"{d['first_date'][:10]} .. {d['last_date'][:10]}" if d.get("first_date") else "no dates"
    freq = FREQUENCY_NAMES.get(d.get("frequency") or "", "")
    table.add_row("data", f"{escape(str(d['source']))}: {d['rows']:,} rows, {span}" + (f" ({freq})" if freq else ""))
    cols = meta["columns"]
    table.add_row("column", Text(repr(cols[0]) + (f" + features {', '.join(cols[1:])}" if len(cols) > 1 else "")))
    table.add_row("split", f"{t['train_windows']:,} training windows, {t['val_windows']:,} validation windows "
                  f"(chronological, last {c['val_fraction']:.0%})")
    table.add_row("model", f"{c['layers']} x {c['hidden']} LSTM units, window {c['window']}, "
                  f"learns {meta['target']}, {meta['horizon_strategy']} forecasts, batch {c['batch_size']}")
    how = "interrupted (Ctrl-C)" if t["interrupted"] else ("early stop" if t["stopped_early"] else "all epochs")
    table.add_row("training", f"{t['epochs_run']} of {c['epochs']} epochs ({how}); best epoch {t['best_epoch']}, "
                  f"validation loss {t['best_val_loss']:.4f} (scaled MSE)")
    table.add_row("seed", str(c["seed"]))
    table.add_row("saved", Text(model_path))
    return table


def forecast_table(fc, title: str | None = None) -> Table:
    """Date, forecast, change vs the last value (and %), and the interval when there is one."""
    from lstmcli import periods

    table = Table(title=title, title_justify="left")
    table.add_column("date" if fc.dates is not None else "step")
    table.add_column("forecast", justify="right")
    table.add_column("change", justify="right")
    table.add_column("change %", justify="right")
    if fc.lower is not None:
        table.add_column(f"{fc.interval:.0%} low", justify="right")
        table.add_column(f"{fc.interval:.0%} high", justify="right")
    for k, v in enumerate(fc.values):
        label = periods.format_date(fc.dates[k], fc.frequency) if fc.dates is not None else f"+{k + 1}"
        ch, pc = fc.change[k], fc.change_pct[k]
        style = "green" if ch > 0 else ("red" if ch < 0 else "")
        row = [label, price(v), Text(("+" if ch >= 0 else "-") + price(abs(ch)), style), Text(f"{pc:+.2f}%", style)]
        if fc.lower is not None:
            row += [price(fc.lower[k]), price(fc.upper[k])]
        table.add_row(*row)
    return table


def forecast_chart(fc, width: int = 70, height: int = 14) -> str:
    """History then forecast (and band) as a terminal line chart drawn by uniplot."""
    from uniplot import plot_to_string

    n = len(fc.history)
    xs_hist = np.arange(n) - (n - 1)
    xs_fc = np.arange(len(fc.values) + 1)
    ys = [fc.history, np.append(fc.last_value, fc.values)]
    xs = [xs_hist, xs_fc]
    legend = ["history", "forecast"]
    if fc.lower is not None:
        ys += [np.append(fc.last_value, fc.lower), np.append(fc.last_value, fc.upper)]
        xs += [xs_fc, xs_fc]
        legend += [f"{fc.interval:.0%} low", f"{fc.interval:.0%} high"]
    lines = plot_to_string(ys, xs=xs, lines=True, width=width, height=height, legend_labels=legend,
                           title=f"{fc.column}: last {n} observations and the forecast (x: steps from the last one)",
                           color=True)
    return "\n".join(lines) if isinstance(lines, list) else lines
