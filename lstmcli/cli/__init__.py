"""The `lstm` app: the Typer app and root options, the verbs registered, `main()` and the error boundary.

Results go to stdout (tables, --json, CSV); progress, warnings and errors go to stderr.
A user's mistake (`LstmError`) becomes one red `Error:` line and exit code 2; anything
else is a bug (exit 1, traceback shown). `--debug` or LSTM_DEBUG=1 shows the traceback
for user errors too. One module per verb (train, predict, inspect, backtest) holds its command;
`common` the pieces they share; the renderers live in `lstmcli.render`. Heavy imports (pandas,
rich tables, the engine) happen inside the commands, so `lstm --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from lstmcli import __version__
from lstmcli.cli import backtest, inspect, predict, train
from lstmcli.cli.common import stderr
from lstmcli.errors import ExitStatus, LstmError

app = typer.Typer(
    name="lstm",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


app.command()(train.train)
app.command()(predict.predict)
app.command()(inspect.inspect)
app.command()(backtest.backtest)


# ---------------------------------------------------------------------------------------
# entry point


def _print_error(e: LstmError) -> None:
    """One line on stderr: `Error: what went wrong. How to fix it.`"""
    from lstmcli.render.common import user_text  # messages quote names from files

    def one_line(s: str) -> str:  # a name from the file may hold line breaks or control bytes (even ESC)
        s = " ".join(s.splitlines())
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in s)

    text = user_text(one_line(e.message).rstrip("."))
    if e.hint:
        hint = one_line(e.hint[:1].upper() + e.hint[1:])
        text += f". [dim]{user_text(hint.rstrip('.'))}.[/]"
    stderr().print(f"[bold red]Error:[/] {text}", soft_wrap=True)


def _user_error(e: LstmError) -> None:
    """Exit 2 with the one Error line (after the traceback being handled, with --debug)."""
    if os.environ.get("LSTM_DEBUG"):
        import traceback

        traceback.print_exc()
    _print_error(e)
    sys.exit(ExitStatus.USER_ERROR)


def main(argv: list[str] | None = None) -> None:
    """Run the app; the one place where errors become messages and exit codes."""
    # One BLAS thread unless the user says otherwise. The engine's matrices are small (e.g.
    # 256 x 95 by 95 x 64): a second OpenBLAS thread buys little on an idle machine, and when
    # the other core is busy its spin-waiting made a 20,000-row fit 70x slower (44 s vs 0.6 s).
    # Set before NumPy loads (no command has imported it yet), so it reaches OpenBLAS/MKL/OpenMP.
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        app(args=argv, prog_name="lstm")
    except LstmError as e:
        _user_error(e)
    except MemoryError:  # e.g. --hidden 100000000: the sizes asked for, not a bug
        _user_error(
            LstmError(
                "not enough memory for this run",
                hint="use a smaller --hidden, --layers, --window or --batch-size, or a shorter file",
            )
        )
    except KeyboardInterrupt:
        stderr().print("Interrupted.")
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        _left_quietly()
    except SystemExit as e:
        # Typer turns two exceptions inside a command into exit codes before they reach us
        if e.code == ExitStatus.INTERRUPTED:  # KeyboardInterrupt: a silent exit 130
            stderr().print("Interrupted.")
        elif e.code == 1 and isinstance(e.__context__, BrokenPipeError):  # a closed pipe: exit 1, the code of a bug
            _left_quietly()
        raise


def _left_quietly() -> None:
    """`lstm predict | head`: the reader left, which is no error; exit 0 without a word."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so that flushing at exit does not complain either
    sys.exit(ExitStatus.OK)
