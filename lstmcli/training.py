"""The training loop: mini-batches of windows, a chronological validation split, early stopping.

Windows are never materialised: `sliding_window_view` gives a (N, T, F) view of the series
and each mini-batch is gathered from it on the fly, so memory stays O(series + batch).
Knows nothing of files or terminals; progress goes out through a callback, and a stop
request (Ctrl-C in the CLI) comes in through `should_stop`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from lstmcli import engine, optim
from lstmcli.defaults import batch_size_for_windows
from lstmcli.errors import OptionError, TrainingError
from lstmcli.growth import TOWARD, DampedGrowth

Params = dict[str, np.ndarray]
MAX_HIDDEN = 4096  # weight_hh alone is (4H, H): 268 MB in float32 at this size
MAX_LAYERS = 64
# the refit's epoch count (refit_epochs): "steps" keeps the early-stopped fit's optimizer steps; measured
# on the corpus against "epochs" (the same epoch count): 1.099 vs 1.127 (benchmarks/README.md)
REFIT_RULE = "steps"
# validation MSE of the standardised target beyond which the weights have blown up, in units of the loss of a
# network that always outputs 0 (the training mean; ~1 unless the validation part moves far more than the training
# part did, e.g. a smooth trend whose training returns are almost constant: `zero_guess_loss`)
DIVERGED_LOSS = 1e6


@dataclass
class TrainConfig:
    """Hyper-parameters of the network and of the loop; all stored in the model file."""

    window: int = 30  # look-back steps per input window
    hidden: int = 32  # units per LSTM layer
    layers: int = 1  # stacked LSTM layers
    epochs: int = 60  # upper bound; early stopping usually ends sooner
    batch_size: int | None = None  # None: 64, at most 1/8 of the training windows (defaults.py)
    lr: float = 1e-3  # Adam step size
    seed: int = 0
    val_fraction: float = 0.2  # last share of the windows held out, chronologically
    patience: int = 10  # epochs without a better validation loss before stopping
    clip: float = 1.0  # max global gradient norm
    dtype: str = "float32"
    ar: int = 0  # lags of the linear autoregressive skip beside the LSTM (engine.AR_WEIGHT); 0: none
    # after the early-stopped fit, train again from the same initial weights on ALL windows (training
    # and validation) for the best epoch's optimizer steps, and ship that model (Forecaster.fit; `refit`)
    refit_all: bool = False
    # one more input column: each window row's level relative to the window's mean level (levels.py); on by
    # default since round 7 (benchmarks/README.md: 1.095 -> 1.046 of the best statistical model, 3 seeds)
    level_input: bool = True
    # the network learns the change minus a damped local growth (growth.py): the damping factor phi per step,
    # 0 = off (the default; benchmarks/README.md, "Damped local growth (round 10)")
    damped_growth: float = 0.0
    damped_toward: str = "zero"  # with damped_growth: "zero" (no change) or "mean" (the training mean change)

    def validate(self) -> None:
        """Raise OptionError for impossible values, naming the option."""
        checks = [
            (self.window >= 1, "--window", self.window, "at least 1"),
            (self.hidden >= 1, "--hidden", self.hidden, "at least 1"),
            (self.hidden <= MAX_HIDDEN, "--hidden", self.hidden, f"at most {MAX_HIDDEN} (tens of units are plenty)"),
            (self.layers >= 1, "--layers", self.layers, "at least 1"),
            (self.layers <= MAX_LAYERS, "--layers", self.layers, f"at most {MAX_LAYERS} (1 to 3 is usual)"),
            (self.epochs >= 1, "--epochs", self.epochs, "at least 1"),
            (self.batch_size is None or self.batch_size >= 1, "--batch-size", self.batch_size, "at least 1"),
            (math.isfinite(self.lr) and self.lr > 0, "--lr", self.lr, "a positive number such as 0.001"),
            (0 < self.val_fraction < 1, "--val-fraction", self.val_fraction, "between 0 and 1, e.g. 0.2"),
            (self.patience >= 1, "--patience", self.patience, "at least 1"),
            (self.seed >= 0, "--seed", self.seed, "0 or a positive whole number"),
            (math.isfinite(self.clip) and self.clip > 0, "clip", self.clip, "a positive number"),
            (self.dtype in ("float32", "float64"), "dtype", self.dtype, "float32 or float64"),
            (0 <= self.ar <= self.window, "--ar", self.ar, f"0 (none) to the window, {self.window}"),
            (
                math.isfinite(self.damped_growth) and 0 <= self.damped_growth <= 1,
                "--damped-growth",
                self.damped_growth,
                "a damping factor from 0 (off) to 1 (no damping), e.g. 0.9",
            ),
            (self.damped_toward in TOWARD, "--damped-toward", self.damped_toward, " or ".join(TOWARD)),
        ]
        for ok, name, value, want in checks:
            if not ok:
                raise OptionError(f"{name} {value} is not possible", hint=f"use {want}")

    def to_dict(self) -> dict:
        """The fields as a dict; `ar`, `refit_all`, `level_input` and `damped_growth` only when used, so a model
        without them is stored as before they existed (a model file's config without them reads as off: modelfile)."""
        d = asdict(self)
        for name in ("ar", "refit_all", "level_input", "damped_growth"):
            if not d[name]:
                del d[name]
        if not self.damped_growth:
            del d["damped_toward"]
        return d


@dataclass
class EpochReport:
    """What the progress callback hears after each epoch."""

    epoch: int  # 1-based
    epochs: int
    train_loss: float
    val_loss: float
    best_val_loss: float
    best_epoch: int
    seconds: float


@dataclass
class TrainResult:
    params: Params  # the best weights (lowest validation loss)
    best_epoch: int
    best_val_loss: float
    epochs_run: int
    history: list[EpochReport] = field(default_factory=list)
    stopped_early: bool = False  # patience ran out
    interrupted: bool = False  # should_stop() said so (e.g. Ctrl-C)
    seconds: float = 0.0


def window_view(series: np.ndarray, window: int) -> np.ndarray:
    """All input windows of a (N, F) series as a read-only view (N - window + 1, window, F)."""
    return np.lib.stride_tricks.sliding_window_view(series, (window, series.shape[1]))[:, 0]


def gather(
    series: np.ndarray,
    window: int,
    targets: np.ndarray,
    out_features: int,
    direct: bool = False,
    level: bool = False,
    growth: DampedGrowth | None = None,
    views: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (B, window, F) and targets (B, O) for the given target rows of the series.

    Target row t is predicted from rows t-window .. t-1: no look-ahead. Recursive (the
    default): the targets are row t's first O columns. `direct`: the targets are column 0 of
    rows t .. t+O-1, the O steps a direct head emits at once. `level`: the last column holds
    scaled levels (levels.LevelInput.series_column), made relative to each window's mean.
    `growth`: column 0's targets are relative to the damped local growth's prior path (growth.py).
    `views`: `window_view(series, window)` when the caller made it already (an epoch makes it once for its batches).
    """
    if views is None:
        views = window_view(series, window)  # (N - window + 1, window, F)
    x = views[targets - window]  # (B, window, F): a copy of just this batch
    if level:  # levels.relative, as forecast.model_input builds the column
        x[:, :, -1] -= x[:, :, -1].mean(axis=1, keepdims=True)
    if direct:  # (B, O): steps 1..O of column 0
        y = series[targets[:, None] + np.arange(out_features), 0]
        if growth is not None:
            y = y - growth.path(x[:, :, 0], out_features).astype(y.dtype)
        return x, y
    y = series[targets, :out_features]  # (B, O)
    if growth is not None:  # step 1 of the prior path
        y = y.copy()
        y[:, 0] -= growth.path(x[:, :, 0], 1)[:, 0].astype(y.dtype)
    return x, y


def evaluate(
    params: Params,
    series: np.ndarray,
    window: int,
    targets: np.ndarray,
    batch: int = 256,
    direct: bool = False,
    level: bool = False,
    growth: DampedGrowth | None = None,
) -> float:
    """Mean squared error over the given target rows, in batches (`direct`, `level`, `growth`: as `gather`)."""
    if len(targets) == 0:
        return float("nan")
    O = params["head.bias"].shape[0]
    total = 0.0
    for b in range(0, len(targets), batch):
        x, y = gather(series, window, targets[b : b + batch], O, direct, level, growth)
        err = engine.predict(params, x) - y  # (B, O)
        total += float(np.sum(err * err))
    return total / (len(targets) * O)


def zero_guess_loss(series: np.ndarray, targets: np.ndarray, outputs: int, direct: bool = False) -> float:
    """The mean squared error over the given target rows of a network that always outputs 0 (`evaluate`'s units).

    What early stopping's loss is judged against for divergence: ~1 for targets standardised on a training part
    like them, far more when the validation part moves far beyond it.
    """
    if len(targets) == 0:
        return float("nan")
    targets = np.asarray(targets, dtype=np.int64)
    # (V, O): steps 1..O of column 0 (direct), or the first O columns of each row
    y = series[targets[:, None] + np.arange(outputs), 0] if direct else series[targets, :outputs]
    return float(np.mean(np.square(y, dtype=np.float64)))


def _epoch(params, opt, rng, series, targets, batch, config, O, direct, epoch, should_stop, growth) -> list[float]:
    """One epoch of Adam steps over the `targets` windows in a shuffled order; the batch losses."""
    order = rng.permutation(targets)
    losses = []
    views = window_view(series, config.window)  # (N - window + 1, window, F): one view for all the epoch's batches
    for b in range(0, len(order), batch):
        x, y = gather(series, config.window, order[b : b + batch], O, direct, config.level_input, growth, views)
        loss, grads = engine.loss_and_gradients(params, x, y)
        if not math.isfinite(loss):
            raise TrainingError(
                f"training diverged: the loss became {loss} in epoch {epoch}; no model was saved",
                hint=f"lower --lr (now {config.lr:g}) or check the data for extreme values",
            )
        optim.clip_by_global_norm(grads, config.clip)
        opt.step(params, grads)
        losses.append(loss)
        if should_stop is not None and should_stop():
            break
    return losses


def _start(series: np.ndarray, config: TrainConfig, outputs: int | None, n_targets: int, params: Params | None = None):
    """What `train` and `refit` start from, in this order (the generator draws the initial weights
    before the first shuffle): the series as the config's dtype, the outputs, the seeded
    generator, the batch size, the weights (fresh unless given) and a fresh Adam."""
    config.validate()
    dtype = np.dtype(config.dtype)
    series = np.ascontiguousarray(series, dtype=dtype)
    O = outputs or series.shape[1]
    rng = np.random.default_rng(config.seed)
    batch = config.batch_size or batch_size_for_windows(n_targets)
    if params is None:
        F = series.shape[1]
        params = engine.with_ar(engine.init_params(F, config.hidden, config.layers, O, rng, dtype=dtype), config.ar)
    return series, O, rng, batch, params, optim.Adam(lr=config.lr)


@np.errstate(over="ignore", invalid="ignore")  # a diverging loss is caught by value below, with a hint
def train(
    series: np.ndarray,
    train_targets: np.ndarray,
    val_targets: np.ndarray,
    config: TrainConfig,
    outputs: int | None = None,
    params: Params | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    direct: bool = False,
    growth: DampedGrowth | None = None,
) -> TrainResult:
    """Fit an LSTM to predict series[t, :outputs] from series[t-window:t] with Adam.

    `direct`: predict column 0 of rows t .. t+outputs-1 at once instead (the direct strategy;
    every target row plus outputs-1 must lie inside the series). `growth`: the damped local growth the
    network learns around (growth.py; `DampedGrowth.of(config, scaler)`), None: none.

    series (N, F) is already scaled. train_targets / val_targets are row indices (each
    >= window) of the targets; validation rows come after training rows in time. Batches are
    shuffled with a generator seeded from config.seed; the best weights by validation loss
    are returned. A non-finite loss raises TrainingError (nothing is returned to save).
    """
    series, O, rng, batch, params, opt = _start(series, config, outputs, len(train_targets), params)
    train_targets = np.asarray(train_targets, dtype=np.int64)
    val_targets = np.asarray(val_targets, dtype=np.int64)
    assert train_targets.min() >= config.window, (train_targets.min(), config.window)

    # a loss beyond this is blown-up weights: DIVERGED_LOSS x the zero guess's loss (at least DIVERGED_LOSS)
    diverged = DIVERGED_LOSS * max(1.0, zero_guess_loss(series, val_targets, O, direct) if len(val_targets) else 1.0)
    best = {k: v.copy() for k, v in params.items()}
    best_val, best_epoch, waited = math.inf, 0, 0
    history: list[EpochReport] = []
    result = TrainResult(best, 0, math.inf, 0, history)
    start = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        losses = _epoch(params, opt, rng, series, train_targets, batch, config, O, direct, epoch, should_stop, growth)
        interrupted = should_stop is not None and should_stop()
        train_loss = float(np.mean(losses))
        val_loss = (
            evaluate(params, series, config.window, val_targets, direct=direct, level=config.level_input, growth=growth)
            if len(val_targets)
            else train_loss
        )
        if not val_loss <= diverged:  # NaN, inf, or weights blown up (a guess of 0 scores about 1, or `diverged`)
            raise TrainingError(
                f"training diverged: the validation loss became {val_loss:.4g} in epoch {epoch}; no model was saved",
                hint=f"lower --lr (now {config.lr:g})",
            )
        if val_loss < best_val:
            best_val, best_epoch, waited = val_loss, epoch, 0
            for k, v in params.items():
                best[k][...] = v
        else:
            waited += 1
        report = EpochReport(epoch, config.epochs, train_loss, val_loss, best_val, best_epoch, time.perf_counter() - t0)
        history.append(report)
        if on_epoch is not None:
            on_epoch(report)
        if interrupted:
            result.interrupted = True
            break
        if waited >= config.patience:
            result.stopped_early = True
            break
    result.best_epoch, result.best_val_loss = best_epoch, best_val
    result.epochs_run = len(history)
    result.seconds = time.perf_counter() - start
    return result


def refit_epochs(best_epoch: int, train_windows: int, all_windows: int, batch: int, rule: str = REFIT_RULE) -> int:
    """Epochs of the refit on all windows after an early-stopped fit whose best epoch was `best_epoch`.

    "epochs": the same number of epochs (each has more steps: all_windows / train_windows as many);
    "steps": as many optimizer steps as the best epoch had taken, at the same batch size.
    """
    if rule == "steps":
        steps = best_epoch * math.ceil(train_windows / batch)
        return max(1, round(steps / math.ceil(all_windows / batch)))
    return max(1, best_epoch)


@np.errstate(over="ignore", invalid="ignore")  # a diverging loss is caught by value, as in train
def refit(
    series: np.ndarray,
    targets: np.ndarray,
    config: TrainConfig,
    epochs: int,
    outputs: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    direct: bool = False,
    growth: DampedGrowth | None = None,
) -> TrainResult:
    """Train from the same initial weights as `train` with `config` (same seed) on `targets` (all
    windows: training and validation) for exactly `epochs` epochs, without a validation part;
    the weights after the last epoch are returned (`best_epoch` = `epochs`, no validation loss).

    What `Forecaster.fit` ships after the early-stopped fit chose the epoch count: the model has
    then learnt from the newest rows too, which the early-stopped fit only validated on.
    """
    series, O, rng, batch, params, opt = _start(series, config, outputs, len(targets))
    targets = np.asarray(targets, dtype=np.int64)
    assert targets.min() >= config.window, (targets.min(), config.window)
    history: list[EpochReport] = []
    result = TrainResult(params, epochs, math.nan, 0, history)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        losses = _epoch(params, opt, rng, series, targets, batch, config, O, direct, epoch, should_stop, growth)
        loss = float(np.mean(losses))
        history.append(EpochReport(epoch, epochs, loss, math.nan, math.nan, epochs, time.perf_counter() - t0))
        if should_stop is not None and should_stop():
            result.interrupted = True
            break
    if not all(np.isfinite(v).all() for v in params.values()):
        raise TrainingError(
            "training diverged: the refit on all rows gave weights that are not finite; no model was saved",
            hint=f"lower --lr (now {config.lr:g})",
        )
    result.epochs_run = len(history)
    result.seconds = time.perf_counter() - start
    return result
