"""The model file: one `.npz` of plain numeric arrays plus JSON metadata, typed as `ModelInfo`. Never pickled.

Layout (format version 1):

    weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}   PyTorch nn.LSTM names/shapes
    head.weight (O, H), head.bias (O,)                           the dense head
    __meta__  (n,) uint8                                         UTF-8 JSON: `ModelInfo.to_dict()`

The metadata is read into frozen dataclasses once, in `ModelInfo.from_dict`, which checks
every field's type and size: a damaged or hand-edited file is refused there with a message,
never half-way through a forecast. `save`/`load` move plain (params, dict) pairs and check
the arrays against the dimensions in the dict; `read` is `load` + `ModelInfo.from_dict`.

Loading uses `allow_pickle=False`, so an object array (a pickle) is refused, never run.
Writing goes to a temporary file in the same folder, fsynced, then `os.replace`d over
the target: a crash, Ctrl-C or a concurrent writer never leaves a half-written model.
A file of a newer format version is refused with a message naming both versions.
"""

from __future__ import annotations

import json
import tokenize
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lstmcli import __version__
from lstmcli.errors import LstmError, ModelFileError
from lstmcli.files import write_atomically
from lstmcli.periods import FREQUENCY_NAMES
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler, Target, check_target

FORMAT_VERSION = 1
META_KEY = "__meta__"
HORIZON_STRATEGY = "recursive"  # the only one: each step's prediction is fed back as the next input


def _param_shapes(meta: dict) -> dict[str, tuple[int, ...]]:
    """The array names and shapes the metadata promises."""
    F, H, L, O = meta["features"], meta["config"]["hidden"], meta["config"]["layers"], meta["outputs"]
    for name, n in (("features", F), ("hidden", H), ("layers", L), ("outputs", O)):
        if type(n) is not int or not 1 <= n <= 1_000_000:  # a hostile file must not make us loop or allocate
            raise TypeError(f"a valid {name!r} (found {n!r})")
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(L):
        shapes[f"weight_ih_l{k}"] = (4 * H, F if k == 0 else H)
        shapes[f"weight_hh_l{k}"] = (4 * H, H)
        shapes[f"bias_ih_l{k}"] = (4 * H,)
        shapes[f"bias_hh_l{k}"] = (4 * H,)
    shapes["head.weight"] = (O, H)
    shapes["head.bias"] = (O,)
    return shapes


def save(path: str | Path, params: dict[str, np.ndarray], meta: dict) -> Path:
    """Write params and meta to `path` atomically (see files.write_atomically); return the path."""
    path = Path(path)
    meta = {**meta, "format_version": FORMAT_VERSION}
    blob = np.frombuffer(json.dumps(meta, indent=1, sort_keys=True).encode(), dtype=np.uint8)
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory", hint="give --model a file name such as lstm-model.npz")
    return write_atomically(
        path,
        lambda f: np.savez(f, **params, **{META_KEY: blob}),
        prefix=f"cannot save the model to {path}",
        option="--model",
        noun="model",
        error=ModelFileError,
    )


def load(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read (params, meta) from a model file, refusing anything unsafe or inconsistent."""
    path = Path(path)
    arrays = read_arrays(path)
    meta = read_meta(path, arrays)
    if meta.get("kind") == "panel":  # lstmcli.panel's file: one model per series
        raise ModelFileError(
            f"{path} is a panel model file ({len(meta.get('panel', {}).get('series', []))} series)",
            hint="lstm predict and lstm inspect read it; in Python, use lstmcli.panel.Panel.load",
        )
    if int(meta["format_version"]) > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} is model format version {meta['format_version']}, newer than this lstmcli reads "
            f"({FORMAT_VERSION})",
            hint="upgrade lstmcli: pip install -U lstmcli",
        )
    return check_arrays(path, arrays, meta), meta


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of a model file, metadata included, refusing pickles and damaged archives."""
    if not path.exists():
        raise ModelFileError(
            f"no model file at {path}", hint="train one first: lstm train prices.csv (or pass --model PATH)"
        )
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a model file", hint="pass --model PATH to the .npz file")
    try:
        if not zipfile.is_zipfile(path):  # np.load would read a lone .npy, or blame a pickle for any other bytes
            raise ModelFileError(
                f"{path} is not an lstmcli model file (not a complete .npz archive: truncated, "
                "or another kind of file)",
                hint="pass the .npz file that lstm train wrote, or retrain with lstm train",
            )
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except PermissionError:
        raise ModelFileError(
            f"cannot read the model file {path}: permission denied", hint="make it readable (chmod +r) or copy it"
        ) from None
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise ModelFileError(
                f"{path} contains a pickled object array; refusing to load it",
                hint="model files hold plain numeric arrays only; retrain with lstm train",
            ) from None
        raise ModelFileError(f"{path} is not a valid model file ({e})", hint="retrain with lstm train") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        KeyError,
        MemoryError,
        NotImplementedError,
        RuntimeError,
        SyntaxError,
        tokenize.TokenError,
    ) as e:  # bad zip, compression, encryption, shape, header
        raise ModelFileError(
            f"{path} is not a readable model file (corrupt or truncated: {e})", hint="retrain with lstm train"
        ) from None

    return arrays


def read_meta(path: Path, arrays: dict[str, np.ndarray]) -> dict:
    """The metadata JSON (popped from `arrays`), with a format version of 1 or more."""
    if META_KEY not in arrays:
        raise ModelFileError(f"{path} has no lstmcli metadata", hint="it was not written by lstm train")
    try:
        meta = json.loads(arrays.pop(META_KEY).tobytes().decode())
        version = int(meta["format_version"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError) as e:
        raise ModelFileError(f"{path} has unreadable metadata ({e})", hint="retrain with lstm train") from None
    if version < 1:
        raise ModelFileError(f"{path} has an invalid format version {version}", hint="retrain with lstm train")
    return meta


def check_arrays(path, arrays: dict[str, np.ndarray], meta: dict) -> dict[str, np.ndarray]:
    """The parameter arrays checked against the shapes and dtype `meta` promises (ModelFileError if not)."""
    try:
        expected = _param_shapes(meta)
    except (KeyError, TypeError) as e:
        raise ModelFileError(f"{path} metadata lacks {e}", hint="retrain with lstm train") from None
    missing = sorted(set(expected) - set(arrays))
    extra = sorted(set(arrays) - set(expected))
    if missing or extra:
        what = "; ".join(
            s
            for s in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
            )
            if s
        )
        raise ModelFileError(f"{path} does not match its metadata: {what}", hint="retrain with lstm train")
    dtype = meta["config"].get("dtype", "float32")
    if dtype not in ("float32", "float64"):
        raise ModelFileError(
            f"{path}: metadata dtype {dtype!r} is not float32 or float64", hint="retrain with lstm train"
        )
    for name, shape in expected.items():
        a = arrays[name]
        if a.shape != shape:
            raise ModelFileError(
                f"{path}: array {name} has shape {a.shape}, its metadata says {shape}", hint="retrain with lstm train"
            )
        if a.dtype.kind != "f":
            raise ModelFileError(
                f"{path}: array {name} has dtype {a.dtype}, expected floating point", hint="retrain with lstm train"
            )
        if not np.isfinite(a).all():
            raise ModelFileError(f"{path}: array {name} holds NaN or infinite weights", hint="retrain with lstm train")
        arrays[name] = np.ascontiguousarray(a, dtype=dtype)
    return arrays


def read(path: str | Path) -> tuple[dict[str, np.ndarray], ModelInfo]:
    """Read (params, info) from a model file: `load`, then the metadata typed and checked once."""
    params, meta = load(path)
    try:
        info = ModelInfo.from_dict(meta)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, LstmError) as e:
        raise ModelFileError(
            f"{path}: metadata is incomplete or invalid ({e})", hint="retrain with lstm train"
        ) from None
    return params, info


# ---------------------------------------------------------------------------------------
# the metadata, typed: every field of `ModelInfo.to_dict()`, checked once in `from_dict`


def _number(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _count(d: dict, key: str) -> int:
    """d[key] as a whole number >= 0 (a JSON float or bool is refused)."""
    v = d[key]
    if type(v) is not int or v < 0:
        raise ValueError(f"{key} {v!r} is not a count")
    return v


def _float(d: dict, key: str) -> float:
    v = d[key]
    if not _number(v):
        raise ValueError(f"{key} {v!r} is not a number")
    return float(v)


def _flag(d: dict, key: str) -> bool:
    v = d[key]
    if not isinstance(v, bool):
        raise ValueError(f"{key} {v!r} is not true or false")
    return v


def _text(d: dict, key: str, optional: bool = False) -> str | None:
    v = d[key]
    if not (isinstance(v, str) or (optional and v is None)):
        raise ValueError(f"{key} {v!r} is not text")
    return v


def _maybe_flag(d: dict, key: str) -> bool | None:
    v = d.get(key)
    if not (v is None or isinstance(v, bool)):
        raise ValueError(f"{key} {v!r} is not true, false or null")
    return v


def _session(d: dict) -> dict | None:
    v = d.get("session")
    if v is None:
        return None
    from lstmcli.periods import Session

    try:
        return Session.from_dict(v).to_dict()  # checked: open, close and weekdays as numbers
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"the stored session {v!r} is not readable") from e


def _sorted_keys(node):
    """A JSON tree with every dict's keys in sorted order: the order `save` writes and `load` reads back."""
    if isinstance(node, dict):
        return {k: _sorted_keys(node[k]) for k in sorted(node)}
    return node


def _iso_dates(values: list[str] | None) -> np.ndarray | None:
    return None if values is None else np.array(values, dtype="datetime64[s]")


@dataclass(frozen=True)
class DataInfo:
    """The training data: where it came from, how long, its dates (ISO text, None without dates)."""

    source: str  # the file name (or "<array>", "<stdin>")
    sha256: str | None  # of the file's bytes, when read from a file
    rows: int  # price rows
    first_date: str | None  # "2015-01-02T00:00:00"
    last_date: str | None
    frequency: str | None  # a periods.FREQUENCY_NAMES code; None: irregular or no dates
    train_rows: int  # leading rows the training part (and the scaler) saw
    train_end_date: str | None  # date of the last of those rows
    # How train read the file, so `predict --data` / `inspect --data` read a newer one the same way
    # (all None in model files written before these existed):
    series: str | None = None  # the series' name (a Ticker column, --series)
    id_column: str | None = None  # --id-column as given to train
    dayfirst: bool | None = None  # --dayfirst/--monthfirst as given to train (None: the data decided)
    date_format: str | None = None  # --date-format as given to train
    timezone: str | None = None  # "UTC" or "-05:00": the zone of the dates, shown with forecast times
    session: dict | None = None  # intraday bars: periods.Session.to_dict()

    @classmethod
    def from_dict(cls, d: dict) -> DataInfo:
        frequency = d["frequency"]
        if frequency is not None and frequency not in FREQUENCY_NAMES:
            raise ValueError(f"the frequency {frequency!r} is not known")
        return cls(
            source=_text(d, "source"),
            sha256=_text(d, "sha256", True),
            rows=_count(d, "rows"),
            first_date=_text(d, "first_date", True),
            last_date=_text(d, "last_date", True),
            frequency=frequency,
            train_rows=_count(d, "train_rows"),
            train_end_date=_text(d, "train_end_date", True),
            series=_text(d, "series", True) if "series" in d else None,
            id_column=_text(d, "id_column", True) if "id_column" in d else None,
            dayfirst=_maybe_flag(d, "dayfirst"),
            date_format=_text(d, "date_format", True) if "date_format" in d else None,
            timezone=_text(d, "timezone", True) if "timezone" in d else None,
            session=_session(d),
        )

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "frequency": self.frequency,
            "train_rows": self.train_rows,
            "train_end_date": self.train_end_date,
        } | {  # the newer keys only when set: a file from before them round-trips unchanged
            k: v
            for k, v in dict(
                series=self.series,
                id_column=self.id_column,
                dayfirst=self.dayfirst,
                date_format=self.date_format,
                timezone=self.timezone,
                session=self.session,
            ).items()
            if v is not None
        }


@dataclass(frozen=True, eq=False)
class Tail:
    """The newest rows of the training data, kept so predict needs no CSV."""

    values: np.ndarray  # (rows, F) prices, float64
    dates: np.ndarray | None  # (rows,) datetime64[s], None when the series has no dates

    @classmethod
    def from_dict(cls, d: dict, features: int, min_rows: int) -> Tail:
        values = np.asarray(d["values"], dtype=np.float64)  # (rows, F)
        if values.ndim != 2 or values.shape[1] != features or len(values) < min_rows:
            raise ValueError(
                f"the stored tail has shape {values.shape}; predict needs at least ({min_rows}, {features})"
            )
        if not np.isfinite(values).all():
            raise ValueError("the stored tail holds values that are not finite")
        dates = _iso_dates(d["dates"])
        if dates is not None and (dates.shape != (len(values),) or np.isnat(dates).any()):
            raise ValueError("the stored tail's dates do not match its values")
        return cls(values, dates)

    def to_dict(self) -> dict:
        return {
            "values": self.values.tolist(),
            "dates": None if self.dates is None else [str(d) for d in self.dates.astype("datetime64[s]")],
        }


@dataclass(frozen=True)
class TrainingInfo:
    """How the training run went."""

    epochs_run: int
    best_epoch: int  # the epoch whose weights were kept
    best_val_loss: float  # scaled MSE on the validation windows
    stopped_early: bool
    interrupted: bool  # stopped by Ctrl-C (the best weights so far were kept)
    train_windows: int
    val_windows: int

    @classmethod
    def from_dict(cls, d: dict) -> TrainingInfo:
        return cls(
            epochs_run=_count(d, "epochs_run"),
            best_epoch=_count(d, "best_epoch"),
            best_val_loss=_float(d, "best_val_loss"),
            stopped_early=_flag(d, "stopped_early"),
            interrupted=_flag(d, "interrupted"),
            train_windows=_count(d, "train_windows"),
            val_windows=_count(d, "val_windows"),
        )

    def to_dict(self) -> dict:
        return {
            "epochs_run": self.epochs_run,
            "best_epoch": self.best_epoch,
            "best_val_loss": self.best_val_loss,
            "stopped_early": self.stopped_early,
            "interrupted": self.interrupted,
            "train_windows": self.train_windows,
            "val_windows": self.val_windows,
        }


@dataclass(frozen=True)
class Scores:
    """One forecast's one-step-ahead errors on the validation rows, in price units."""

    mae: float
    rmse: float
    mase: float  # MAE / the in-sample naive MAE of the training part
    directional_accuracy: float | None  # % of moves called right; None for naive (it calls no move)

    @classmethod
    def from_dict(cls, d: dict) -> Scores:
        da = d.get("directional_accuracy")
        if da is not None and not _number(da):
            raise ValueError("the validation errors are not numbers")
        return cls(_float(d, "mae"), _float(d, "rmse"), _float(d, "mase"), None if da is None else float(da))

    def to_dict(self) -> dict:
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "mase": self.mase,
            "directional_accuracy": self.directional_accuracy,
        }


@dataclass(frozen=True)
class ValidationInfo:
    """The model beside naive (tomorrow = today) and drift on the validation rows, one step ahead."""

    rows: int
    scale: float  # MASE's denominator: naive's in-sample MAE on the training part
    first_date_index: int  # data row of the first validation actual
    model: Scores
    naive: Scores
    drift: Scores

    @classmethod
    def from_dict(cls, d: dict) -> ValidationInfo:
        try:
            scores = {k: Scores.from_dict(d[k]) for k in ("model", "naive", "drift")}
            rows = _count(d, "rows")
        except ValueError:
            raise ValueError("the validation errors are not numbers") from None
        return cls(rows=rows, scale=_float(d, "scale"), first_date_index=_count(d, "first_date_index"), **scores)

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "scale": self.scale,
            "first_date_index": self.first_date_index,
            "model": self.model.to_dict(),
            "naive": self.naive.to_dict(),
            "drift": self.drift.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class IntervalInfo:
    """Quantiles of the model's own validation errors per horizon; see intervals.py."""

    kind: str  # "log-ratio" (errors log(actual / forecast)) or "difference" (actual - forecast)
    levels: np.ndarray  # (L,) increasing quantile levels in (0, 1)
    quantiles: np.ndarray  # (H, L) error quantiles at horizons 1..H
    origins: tuple[int, ...]  # (H,) how many errors each horizon's quantiles come from

    @classmethod
    def from_dict(cls, d: dict) -> IntervalInfo:
        levels = np.asarray(d["levels"], dtype=np.float64)
        q = np.asarray(d["quantiles"], dtype=np.float64)
        origins = d["origins"]
        if not (
            d["kind"] in ("log-ratio", "difference")
            and levels.ndim == 1
            and len(levels) >= 2
            and np.all(np.diff(levels) > 0)
            and 0 < levels[0]
            and levels[-1] < 1
            and q.ndim == 2
            and len(q) >= 1
            and q.shape[1] == len(levels)
            and np.isfinite(q).all()
            and isinstance(origins, list)
            and len(origins) == len(q)
            and all(type(n) is int and n >= 1 for n in origins)
        ):
            raise ValueError("the interval quantiles are malformed")
        return cls(d["kind"], levels, q, tuple(origins))

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "levels": self.levels.tolist(),
            "quantiles": self.quantiles.tolist(),
            "origins": list(self.origins),
        }


@dataclass(frozen=True, eq=False)
class ModelInfo:
    """Everything a model file says besides its weights: what `predict` and `inspect` need.

    `config` and `target` rebuild the network (as nanoGPT's checkpoint rebuilds GPTConfig);
    `scaler`, `columns` and `tail` let predict run without the CSV; the rest describes the
    data and the run. `features` = `outputs` = len(columns).
    """

    config: TrainConfig
    target: Target
    scaler: Scaler
    columns: tuple[str, ...]  # column 0 is forecast; the others are input features
    data: DataInfo
    tail: Tail
    training: TrainingInfo
    validation: ValidationInfo
    intervals: IntervalInfo | None  # None: too few validation rows to calibrate an interval
    created: str  # ISO time, UTC
    horizon_strategy: str = HORIZON_STRATEGY
    tool: str = "lstmcli"
    tool_version: str = __version__
    format_version: int = FORMAT_VERSION

    @property
    def features(self) -> int:
        """F: input columns, and outputs of the head (every column is predicted, then fed back)."""
        return len(self.columns)

    @classmethod
    def from_dict(cls, meta: dict) -> ModelInfo:
        """Type and check metadata read from a file; ValueError, KeyError or TypeError names what is wrong.

        A model file is input like any other: a damaged or hand-edited one must be refused here,
        with a message, not crash a renderer halfway through a forecast.
        """
        config = TrainConfig(**meta["config"])
        config.validate()  # the ranges, worded as for the options (--window -4 is not possible)
        for name in ("window", "hidden", "layers", "epochs", "seed", "patience"):
            _count(meta["config"], name)  # and the types: a window of 8.0 would break slicing later
        if config.batch_size is not None:
            _count(meta["config"], "batch_size")
        for name in ("lr", "val_fraction", "clip"):
            _float(meta["config"], name)
        target = check_target(meta["target"])
        F = meta["features"]
        if type(F) is not int or meta["outputs"] != F:
            raise ValueError(f"features {F!r} and outputs {meta['outputs']!r} are not one count")
        scaler = Scaler.from_dict(meta["scaler"])
        if scaler.mean.shape != (F,) or scaler.std.shape != (F,) or not np.isfinite([scaler.mean, scaler.std]).all():
            raise ValueError(f"the scaler does not hold {F} finite means and deviations")
        if not (scaler.std > 0).all():  # Scaler.fit never gives 0: predict would divide by it
            raise ValueError(f"the scaler's deviations {scaler.std.tolist()} are not all above 0")
        columns = meta["columns"]
        if not (isinstance(columns, list) and len(columns) == F and all(isinstance(c, str) for c in columns)):
            raise ValueError(f"the columns are not {F} names")
        if meta["horizon_strategy"] != HORIZON_STRATEGY:
            raise ValueError(f"the horizon strategy {meta['horizon_strategy']!r} is not {HORIZON_STRATEGY!r}")
        intervals = meta.get("intervals")
        return cls(
            config=config,
            target=target,
            scaler=scaler,
            columns=tuple(columns),
            data=DataInfo.from_dict(meta["data"]),
            tail=Tail.from_dict(meta["tail"], F, config.window + target.offset),
            training=TrainingInfo.from_dict(meta["training"]),
            validation=ValidationInfo.from_dict(meta["validation"]),
            intervals=None if intervals is None else IntervalInfo.from_dict(intervals),
            created=_text(meta, "created"),
            tool=_text(meta, "tool"),
            tool_version=_text(meta, "tool_version"),
            format_version=int(meta.get("format_version", FORMAT_VERSION)),
        )

    def to_dict(self) -> dict:
        """The JSON-ready metadata, laid out as format version 1 has always been (keys sorted, as saved)."""
        return _sorted_keys(
            {
                "tool": self.tool,
                "tool_version": self.tool_version,
                "created": self.created,
                "config": self.config.to_dict(),
                "target": self.target.value,
                "horizon_strategy": self.horizon_strategy,
                "scaler": self.scaler.to_dict(),
                "columns": list(self.columns),
                "features": self.features,
                "outputs": self.features,
                "data": self.data.to_dict(),
                "tail": self.tail.to_dict(),
                "training": self.training.to_dict(),
                "validation": self.validation.to_dict(),
                "intervals": None if self.intervals is None else self.intervals.to_dict(),
                "format_version": self.format_version,
            }
        )
