"""Writing a file atomically, the one way lstmcli writes anything to disk.

The bytes go to a temporary file in the destination's folder, are flushed and fsynced, then
`os.replace`d over the destination: a crash, Ctrl-C, a full disk or a concurrent writer
leaves either the previous file or the complete new one, never a mix, and no temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from lstmcli.errors import LstmError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temporary(path: Path, *, prefix: str, option: str, error: type[LstmError]) -> tuple[int, str]:
    """A new temporary file next to `path` (its descriptor and name), or `error` saying why there is none."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        if folder.is_dir():  # e.g. /proc: the folder is there but takes no new files
            raise error(f"{prefix}: cannot create files in {folder}", hint=f"choose another {option} path") from None
        raise error(
            f"{prefix}: the folder {folder} does not exist",
            hint=f"create the folder first or choose another {option} path",
        ) from None
    except PermissionError:
        raise error(f"{prefix}: no permission to write in {folder}", hint=f"choose another {option} path") from None
    except OSError as e:
        raise error(f"{prefix}: {e.strerror or e}", hint=f"choose another {option} path") from None


def check_writable(path: Path, *, prefix: str, option: str, example: str, error: type[LstmError] = LstmError) -> None:
    """Refuse, before any work, a destination `write_atomically` could not write: a folder (`example` is a file
    name to suggest), a missing folder, or one that takes no new file (read-only, no permission). Probes by
    creating and removing the temporary file the write would make."""
    if path.is_dir():
        raise error(f"{option} {path} is a folder", hint=f"give a file name such as {Path(path) / example}")
    fd, tmp = _temporary(path, prefix=prefix, option=option, error=error)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def write_atomically(
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    prefix: str,
    option: str,
    noun: str = "file",
    error: type[LstmError] = LstmError,
) -> Path:
    """Call `write(f)` on a temporary file next to `path`, then move it over `path`.

    Failures a user can fix raise `error` with a message starting with `prefix` (e.g.
    "cannot save the model to m.npz") and a hint naming `option` (e.g. "--model").
    """
    fd, tmp = _temporary(path, prefix=prefix, option=option, error=error)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; ours are ordinary files
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:  # a full disk or Ctrl-C: no temporary file left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise error(
                f"{prefix}: {e.strerror or e}",
                hint=f"free some disk space or choose another {option} path; any previous {noun} there is unchanged",
            ) from None
        raise
    return path


def closest_file(path: Path) -> Path | None:
    """The file in `path`'s folder whose name is closest to `path`'s (a typo: daily_stok.csv), or None."""
    import difflib

    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()] if path.parent.is_dir() else []
    except OSError:
        names = []
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.8)
    return (path.parent / close[0] if str(path.parent) != "." else Path(close[0])) if close else None


def files_like(path: Path, shown: int = 3) -> list[Path]:
    """Up to `shown` other files in `path`'s folder with its suffix (the model files there), sorted."""
    try:
        found = sorted(p for p in path.parent.glob(f"*{path.suffix}") if p.is_file()) if path.suffix else []
    except OSError:
        return []
    return [p if str(path.parent) != "." else Path(p.name) for p in found[:shown]]
