"""`lstm inspect`: look inside an LSTM, gate by gate.

Thin: the numbers come from the engine's own forward record; `render` formats them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lstmcli.console import stdout
from lstmcli.errors import LstmError


def inspect(
    example: Annotated[
        bool, typer.Option("--example", help="Walk through the seed's worked example (a built-in 1-unit model).")
    ] = False,
) -> None:
    """Look inside an LSTM: the seed's worked example, stage by stage.

    Example: lstm inspect --example
    """
    if example:
        from lstmcli.render import render_seed_example

        out = stdout()
        for part in render_seed_example():
            out.print(part)
        return
    raise LstmError("nothing to inspect yet", hint="try: lstm inspect --example")
