"""Shared pieces of the commands: consoles for results and messages, the model path option.

stdout carries results; stderr carries progress, warnings and errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_MODEL = "lstm-model.npz"

ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", "-m", help="Model file. [default: $LSTM_MODEL or lstm-model.npz]", show_default=False),
]


def stderr():
    """A Rich console on stderr for progress, warnings and errors."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def stdout():
    """A Rich console on stdout for results."""
    from rich.console import Console

    return Console(highlight=False)


def model_path(model: Path | None) -> Path:
    """--model, else $LSTM_MODEL, else lstm-model.npz in the working directory."""
    return model or Path(os.environ.get("LSTM_MODEL") or DEFAULT_MODEL)
