"""Defaults that depend on the data, as small pure functions (no I/O).

Chosen with `lstm backtest` on the three sample series (see docs/defaults.md and
benchmarks/defaults_study.py). One rule so far:

Batch size. Training stops when the validation loss has not improved for `patience`
epochs, and an epoch is one optimizer step per batch. A short series with batches of 64 gets
very few steps an epoch: the 144 monthly rows before the monthly sample's test window leave
90 training windows, 2 steps an epoch, so patience ran out after ~20 steps and the model
stopped before it had learned anything (2 of 3 seeds did). Capping the batch at 1/8 of the
training windows gives every epoch at least 8 steps; long series (>= 512 training windows)
keep 64 and train exactly as before.
"""

from __future__ import annotations

import math

from lstmcli.transforms import DEFAULT_TARGET, Target, offset

#: optimizer steps every epoch should get at least (so `patience` epochs mean enough steps)
MIN_STEPS_PER_EPOCH = 8
MIN_BATCH = 8
MAX_BATCH = 64  # TrainConfig's default, kept for long series


def split_sizes(n_targets: int, val_fraction: float) -> tuple[int, int]:
    """(training, validation) window counts: the newest share validates, at least 2 windows."""
    n_val = max(2, round(n_targets * val_fraction))
    return n_targets - n_val, n_val


def train_windows(rows: int, window: int, val_fraction: float, target: Target | str = DEFAULT_TARGET) -> int:
    """How many training windows `Forecaster.fit` makes from `rows` prices (its own split)."""
    return max(0, split_sizes(rows - offset(target) - window, val_fraction)[0])


def batch_size_for(rows: int, window: int, val_fraction: float, target: Target | str = DEFAULT_TARGET) -> int:
    """Batch size for a series of `rows` prices: 64, but at most 1/8 of the training windows (>= 8).

    >>> batch_size_for(180, 30, 0.2)   # monthly sample: 119 training windows
    15
    >>> batch_size_for(2570, 30, 0.2)  # daily stock sample
    64
    """
    return batch_size_for_windows(train_windows(rows, window, val_fraction, target))


def batch_size_for_windows(n: int) -> int:
    """Batch size for `n` training windows: 64, but at most n/8 (so >= 8 steps an epoch), >= 8."""
    return max(MIN_BATCH, min(MAX_BATCH, math.ceil(n / MIN_STEPS_PER_EPOCH)))
