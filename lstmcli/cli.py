"""The `lstm` command: Typer commands, Rich rendering, exit codes. No math lives here.

Results go to stdout (tables, --json, CSV); progress, warnings and errors go to stderr.
A user's mistake (`LstmError`) becomes one red `Error:` line and exit code 2; anything
else is a bug (exit 1, traceback shown). `--debug` or LSTM_DEBUG=1 shows the traceback
for user errors too. Heavy imports (pandas, rich tables, the engine) happen inside the
commands that need them, so `lstm --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lstmcli import __version__
from lstmcli.errors import ExitStatus, LstmError

app = typer.Typer(
    name="lstm",
    help="Forecast a CSV price series with an LSTM you can read and watch think, gate by gate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_MODEL = "lstm-model.npz"


def _stderr():
    """A Rich console on stderr for progress, warnings and errors."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout():
    """A Rich console on stdout for results."""
    from rich.console import Console

    return Console(highlight=False)


def _version(value: bool) -> None:
    if value:
        print(f"lstm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback for errors (also LSTM_DEBUG=1).")
    ] = False,
) -> None:
    """Forecast a CSV price series with an LSTM you can read and watch think, gate by gate.

    Start with: lstm train sample_data/daily_stock.csv, then lstm predict --days 5.
    """
    if debug:
        os.environ["LSTM_DEBUG"] = "1"


# ---------------------------------------------------------------------------------------
# inspect


@app.command()
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

        out = _stdout()
        for part in render_seed_example():
            out.print(part)
        return
    raise LstmError("nothing to inspect yet", hint="try: lstm inspect --example")


# ---------------------------------------------------------------------------------------
# entry point


def _model_path(model: Path | None) -> Path:
    """--model, else $LSTM_MODEL, else lstm-model.npz in the working directory."""
    return model or Path(os.environ.get("LSTM_MODEL") or DEFAULT_MODEL)


def _print_error(e: LstmError) -> None:
    """One line on stderr: `Error: what went wrong. How to fix it.`"""
    from rich.markup import escape

    text = escape(e.message.rstrip("."))
    if e.hint:
        text += f". [dim]{escape(e.hint)}[/]"
    _stderr().print(f"[bold red]Error:[/] {text}", soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Run the app; the one place where errors become messages and exit codes."""
    try:
        app(args=argv, prog_name="lstm")
    except LstmError as e:
        if os.environ.get("LSTM_DEBUG"):
            import traceback

            traceback.print_exc()
        _print_error(e)
        sys.exit(ExitStatus.USER_ERROR)
    except KeyboardInterrupt:
        _stderr().print("Interrupted.")
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # `lstm predict | head`: the reader left; exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitStatus.OK)
