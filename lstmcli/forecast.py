"""Forecasting: fit a model to a price series, forecast N steps, judge it against naive.

The Python API the CLI itself uses:

    >>> from lstmcli.forecast import Forecaster
    >>> fc = Forecaster().fit(prices)          # (N,) or (N, F) prices, column 0 the target
    >>> fc.predict(5).values                   # the next 5 prices
    >>> fc.save("lstm-model.npz"); Forecaster.load("lstm-model.npz")

Horizon strategy: *recursive*. The network predicts one step of every input column; each
prediction is fed back as the newest input to predict the next step. The strategy is named
in the model file and in the output. Every validation number is one-step-ahead, in price
units, beside the naive forecast (tomorrow = today) and drift (naive + the training trend).

NumPy only at import time: `lstm predict` never loads pandas.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lstmcli import __version__, dates, engine, metrics, modelfile
from lstmcli.defaults import batch_size_for_windows, split_sizes
from lstmcli.errors import DataError, LstmError, ModelFileError, OptionError, TrainingError
from lstmcli.training import EpochReport, TrainConfig, TrainResult, train
from lstmcli.transforms import Scaler, check_target, next_price, offset, to_target

HORIZON_STRATEGY = "recursive"
#: quantile levels of the stored validation errors, enough for 50..95% intervals
INTERVAL_LEVELS = (0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975)
MAX_INTERVAL_HORIZON = 30
MIN_INTERVAL_ORIGINS = 20
MAX_INTERVAL_ORIGINS = 5000
INTERRUPTED_ORIGINS = 500  # after Ctrl-C: fewer origins, so stopping stays prompt (the counts are stored)
MAX_DAYS = 10_000  # longest forecast: far beyond anything a recursive one-step model can tell
TAIL_ROWS = 250  # recent history kept in the model file (for predict's chart and context)
MAX_ABS_PRICE = 1e100  # larger values are refused: their squares would overflow float64


def _iso(d: np.datetime64 | None) -> str | None:
    return None if d is None else str(np.datetime64(d, "s"))


def _dates_from_iso(values: list[str] | None) -> np.ndarray | None:
    return None if values is None else np.array(values, dtype="datetime64[s]")


def model_input(
    scaler: Scaler, kind: str, history: np.ndarray, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray]:
    """The network's input for B histories of prices (B, W + offset, F), the one way to build it.

    Returns (target series (B, W, F) in float64, scaled input (B, W, F) in `dtype`);
    `recursive_forecast` and `lstm inspect --step-trace` (trace.py) both use it.
    """
    z = to_target(history, kind, axis=1)  # (B, W, F)
    return z, scaler.transform(z).astype(dtype)  # (B, W, F) each


def recursive_forecast(
    params: dict[str, np.ndarray], scaler: Scaler, kind: str, window: int, history: np.ndarray, days: int,
    chunk: int = 256,
) -> np.ndarray:
    """Forecast `days` steps for each of B histories (B, window + offset, F) of prices.

    Returns (B, days, F) prices. Each step's prediction of every column is fed back in.
    Histories are processed `chunk` at a time: memory stays bounded for any B, and at 256
    the per-step buffers stay in cache (2x the windows/s of 2048 at H=64).
    """
    B, N, F = history.shape
    assert N == window + offset(kind), (N, window, offset(kind))
    if B > chunk:
        return np.concatenate([recursive_forecast(params, scaler, kind, window, history[b : b + chunk], days, chunk)
                               for b in range(0, B, chunk)])
    dtype = params["weight_hh_l0"].dtype
    _, x = model_input(scaler, kind, history, dtype)  # (B, W, F)
    last = history[:, -1, :].astype(np.float64)  # (B, F)
    out = np.empty((B, days, F))
    for d in range(days):
        step = engine.predict(params, x).astype(np.float64)  # (B, F) scaled target values
        price = next_price(last, scaler.inverse(step), kind)  # (B, F)
        out[:, d] = price
        last = price
        x = np.concatenate([x[:, 1:], step[:, None, :].astype(dtype)], axis=1)  # (B, W, F)
    return out


MIN_TRAIN_WINDOWS = 8


def min_rows(window: int, off: int, val_fraction: float) -> int:
    """The fewest price rows that give MIN_TRAIN_WINDOWS training windows.

    A search by doubling and halving, since training windows never decrease as rows are added:
    --val-fraction 0.9999999999999999 needs ~8e16 rows, too many to count up to one by one.
    """
    def enough(t: int) -> bool:
        return split_sizes(t, val_fraction)[0] >= MIN_TRAIN_WINDOWS

    lo = hi = MIN_TRAIN_WINDOWS + 2  # target windows
    while not enough(hi):
        lo, hi = hi + 1, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid + 1, hi)
    return window + off + lo


def histories(prices: np.ndarray, window: int, kind: str, targets: np.ndarray) -> np.ndarray:
    """The price rows (B, window + offset, F) a forecast of target-series rows `targets` starts from.

    Target row t (of the target series) is predicted from target rows t-window .. t-1, which
    come from price rows t-window .. t-1+offset. A view-backed gather: no window is copied twice.
    """
    n = window + offset(kind)
    views = np.lib.stride_tricks.sliding_window_view(prices, (n, prices.shape[1]))[:, 0]  # (N-n+1, n, F)
    return views[np.asarray(targets) - window]  # (B, n, F)


@dataclass
class Forecast:
    """A dated forecast of the target column, with its context."""

    values: np.ndarray  # (days,) prices
    dates: np.ndarray | None  # (days,) datetime64, or None when the series has no dates
    last_value: float
    last_date: np.datetime64 | None
    column: str
    frequency: str | None
    lower: np.ndarray | None = None  # (days,) interval bounds, when the model has them
    upper: np.ndarray | None = None
    interval: float | None = None
    history: np.ndarray = field(default_factory=lambda: np.empty(0))  # recent prices
    history_dates: np.ndarray | None = None
    strategy: str = HORIZON_STRATEGY

    @property
    def change(self) -> np.ndarray:
        return self.values - self.last_value

    @property
    def change_pct(self) -> np.ndarray:
        return 100 * self.change / self.last_value if self.last_value != 0 else np.full_like(self.values, np.nan)

    @property
    def is_flat(self) -> bool:
        """True when the whole forecast moves less than a tenth of a typical day's move."""
        if len(self.history) < 3 or len(self.values) < 2:
            return False
        typical = float(np.median(np.abs(np.diff(self.history))))
        span = float(np.ptp(np.append(self.values, self.last_value)))
        return typical > 0 and span < 0.1 * typical

    def to_dict(self) -> dict:
        rows = []
        change, change_pct = self.change, self.change_pct  # (days,) each, computed once (not once per row)
        for k, v in enumerate(self.values):
            row = {"step": k + 1, "date": dates.format_date(self.dates[k], self.frequency) if self.dates is not None
                   else None, "forecast": float(v), "change": float(change[k]),
                   "change_pct": float(change_pct[k])}
            if self.lower is not None:
                row["lower"], row["upper"] = float(self.lower[k]), float(self.upper[k])
            rows.append(row)
        return {
            "column": self.column,
            "last_date": None if self.last_date is None else dates.format_date(self.last_date, self.frequency),
            "last_value": self.last_value,
            "frequency": self.frequency,
            "strategy": self.strategy,
            "interval": self.interval,
            "forecast": rows,
        }


class Forecaster:
    """An LSTM price forecaster: fit, predict, save, load."""

    def __init__(self, config: TrainConfig | None = None, target: str = "log-return") -> None:
        self.config = config or TrainConfig()
        self.target = check_target(target)
        self.params: dict[str, np.ndarray] | None = None
        self.meta: dict = {}
        self.result: TrainResult | None = None

    # ----------------------------------------------------------------------------- fit

    def fit(
        self,
        values,
        dates_: np.ndarray | None = None,
        columns: list[str] | None = None,
        *,
        frequency: str | None = None,
        source: str = "<array>",
        sha256: str | None = None,
        on_epoch: Callable[[EpochReport], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Forecaster:
        """Train on prices, oldest first; column 0 is the forecast target.

        `values` is an array (N,) or (N, F), a `data.PriceSeries` (from `read_prices`), or a
        pandas Series/DataFrame (a DatetimeIndex gives the dates); the keywords override
        what those carry.
        """
        cfg = self.config
        cfg.validate()
        if hasattr(values, "sha256") and hasattr(values, "columns"):  # a data.PriceSeries
            dates_ = values.dates if dates_ is None else dates_
            columns = columns or values.columns
            frequency = frequency or values.frequency
            source = values.source if source == "<array>" else source
            sha256 = sha256 or values.sha256
            values = values.values
        elif hasattr(values, "to_numpy") and hasattr(values, "index"):  # pandas, duck-typed (no import)
            if dates_ is None and str(getattr(values.index, "dtype", "")).startswith("datetime64"):
                dates_ = values.index.to_numpy().astype("datetime64[s]")
            names = list(values.columns) if hasattr(values, "columns") else [values.name or "value"]
            columns = columns or [str(n) for n in names]
            values = values.to_numpy(dtype=np.float64)
        if dates_ is not None and frequency is None:
            frequency = dates.infer_frequency(np.asarray(dates_))
        prices = np.asarray(values, dtype=np.float64)
        prices = prices[:, None] if prices.ndim == 1 else prices  # (N, F)
        N, F = prices.shape
        columns = list(columns) if columns else ["value"] + [f"feature{k}" for k in range(1, F)]
        if not np.isfinite(prices).all():
            row, col = np.argwhere(~np.isfinite(prices))[0]
            raise DataError(f"{source}: {columns[col]!r} is {prices[row, col]} at data row {row + 1}",
                            hint="clean the file; lstm train needs finite prices")
        if prices.size and np.abs(prices).max() > MAX_ABS_PRICE:  # squares and sums of such numbers overflow float64
            row, col = np.unravel_index(np.argmax(np.abs(prices)), prices.shape)
            raise DataError(f"{source}: {columns[col]!r} is {prices[row, col]:g} at data row {row + 1}, beyond "
                            f"the {MAX_ABS_PRICE:g} lstm can compute with",
                            hint="rescale the column, e.g. divide it by 1e6")
        z = to_target(prices, self.target, source, columns)  # (M, F): the target series
        off = offset(self.target)
        M, W = len(z), cfg.window
        n_train, _ = split_sizes(M - W, cfg.val_fraction)
        if n_train < MIN_TRAIN_WINDOWS:
            raise DataError(
                f"{source} has {N} usable rows; --window {W} with --val-fraction {cfg.val_fraction} "
                f"needs at least {min_rows(W, off, cfg.val_fraction)} "
                f"({MIN_TRAIN_WINDOWS} windows to train on and 2 to validate)",
                hint="use a smaller --val-fraction (e.g. 0.2)"
                if cfg.val_fraction > 0.5 and min_rows(1, off, cfg.val_fraction) > N
                else f"use a smaller --window (e.g. {max(1, min(W, N // 4))}) or more data",
            )
        if cfg.batch_size is None:  # the data-dependent default, resolved here so the model file records it
            cfg = self.config = replace(cfg, batch_size=batch_size_for_windows(n_train))
        targets = np.arange(W, M)  # row t of z is predicted from rows t-W .. t-1
        train_t, val_t = targets[:n_train], targets[n_train:]
        scaler = Scaler.fit(z[: train_t[-1] + 1])  # training part only: no look-ahead
        series = scaler.transform(z)  # (M, F)

        result = train(series, train_t, val_t, cfg, outputs=F, on_epoch=on_epoch, should_stop=should_stop)
        self.params, self.result = result.params, result

        with np.errstate(over="ignore", invalid="ignore"):  # runaway forecasts are caught by value just below
            validation = self._validate(prices, scaler, train_t, val_t, off)
            # stopped by Ctrl-C: calibrate on the newest 500 origins only, so the stop stays prompt on long series
            intervals = self._interval_errors(prices, scaler, val_t, off,
                                              INTERRUPTED_ORIGINS if result.interrupted else MAX_INTERVAL_ORIGINS)
        if not (math.isfinite(validation["model"]["mae"])
                and (intervals is None or np.isfinite(intervals["quantiles"]).all())):
            raise TrainingError("training diverged: the model's forecasts run off to infinity; no model was saved",
                                hint=f"lower --lr (now {cfg.lr:g}) or use --target diff")
        tail = min(N, max(TAIL_ROWS, W + off))
        self.meta = {
            "tool": "lstmcli",
            "tool_version": __version__,
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "config": cfg.to_dict(),
            "target": self.target,
            "horizon_strategy": HORIZON_STRATEGY,
            "scaler": scaler.to_dict(),
            "columns": columns,
            "features": F,
            "outputs": F,
            "data": {
                "source": source,
                "sha256": sha256,
                "rows": N,
                "first_date": _iso(dates_[0]) if dates_ is not None else None,
                "last_date": _iso(dates_[-1]) if dates_ is not None else None,
                "frequency": frequency,
                "train_rows": int(train_t[-1] + off + 1),
                "train_end_date": _iso(dates_[train_t[-1] + off]) if dates_ is not None else None,
            },
            "tail": {
                "values": prices[-tail:].tolist(),
                "dates": [_iso(d) for d in dates_[-tail:]] if dates_ is not None else None,
            },
            "training": {
                "epochs_run": result.epochs_run,
                "best_epoch": result.best_epoch,
                "best_val_loss": result.best_val_loss,
                "stopped_early": result.stopped_early,
                "interrupted": result.interrupted,
                "train_windows": len(train_t),
                "val_windows": len(val_t),
            },
            "validation": validation,
            "intervals": intervals,
        }
        return self

    def _one_step(self, prices: np.ndarray, scaler: Scaler, targets: np.ndarray, off: int) -> np.ndarray:
        """One-step-ahead forecasts (len(targets), F) in prices for the given target rows."""
        W = self.config.window
        hist = histories(prices, W, self.target, targets)  # (B, W + off, F)
        return recursive_forecast(self.params, scaler, self.target, W, hist, 1)[:, 0]  # (B, F)

    def _validate(self, prices, scaler, train_t, val_t, off) -> dict:
        """One-step-ahead MAE/RMSE/MASE of the model, naive and drift on the validation part."""
        p = prices[:, 0]
        actual = p[val_t + off]  # (V,)
        previous = p[val_t + off - 1]  # (V,) naive: tomorrow = today
        model = self._one_step(prices, scaler, val_t, off)[:, 0]
        train_end = int(train_t[-1] + off)
        slope = (p[train_end] - p[0]) / max(1, train_end)
        drift = previous + slope
        scale = metrics.naive_scale(p[: train_end + 1])
        out = {"rows": len(val_t), "scale": scale, "first_date_index": int(val_t[0] + off)}
        for name, fc in (("model", model), ("naive", previous), ("drift", drift)):
            out[name] = {
                "mae": metrics.mae(actual, fc),
                "rmse": metrics.rmse(actual, fc),
                "mase": metrics.mase(actual, fc, scale),
                "directional_accuracy": metrics.directional_accuracy(previous, actual, fc) if name != "naive"
                else None,
            }
        return out

    def _interval_errors(self, prices, scaler, val_t, off, max_origins: int = MAX_INTERVAL_ORIGINS) -> dict | None:
        """Quantiles of the model's own validation errors at each horizon (split conformal).

        Errors are log(actual / forecast) when the model learns log-returns (errors scale with
        the price), else actual - forecast (errors in price units, as a diff or level model
        assumes): log-ratios of an additive-noise series calibrated at one price level give
        intervals far too wide or too narrow once the level has moved.
        """
        val_t = val_t[-max_origins:]  # the newest errors are the most relevant; bounds the cost
        V = len(val_t)
        H = min(MAX_INTERVAL_HORIZON, V - MIN_INTERVAL_ORIGINS + 1)
        if H < 1:
            return None
        W = self.config.window
        hist = histories(prices, W, self.target, val_t)  # (V, W + off, F)
        fc = recursive_forecast(self.params, scaler, self.target, W, hist, H)[:, :, 0]  # (V, H)
        positive = self.target == "log-return"  # log-return needs prices > 0, so log is safe
        quantiles, counts = [], []
        for h in range(H):
            n = V - h  # origins whose h-step-ahead value is still inside the data
            actual = prices[val_t[:n] + off + h, 0]
            err = np.log(actual / fc[:n, h]) if positive else actual - fc[:n, h]
            quantiles.append(conformal_quantiles(err, INTERVAL_LEVELS).tolist())
            counts.append(n)
        return {"kind": "log-ratio" if positive else "difference", "levels": list(INTERVAL_LEVELS),
                "quantiles": quantiles, "origins": counts}

    # ----------------------------------------------------------------------------- predict

    def predict(
        self, days: int, values: np.ndarray | None = None, dates_: np.ndarray | None = None,
        interval: float | None = 0.9,
    ) -> Forecast:
        """Forecast `days` steps after the training data, or after newer `values` (N, F)."""
        if self.params is None:
            raise OptionError("this Forecaster has not been fitted or loaded")
        if not isinstance(days, int | np.integer) or days < 1:
            raise OptionError(f"--days {days} is not possible", hint="ask for at least 1 day, e.g. --days 5")
        if days > MAX_DAYS:
            raise OptionError(f"--days {days} is more than lstm forecasts (at most {MAX_DAYS:,} steps)",
                              hint="a recursive forecast that far ahead is noise; ask for fewer days")
        if interval is not None and not 0 < interval < 1:
            raise OptionError(f"--interval {interval} is not possible", hint="use a coverage such as 0.8 or 0.9")
        W, off = self.config.window, offset(self.target)
        freq = self.meta.get("data", {}).get("frequency")
        if values is None:
            prices = np.asarray(self.meta["tail"]["values"], dtype=np.float64)
            dates_ = _dates_from_iso(self.meta["tail"]["dates"])
        else:
            prices = np.asarray(values, dtype=np.float64)
            prices = prices[:, None] if prices.ndim == 1 else prices
            if prices.shape[1] != self.meta["features"]:
                raise DataError(f"the new data has {prices.shape[1]} columns, the model was trained on "
                                f"{self.meta['features']} ({', '.join(self.meta['columns'])})")
            if len(prices) < W + off:
                raise DataError(f"the new data has {len(prices)} rows; the model needs the last {W + off}",
                                hint="pass a longer --data file")
            if not np.isfinite(prices[-(W + off):]).all():
                raise DataError("the new data has missing or infinite values in its last rows",
                                hint="fill or delete those rows")
            recent = prices[-(W + off):]  # (W + off, F): all the forecast reads
            if self.target == "log-return" and not (recent > 0).all():
                row, col = np.argwhere(~(recent > 0))[0]
                raise DataError(f"the new data: {self.meta['columns'][col]!r} is {recent[row, col]:g} at data row "
                                f"{len(prices) - len(recent) + row + 1}, but this model learns log-returns, which "
                                "need prices above 0",
                                hint="retrain with --target diff or --target level for series with zero or "
                                     "negative values")
        scaler = Scaler.from_dict(self.meta["scaler"])
        hist = prices[None, -(W + off):]  # (1, W + off, F)
        with np.errstate(over="ignore", invalid="ignore"):  # checked by value below
            out = recursive_forecast(self.params, scaler, self.target, W, hist, days)[0, :, 0]  # (days,)
        if not np.isfinite(out).all():
            k = int(np.argmax(~np.isfinite(out)))  # steps that are still finite
            raise OptionError(f"the forecast runs off to infinity after {k} steps",
                              hint=f"ask for --days {k} or fewer" if k else "retrain the model, e.g. with a lower --lr")
        last_date = dates_[-1] if dates_ is not None else None
        fut = dates.future_dates(dates_, freq, days) if dates_ is not None else None
        lower = upper = None
        if interval is not None and self.meta.get("intervals"):
            interval = min(interval, widest_interval(self.meta["intervals"]))  # say what the bounds are
            lower, upper = interval_bounds(self.meta["intervals"], out, interval)
        else:
            interval = None
        return Forecast(
            values=out, dates=fut, last_value=float(prices[-1, 0]), last_date=last_date,
            column=self.meta["columns"][0], frequency=freq, lower=lower, upper=upper, interval=interval,
            history=prices[-min(len(prices), 120):, 0],
            history_dates=dates_[-min(len(prices), 120):] if dates_ is not None else None,
        )

    # ----------------------------------------------------------------------------- files

    def save(self, path: str | Path) -> Path:
        if self.params is None:
            raise OptionError("nothing to save: fit the Forecaster first")
        return modelfile.save(path, self.params, self.meta)

    @classmethod
    def load(cls, path: str | Path) -> Forecaster:
        params, meta = modelfile.load(path)
        try:
            config = TrainConfig(**meta["config"])
            config.validate()
            fc = cls(config, meta["target"])
            _check_meta(meta, config.window + offset(fc.target))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, LstmError) as e:
            raise ModelFileError(f"{path}: metadata is incomplete or invalid ({e})",
                                 hint="retrain with lstm train") from None
        fc.params, fc.meta = params, meta
        return fc


def _check_meta(meta: dict, min_tail: int) -> None:
    """Raise ValueError unless the metadata predict and its tables read has the types and sizes they need.

    A model file is input like any other: a damaged or hand-edited one must be refused with a
    message, not crash a renderer halfway through a forecast.
    """
    def number(x) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    F = meta["features"]
    scaler = Scaler.from_dict(meta["scaler"])
    if scaler.mean.shape != (F,) or scaler.std.shape != (F,) or not np.isfinite([scaler.mean, scaler.std]).all():
        raise ValueError(f"the scaler does not hold {F} finite means and deviations")
    if not (isinstance(meta["columns"], list) and len(meta["columns"]) == F
            and all(isinstance(c, str) for c in meta["columns"])):
        raise ValueError(f"the columns are not {F} names")
    tail = np.asarray(meta["tail"]["values"], dtype=np.float64)  # (rows, F)
    if tail.ndim != 2 or tail.shape[1] != F or len(tail) < min_tail:
        raise ValueError(f"the stored tail has shape {tail.shape}; predict needs at least ({min_tail}, {F})")
    if not np.isfinite(tail).all():
        raise ValueError("the stored tail holds values that are not finite")
    tail_dates = _dates_from_iso(meta["tail"]["dates"])
    if tail_dates is not None and (tail_dates.shape != (len(tail),) or np.isnat(tail_dates).any()):
        raise ValueError("the stored tail's dates do not match its values")
    if meta["data"]["frequency"] not in (None, *dates.FREQUENCY_NAMES):
        raise ValueError(f"the frequency {meta['data']['frequency']!r} is not known")
    v = meta["validation"]
    if not (number(v["rows"]) and all(number(v[k][m]) for k in ("model", "naive", "drift")
                                      for m in ("mae", "rmse", "mase"))
            and all(v[k].get("directional_accuracy") is None or number(v[k]["directional_accuracy"])
                    for k in ("model", "naive", "drift"))):
        raise ValueError("the validation errors are not numbers")
    info = meta.get("intervals")
    if info is not None:
        levels, q = np.asarray(info["levels"], dtype=np.float64), np.asarray(info["quantiles"], dtype=np.float64)
        if not (info["kind"] in ("log-ratio", "difference") and levels.ndim == 1 and len(levels) >= 2
                and np.all(np.diff(levels) > 0) and 0 < levels[0] and levels[-1] < 1
                and q.ndim == 2 and len(q) >= 1 and q.shape[1] == len(levels) and np.isfinite(q).all()):
            raise ValueError("the interval quantiles are malformed")


def conformal_quantiles(errors: np.ndarray, levels: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Split-conformal quantiles (len(levels),) of n calibration errors, safe for small n.

    An upper level q takes the ceil((n + 1) q)-th smallest error and a lower level the
    floor((n + 1) q)-th (clamped to the largest / smallest), as split conformal prediction
    does: a plain interpolated quantile of n errors covers about n/(n + 1) of what it should,
    which for the 20-30 validation origins of a short monthly series is 5-10 points short.
    """
    e = np.sort(np.asarray(errors, dtype=np.float64))  # (n,)
    n = len(e)
    out = []
    for q in levels:
        if q == 0.5:
            out.append(float(np.median(e)))
            continue
        k = math.ceil((n + 1) * q - 1e-9) if q > 0.5 else math.floor((n + 1) * q + 1e-9)  # 1-based rank
        out.append(float(e[min(max(k, 1), n) - 1]))
    return np.asarray(out)


def widest_interval(info: dict) -> float:
    """The widest coverage the stored error quantiles can give (0.95 for levels 0.025..0.975)."""
    return round(float(info["levels"][-1] - info["levels"][0]), 6)


def interval_bounds(info: dict, forecast: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds (days,) around a forecast from the stored validation errors.

    Beyond the longest horizon measured, the error quantiles grow with sqrt(horizon), as a
    random walk's do.
    """
    levels = np.asarray(info["levels"])
    q = np.asarray(info["quantiles"])  # (H, levels)
    lo_p, hi_p = (1 - coverage) / 2, (1 + coverage) / 2
    if lo_p < levels[0] - 1e-12:
        lo_p, hi_p = levels[0], levels[-1]  # widest we measured
    H = len(q)
    lows, highs = [], []
    for h in range(len(forecast)):
        row = q[min(h, H - 1)]
        grow = math.sqrt((h + 1) / H) if h >= H else 1.0
        lows.append(np.interp(lo_p, levels, row) * grow)
        highs.append(np.interp(hi_p, levels, row) * grow)
    lo, hi = np.asarray(lows), np.asarray(highs)
    if info["kind"] == "log-ratio":
        return forecast * np.exp(lo), forecast * np.exp(hi)
    return forecast + lo, forecast + hi
