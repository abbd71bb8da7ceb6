"""lstmcli: forecast a price series with an LSTM written in NumPy that you can read.

The Python API mirrors the `lstm` command:

    >>> from lstmcli import init_params, forward, loss_and_gradients   # the engine
    >>> from lstmcli.forecast import Forecaster          # fit / predict / save / load

Names are imported lazily, so `lstm --help` does not pay for NumPy, and pandas is
imported only where a CSV is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "forward": "lstmcli.engine",
    "backward": "lstmcli.engine",
    "init_params": "lstmcli.engine",
    "loss_and_gradients": "lstmcli.engine",
    "Forecaster": "lstmcli.forecast",
    "LstmError": "lstmcli.errors",
}

if TYPE_CHECKING:
    from lstmcli.engine import backward, forward, init_params, loss_and_gradients
    from lstmcli.errors import LstmError
    from lstmcli.forecast import Forecaster


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lstmcli' has no attribute {name!r}")


__all__ = ["Forecaster", "LstmError", "__version__", "backward", "forward", "init_params", "loss_and_gradients"]
