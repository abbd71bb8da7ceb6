"""Round 13, a new user on messy files (a fresh venv, no torch): what gave a wrong answer or a confusing message.
Every test here fails on main."""

from __future__ import annotations

import json

import numpy as np
from conftest import write_csv


def _train(run, tmp_path, values, name="p.csv", *extra):
    csv = write_csv(tmp_path, "Value\n" + "".join(f"{v:.4f}\n" for v in values), name)
    model = tmp_path / f"{name}.npz"
    r = run("train", str(csv), "--model", str(model), "--epochs", "3", "--ensemble", "1", "-q", *extra)
    assert r.exit_code == 0, r
    return model


def test_the_change_in_percent_has_the_changes_sign_below_zero(run, tmp_path):
    """A spread (values below zero) forecast to rise from -4.98 by +0.27 said "change % -5.50%": the change divided
    by a negative last value. The percentage is of the last value's size, so it has the change's sign."""
    values = -50 + np.cumsum(np.random.default_rng(0).normal(0.2, 1.0, 200))  # below zero throughout: -6.95 last
    model = _train(run, tmp_path, values)
    r = run("predict", "--model", str(model), "--days", "3", "--json")
    assert r.exit_code == 0, r
    rows = json.loads(r.stdout)["forecast"]
    last = json.loads(r.stdout)["last_value"]
    assert last < 0
    for row in rows:
        assert np.sign(row["change_pct"]) == np.sign(row["change"]), rows
        assert row["change_pct"] == 100 * row["change"] / abs(last)
    r = run("predict", "--model", str(model), "--days", "3")
    cells = [line.split("│") for line in r.stdout.splitlines() if line.startswith("│ +")]
    for cell in cells:  # step, forecast, change, change %, ...
        assert cell[3].strip()[0] == cell[4].strip()[0], r.stdout
    r = run("inspect", "--model", str(model), "--step-trace")  # "Forecast ...: ... (last -6.9500, +0.1234, +1.78%)"
    assert r.exit_code == 0, r
    change, pct = " ".join(r.stdout.split()).split("(last ")[1].split(")")[0].split(", ")[-2:]
    assert change[0] == pct[0] and pct.endswith("%"), r.stdout


def test_a_series_that_ends_at_zero_shows_no_percentage_not_nan(run, tmp_path):
    """Monthly sales with a season and zeros (none sold in winter) ended at 0: every row said "+nan%"."""
    pattern = np.array([0, 0, 5, 20, 40, 60, 70, 65, 45, 20, 5, 0], dtype=float)
    values = np.tile(pattern, 10) * (1 + np.random.default_rng(1).normal(0, 0.05, 120))
    model = _train(run, tmp_path, values)
    r = run("predict", "--model", str(model), "--days", "3")
    assert r.exit_code == 0, r
    assert "nan" not in r.stdout.lower(), r.stdout
    rows = [line.split("│") for line in r.stdout.splitlines() if line.startswith("│ +")]
    assert len(rows) == 3 and all(row[4].strip() == "-" for row in rows), r.stdout
