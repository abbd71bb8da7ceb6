"""The model file: one `.npz` of plain numeric arrays plus JSON metadata. Never pickled.

Layout (format version 1):

    weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}   PyTorch nn.LSTM names/shapes
    head.weight (O, H), head.bias (O,)                           the dense head
    __meta__  (n,) uint8                                         UTF-8 JSON, see `forecast.py`

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
from pathlib import Path

import numpy as np

from lstmcli.errors import ModelFileError
from lstmcli.files import write_atomically

FORMAT_VERSION = 1
META_KEY = "__meta__"


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
    return write_atomically(path, lambda f: np.savez(f, **params, **{META_KEY: blob}),
                            prefix=f"cannot save the model to {path}", option="--model", noun="model",
                            error=ModelFileError)


def load(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read (params, meta) from a model file, refusing anything unsafe or inconsistent."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"no model file at {path}",
                             hint="train one first: lstm train prices.csv (or pass --model PATH)")
    if path.is_dir():
        raise ModelFileError(f"{path} is a directory, not a model file", hint="pass --model PATH to the .npz file")
    try:
        if not zipfile.is_zipfile(path):  # np.load would read a lone .npy, or blame a pickle for any other bytes
            raise ModelFileError(f"{path} is not an lstmcli model file (not a complete .npz archive: truncated, "
                                 "or another kind of file)",
                                 hint="pass the .npz file that lstm train wrote, or retrain with lstm train")
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except PermissionError:
        raise ModelFileError(f"cannot read the model file {path}: permission denied",
                             hint="make it readable (chmod +r) or copy it") from None
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise ModelFileError(f"{path} contains a pickled object array; refusing to load it",
                                 hint="model files hold plain numeric arrays only; retrain with lstm train") from None
        raise ModelFileError(f"{path} is not a valid model file ({e})", hint="retrain with lstm train") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, MemoryError, NotImplementedError,
            RuntimeError, SyntaxError, tokenize.TokenError) as e:  # bad zip, compression, encryption, shape, header
        raise ModelFileError(f"{path} is not a readable model file (corrupt or truncated: {e})",
                             hint="retrain with lstm train") from None

    if META_KEY not in arrays:
        raise ModelFileError(f"{path} has no lstmcli metadata", hint="it was not written by lstm train")
    try:
        meta = json.loads(arrays.pop(META_KEY).tobytes().decode())
        version = int(meta["format_version"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError) as e:
        raise ModelFileError(f"{path} has unreadable metadata ({e})", hint="retrain with lstm train") from None
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} is model format version {version}, newer than this lstmcli reads ({FORMAT_VERSION})",
            hint="upgrade lstmcli: pip install -U lstmcli")
    if version < 1:
        raise ModelFileError(f"{path} has an invalid format version {version}", hint="retrain with lstm train")
    try:
        expected = _param_shapes(meta)
    except (KeyError, TypeError) as e:
        raise ModelFileError(f"{path} metadata lacks {e}", hint="retrain with lstm train") from None
    missing = sorted(set(expected) - set(arrays))
    extra = sorted(set(arrays) - set(expected))
    if missing or extra:
        what = "; ".join(s for s in (f"missing {', '.join(missing)}" if missing else "",
                                     f"unexpected {', '.join(extra)}" if extra else "") if s)
        raise ModelFileError(f"{path} does not match its metadata: {what}", hint="retrain with lstm train")
    dtype = meta["config"].get("dtype", "float32")
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"{path}: metadata dtype {dtype!r} is not float32 or float64",
                             hint="retrain with lstm train")
    for name, shape in expected.items():
        a = arrays[name]
        if a.shape != shape:
            raise ModelFileError(f"{path}: array {name} has shape {a.shape}, its metadata says {shape}",
                                 hint="retrain with lstm train")
        if a.dtype.kind != "f":
            raise ModelFileError(f"{path}: array {name} has dtype {a.dtype}, expected floating point",
                                 hint="retrain with lstm train")
        if not np.isfinite(a).all():
            raise ModelFileError(f"{path}: array {name} holds NaN or infinite weights", hint="retrain with lstm train")
        arrays[name] = np.ascontiguousarray(a, dtype=dtype)
    return arrays, meta
