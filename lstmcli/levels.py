"""The level input (`lstm train --level-input`): where the series stands, as one extra input column. NumPy only.

The network's input is the scaled target series (log-returns or diffs): to know where it
stands in a cycle (lynx's 10-year cycle, a mean-reverting level) it must add the returns up
across the window itself. With the level input it also reads, for each row of the window,
the target-space level of that row relative to the window's mean level, divided by a constant
fitted on the training windows:

    log-return   (log p[row] - mean of log p over the window's rows) / scale
    diff, level  (p[row] - mean of p over the window's rows) / scale

(the seasonally adjusted prices for an adjusted model: the series the network learns). It is a
linear function of the window's target values (a sum of the changes after the row), so it adds
no information: only a representation the network may find easier to learn (ES-RNN and N-BEATS
feed normalised levels). Measured against "relative to the last row" (benchmarks/README.md, round 7):
the mean did better on the six hardest series of the corpus. It is the last input column, after
the season's; the model file stores its scale (`level_input`), `inspect --step-trace` names it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmcli.transforms import Target

NAME = "level vs mean"  # the input column's name, as inspect shows it
REFERENCE = "mean"  # each window's levels are relative to their mean over the window (stored in the model file)


def levels(z0: np.ndarray, kind: Target) -> np.ndarray:
    """Target-space levels (..., M) of target rows from column 0 of the target series z0 (..., M).

    Defined up to a constant per history (only differences within a window are used): the sum of
    the changes up to and including each row (log p or p of its price row), or the level itself.
    """
    z0 = np.asarray(z0, dtype=np.float64)
    return z0.copy() if kind is Target.LEVEL else np.cumsum(z0, axis=-1)


def advanced(lev: np.ndarray, z0: np.ndarray, kind: Target) -> np.ndarray:
    """Windows of levels (B, W) one step on: the oldest row out, the new row's level in, from that step's
    target value z0 (B,) (its change; for the level target, the level itself). Recursive forecasts use it."""
    new = z0 if kind is Target.LEVEL else lev[:, -1] + z0
    return np.concatenate([lev[:, 1:], new[:, None]], axis=1)


def relative(levels_: np.ndarray) -> np.ndarray:
    """Levels (..., W) of windows made relative to each window's mean (the last axis is time)."""
    return levels_ - levels_.mean(axis=-1, keepdims=True)


@dataclass(frozen=True)
class LevelInput:
    """The level input of a model: the scale its relative levels are divided by (stored in the model file)."""

    scale: float  # > 0: the root mean square of the training windows' relative levels
    reference: str = REFERENCE

    @classmethod
    def fit(cls, lev: np.ndarray, train_targets: np.ndarray, window: int) -> LevelInput:
        """Fitted on the training windows: lev (M,) levels of the target rows, target rows (n,) each predicted
        from rows t-window .. t-1. The root mean square of level[row] - the window's mean level over every
        row of every training window (1 where every one is 0: a window of 1, or a constant series)."""
        t = np.asarray(train_targets, dtype=np.int64)
        total, count = 0.0, 0
        c = np.concatenate([[0.0], np.cumsum(lev)])
        mean = (c[t] - c[t - window]) / window  # (n,) each window's mean level
        for k in range(window):  # row k before each window's end, one vector at a time: O(M) memory
            d = lev[t - 1 - k] - mean
            total += float(np.dot(d, d))
            count += len(d)
        rms = (total / count) ** 0.5 if count else 0.0
        tiny = rms <= 1e-12 * max(1.0, float(np.max(np.abs(lev[: int(t[-1])]))))
        return cls(1.0 if tiny or not np.isfinite(rms) else rms)

    def column(self, lev: np.ndarray) -> np.ndarray:
        """The input column (B, W) for windows of levels (B, W): relative to each window's mean, scaled."""
        return relative(lev) / self.scale

    def series_column(self, lev: np.ndarray, train_end: int) -> np.ndarray:
        """The column (M,) training gathers windows from (`training.gather(level=True)` makes each window
        relative to its mean): levels / scale, centred on the training part's mean (small in float32)."""
        return (lev - float(np.mean(lev[: train_end + 1]))) / self.scale

    def to_dict(self) -> dict:
        return {"reference": self.reference, "scale": self.scale}

    @classmethod
    def from_dict(cls, d: dict) -> LevelInput:
        if not isinstance(d, dict):
            raise ValueError("the level input is malformed")
        scale, reference = d["scale"], d["reference"]
        if type(scale) not in (int, float) or not (np.isfinite(scale) and scale > 0):
            raise ValueError(f"the level input's scale {scale!r} is not a number above 0")
        if reference != REFERENCE:
            raise ValueError(f"the level input's reference {reference!r} is not {REFERENCE!r}")
        return cls(float(scale), reference)
