"""`lstm train` over an existing model file: replaced without a prompt, and said where the saved file is named;
the training data itself or a file that is not a model is refused before any work (cli/destination.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import random_walk

FAST = ("--epochs", "1", "--hidden", "4", "--window", "5", "-q")


def _csv(path, n: int = 80, tickers=("A",)):
    days = np.datetime64("2022-01-03") + np.arange(n)
    head = "Date,Ticker,Close\n" if len(tickers) > 1 else "Date,Close\n"
    rows = [
        (f"{d},{t},{v:.4f}" if len(tickers) > 1 else f"{d},{v:.4f}")
        for k, t in enumerate(tickers)
        for d, v in zip(days, random_walk(n, seed=k), strict=True)
    ]
    path.write_text(head + "\n".join(rows) + "\n")
    return path


def _saved_row(stdout: str) -> str:
    """The training summary's `saved` row (its text, wrapped lines joined)."""
    lines = stdout.splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("│ saved"))
    cells = [lines[k]] + [x for x in lines[k + 1 :] if x.startswith("│  ")]
    return " ".join(" ".join(c.strip("│ ").split("│")[-1].split()) for c in cells)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_one_series_says_it_replaced_the_earlier_model(here, run):
    csv = str(_csv(here / "prices.csv"))
    first = run("train", csv, *FAST)
    assert first.exit_code == 0, first
    assert _saved_row(first.stdout) == "lstm-model.npz"  # nothing was there
    second = run("train", csv, *FAST)
    assert second.exit_code == 0, second
    row = _saved_row(second.stdout)
    assert row.startswith("lstm-model.npz (replaced the model of prices.csv trained ") and row.endswith(" UTC)"), row
    assert second.stderr == first.stderr  # -q: no new line, no question
    r = run("train", csv, *FAST, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["replaced"] is True, r
    r = run("train", csv, *FAST, "--json", "--model", "other.npz")
    assert r.exit_code == 0 and json.loads(r.stdout)["replaced"] is False, r


def test_a_panel_says_it_replaced_the_earlier_model(here, run):
    csv = str(_csv(here / "panel.csv", tickers=("A", "B")))
    args = ("train", csv, *FAST, "--model", "m.npz", "--jobs", "1")
    first = run(*args)
    assert first.exit_code == 0, first
    said = " ".join(first.stdout.split())
    assert "Saved the panel model (2 series) to m.npz." in said and "(replaced" not in said
    second = run(*args)
    assert second.exit_code == 0, second
    said = " ".join(second.stdout.split())
    assert "Saved the panel model (2 series) to m.npz (replaced the panel model of 2 series of panel.csv trained " in (
        said
    )
    r = run(*args, "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["replaced"] is True, r
    r = run("train", str(_csv(here / "one.csv")), *FAST, "--model", "m.npz")  # one series over a panel
    assert "m.npz (replaced the panel model of 2 series" in _saved_row(r.stdout), r


def test_the_training_data_or_a_file_that_is_not_a_model_is_never_replaced(here, run):
    csv = _csv(here / "prices.csv")
    data = csv.read_bytes()
    r = run("train", str(csv), *FAST, "--model", "prices.csv")
    assert r.exit_code == 2 and r.stdout == "", r
    assert r.stderr.strip() == (
        "Error: --model prices.csv is the file being trained on; saving the model there would replace the "
        "data. Give the model a name of its own, e.g. --model lstm-model.npz."
    )
    assert csv.read_bytes() == data
    notes = here / "notes.txt"
    notes.write_text("my notes\n")
    r = run("train", str(csv), *FAST, "--model", "notes.txt")
    assert r.exit_code == 2 and "--model notes.txt exists and is not a model file" in r.stderr, r
    assert "e.g. notes.npz, or remove notes.txt first" in r.stderr and notes.read_text() == "my notes\n"
    (here / "empty").write_bytes(b"")  # as mktemp leaves it: a new model, nothing said
    r = run("train", str(csv), *FAST, "--model", "empty")
    assert r.exit_code == 0 and _saved_row(r.stdout) == "empty", r
    (here / "broken.npz").write_bytes(b"not a zip")  # named as a model: replaced, as before, and said
    r = run("train", str(csv), *FAST, "--model", "broken.npz")
    assert r.exit_code == 0 and _saved_row(r.stdout) == "broken.npz (replaced the file that was there)", r
