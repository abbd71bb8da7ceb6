"""The model file: one `.npz` of plain numeric arrays plus JSON metadata, typed as `ModelInfo`. Never pickled.

Layout (format version 1):

    weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}   PyTorch nn.LSTM names/shapes
    head.weight (O, H), head.bias (O,)                           the dense head
    ar.weight (O, P)                                             optional: the autoregressive skip (config `ar` = P)
    __meta__  (n,) uint8                                         UTF-8 JSON: `ModelInfo.to_dict()`

An ensemble (`lstm train --ensemble N`) stores member 0 under the names above (so its member 0
reads like a single model's file) and member k >= 1 under `member{k}/` + the same names
(`member1/weight_ih_l0`); the metadata's optional `ensemble` says how many (its seeds); a file
without it holds one network.

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
from lstmcli.engine import AR_WEIGHT
from lstmcli.errors import LstmError, ModelFileError
from lstmcli.files import write_atomically
from lstmcli.leaderboard import SelectionInfo
from lstmcli.levels import LevelInput
from lstmcli.periods import FREQUENCY_NAMES
from lstmcli.season_fits import SeasonFitsInfo, SnaiveBlend, fit_prefix
from lstmcli.seasons import PHASE_INPUTS, SeasonInfo
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler, Target, check_target

FORMAT_VERSION = 1
META_KEY = "__meta__"
HORIZON_STRATEGY = "recursive"  # the default: each step's prediction is fed back as the next input
DIRECT = "direct"  # the head emits `horizon` steps of the target column at once
STRATEGIES = (HORIZON_STRATEGY, DIRECT)
MAX_DIRECT_HORIZON = 1000  # steps a direct head may emit
MAX_MEMBERS = 100  # ensemble members a file may hold (ensemble.MAX_ENSEMBLE)


def member_prefix(k: int) -> str:
    """Where member k's arrays are stored: "" for member 0 (the single model's names), "member{k}/" after."""
    return "" if k == 0 else f"member{k}/"


def join_members(members: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One dict of arrays for the file: member k's names prefixed by `member_prefix(k)`."""
    return {member_prefix(k) + name: a for k, params in enumerate(members) for name, a in params.items()}


def split_members(params: dict[str, np.ndarray], n: int) -> list[dict[str, np.ndarray]]:
    """The inverse of `join_members` for n members (the arrays were checked by `load`)."""
    members = [{name: a for name, a in params.items() if "/" not in name}]
    for k in range(1, n):
        prefix = member_prefix(k)
        members.append({name[len(prefix) :]: a for name, a in params.items() if name.startswith(prefix)})
    return members


def _members(meta: dict) -> int:
    """The number of networks a file holds: 1 unless its metadata has an `ensemble`."""
    e = meta.get("ensemble")
    if e is None:
        return 1
    seeds = e["seeds"]
    if not isinstance(seeds, list) or not 1 <= len(seeds) <= MAX_MEMBERS:
        raise TypeError(f"a valid 'ensemble' (1 to {MAX_MEMBERS} member seeds)")
    return len(seeds)


def _param_shapes(meta: dict) -> dict[str, tuple[int, ...]]:
    """The array names and shapes the metadata promises."""
    F, H, L, O = meta["features"], meta["config"]["hidden"], meta["config"]["layers"], meta["outputs"]
    for name, n in (("features", F), ("hidden", H), ("layers", L), ("outputs", O)):
        if type(n) is not int or not 1 <= n <= 1_000_000:  # a hostile file must not make us loop or allocate
            raise TypeError(f"a valid {name!r} (found {n!r})")
    season = meta.get("season")  # a model with phase inputs reads 2 more columns than it predicts
    extra = len(PHASE_INPUTS) if isinstance(season, dict) and season.get("phase_inputs") is True else 0
    extra += meta.get("level_input") is not None  # and one more with the level input (levels.py)
    shapes: dict[str, tuple[int, ...]] = {}
    for k in range(L):
        shapes[f"weight_ih_l{k}"] = (4 * H, F + extra if k == 0 else H)
        shapes[f"weight_hh_l{k}"] = (4 * H, H)
        shapes[f"bias_ih_l{k}"] = (4 * H,)
        shapes[f"bias_hh_l{k}"] = (4 * H,)
    shapes["head.weight"] = (O, H)
    shapes["head.bias"] = (O,)
    ar = meta["config"].get("ar", 0)  # optional: files without the autoregressive skip have no `ar`
    if ar:
        if type(ar) is not int or not 1 <= ar <= 1_000_000:
            raise TypeError(f"a valid 'ar' (found {ar!r})")
        shapes[AR_WEIGHT] = (O, ar)
    one = dict(shapes)
    for k in range(1, _members(meta)):  # an ensemble's members share the shapes
        shapes.update({member_prefix(k) + name: shape for name, shape in one.items()})
    combined = meta.get("season_fits")  # a combination of the season's fits: each other fit's own networks
    for k, fit in enumerate(combined["fits"] if isinstance(combined, dict) else [], 1):
        own = _param_shapes({**fit, "features": F, "outputs": O})
        shapes.update({fit_prefix(k) + name: shape for name, shape in own.items()})
    return shapes


def save(path: str | Path, params: dict[str, np.ndarray], meta: dict) -> Path:
    """Write params and meta to `path` atomically (see files.write_atomically); return the path."""
    return write_npz(path, params, {**meta, "format_version": FORMAT_VERSION}, indent=1)


def write_npz(path: str | Path, arrays: dict[str, np.ndarray], meta: dict | str, indent: int | None = None) -> Path:
    """`arrays` and `meta` (as UTF-8 JSON under META_KEY) in one .npz at `path`, atomically; return the path.

    The one writer of model files, single-series (`save`) and panel (`panel.Panel.save`) alike.
    `meta` may be its JSON text already (a panel joins its series' JSON, encoded by the workers).
    """
    path = Path(path)
    text = meta if isinstance(meta, str) else json.dumps(meta, indent=indent, sort_keys=True)
    blob = np.frombuffer(text.encode(), dtype=np.uint8)
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory", hint="give --model a file name such as lstm-model.npz")
    return write_atomically(
        path,
        lambda f: np.savez(f, **arrays, **{META_KEY: blob}),
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
        from lstmcli.files import closest_file, files_like

        train = "train one first: lstm train prices.csv"
        fix = f"{train} (or pass --model PATH)"
        if (close := closest_file(path)) is not None:  # a typo: lstm-model.np
            fix = f"did you mean --model {close}? Else {train}"
        elif len(there := files_like(path)) == 1:  # trained with --model NAME, then run without it
            fix = f"pass --model {there[0]} (the model file in that folder), or {train}"
        elif there:
            fix = f"the folder has {', '.join(map(str, there))}: pass --model with one of them, or {train}"
        raise ModelFileError(f"no model file at {path}", hint=fix)
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


def _decimal(d: dict) -> str | None:
    v = d.get("decimal")
    if v not in (None, ".", ","):
        raise ValueError(f"decimal {v!r} is not '.', ',' or null")
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


def _calendar_match(d: dict) -> dict | None:
    v = d.get("calendar_match")
    if v is None:
        return None
    from lstmcli.calendars import CalendarMatch

    try:
        return CalendarMatch.from_dict(v).to_dict()  # checked: a name and counts
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise ValueError(f"the stored calendar match {v!r} is not readable") from e


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
    decimal: str | None = None  # "." or ",": --decimal, or the reading of a value both marks read (1.234), which
    # decides such values of a --data file that its own values leave open; None: the data decided unambiguously
    timezone: str | None = None  # "UTC" or "-05:00": the zone of the dates, shown with forecast times
    session: dict | None = None  # intraday bars: periods.Session.to_dict()
    calendar: str | None = None  # --calendar XNYS: forecast dates are that exchange's sessions
    sheet: str | None = None  # --sheet as given to train: --data reads that sheet of a workbook too
    calendar_match: dict | None = None  # without --calendar: the exchange calendar the closed weekdays match
    nonnegative: bool | None = None  # the target never went below 0 in training: no forecast or bound below 0

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
            decimal=_decimal(d),
            timezone=_text(d, "timezone", True) if "timezone" in d else None,
            session=_session(d),
            calendar=_text(d, "calendar", True) if "calendar" in d else None,
            sheet=_text(d, "sheet", True) if "sheet" in d else None,
            calendar_match=_calendar_match(d),
            nonnegative=_maybe_flag(d, "nonnegative"),
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
                decimal=self.decimal,
                timezone=self.timezone,
                session=self.session,
                calendar=self.calendar,
                sheet=self.sheet,
                calendar_match=self.calendar_match,
                nonnegative=self.nonnegative,
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
    # per-epoch losses (scaled MSE), epoch 1 first: {"train_loss": [...], "val_loss": [...]};
    # None in model files written before it existed (and then absent from to_dict)
    history: dict[str, list[float | None]] | None = None
    # the shipped weights were trained again from the same initial weights on all the windows (training
    # + validation) for this many epochs (TrainConfig.refit_all; an ensemble: member 0's); None: not refitted
    # (and every model file before it existed). The validation scores above are the first fit's.
    refit_epochs: int | None = None
    refit_windows: int | None = None  # the windows the refit trained on

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
            history=_loss_history(d.get("history")),
            refit_epochs=_count(d, "refit_epochs") if d.get("refit_epochs") is not None else None,
            refit_windows=_count(d, "refit_windows") if d.get("refit_windows") is not None else None,
        )

    def to_dict(self) -> dict:
        d = {
            "epochs_run": self.epochs_run,
            "best_epoch": self.best_epoch,
            "best_val_loss": self.best_val_loss,
            "stopped_early": self.stopped_early,
            "interrupted": self.interrupted,
            "train_windows": self.train_windows,
            "val_windows": self.val_windows,
        }
        if self.history is not None:
            d["history"] = self.history
        if self.refit_epochs is not None:
            d["refit_epochs"], d["refit_windows"] = self.refit_epochs, self.refit_windows
        return d

    @staticmethod
    def losses(reports) -> dict[str, list[float | None]]:
        """The `history` of training.EpochReport's (a non-finite loss as None: JSON has no inf)."""

        def finite(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {
            "train_loss": [finite(r.train_loss) for r in reports],
            "val_loss": [finite(r.val_loss) for r in reports],
        }


def _loss_history(v) -> dict[str, list[float | None]] | None:
    if v is None:
        return None
    keys = ("train_loss", "val_loss")
    if not isinstance(v, dict) or set(v) != set(keys):
        raise ValueError("the training history is not readable")
    lists = [v[k] for k in keys]
    if not all(isinstance(x, list) for x in lists) or len(lists[0]) != len(lists[1]):
        raise ValueError("the training history's loss lists are not readable")
    if not all(x is None or _number(x) for x in lists[0] + lists[1]):
        raise ValueError("the training history holds a loss that is not a number")
    return {k: [None if x is None else float(x) for x in v[k]] for k in keys}


@dataclass(frozen=True)
class Scores:
    """One forecast's one-step-ahead errors on the validation rows, in price units."""

    mae: float
    rmse: float
    mase: float  # MAE / the in-sample naive MAE of the training part
    directional_accuracy: float | None  # % of moves called right; None for naive (it calls no move)
    # a baseline's row: the paired t statistic of the model's absolute errors minus this forecast's, row by row
    # (metrics.paired_t; t < 0: the model's are lower). None: the model's own row, or a file before round 10.
    t: float | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Scores:
        da, t = d.get("directional_accuracy"), d.get("t")
        if (da is not None and not _number(da)) or (t is not None and not _number(t)):
            raise ValueError("the validation errors are not numbers")
        return cls(
            _float(d, "mae"),
            _float(d, "rmse"),
            _float(d, "mase"),
            None if da is None else float(da),
            None if t is None else float(t),
        )

    def to_dict(self) -> dict:
        d = {
            "mae": self.mae,
            "rmse": self.rmse,
            "mase": self.mase,
            "directional_accuracy": self.directional_accuracy,
        }
        return d if self.t is None else d | {"t": self.t}


@dataclass(frozen=True)
class ValidationInfo:
    """The model beside naive (tomorrow = today) and drift on the validation rows, one step ahead."""

    rows: int
    scale: float  # MASE's denominator: naive's in-sample MAE on the training part
    first_date_index: int  # data row of the first validation actual
    model: Scores
    naive: Scores
    drift: Scores
    # a seasonal model only: seasonal naive (the value one season back) on the same rows, and its season m.
    # Absent from files written before round 9 and from models without a season.
    seasonal_naive: Scores | None = None
    season: int | None = None

    @classmethod
    def from_dict(cls, d: dict) -> ValidationInfo:
        try:
            scores = {k: Scores.from_dict(d[k]) for k in ("model", "naive", "drift")}
            rows = _count(d, "rows")
            if d.get("seasonal_naive") is not None:
                scores["seasonal_naive"] = Scores.from_dict(d["seasonal_naive"])
                scores["season"] = _count(d, "season")
        except ValueError:
            raise ValueError("the validation errors are not numbers") from None
        return cls(rows=rows, scale=_float(d, "scale"), first_date_index=_count(d, "first_date_index"), **scores)

    def to_dict(self) -> dict:
        d = {
            "rows": self.rows,
            "scale": self.scale,
            "first_date_index": self.first_date_index,
            "model": self.model.to_dict(),
            "naive": self.naive.to_dict(),
            "drift": self.drift.to_dict(),
        }
        if self.seasonal_naive is not None:
            d |= {"seasonal_naive": self.seasonal_naive.to_dict(), "season": self.season}
        return d


@dataclass(frozen=True, eq=False)
class IntervalInfo:
    """Quantiles of the model's own validation errors per horizon; see intervals.py."""

    kind: str  # "log-ratio" (errors log(actual / forecast)) or "difference" (actual - forecast)
    levels: np.ndarray  # (L,) increasing quantile levels in (0, 1)
    quantiles: np.ndarray  # (H, L) error quantiles at horizons 1..H
    origins: tuple[int, ...]  # (H,) how many errors each horizon's quantiles come from
    # (n, H) the errors of the newest n validation origins (NaN where the data ended), kept so that
    # `predict --data` can recalibrate with the errors of forecasts made after training; None in older files
    recent_errors: np.ndarray | None = None

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
        recent = d.get("recent_errors")
        if isinstance(recent, np.ndarray):  # a panel file of format 3 keeps them as an array (NaN: no error)
            recent = recent.astype(np.float64)
        elif recent is not None:
            try:
                recent = np.array([[np.nan if e is None else e for e in row] for row in recent], dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError("the interval's recent errors are malformed") from None
        if recent is not None and (recent.ndim != 2 or recent.shape[1] != len(q) or np.isinf(recent).any()):
            raise ValueError("the interval's recent errors are malformed")
        return cls(d["kind"], levels, q, tuple(origins), recent)

    def to_dict(self) -> dict:
        d = {
            "kind": self.kind,
            "levels": self.levels.tolist(),
            "quantiles": self.quantiles.tolist(),
            "origins": list(self.origins),
        }
        if self.recent_errors is not None:  # 7 significant digits: a compact file, far finer than any quantile needs
            d["recent_errors"] = [[None if np.isnan(e) else float(f"{e:.7g}") for e in r] for r in self.recent_errors]
        return d


@dataclass(frozen=True)
class EnsembleInfo:
    """An ensemble's members: their seeds (member k trained with seeds[k]) and how they forecast as one."""

    seeds: tuple[int, ...]  # one per member stored; member 0's seed is config.seed unless Ctrl-C dropped it
    combine: str  # "median" or "mean" of the members' price paths
    requested: int  # members asked for (more than stored when Ctrl-C stopped the training)
    best_epochs: tuple[int, ...]  # each member's kept epoch

    @classmethod
    def from_dict(cls, d: dict) -> EnsembleInfo:
        seeds, epochs = d["seeds"], d["best_epochs"]
        if not (
            isinstance(seeds, list)
            and 1 <= len(seeds) <= MAX_MEMBERS
            and all(type(s) is int and s >= 0 for s in seeds)
            and isinstance(epochs, list)
            and len(epochs) == len(seeds)
            and all(type(e) is int and e >= 0 for e in epochs)
        ):
            raise ValueError("the ensemble's seeds or epochs are malformed")
        if d["combine"] not in ("median", "mean"):
            raise ValueError(f"the ensemble's combination {d['combine']!r} is not median or mean")
        requested = _count(d, "requested")
        if not len(seeds) <= requested <= MAX_MEMBERS:
            raise ValueError(f"the ensemble's requested members {requested} is not {len(seeds)} to {MAX_MEMBERS}")
        return cls(tuple(seeds), d["combine"], requested, tuple(epochs))

    def to_dict(self) -> dict:
        return {
            "seeds": list(self.seeds),
            "combine": self.combine,
            "requested": self.requested,
            "best_epochs": list(self.best_epochs),
        }


@dataclass(frozen=True, eq=False)
class ModelInfo:
    """Everything a model file says besides its weights: what `predict` and `inspect` need.

    `config` and `target` rebuild the network (as nanoGPT's checkpoint rebuilds GPTConfig);
    `scaler`, `columns` and `tail` let predict run without the CSV; the rest describes the
    data and the run. `features` = len(columns); `outputs` = features for a recursive model,
    `horizon` for a direct one.
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
    horizon: int = 1  # steps the head emits at once: 1 (recursive), or the direct model's horizon
    ensemble: EnsembleInfo | None = None  # None: one network (every file written before ensembles)
    tool: str = "lstmcli"
    tool_version: str = __version__
    format_version: int = FORMAT_VERSION
    selection: SelectionInfo | None = None  # `--auto`'s leaderboard (leaderboard.py); absent in other files
    season: SeasonInfo | None = None  # None: no season (and every model file written before seasons)
    level: LevelInput | None = None  # the level input (config.level_input); None: none (every file before it)
    season_fits: SeasonFitsInfo | None = None  # the season's fits combined (season_fits.py); None: one fit kept
    snaive_blend: SnaiveBlend | None = None  # the forecast moved toward seasonal naive (shrink-snaive); None: not

    @property
    def features(self) -> int:
        """F: input columns (a recursive model also predicts each of them, then feeds it back)."""
        return len(self.columns)

    @property
    def outputs(self) -> int:
        """O: the head's outputs: every column's next step (recursive), or `horizon` steps of column 0 (direct)."""
        return self.horizon if self.horizon_strategy == DIRECT else self.features

    @classmethod
    def from_dict(cls, meta: dict) -> ModelInfo:
        """Type and check metadata read from a file; ValueError, KeyError or TypeError names what is wrong.

        A model file is input like any other: a damaged or hand-edited one must be refused here,
        with a message, not crash a renderer halfway through a forecast.
        """
        # a file without `refit_all` was not refitted (its default, False); one without `level_input` has none
        # (written before it existed, or with it off; TrainConfig's default is on since round 7)
        config = TrainConfig(**{"level_input": False, **meta["config"]})
        config.validate()  # the ranges, worded as for the options (--window -4 is not possible)
        for name in ("window", "hidden", "layers", "epochs", "seed", "patience") + (("ar",) * ("ar" in meta["config"])):
            _count(meta["config"], name)  # and the types: a window of 8.0 would break slicing later
        if config.batch_size is not None:
            _count(meta["config"], "batch_size")
        for name in ("lr", "val_fraction", "clip"):
            _float(meta["config"], name)
        target = check_target(meta["target"])
        F, strategy = meta["features"], meta["horizon_strategy"]
        if strategy not in STRATEGIES:
            raise ValueError(f"the horizon strategy {strategy!r} is not one of {', '.join(STRATEGIES)}")
        horizon = meta["horizon"] if strategy == DIRECT else 1
        if type(horizon) is not int or not 1 <= horizon <= MAX_DIRECT_HORIZON:
            raise ValueError(f"the horizon {horizon!r} is not a count of steps from 1 to {MAX_DIRECT_HORIZON}")
        outputs = horizon if strategy == DIRECT else F
        if type(F) is not int or meta["outputs"] != outputs:
            raise ValueError(f"outputs {meta['outputs']!r} is not {outputs} (features {F!r}, {strategy} forecasts)")
        scaler = Scaler.from_dict(meta["scaler"])
        if scaler.mean.shape != (F,) or scaler.std.shape != (F,) or not np.isfinite([scaler.mean, scaler.std]).all():
            raise ValueError(f"the scaler does not hold {F} finite means and deviations")
        if not (scaler.std >= 0).all():  # 0: a column with no spread (Scaler.fit)
            raise ValueError(f"the scaler's deviations {scaler.std.tolist()} are not all 0 or above")
        columns = meta["columns"]
        if not (isinstance(columns, list) and len(columns) == F and all(isinstance(c, str) for c in columns)):
            raise ValueError(f"the columns are not {F} names")
        intervals = meta.get("intervals")
        season = meta.get("season")
        level = meta.get("level_input")
        if not isinstance(config.level_input, bool) or config.level_input != (level is not None):
            raise ValueError("the config's level_input and the file's level_input scale do not agree")
        blend = None if meta.get("snaive_blend") is None else SnaiveBlend.from_dict(meta["snaive_blend"])
        if blend is not None and (1 if season is None else season.get("length")) != blend.season:  # 1: naive's
            raise ValueError("the blend with seasonal naive's season is not the model's")
        if blend is not None and config.window + target.offset < blend.season:
            raise ValueError(f"the blend with seasonal naive needs {blend.season} prices, the window is shorter")
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
            horizon_strategy=strategy,
            horizon=horizon,
            ensemble=None if meta.get("ensemble") is None else EnsembleInfo.from_dict(meta["ensemble"]),
            tool=_text(meta, "tool"),
            tool_version=_text(meta, "tool_version"),
            format_version=int(meta.get("format_version", FORMAT_VERSION)),
            selection=None if meta.get("selection") is None else SelectionInfo.from_dict(meta["selection"]),
            season=None if season is None else SeasonInfo.from_dict(season),
            level=None if level is None else LevelInput.from_dict(level),
            season_fits=None if meta.get("season_fits") is None else SeasonFitsInfo.from_dict(meta["season_fits"], F),
            snaive_blend=blend,
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
                "outputs": self.outputs,
                "data": self.data.to_dict(),
                "tail": self.tail.to_dict(),
                "training": self.training.to_dict(),
                "validation": self.validation.to_dict(),
                "intervals": None if self.intervals is None else self.intervals.to_dict(),
                "format_version": self.format_version,
            }
            | ({"horizon": self.horizon} if self.horizon_strategy == DIRECT else {})  # recursive files: as before
            | ({} if self.selection is None else {"selection": self.selection.to_dict()})
            | ({} if self.season is None else {"season": self.season.to_dict()})  # absent: a file as before seasons
            | ({} if self.level is None else {"level_input": self.level.to_dict()})  # absent: as before the level input
            | ({"ensemble": self.ensemble.to_dict()} if self.ensemble is not None else {})  # single models: as before
            | ({} if self.season_fits is None else {"season_fits": self.season_fits.to_dict()})  # absent: one fit
            | ({} if self.snaive_blend is None else {"snaive_blend": self.snaive_blend.to_dict()})  # absent: none
        )
