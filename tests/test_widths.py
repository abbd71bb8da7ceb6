"""Every command's human output at 80 and 120 columns, and 60 (issue 12, "output that reads well anywhere").

Each command runs through `main()` as a user runs it, redirected (stdout is not a terminal) at 60, 80
and 120 columns and, for the sentences, as in a terminal (TTY_COMPATIBLE=1) at 80, and is compared with
the same command at 400 columns (where nothing has to give). What must hold at every width:

* no number or header is cut (Rich's `…`);
* no table row wraps into two lines: a `*` marker stays beside its number, and no word or number
  is split across lines (every token of the narrow output is a token of the wide one: columns
  may be left out, nothing may be broken);
* redirected, only sentences may be longer than the width, each one line as at 400 columns
  (a file has no width; its reader wraps); in a terminal no line is wider than the terminal
  and sentences wrap at word boundaries.

Models are trained once per module, tiny (2 epochs, 300 rows): the file takes about 30 s of CPU.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE, invoke_main, random_walk
from typer.testing import CliRunner

from lstmcli.render.common import dropped_note

WIDTHS = (60, 80, 120)  # 80 and 120 as the issue asks; 60 for the columns left out by rule
WIDE = 400  # the reference: nothing has to give
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
BOX = "│┃┏┓┗┛┡┩┠┨╇━─┌┐└┘├┤┼┬┴╭╮╰╯"
SPLIT = re.compile(rf"[\s{BOX}]+")
TINY = ("--epochs", "2", "-q", "-j", "1")  # one process: no pool to start for each run


def lstm(workdir: Path, args: tuple[str, ...], columns: int, *, tty: bool = False) -> tuple[int, str, str]:
    """`lstm ARGS` in `workdir` at COLUMNS=columns: redirected, or as in a terminal (ANSI codes stripped)."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)  # relative paths: a tmp path's length is not the output's
        mp.setenv("NO_COLOR", "1")
        mp.setenv("COLUMNS", str(columns))
        mp.setenv("TTY_COMPATIBLE", "1" if tty else "0")
        for name in ("LSTM_MODEL", "LSTM_DEBUG", "FORCE_COLOR"):
            mp.delenv(name, raising=False)
        if args[0] == "train" and "t.npz" in args:  # the same earlier model at every width: the same "replaced" words
            shutil.copyfile(workdir / "plain.npz", workdir / "t.npz")
        code, stdout, stderr = invoke_main(runner, args)
    return code, ANSI.sub("", stdout), ANSI.sub("", stderr)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """Short data files and the models the predict/inspect cases read (trained once)."""
    d = tmp_path_factory.mktemp("widths")
    with open(SAMPLE / "daily_stock.csv", newline="") as f:
        rows = list(csv.reader(f))[1:301]
    # prices in the thousands: "2,148.00" is the widest number a price column holds
    (d / "big.csv").write_text("Date,Close\n" + "".join(f"{r[0]},{float(r[4]) * 53.7:.2f}\n" for r in rows))
    (d / "m.csv").write_text((SAMPLE / "monthly_seasonal.csv").read_text())
    lines = ["Date,Ticker,Close"]
    for k, (ticker, start) in enumerate((("AAPL", 150.0), ("MSFT", 3000.0), ("GOOG", 0.5))):
        walk = random_walk(150, seed=k, start=start)
        lines += [f"{np.datetime64('2021-01-01') + j},{ticker},{v:.4f}" for j, v in enumerate(walk)]
    (d / "panel.csv").write_text("\n".join(lines) + "\n")
    lines = ["Date,Ticker,Close"]  # more series than the grouped table shows: one row per series
    for k in range(25):
        walk = random_walk(60, seed=k, start=3000.0 if k % 2 else 0.5)
        lines += [f"{np.datetime64('2021-01-01') + j},T{k:02d},{v:.4f}" for j, v in enumerate(walk)]
    (d / "many.csv").write_text("\n".join(lines) + "\n")
    for args in (
        ("big.csv", "--model", "plain.npz"),
        ("big.csv", "--model", "direct.npz", "--strategy", "direct", "--horizon", "5"),
        ("m.csv", "--model", "season.npz"),
        ("big.csv", "--model", "deep.npz", "--layers", "2", "--hidden", "8"),
        ("big.csv", "--model", "ens.npz", "--ensemble", "2"),
        ("m.csv", "--model", "auto.npz", "--auto", "--budget", "0.5"),
        ("panel.csv", "--model", "panel.npz", "--hidden", "4", "--window", "10"),
        ("many.csv", "--model", "many.npz", "--hidden", "2", "--window", "5"),
    ):
        code, _, err = lstm(d, ("train", *args, *TINY), WIDE)
        assert code == 0, err
    return d


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    exact: bool = True  # the same output at every width but for layout (False: timings or a --budget vary)
    terminal: bool = True  # also as in a terminal (not for progress bars: a terminal redraws them)


CASES = [
    # train
    Case("train", ("train", "big.csv", "--model", "t.npz", *TINY)),
    Case("train --strategy direct", ("train", "big.csv", "--model", "t.npz", "--strategy", "direct", *TINY)),
    Case("train seasonal", ("train", "m.csv", "--model", "t.npz", *TINY)),
    Case("train --ensemble 2", ("train", "big.csv", "--model", "t.npz", "--ensemble", "2", *TINY)),
    Case("train --auto", ("train", "m.csv", "--model", "t.npz", "--auto", "--budget", "0.5", *TINY), exact=False),
    Case(
        "train, progress bar",
        ("train", "big.csv", "--model", "t.npz", "--epochs", "2", "-j", "1"),
        exact=False,
        terminal=False,
    ),
    Case(
        "train --auto, progress bar",
        ("train", "m.csv", "--model", "t.npz", "--auto", "--budget", "0.5", "--epochs", "2", "-j", "1"),
        exact=False,
        terminal=False,
    ),
    Case("train panel", ("train", "panel.csv", "--model", "t.npz", "--hidden", "4", "--window", "10", *TINY)),
    # predict
    Case("predict", ("predict", "--model", "plain.npz", "--days", "5")),
    Case("predict two bands", ("predict", "--model", "plain.npz", "--interval", "0.5,0.9")),
    Case("predict three bands", ("predict", "--model", "plain.npz", "--interval", "0.5,0.8,0.95")),
    Case("predict --chart", ("predict", "--model", "plain.npz", "--chart"), exact=False),  # axis ticks follow width
    Case("predict --data", ("predict", "--model", "plain.npz", "--data", "big.csv")),
    Case("predict direct", ("predict", "--model", "direct.npz")),
    Case("predict seasonal", ("predict", "--model", "season.npz", "--days", "12")),
    Case("predict --auto model", ("predict", "--model", "auto.npz")),
    Case("predict panel", ("predict", "--model", "panel.npz", "--interval", "0.9")),
    Case("predict big panel", ("predict", "--model", "many.npz", "--days", "5")),
    # inspect
    Case("inspect", ("inspect", "--model", "plain.npz")),
    Case("inspect --auto model", ("inspect", "--model", "auto.npz")),
    Case("inspect ensemble", ("inspect", "--model", "ens.npz")),
    Case("inspect --step-trace", ("inspect", "--model", "plain.npz", "--step-trace")),
    Case("inspect --step-trace --units all", ("inspect", "--model", "plain.npz", "--step-trace", "--units", "all")),
    Case("inspect --step-trace 2 layers", ("inspect", "--model", "deep.npz", "--step-trace", "--steps", "2")),
    Case("inspect --step-trace direct", ("inspect", "--model", "direct.npz", "--step-trace")),
    Case("inspect --step-trace seasonal", ("inspect", "--model", "season.npz", "--step-trace")),
    Case("inspect --member", ("inspect", "--model", "ens.npz", "--step-trace", "--member", "1")),
    # every weight printed at 400 columns, a note saying they are too many at 80 and 120
    Case("inspect --weights", ("inspect", "--model", "plain.npz", "--weights"), exact=False),
    Case("inspect --example", ("inspect", "--example")),
    Case("inspect panel", ("inspect", "--model", "panel.npz")),
    Case("inspect panel series", ("inspect", "--model", "panel.npz", "--series", "MSFT", "--step-trace")),
    # backtest
    Case("backtest", ("backtest", "big.csv", "--test-fraction", "0.1", "--every", "10", *TINY)),
    Case("backtest seasonal", ("backtest", "m.csv", "--test-fraction", "0.1", "--every", "6", *TINY)),
    Case(
        "backtest --auto",
        ("backtest", "m.csv", "--auto", "--budget", "0.3", "--test-fraction", "0.1", "--every", "6", "-q", "-j", "1"),
        exact=False,
    ),
    Case(
        "backtest, progress bar",
        ("backtest", "m.csv", "--test-fraction", "0.1", "--every", "6", "--refit", "2", "--epochs", "2", "-j", "1"),
        exact=False,
        terminal=False,
    ),
    Case(
        "backtest panel", ("backtest", "panel.csv", "--hidden", "4", "--window", "10", "--test-fraction", "0.1", *TINY)
    ),
    # errors
    Case("error: no model", ("predict", "--model", "missing.npz")),
    Case("error: no column", ("train", "big.csv", "--column", "Clsoe", *TINY)),
    Case("error: bad option", ("backtest", "big.csv", "--origins", "4")),
]


def tokens(text: str) -> set[str]:
    return {t.rstrip(",") for t in SPLIT.split(text)} - {""}


def problems(out: str, width: int, *, wide: str | None, tty: bool) -> list[str]:
    """What is wrong with `out` rendered at `width` (`wide`: the same output at 400 columns, when comparable)."""
    found = []
    wide_lines = {line.rstrip() for line in (wide or "").splitlines()}
    for line in out.splitlines():
        if "…" in line:
            found.append(f"cut: {line.strip()!r}")
        cells = [c.strip() for c in re.split("[│┃]", line)]
        if len(cells) > 2 and "*" in cells:
            found.append(f"a marker wrapped off its number: {line.strip()!r}")
        if len(line.rstrip()) > width:
            if tty:
                found.append(f"wider than the terminal ({len(line.rstrip())}): {line.strip()!r}")
            elif any(c in BOX for c in line) or (
                wide is not None and line.rstrip() not in wide_lines and not line.startswith(dropped_note([])[:25])
            ):  # the note of the columns left out is a sentence too, one line when redirected (round 12)
                found.append(f"a table line wider than {width}: {line.strip()!r}")
    if wide is not None:  # the note naming the columns left out is the one thing added at a narrow width
        broken = sorted(tokens(out) - tokens(wide) - tokens(dropped_note([])))
        if broken:
            found.append(f"split words or numbers (not in the {WIDE}-column output): {broken[:12]}")
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_output_reads_well_at_60_80_and_120_columns(workdir, case):
    code, wide_out, wide_err = lstm(workdir, case.args, WIDE)
    assert code in (0, 2), (code, wide_err)
    assert wide_out or wide_err
    found = []
    for width in WIDTHS:
        for tty in (False, True) if width == 80 and case.terminal else (False,):  # a terminal: at 80 columns
            # a terminal gets the chart by default; its axis follows the width (the --chart case has it)
            chart = tty and case.args[0] in ("predict", "backtest") and "--chart" not in case.args
            c, out, err = lstm(workdir, (*case.args, "--no-chart") if chart else case.args, width, tty=tty)
            assert c == code, (width, tty, err)
            where = f"{width} columns{' (terminal)' if tty else ''}"
            for stream, text, reference in (("stdout", out, wide_out), ("stderr", err, wide_err)):
                for p in problems(text, width, wide=reference if case.exact else None, tty=tty):
                    found.append(f"{stream} at {where}: {p}")
    assert not found, "\n".join(found)


def test_a_table_too_wide_leaves_out_its_optional_columns_by_rank_and_says_which():
    """FitTable's order: number headers wrap, names wrap at words, then rank 1 goes, then rank 2; no number is cut."""
    from io import StringIO

    from rich.console import Console

    from lstmcli.render.common import FitTable

    table = FitTable()
    table.add_column("model")
    table.add_column("mean absolute error", justify="right")
    table.add_column("second extra", justify="right", drop=2)
    table.add_column("first extra", justify="right", drop=1)
    table.add_row("moving average (ref)", "1,234.56 *", "12,345.6789", "98,765.4321")

    def show(width: int) -> list[str]:
        console = Console(file=StringIO(), width=width, no_color=True)
        console.print(table)
        return console.file.getvalue().splitlines()

    assert show(120)[1].split("┃")[1:-1] == [
        " model                ",
        " mean absolute error ",
        " second extra ",
        " first extra ",
    ]
    for width, shown, left_out in (
        (54, ("12,345.6789", "98,765.4321"), ""),  # headers and the name wrap: "mean\nabsolute\nerror"
        (50, ("12,345.6789",), "first extra"),
        (35, (), "first extra, second extra"),
        (25, (), "first extra, second extra"),
    ):
        lines = show(width)
        text = "\n".join(lines)
        assert "…" not in text and max(len(line) for line in lines) <= width, text
        assert any("1,234.56 *" in line and "moving" in line for line in lines), text
        for number in shown:
            assert number in text, text
        note = " ".join(" ".join(text.split("Not shown at this width:")[1:]).split())
        assert note.startswith(left_out + " (a wider terminal") if left_out else "Not shown" not in text, text
    assert table.columns[1].header == "mean absolute error" and len(table.columns) == 4  # the table itself is unchanged


def test_without_ranks_the_rightmost_columns_go_first_and_the_first_two_stay():
    from io import StringIO

    from rich.console import Console

    from lstmcli.render.common import FitTable

    table = FitTable()
    for name in ("unit", "forget gate", "input gate", "output gate"):
        table.add_column(name, justify="right")
    table.add_row("31", "0.123456789", "0.987654321", "0.555555555")
    console = Console(file=StringIO(), width=30, no_color=True)
    console.print(table)
    text = console.file.getvalue()
    assert "0.123456789" in text and "0.987654321" not in text and "…" not in text, text
    assert " ".join(text.split("Not shown at this width:")[1].split()).startswith("output gate, input gate (a wider"), (
        text
    )
