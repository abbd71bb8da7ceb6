"""The command line's rough edges (issue 12): usage mistakes as one Error line with the closest option or
the option that takes a file, --debug after the verb, shell completion, --output x.json, --refit 0,
counts with their plural, and a second SIGTERM reported as a termination."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import signal

import pytest
from conftest import SAMPLE, run_exe


def one_error_line(r, *fragments: str) -> str:
    assert r.exit_code == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r
    assert "╭" not in r.stderr and "Traceback" not in r.stderr and "Usage:" not in r.stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("predict", "data.csv"), ("lstm predict takes no file argument (got data.csv)", "--data data.csv")),
        (("predict", "old.npz"), ("--model old.npz",)),
        (("inspect", "model.npz"), ("lstm inspect takes no file argument", "lstm inspect --model model.npz")),
        (("inspect", "newer.csv"), ("--data newer.csv",)),
        (("predict", "--dyas", "3"), ("unknown option --dyas", "Did you mean --days?")),
        (("predict", "--no-chrt"), ("Did you mean --no-chart?",)),
        (("train", "x.csv", "--epocs", "3"), ("unknown option --epocs", "Did you mean --epochs?")),
        (("trian", "x.csv"), ("no command 'trian'", "Did you mean lstm train?")),
        (("train",), ("missing argument 'PRICES.CSV'", "lstm train --help")),
        (("predict", "--days", "abc"), ("'abc' is not a valid int",)),
        (("predict", "a", "b"), ("unexpected argument a b",)),
    ],
)
def test_usage_mistakes_are_one_error_line(run, args, says):
    one_error_line(run(*args), *says)


def test_no_arguments_still_prints_the_help(run):
    r = run()
    assert r.exit_code == 2 and "Usage: lstm" in r.stdout + r.stderr and "Error" not in r.stderr


def test_help_and_version_exit_0(run):
    assert run("predict", "--help").exit_code == 0
    r = run("--version")
    assert r.exit_code == 0 and r.stdout.startswith("lstm ")


@pytest.mark.parametrize("verb", ["train", "predict", "inspect", "backtest"])
def test_help_prose_fills_an_80_column_terminal(run, monkeypatch, verb):
    """A verb's help wraps its paragraphs at the terminal's width: no line of prose broken where
    the docstring's source line ended (typer keeps single line breaks), examples on their own lines."""
    monkeypatch.setenv("COLUMNS", "80")
    r = run(verb, "--help")
    assert r.exit_code == 0
    prose = r.stdout.split("╭")[0].splitlines()  # the text above the first option panel
    widths = [len(line.rstrip()) for line in prose]
    for line, nxt in itertools.pairwise(prose):
        words = nxt.split()
        if line.strip() and words and not nxt.lstrip().startswith(("Example", "lstm")) and ": lstm " not in nxt:
            # a line ended early only if the next word would not have fitted
            assert len(line.rstrip()) + 1 + len(words[0]) > 79, (line, nxt)
    assert max(widths) <= 80
    assert sum("Example" in line for line in prose) >= 1


def test_debug_after_the_verb(run, tmp_path, monkeypatch):
    r = run("train", str(tmp_path / "missing.csv"), "--debug")
    assert r.exit_code == 2 and "Traceback" in r.stderr and "Error: " in r.stderr and "no such file" in r.stderr
    monkeypatch.delenv("LSTM_DEBUG")  # --debug sets it for the (one) process
    r = run("train", str(tmp_path / "missing.csv"))  # and only then
    assert "Traceback" not in r.stderr


def test_debug_is_gone_after_the_test_that_used_it():
    """Runs right after the test above: its in-process `--debug` must not reach later tests (whose
    installed-command subprocesses inherit os.environ and printed a traceback before `Error:`)."""
    assert "LSTM_DEBUG" not in os.environ


def test_shell_completion(lstm_exe, tmp_path):
    # Typer's own switch for naming the shell (else it detects the shell this runs under, which may be none)
    r = run_exe(
        lstm_exe, "--show-completion", "bash", cwd=tmp_path, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    )
    assert r.returncode == 0 and b"_lstm_completion" in r.stdout

    def complete(words: str) -> list[str]:
        env = {"_LSTM_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        done = run_exe(lstm_exe, cwd=tmp_path, env=env)
        return done.stdout.decode().split()

    assert complete("lstm train x.csv --target l") == ["log-return", "level"]
    assert complete("lstm backtest x.csv --target a") == ["auto"]
    assert "--target" in complete("lstm train x.csv --tar")
    assert complete("lstm backtest x.csv --refit n") == ["never"]


def test_output_json_writes_the_rows_as_json(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("train", str(SAMPLE / "daily_stock.csv"), "--epochs", "2", "--hidden", "4", "-q").exit_code == 0
    r = run("predict", "--days", "4", "--output", "f.json", "--no-chart")
    assert r.exit_code == 0, r
    assert run("predict", "--days", "4", "--output", "f.csv", "--no-chart").exit_code == 0
    rows = json.loads((tmp_path / "f.json").read_text())
    as_csv = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text())))
    assert len(rows) == 4 and [r["date"] for r in rows] == [r["date"] for r in as_csv]
    assert [r["forecast"] for r in rows] == [float(r["forecast"]) for r in as_csv]
    one_error_line(run("predict", "--output", "f.png"), "--output f.png", "Use --plot for a chart")
    assert not (tmp_path / "f.png").exists()


def test_backtest_refit_0_is_refused(run):
    one_error_line(run("backtest", str(SAMPLE / "daily_stock.csv"), "--refit", "0"), "--refit 0", "--refit never")


def test_counts_take_their_plural(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("train", str(SAMPLE / "daily_stock.csv"), "--epochs", "1", "--hidden", "1", "-q")
    assert r.exit_code == 0 and "1 layer of 1 LSTM unit," in r.stdout, r
    r = run(
        "backtest", str(SAMPLE / "monthly_seasonal.csv"), "--days", "3", "--every", "1000", "--epochs", "1",
        "--hidden", "1", "-q", "--no-chart",
    )  # fmt: skip
    assert r.exit_code == 0, r
    assert ": 1 origin from " in r.stdout and "1 unit," in r.stdout and "1 origins" not in r.stdout


def test_sigterm_twice_during_training_says_terminated(tmp_path, lstm_exe):
    from test_faults import _signal_twice

    proc, _, err, before = _signal_twice(tmp_path, lstm_exe, signal.SIGTERM)
    assert proc.returncode == 143 and err.strip().endswith(b"Terminated."), err
    assert b"Interrupted" not in err and b"Traceback" not in err
    assert (tmp_path / "m.npz").read_bytes() == before


def test_sigint_twice_still_says_interrupted(tmp_path, lstm_exe):
    from test_faults import _signal_twice

    proc, _, err, _ = _signal_twice(tmp_path, lstm_exe, signal.SIGINT)
    assert proc.returncode == 130 and err.strip().endswith(b"Interrupted.")


def test_an_error_before_the_first_epoch_leaves_no_blank_line(run, tmp_path):
    """`lstm train short.csv` (no -q) printed the Read line, an empty line (the unused bar), then Error:."""
    path = tmp_path / "short.csv"
    path.write_text("Date,Close\n" + "".join(f"2024-01-{d:02d},{10 + d}\n" for d in range(1, 9)))
    r = run("train", str(path), "--model", str(tmp_path / "m.npz"))
    assert r.exit_code == 2, r
    lines = r.stderr.splitlines()
    assert lines[0].startswith("Read ") and lines[1].startswith("Error: "), lines
