"""What the network learns, and the way back to prices (NumPy only).

A price series is turned into a *target series* (`level`, `log-return` or `diff`), then
standardised with a mean and standard deviation fitted on the training part only. The
network learns the next value of that scaled series; a forecast is mapped back to prices
step by step. Prices in, prices out: nothing scaled ever reaches a user unlabelled.

Why log-return is the default: a network that learns scaled price *levels* cannot forecast
beyond the range it was scaled on, and prices trend; returns are stationary-ish and a
model of them degrades gracefully to the naive forecast (a return of ~0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from lstmcli.errors import DataError, OptionError


class Target(StrEnum):
    """What the network learns; a str, so `Target.DIFF == "diff"` and JSON/CLI strings work unchanged.

    Every member is a concrete series the network can learn. `--target auto` (AUTO below) is not
    a member: it is resolved to one of these before training (`resolve_target`), and the model
    file stores the resolved one.
    """

    LOG_RETURN = "log-return"  # log(p[t+1] / p[t]): the default, see the module docstring
    DIFF = "diff"  # p[t+1] - p[t]
    LEVEL = "level"  # p[t]

    @property
    def offset(self) -> int:
        """How many leading price rows the target series loses (1 for changes, 0 for levels)."""
        return 0 if self is Target.LEVEL else 1


DEFAULT_TARGET = Target.LOG_RETURN
TARGETS = tuple(t.value for t in Target)  # ("log-return", "diff", "level"), for help texts


AUTO = "auto"  # the default of `lstm train`/`backtest` and `Forecaster`: resolved from the data, never stored


def resolve_target(
    kind: Target | str, prices: np.ndarray, columns: Sequence[str] | None = None
) -> tuple[Target, str | None]:
    """(the concrete Target, why it was chosen or None when `kind` was explicit).

    `auto` is log-return for strictly positive series, diff otherwise (zeros or negatives). With `columns` (the
    names of `prices`' columns, the target first) the reason names a feature whose values decided it, when the
    target's own are all above 0.
    """
    if kind != AUTO:
        return check_target(kind), None
    values = np.asarray(prices, dtype=np.float64)
    if (values > 0).all():
        return Target.LOG_RETURN, "auto: all values are above 0"
    if columns is not None and values.ndim == 2 and (values[:, 0] > 0).all():
        names = [repr(c) for c, ok in zip(columns[1:], (values[:, 1:] > 0).all(axis=0), strict=True) if not ok]
        one = len(names) == 1
        return (
            Target.DIFF,
            f"auto: {'feature' if one else 'features'} {', '.join(names)} {'has' if one else 'have'} values <= 0",
        )
    return Target.DIFF, "auto: the data has values <= 0"


def check_target(kind: str) -> Target:
    """The Target named `kind` (a Target or its string); OptionError naming --target otherwise."""
    try:
        return Target(kind)
    except ValueError:
        import difflib

        squash = {t.replace("-", ""): t for t in TARGETS}  # logreturn, log_return, Log-Return -> log-return
        key = str(kind).lower().replace("-", "").replace("_", "").replace(" ", "")
        close = squash.get(key) or next(iter(difflib.get_close_matches(key, list(squash), n=1, cutoff=0.6)), None)
        close = squash.get(close, close)
        mean = f"did you mean --target {close}? Use" if close else "use"
        raise OptionError(f"--target {kind!r} is not known", hint=f"{mean} one of: {', '.join(TARGETS)}") from None


def to_target(
    values: np.ndarray,
    kind: Target | str,
    source: str = "the data",
    columns: list[str] | None = None,
    axis: int = 0,
    lag: int = 1,
) -> np.ndarray:
    """Prices (N, F) -> target series: (N-lag, F) for returns/diffs, (N, F) for levels.

    Row j of a return/diff series is the change from price row j to j+lag (`lag` m > 1: the
    seasonal difference, log p[j+m] - log p[j] or p[j+m] - p[j]; not for levels). `axis` is the
    time axis (1 for a batch of histories (B, N, F)).
    """
    kind = check_target(kind)
    values = np.asarray(values, dtype=np.float64)
    if kind is Target.LEVEL:
        assert lag == 1, "a level target has no seasonal difference"
        return values.copy()
    if kind is Target.DIFF:
        return _lagged(values, lag, axis)
    bad = ~(values > 0)
    if bad.any():
        row, col = np.argwhere(bad)[0][-2:]
        name = columns[col] if columns else f"column {col}"
        raise DataError(
            f"{source}: --target log-return needs prices above 0, but {name!r} is {values[row, col]:g} "
            f"at data row {row + 1}",
            hint="use --target diff or --target level for series with zero or negative values",
        )
    return _lagged(np.log(values), lag, axis)


def _lagged(values: np.ndarray, lag: int, axis: int) -> np.ndarray:
    """values[j + lag] - values[j] along `axis` (np.diff for lag 1)."""
    if lag == 1:
        return np.diff(values, axis=axis)
    n = values.shape[axis]
    return np.take(values, np.arange(lag, n), axis=axis) - np.take(values, np.arange(n - lag), axis=axis)


def offset(kind: Target | str) -> int:
    """How many leading price rows the target series loses (1 for changes, 0 for levels)."""
    return check_target(kind).offset


def next_price(last: np.ndarray, step: np.ndarray, kind: Target | str) -> np.ndarray:
    """The price after `last` (F,) given one target-series value `step` (F,)."""
    kind = check_target(kind)
    if kind is Target.LEVEL:
        return step
    if kind is Target.DIFF:
        return last + step
    return last * np.exp(step)


@dataclass
class Scaler:
    """Standardisation (x - mean) / std per column, fitted on the training part only (std 0: no spread, see `fit`)."""

    mean: np.ndarray  # (F,)
    std: np.ndarray  # (F,)

    @classmethod
    def fit(cls, values: np.ndarray) -> Scaler:
        """Fit on (N, F) training values. A column with no spread (a constant series' changes) gets std 0 and its last
        value as the mean (exactly: a mean of n copies of 42.17 rounds): `inverse` maps any network output back to
        that value, so a constant series' forecast is its last price, bit for bit."""
        mean = values.mean(axis=0)
        std = values.std(axis=0)
        flat = std <= 1e-12 * np.maximum(1.0, np.abs(mean))
        return cls(np.where(flat, values[-1], mean), np.where(flat, 0.0, std))

    @property
    def unit(self) -> np.ndarray:
        """(F,) what `transform` divides by: std, or 1 where it is 0 (nothing to scale)."""
        return np.where(self.std > 0, self.std, 1.0)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - self.mean) / self.unit

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.std + self.mean

    def to_dict(self) -> dict:
        return {"kind": "standard", "mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Scaler:
        return cls(np.asarray(d["mean"], dtype=np.float64), np.asarray(d["std"], dtype=np.float64))
