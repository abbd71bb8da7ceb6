"""The `lstm` app: the Typer app and root options, the verbs registered, `main()` and the error boundary.

Results go to stdout (tables, --json, CSV); progress, warnings and errors go to stderr.
A user's mistake (`LstmError`) becomes one red `Error:` line and exit code 2; anything
else is a bug (exit 1, traceback shown). `--debug` or LSTM_DEBUG=1 shows the traceback
for user errors too. One module per verb (train, predict, inspect, backtest) holds its command;
`common` the pieces they share; the renderers live in `lstmcli.render`. Heavy imports (pandas,
rich tables, the engine) happen inside the commands, so `lstm --help` starts fast.
"""

from __future__ import annotations

import inspect as pyinspect
import os
import re
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
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
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


_EXAMPLE = re.compile(r"[A-Z][\w ]*: lstm ")  # "Example: lstm train ...", "Stock data: lstm train ..."


def command_help(doc: str | None) -> str:
    """A verb's docstring for `--help`: each paragraph's wrapped lines joined into one, so the
    terminal wraps them at its own width (typer keeps a docstring's single line breaks, which at
    80 columns left half-empty lines). An example line (`Example: lstm ...`, `For scripts: lstm
    ...`) or an indented one keeps its own line."""
    paragraphs = []
    for paragraph in pyinspect.cleandoc(doc or "").split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not line.startswith(" ") and not _EXAMPLE.match(line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


for _verb in (train.train, predict.predict, inspect.inspect, backtest.backtest):
    app.command(help=command_help(_verb.__doc__))(_verb)


# ---------------------------------------------------------------------------------------
# entry point


def _print_error(e: LstmError) -> None:
    """One line on stderr: `Error: what went wrong. How to fix it.`"""
    from lstmcli.render.common import user_text  # messages quote names from files

    def one_line(s: str) -> str:  # a name from the file may hold line breaks or control bytes (even ESC)
        s = " ".join(s.splitlines())
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in s)

    def stop(s: str) -> str:  # one full stop, none after a question ("Did you mean x.csv?")
        s = s.rstrip(".")
        return s if s.endswith(("?", "!")) else s + "."

    text = user_text(one_line(e.message).rstrip("."))
    if e.hint:
        hint = one_line(e.hint[:1].upper() + e.hint[1:])
        text = f"{stop(text)} [dim]{user_text(stop(hint))}[/]"
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
    args = _debug_anywhere(sys.argv[1:] if argv is None else list(argv))
    if not args or "--help" in args or "-h" in args:
        _fold_long_words_in_help()
    try:
        _one_dash_long_option(args)
        # standalone_mode=False: Typer's usage errors come here as exceptions, to be one Error line
        code = app(args=args, prog_name="lstm", standalone_mode=False)
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
        _interrupted()
    except BrokenPipeError:
        _left_quietly()
    except typer.Abort:  # end of input at a prompt
        stderr().print("Aborted.")
        sys.exit(ExitStatus.USER_ERROR)
    except SystemExit as e:
        # Typer turns a closed pipe inside a command into exit 1, the code of a bug
        if e.code == 1 and isinstance(e.__context__, BrokenPipeError):
            _left_quietly()
        raise
    except Exception as e:
        if not _is_usage_error(e):
            raise
        _usage_error(e, args)
    else:
        if code == ExitStatus.INTERRUPTED:  # Typer's answer to a KeyboardInterrupt inside a command
            _interrupted()
        sys.exit(code if isinstance(code, int) else ExitStatus.OK)


def _fold_long_words_in_help() -> None:
    """`--help` folds an option's word that is longer than its column onto the next line instead of cutting it: at 80
    columns `lstm train --help` showed `lstmcli[calendar…`, `$LSTM_DASK_SCHED…`, `benchmarks/READM…` (Typer's help
    cell is a Rich Columns of Texts without an overflow, so the grid's default, ellipsis, applied)."""
    from rich.text import Text
    from typer import rich_utils

    original = getattr(rich_utils, "_get_parameter_help", None)
    if original is None or getattr(original, "folds", False):  # another Typer, or done already
        return

    def folded(*args, **kwargs):
        cell = original(*args, **kwargs)
        for item in getattr(cell, "renderables", ()):
            if isinstance(item, Text) and item.overflow is None:
                item.overflow = "fold"
        return cell

    folded.folds = True
    rich_utils._get_parameter_help = folded


def _debug_anywhere(args: list[str]) -> list[str]:
    """`--debug` is a root option; after the verb (`lstm train x.csv --debug`) it works the same."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" in args[1:end]:
        os.environ["LSTM_DEBUG"] = "1"
        args = [a for a in args[:end] if a != "--debug"] + args[end:]
    return args


def _one_dash_long_option(args: list[str]) -> None:
    """`lstm predict -days 5`: raise the LstmError that names `--days` (Click would read `-d ays`)."""
    if any(len(a) > 2 and a[0] == "-" and a[1].isalpha() for a in args):  # the Click command only then
        from lstmcli.cli.usage import one_dash_long_option

        if (error := one_dash_long_option(args, typer.main.get_command(app))) is not None:
            raise error


def _interrupted() -> None:
    """Ctrl-C (exit 130), or SIGTERM twice during training (exit 143), outside training's own stop."""
    from lstmcli.cli.common import stop_signal

    if stop_signal() == "SIGTERM":
        stderr().print("Terminated.")
        sys.exit(128 + 15)
    stderr().print("Interrupted.")
    sys.exit(ExitStatus.INTERRUPTED)


def _is_usage_error(e: Exception) -> bool:
    """A Click/Typer usage error (bad option, missing argument, ...), told by its shape: Typer vendors Click."""
    return hasattr(e, "exit_code") and hasattr(e, "format_message") and type(e).__name__ != "Exit"


def _usage_error(e: Exception, args: list[str] | None = None) -> None:
    """Typer's usage errors as the one `Error:` line (its Rich box had four lines and no closest option)."""
    if type(e).__name__ == "NoArgsIsHelpError":  # `lstm` alone: the help was printed
        sys.exit(e.exit_code)
    from lstmcli.cli.usage import usage_error

    if os.environ.get("LSTM_DEBUG"):
        import traceback

        traceback.print_exc()
    _print_error(usage_error(e, args))
    sys.exit(e.exit_code if e.exit_code != ExitStatus.BUG else ExitStatus.USER_ERROR)


def _left_quietly() -> None:
    """`lstm predict | head`: the reader left, which is no error; exit 0 without a word."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so that flushing at exit does not complain either
    sys.exit(ExitStatus.OK)
