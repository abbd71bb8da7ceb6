"""The seed's worked example (`lstm-notes.md`) as a built-in 1-unit model.

The seed gives each block a short-term-memory weight, an input weight and a bias. In
PyTorch's layout those are `weight_hh_l0`, `weight_ih_l0` and `bias_ih_l0` (the seed has
one bias per block, so `bias_hh_l0` is zero), rows in the order i, f, g, o. The head is
the identity: the seed's output is the new short-term memory itself.
"""

from __future__ import annotations

import numpy as np

from lstmcli import engine

#: (short-term weight, input weight, bias) of each block, in the seed's words and order.
SEED_BLOCKS: dict[str, tuple[float, float, float]] = {
    "forget": (2.70, 1.63, 1.62),
    "input": (2.00, 1.65, 0.62),
    "candidate": (1.41, 0.94, -0.32),
    "output": (4.38, -0.19, 0.59),
}

#: The seed's starting memories and input for its one-step walk-through.
SEED_LONG_TERM = 2.0
SEED_SHORT_TERM = 1.0
SEED_INPUT = 1.0

#: The seed's two companies: four days of (scaled) prices; the model should predict
#: about 0 for company A's fifth day and about 1 for company B's.
COMPANIES: dict[str, list[float]] = {
    "A": [0.0, 0.5, 0.25, 1.0],
    "B": [1.0, 0.5, 0.25, 1.0],
}


def seed_params() -> dict[str, np.ndarray]:
    """The seed's weights as an lstmcli/PyTorch parameter dict (float64, 1 unit)."""
    order = engine.GATES  # the engine's (PyTorch's) row order i, f, g, o
    w_hh = np.array([[SEED_BLOCKS[g][0]] for g in order])  # (4, 1)
    w_ih = np.array([[SEED_BLOCKS[g][1]] for g in order])  # (4, 1)
    b_ih = np.array([SEED_BLOCKS[g][2] for g in order])  # (4,)
    return {
        "weight_ih_l0": w_ih,
        "weight_hh_l0": w_hh,
        "bias_ih_l0": b_ih,
        "bias_hh_l0": np.zeros(4),
        "head.weight": np.ones((1, 1)),
        "head.bias": np.zeros(1),
    }
