"""Where `lstm train` saves its model: what is there already, refused or said.

A model file is replaced whole (files.write_atomically), without a prompt, as scripts expect. Two
things are refused before any work, because replacing them loses what no retraining gives back: the
very file being trained on (`--model prices.csv`), and an existing file that is neither a model nor
named like one (`--model notes.txt`). Any other earlier model is replaced, and the line that names
the saved file says so, with what it was (`replaced the model of prices.csv trained 2026-11-29 14:54 UTC`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from lstmcli.errors import OptionError

MODEL_SUFFIX = ".npz"


def _is_model_file(path: Path) -> bool:
    """A zip holding the metadata array every lstmcli model file has (any format version, panel or not)."""
    import zipfile

    from lstmcli.modelfile import META_KEY

    try:
        with zipfile.ZipFile(path) as z:
            return f"{META_KEY}.npy" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def check_model_destination(path: Path, sources: Sequence[str]) -> None:
    """Refuse a --model path whose file is one of the training inputs, or a non-empty file that is not a
    model and not named .npz (an empty one, as mktemp leaves, and any .npz are replaced as before)."""
    if not path.is_file():
        return
    for source in sources:
        try:
            same = source != "-" and os.path.samefile(source, path)
        except OSError:  # a missing input: reading it says so
            same = False
        if same:
            raise OptionError(
                f"--model {path} is the file being trained on; saving the model there would replace the data",
                hint="give the model a name of its own, e.g. --model lstm-model.npz",
            )
    if path.stat().st_size and path.suffix.lower() != MODEL_SUFFIX and not _is_model_file(path):
        raise OptionError(
            f"--model {path} exists and is not a model file; lstm train replaces only model files",
            hint=f"choose another --model path, e.g. {path.with_suffix(MODEL_SUFFIX)}, or remove {path} first",
        )


def replaced(path: Path) -> str | None:
    """What saving at `path` replaces, in words for the line that names the saved file, read just before the
    save ("replaced the model of prices.csv trained 2026-11-29 14:54 UTC"); None when nothing (or an empty
    file, as mktemp leaves) is there."""
    if not path.is_file() or not path.stat().st_size:
        return None
    try:
        import json

        import numpy as np

        from lstmcli.modelfile import META_KEY

        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z[META_KEY].tobytes().decode())
        panel = meta.get("panel") if meta.get("kind") == "panel" else None
        one = meta if panel is None else panel["series"][0]["model"]  # a panel: its first series' (format 2, 3)
        created = str(one.get("created") or "")  # UTC, ISO 8601
        when = f" trained {created[:10]} {created[11:16]} UTC" if len(created) >= 16 else ""
        if panel is not None:
            of = f" of {Path(str(panel['source'])).name}" if panel.get("source") else ""
            return f"replaced the panel model of {len(panel['series']):,} series{of}{when}"
        return f"replaced the model of {Path(str(one['data']['source'])).name}{when}"
    except Exception:  # damaged, or from elsewhere: it is replaced all the same
        return "replaced the file that was there"


def saved_words(path: Path, replacing: str | None) -> str:
    """`path` as the saved-file lines name it, with what it replaced: "m.npz (replaced the model of ...)"."""
    return str(path) if replacing is None else f"{path} ({replacing})"
