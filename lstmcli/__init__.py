"""lstmcli: forecast a price series with an LSTM written in NumPy that you can read.

The Python API mirrors the `lstm` command:

    >>> from lstmcli import engine, init_params, forward
    >>> from lstmcli.forecast import Forecaster          # fit / predict / save / load

Heavy modules (pandas) are imported only where a CSV is read.
"""

__version__ = "0.1.0"

from lstmcli.engine import backward, forward, init_params, loss_and_gradients
from lstmcli.errors import LstmError

__all__ = ["LstmError", "__version__", "backward", "forward", "init_params", "loss_and_gradients"]
