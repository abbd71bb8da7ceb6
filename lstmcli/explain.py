"""The seed's three stages, written out in words and arithmetic for one step of one unit.

Everything shown comes from the engine's own forward record (`engine.LayerRecord`); this
module only formats it. It returns plain strings so that the same text serves a terminal
(the CLI adds colour), a pipe, a test and a notebook.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmcli import engine


def num(v: float, places: int = 4) -> str:
    """A number as people write it: 1, 2.70, 0.9974 (up to `places` decimals, at least 2)."""
    v = float(v)
    if v == int(v) and abs(v) < 1e6:
        return str(int(v))
    s = f"{v:.{places}f}".rstrip("0")
    whole, _, frac = s.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def weight(v: float) -> str:
    """A weight or bias as the seed prints them: two decimals (2.00, -0.32), more if needed."""
    v = float(v)
    return f"{v:.2f}" if round(v, 2) == v else num(v)


def term(v: float) -> str:
    """A number as a term of a product or sum: negatives in brackets, `(-0.61)`."""
    return num(v) if float(v) >= 0 else f"({num(v)})"


def pct(v: float) -> str:
    """A share as a percentage with one decimal: 0.9974 -> 99.7%."""
    return f"{100 * float(v):.1f}%"


@dataclass
class StepValues:
    """The numbers of one step of one unit, pulled out of a LayerRecord."""

    x: np.ndarray  # (F,) inputs of the step
    h_prev: float
    c_prev: float
    w_ih: np.ndarray  # (4, F) input weights of gates i, f, g, o for this unit
    w_hh: np.ndarray  # (4,) short-term-memory weights (recurrent weight from this unit itself)
    bias: np.ndarray  # (4,) b_ih + b_hh
    pre: np.ndarray  # (4,) pre-activations i, f, g, o
    gate: np.ndarray  # (4,) activations i, f, g, o
    c_new: float
    tanh_c: float
    h_new: float
    h_prev_all: np.ndarray | None = None  # (H,) every unit's short-term memory before the step
    w_hh_all: np.ndarray | None = None  # (4, H) this unit's weights on every unit's short-term memory


def step_values(
    params: dict[str, np.ndarray], rec: engine.LayerRecord, layer: int, t: int, unit: int = 0, row: int = 0
) -> StepValues:
    """Collect one unit's numbers at step t (batch row `row`) from a forward record."""
    H = rec.cell.shape[-1]
    rows = [engine.gate_rows(k, H).start + unit for k in range(len(engine.GATES))]  # its row in each gate block
    w_ih = params[f"weight_ih_l{layer}"][rows]  # (4, F)
    w_hh = params[f"weight_hh_l{layer}"][rows, unit]  # (4,)
    bias = (params[f"bias_ih_l{layer}"] + params[f"bias_hh_l{layer}"])[rows]  # (4,)
    return StepValues(
        x=rec.inputs[t, row],
        h_prev=float(rec.hidden[t, row, unit]),
        c_prev=float(rec.cell[t, row, unit]),
        w_ih=w_ih,
        w_hh=w_hh,
        bias=bias,
        pre=rec.pre[t, row, rows],
        gate=rec.gates[t, row, rows],
        c_new=float(rec.cell[t + 1, row, unit]),
        tanh_c=float(rec.tanh_cell[t, row, unit]),
        h_new=float(rec.hidden[t + 1, row, unit]),
        h_prev_all=rec.hidden[t, row],
        w_hh_all=params[f"weight_hh_l{layer}"][rows],
    )


#: up to this many terms of a weighted sum are written out; longer ones are shown as their total
MAX_TERMS = 3


def _sum_text(v: StepValues, k: int) -> str:
    """`1 x 2.70 + 1 x 1.63 + 1.62` for gate k (short-term memory first, as the seed).

    With many units (or inputs), their terms are summed into one labelled number, e.g.
    `[short-term memories of 32 units . weights] -0.41`, so the line still adds up.
    """

    def product(a: float, w: float) -> str:
        return f"{term(a)} x {weight(w) if w >= 0 else f'({weight(w)})'}"

    def group(values: np.ndarray, weights: np.ndarray, what: str) -> list[str]:
        if len(values) <= MAX_TERMS:
            return [product(a, w) for a, w in zip(values, weights, strict=True)]
        total = float(np.dot(values.astype(np.float64), weights.astype(np.float64)))
        return [f"[{what} . weights] {num(total) if total >= 0 else f'({num(total)})'}"]

    if v.h_prev_all is not None and v.w_hh_all is not None and len(v.h_prev_all) > 1:
        terms = group(v.h_prev_all, v.w_hh_all[k], f"short-term memories of {len(v.h_prev_all)} units")
    else:
        terms = [product(v.h_prev, v.w_hh[k])]
    terms += group(np.asarray(v.x), v.w_ih[k], f"{len(v.x)} inputs")
    b = float(v.bias[k])
    terms.append(weight(b) if b >= 0 else f"({weight(b)})")
    return " + ".join(terms)


def _inputs_text(x: np.ndarray) -> str:
    """The step's inputs: all of them when few, else how many and their range."""
    if len(x) <= MAX_TERMS:
        return ", ".join(num(a) for a in x)
    return f"{len(x)} values from {num(np.min(x))} to {num(np.max(x))}"


def explain_step(v: StepValues, seed_says: dict[str, str] | None = None) -> list[str]:
    """The seed's three stages for one step of a single unit, as lines of text.

    `seed_says` maps a quantity ("forget_sum", "forget", "remembered", "candidate", "input",
    "cell", "tanh_cell", "output", "hidden") to the seed's rounded figure, which is then
    shown beside the exact one with the reason they differ.
    """
    seed_says = seed_says or {}

    def said(key: str) -> str:
        s = seed_says.get(key)
        return f"   (seed: {s})" if s else ""

    i, f, g, o = (
        float(v.gate[k]) for k in (engine.INPUT_GATE, engine.FORGET_GATE, engine.CANDIDATE, engine.OUTPUT_GATE)
    )
    I, F, G, O = engine.INPUT_GATE, engine.FORGET_GATE, engine.CANDIDATE, engine.OUTPUT_GATE
    remembered = v.c_prev * f
    added = i * g
    lines = [
        f"Start: long-term memory (cell state) {num(v.c_prev)}, short-term memory "
        f"(hidden state) {num(v.h_prev)}, input {_inputs_text(v.x)}.",
        "",
        "Stage 1 - forget gate: what share of the long-term memory to keep",
        f"  {_sum_text(v, F)} = {num(v.pre[F])}{said('forget_sum')}",
        f"  -> sigmoid -> {num(f)}{said('forget')}",
        f"  long-term memory {term(v.c_prev)} x {num(f)} = {num(remembered)}{said('remembered')}",
        f"  It keeps {pct(f)} of the long-term memory.",
        "",
        "Stage 2 - input gate: what to add to the long-term memory",
        f"  candidate (potential long-term memory): {_sum_text(v, G)} = {num(v.pre[G])}",
        f"  -> tanh -> {num(g)}{said('candidate')}",
        f"  input gate (% of the potential memory to remember): {_sum_text(v, I)} = {num(v.pre[I])}",
        f"  -> sigmoid -> {num(i)}{said('input')}",
        f"  new long-term memory = {num(remembered)} + {num(i)} x {term(g)} = {num(v.c_new)}{said('cell')}",
        f"  It writes {pct(i)} of the potential memory {num(g)}, adding {num(added)}.",
        "",
        "Stage 3 - output gate: the new short-term memory",
        f"  tanh(new long-term memory {num(v.c_new)}) = {num(v.tanh_c)}"
        f"   (potential short-term memory){said('tanh_cell')}",
        f"  output gate: {_sum_text(v, O)} = {num(v.pre[O])}",
        f"  -> sigmoid -> {num(o)}{said('output')}",
        f"  new short-term memory = {num(o)} x {term(v.tanh_c)} = {num(v.h_new)}{said('hidden')}",
        f"  It passes on {pct(o)} of the potential short-term memory; this is the unit's output.",
    ]
    return lines


#: The seed's own rounded figures for its one-step walk-through, with why they differ.
SEED_SAYS = {
    "forget_sum": "5.95",
    "forget": "0.997, rounded",
    "remembered": "1.99, rounded",
    "candidate": "0.97, rounded",
    "input": "1, rounded",
    "cell": "2.96 = its rounded 1.99 + 0.97",
    "tanh_cell": "0.99, rounded",
    "output": "0.99, rounded",
    "hidden": "0.98 = its rounded 0.99 x 0.99",
}
