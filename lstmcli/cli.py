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

# One BLAS thread unless the user says otherwise. The engine's matrices are small (e.g.
# 256 x 95 by 95 x 64): a second OpenBLAS thread buys little on an idle machine, and when
# the other core is busy its spin-waiting made a 20,000-row fit 70x slower (44 s vs 0.6 s).
# Set before NumPy loads (nothing above imports it), so it reaches OpenBLAS/MKL/OpenMP.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import typer  # noqa: E402

from lstmcli import __version__  # noqa: E402
from lstmcli.console import ModelOpt, model_path, stderr, stdout  # noqa: E402
from lstmcli.errors import ExitStatus, LstmError  # noqa: E402

app = typer.Typer(
    name="lstm",
    help="Forecast a CSV price series with an LSTM you can read and watch think, gate by gate.",
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


# ---------------------------------------------------------------------------------------
# train

def _split_names(text: str | None) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()] if text else []


class _StopFlag:
    """Ctrl-C / SIGTERM during training: the first asks to stop after this batch, the second aborts."""

    def __init__(self) -> None:
        self.requested: str | None = None
        self._old: dict = {}

    def __enter__(self) -> _StopFlag:
        import signal

        def handler(signum, frame):
            if self.requested:  # asked twice: stop now, without saving
                raise KeyboardInterrupt
            self.requested = signal.Signals(signum).name

        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, handler)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        for sig, old in self._old.items():
            signal.signal(sig, old)

    def __call__(self) -> bool:
        return self.requested is not None


@app.command()
def train(
    csv: Annotated[str, typer.Argument(metavar="PRICES.CSV", help="Price CSV file, or - to read standard input.")],
    column: Annotated[str | None, typer.Option(help="Column to forecast. [default: Adj Close, Close, Price, "
                                               "or the only numeric column]", show_default=False)] = None,
    date_column: Annotated[str | None, typer.Option(help="Date column. [default: found by name or by parsing]",
                                                    show_default=False)] = None,
    features: Annotated[str | None, typer.Option(help="Extra input columns, comma-separated, e.g. Volume,High.")]
    = None,
    target: Annotated[str, typer.Option(help="What the network learns: log-return, diff or level. "
                                        "Forecasts are always prices.")] = "log-return",
    window: Annotated[int, typer.Option(help="Look-back steps per input window.")] = 30,
    hidden: Annotated[int, typer.Option(help="LSTM units per layer.")] = 32,
    layers: Annotated[int, typer.Option(help="Stacked LSTM layers.")] = 1,
    epochs: Annotated[int, typer.Option(help="Most epochs to train (early stopping usually ends sooner).")] = 60,
    batch_size: Annotated[int | None, typer.Option(help="Windows per mini-batch. \\[default: 64, at most 1/8 of the "
                                                   "training windows]", show_default=False)] = None,
    lr: Annotated[float, typer.Option(help="Adam learning rate.")] = 1e-3,
    seed: Annotated[int, typer.Option(help="Random seed: same data + options + seed = same model.")] = 0,
    val_fraction: Annotated[float, typer.Option(help="Last share of the series held out for validation.")] = 0.2,
    patience: Annotated[int, typer.Option(help="Epochs without improvement before stopping.")] = 10,
    model: ModelOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Learn from a CSV price series and save the model.

    Reads the CSV (dates and price columns found automatically), trains on the older part,
    validates on the newest part, and prints how the model's one-step forecasts compare with
    the naive forecast (tomorrow = today). Ctrl-C stops early and keeps the best model so far.

    Example: lstm train sample_data/daily_stock.csv --window 30 --seed 1
    """
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig
    from lstmcli.transforms import check_target

    config = TrainConfig(window=window, hidden=hidden, layers=layers, epochs=epochs, batch_size=batch_size,
                         lr=lr, seed=seed, val_fraction=val_fraction, patience=patience)
    config.validate()  # cheap mistakes first, before reading anything
    check_target(target)
    path = model_path(model)
    if path.is_dir():
        raise LstmError(f"--model {path} is a directory", hint="give a file name such as lstm-model.npz")

    from lstmcli import data, render

    err = stderr()
    series = data.read_prices(csv, column=column, date_column=date_column, features=_split_names(features))
    err.print(data.cleaning_summary(series), soft_wrap=True, markup=False)  # names from the file: not markup

    forecaster = Forecaster(config, target)
    with _StopFlag() as stop, _progress(err, epochs, quiet) as on_epoch:
        forecaster.fit(series.values, series.dates, series.columns, frequency=series.frequency,
                       source=series.source, sha256=series.sha256, on_epoch=on_epoch, should_stop=stop)
    saved = forecaster.save(path)
    if forecaster.result.interrupted:
        err.print(f"[yellow]Stopped by {stop.requested} after epoch {forecaster.result.epochs_run}; "
                  f"kept the best model so far (epoch {forecaster.result.best_epoch}).[/]")

    out = stdout()
    meta = forecaster.meta
    out.print(render.training_summary(meta, str(saved)))
    out.print(render.validation_table(meta["validation"], meta["columns"][0]))
    style, sentence = render.verdict(meta["validation"])
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    err.print(f"Next: lstm predict --days 5{'' if model is None else f' --model {path}'}", style="dim", markup=False)


class _progress:
    """A Rich progress bar on stderr (epoch, losses, ETA); yields the on_epoch callback."""

    def __init__(self, console, epochs: int, quiet: bool) -> None:
        self.console, self.epochs, self.quiet = console, epochs, quiet

    def __enter__(self):
        if self.quiet:
            return None
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("epoch {task.completed:>3}/{task.total}"), BarColumn(bar_width=20),
            TextColumn("loss {task.fields[train]} val {task.fields[val]} best {task.fields[best]}"),
            TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, transient=False,
        )
        self.bar.start()
        self.task = self.bar.add_task("train", total=self.epochs, train="-", val="-", best="-")

        def on_epoch(r) -> None:
            self.bar.update(self.task, completed=r.epoch, train=f"{r.train_loss:.4f}", val=f"{r.val_loss:.4f}",
                            best=f"{r.best_val_loss:.4f} (epoch {r.best_epoch})")

        return on_epoch

    def __exit__(self, *exc) -> None:
        if not self.quiet:
            self.bar.update(self.task, total=self.bar.tasks[0].completed)
            self.bar.stop()


# ---------------------------------------------------------------------------------------
# predict


@app.command()
def predict(
    days: Annotated[int, typer.Option("--days", "-d", help="How many steps ahead to forecast.")] = 5,
    model: ModelOpt = None,
    data_csv: Annotated[str | None, typer.Option("--data", help="Forecast from the end of this newer CSV "
                                                 "(same columns) instead of the training data; no retraining.")]
    = None,
    interval: Annotated[float, typer.Option(help="Coverage of the prediction interval (0 to turn it off).")]
    = 0.9,
    json_out: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write the forecast to this CSV file "
                                                "(-: print only the CSV).")] = None,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Draw a terminal chart (only on a terminal).")]
    = True,
) -> None:
    """Forecast the next days from the saved model, as a dated table (and a chart).

    Dates continue the series' own frequency (business days, months, ...). The table says how
    the model compared with the naive forecast on validation, so you know what it is worth.

    Example: lstm predict --days 5     (after: lstm train prices.csv)
    """
    from lstmcli.files import STDOUT, check_one_stdout, write_csv_atomically
    from lstmcli.forecast import Forecaster, check_horizon

    check_horizon(days, interval)  # before loading anything

    check_one_stdout(json_out, output)
    path = model_path(model)
    fc_model = Forecaster.load(path)
    values = dates_ = None
    if data_csv is not None:
        from lstmcli import data

        cols = fc_model.meta["columns"]
        series = data.read_prices(data_csv, column=cols[0], features=cols[1:])
        stderr().print(data.cleaning_summary(series), soft_wrap=True, markup=False)
        values, dates_ = series.values, series.dates
    fc = fc_model.predict(days, values, dates_, interval=interval or None)

    if json_out:
        import json

        payload = fc.to_dict()
        payload["model"] = str(path)
        payload["validation"] = fc_model.meta.get("validation")
        print(json.dumps(payload, indent=2))
    if output is not None:
        write_csv_atomically(output, fc.to_dict()["forecast"], "--output")
    if json_out or output == STDOUT:
        _notes(fc, fc_model, interval)
        return

    from lstmcli import render

    out = stdout()
    last = "" if fc.last_date is None else f" after {render_date(fc.last_date, fc.frequency)}"
    from rich.markup import escape  # the column name comes from the file: '[/x]' is not markup

    title = (f"{escape(fc.column)}: {days}-step forecast ({fc.strategy}){last}, "
             f"last value {render.price(fc.last_value)}")
    out.print(f"[italic]{title}[/]", soft_wrap=True)  # a line of its own: a table title wraps at the table's width
    out.print(render.forecast_table(fc))
    style, sentence = render.verdict(fc_model.meta["validation"])
    out.print(f"[{style}]{sentence}[/]", soft_wrap=True)
    if chart and out.is_terminal and len(fc.history) > 1:
        from rich.text import Text

        out.print(Text.from_ansi(render.forecast_chart(fc, width=min(80, out.width - 12))))
    _notes(fc, fc_model, interval)


def render_date(d, frequency) -> str:
    from lstmcli import periods

    return periods.format_date(d, frequency)


def _notes(fc, fc_model, interval: float) -> None:
    """What a user should know about a forecast that the table does not say, on stderr, last."""
    if interval and fc.interval is None:  # asked for (the default) but the model has none: say why
        from lstmcli.forecast import MIN_INTERVAL_ORIGINS

        rows = (fc_model.meta.get("validation") or {}).get("rows", "too few")
        stderr().print(f"[yellow]Note:[/] no prediction interval: the model was validated on {rows} rows, fewer than "
                       f"the {MIN_INTERVAL_ORIGINS} it needs to calibrate one. Train on a longer history or with a "
                       "larger --val-fraction to get one.", soft_wrap=True)
    if fc.is_flat:  # right for a random walk, but worth knowing
        stderr().print("[yellow]Note:[/] the forecast is almost flat (it moves less than a tenth of a typical "
                       "step): the model expects about no change, much as the naive forecast does, which is "
                       "often the best there is for prices; lstm backtest shows whether it is here.",
                       soft_wrap=True)


# ---------------------------------------------------------------------------------------
# commands that live in modules of their own

from lstmcli.cmd_backtest import backtest  # noqa: E402
from lstmcli.cmd_inspect import inspect  # noqa: E402

app.command()(inspect)
app.command()(backtest)


# ---------------------------------------------------------------------------------------
# entry point


def _print_error(e: LstmError) -> None:
    """One line on stderr: `Error: what went wrong. How to fix it.`"""
    from rich.markup import escape

    def one_line(s: str) -> str:  # a name from the file may hold line breaks or control bytes (even ESC)
        s = " ".join(s.splitlines())
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in s)

    text = escape(one_line(e.message).rstrip("."))
    if e.hint:
        hint = one_line(e.hint[:1].upper() + e.hint[1:])
        text += f". [dim]{escape(hint.rstrip('.'))}.[/]"
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
    try:
        app(args=argv, prog_name="lstm")
    except LstmError as e:
        _user_error(e)
    except MemoryError:  # e.g. --hidden 100000000: the sizes asked for, not a bug
        _user_error(LstmError("not enough memory for this run", hint="use a smaller --hidden, --layers, "
                              "--window or --batch-size, or a shorter file"))
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
