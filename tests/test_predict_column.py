"""`lstm predict --data newer.csv --column NAME`: a newer file whose value column is named otherwise."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import random_walk

FAST = ["--epochs", "2", "--hidden", "4", "--window", "5", "-q"]


def _csv(path, header: str, n: int = 120, volume: bool = False):
    days = np.busday_offset(np.datetime64("2023-01-02"), np.arange(n), roll="forward")
    prices = random_walk(n, seed=3)
    extra = ",Volume" if volume else ""
    rows = "".join(
        f"{d},{p:.4f}{f',{1000 + 7 * (k % 5)}' if volume else ''}\n"
        for k, (d, p) in enumerate(zip(days, prices, strict=True))
    )
    path.write_text(f"Date,{header}{extra}\n{rows}")
    return path


@pytest.fixture
def trained(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("train", str(_csv(tmp_path / "prices.csv", "Close")), *FAST).exit_code == 0
    return tmp_path


def test_column_reads_the_models_series_from_a_column_named_otherwise(trained, run):
    same = _csv(trained / "same.csv", "Close")
    renamed = _csv(trained / "renamed.csv", "Last Price")
    want = json.loads(run("predict", "--data", str(same), "--json").stdout)
    r = run("predict", "--data", str(renamed), "--column", "Last Price", "--json")
    assert r.exit_code == 0, r
    got = json.loads(r.stdout)
    assert got["forecast"] == want["forecast"] and got["last_value"] == want["last_value"]
    assert "column 'Last Price'" in r.stderr  # the Read line names the column read
    # the model's own column name still works with --column, and the table runs too
    assert (
        run("predict", "--data", str(same), "--column", "Close", "--json").stdout
        == run("predict", "--data", str(same), "--json").stdout
    )
    assert run("predict", "--data", str(renamed), "--column", "Last Price", "--no-chart").exit_code == 0


def test_without_column_the_error_names_the_option(trained, run):
    renamed = _csv(trained / "renamed.csv", "Last")
    r = run("predict", "--data", str(renamed))
    assert r.exit_code == 2, r
    line = r.stderr.strip().splitlines()[-1]
    assert "has no column 'Close', the column this model was trained on" in line
    assert "--column Last" in line  # the file's one candidate, as the option that reads it
    # of several numeric columns, the name closest to the model's, quoted for a shell
    two = trained / "two.csv"
    two.write_text("Date,Open,Close Price\n" + "".join(f"2024-01-{d:02d},{d},{d + 0.5}\n" for d in range(1, 29)))
    line = run("predict", "--data", str(two)).stderr.strip().splitlines()[-1]
    assert "give --column 'Close Price' to read it" in line, line


def test_column_errors_are_one_line_naming_the_fix(trained, run):
    renamed = _csv(trained / "renamed.csv", "Last")
    r = run("predict", "--column", "Last")  # no --data: the model's own tail has no columns to pick
    assert r.exit_code == 2 and r.stderr.startswith("Error: --column") and "--data" in r.stderr, r
    r = run("predict", "--data", str(renamed), "--column", "Nope")
    assert r.exit_code == 2, r
    line = r.stderr.strip().splitlines()[-1]
    assert "has no column 'Nope'" in line and "The columns are: Date, Last" in line
    assert "the column this model was trained on" not in line  # Nope is the user's, not the model's


def test_column_renames_the_target_only_features_keep_their_names(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        run("train", str(_csv(tmp_path / "p.csv", "Close", volume=True)), "--features", "Volume", *FAST).exit_code == 0
    )
    want = json.loads(run("predict", "--data", str(tmp_path / "p.csv"), "--json").stdout)["forecast"]
    renamed = _csv(tmp_path / "renamed.csv", "Last", volume=True)
    r = run("predict", "--data", str(renamed), "--column", "Last", "--json")
    assert r.exit_code == 0, r
    assert json.loads(r.stdout)["forecast"] == want


def test_predict_help_lists_column(run):
    r = run("predict", "--help")
    assert r.exit_code == 0 and "--column" in r.stdout


def test_inspect_data_reads_a_column_named_otherwise_as_predict_does(trained, run):
    """inspect --step-trace --data FILE --column NAME: the trace of the same numbers as under the model's name."""
    same = _csv(trained / "same.csv", "Close")
    renamed = _csv(trained / "renamed.csv", "Last")
    want = json.loads(run("inspect", "--step-trace", "--data", str(same), "--json").stdout)
    r = run("inspect", "--step-trace", "--data", str(renamed), "--column", "Last", "--json")
    assert r.exit_code == 0, r
    got = json.loads(r.stdout)
    assert got["steps"] == want["steps"] and got["forecast"] == want["forecast"]
    r = run("inspect", "--data", str(renamed), "--column", "Last", "--steps", "2")  # the table; --data implies it
    assert r.exit_code == 0 and "Step trace of" in r.stdout, r
    assert "--column" in run("inspect", "--help").stdout


def test_inspect_column_errors_are_predicts(trained, run):
    """The same refusals and hints as predict's, with inspect's command line in them."""
    renamed = _csv(trained / "renamed.csv", "Last")
    r = run("inspect", "--step-trace", "--data", str(renamed))  # without --column: the hint names it
    assert r.exit_code == 2, r
    line = r.stderr.strip().splitlines()[-1]
    assert "has no column 'Close', the column this model was trained on" in line and "--column Last" in line
    assert line == run("predict", "--data", str(renamed)).stderr.strip().splitlines()[-1]
    r = run("inspect", "--step-trace", "--column", "Last")  # no --data
    assert r.exit_code == 2 and r.stderr.startswith("Error: --column Last picks the column of a --data file"), r
    assert "lstm inspect --step-trace --data newer.csv --column Last" in " ".join(r.stderr.split())
    r = run("inspect", "--step-trace", "--data", str(renamed), "--column", "Nope")
    line = r.stderr.strip().splitlines()[-1]
    assert r.exit_code == 2 and "has no column 'Nope'" in line and "trained on" not in line, r
