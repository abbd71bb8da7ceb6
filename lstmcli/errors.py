"""The one exception family a user can cause, and the exit codes the CLI maps it to.

The library raises `LstmError` (or a subclass) for every mistake a user can make: a bad
file, a bad column, too little data, a corrupt model, an impossible option. The message
names the file and place and says how to fix it; the CLI prints it as one red line and
exits with `ExitStatus.USER_ERROR`. Anything else that escapes is a bug (exit 1).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes of the `lstm` command."""

    OK = 0
    BUG = 1  # an unexpected exception: a bug in lstmcli
    USER_ERROR = 2  # bad input, bad option, corrupt model file, ...
    INTERRUPTED = 130  # Ctrl-C outside training (training saves and exits 0)


class LstmError(Exception):
    """A problem the user can fix; the message says what and how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class DataError(LstmError):
    """The input CSV cannot be used as a price series."""


class ModelFileError(LstmError):
    """A model file is missing, corrupt, from another format version, or unsafe."""


class OptionError(LstmError):
    """A command-line option or API argument has an impossible value."""


class TrainingError(LstmError):
    """Training could not produce a usable model (e.g. the loss diverged)."""
