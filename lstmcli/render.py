"""Rich renderables for the CLI: functions return tables and text; commands print them.

Numbers are right-aligned; colour only ever repeats what the text already says, so plain
output (NO_COLOR, pipes) reads the same.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.console import RenderableType
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
