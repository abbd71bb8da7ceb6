"""Writing a file atomically, the one way lstmcli writes anything to disk.

The bytes go to a temporary file in the destination's folder, are flushed and fsynced, then
`os.replace`d over the destination: a crash, Ctrl-C, a full disk or a concurrent writer
leaves either the previous file or the complete new one, never a mix, and no temporary file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from lstmcli.errors import LstmError, OptionError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(
    path: Path, write: Callable[[BinaryIO], None], *, prefix: str, option: str, noun: str = "file",
    error: type[LstmError] = LstmError,
) -> Path:
    """Call `write(f)` on a temporary file next to `path`, then move it over `path`.

    Failures a user can fix raise `error` with a message starting with `prefix` (e.g.
    "cannot save the model to m.npz") and a hint naming `option` (e.g. "--model").
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        if folder.is_dir():  # e.g. /proc: the folder is there but takes no new files
            raise error(f"{prefix}: cannot create files in {folder}", hint=f"choose another {option} path") from None
        raise error(f"{prefix}: the folder {folder} does not exist",
                    hint=f"create the folder first or choose another {option} path") from None
    except PermissionError:
        raise error(f"{prefix}: no permission to write in {folder}", hint=f"choose another {option} path") from None
    except OSError as e:
        raise error(f"{prefix}: {e.strerror or e}", hint=f"choose another {option} path") from None
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
            raise error(f"{prefix}: {e.strerror or e}",
                        hint=f"free some disk space or choose another {option} path; "
                        f"any previous {noun} there is unchanged") from None
        raise
    return path


STDOUT = Path("-")  # `--output -`: the CSV goes to standard output instead of a file


def csv_text(rows: list[dict]) -> str:
    """Rows (dicts with the same keys) as CSV text with a header."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_csv_atomically(path: Path, rows: list[dict], option: str) -> Path:
    """Rows as a CSV file, written atomically; to standard output when `path` is `-`."""
    if path == STDOUT:
        sys.stdout.write(csv_text(rows))
        sys.stdout.flush()
        return path
    data = csv_text(rows).encode()
    return write_atomically(path, lambda f: f.write(data), prefix=f"cannot write {path}", option=option)


def check_one_stdout(json_out: bool, output: Path | None) -> None:
    """`--json` and `--output -` both claim standard output: refuse the pair."""
    if json_out and output == STDOUT:
        raise OptionError("--json and --output - both print to standard output",
                          hint="choose one of them, or give --output a file name")
