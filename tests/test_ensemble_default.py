"""`lstm train` without --ensemble: an ensemble of 3 on a series of fewer than 300 rows, one network otherwise."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import daily_csv, flat

from lstmcli import ensemble
from lstmcli.forecast import Forecaster

FAST = ["--epochs", "2", "--hidden", "4", "--window", "10"]


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_default_size_is_3_below_300_rows_and_1_from_there():
    assert ensemble.SHORT_ROWS == 300 and ensemble.DEFAULT_SHORT == 3
    assert [ensemble.default_size(n) for n in (20, 299, 300, 5000)] == [3, 3, 1, 1]
    assert "under 300 rows, 1,234 here" in ensemble.default_choice(1234)


def test_a_short_series_trains_an_ensemble_of_3_by_default_and_says_why(tmp_path, run):
    csv, model, one = daily_csv(tmp_path, 120, 3), tmp_path / "m.npz", tmp_path / "one.npz"
    r = run("train", str(csv), *FAST, "--model", str(model))
    assert r.exit_code == 0, r
    text = flat(r.stdout)
    assert "ensemble of 3 (median), seeds 0..2" in text
    assert "the default for a series under 300 rows, 120 here" in text and "--ensemble 1 trains one" in text
    assert "member" in r.stderr  # the progress bar counts members
    default = Forecaster.load(model)
    assert default.info.ensemble.seeds == (0, 1, 2)
    # --ensemble 1 turns it off: one network, member 0 of the default ensemble bit for bit
    r = run("train", str(csv), *FAST, "--model", str(one), "--ensemble", "1")
    assert r.exit_code == 0, r
    assert "ensemble" not in flat(r.stdout)
    single = Forecaster.load(one)
    assert single.info.ensemble is None and _same(single.params, default.members[0])
    # an explicit --ensemble 3 is the same model, without the default's sentence
    r = run("train", str(csv), *FAST, "--model", str(tmp_path / "e3.npz"), "--ensemble", "3")
    assert r.exit_code == 0 and "the default for a series" not in flat(r.stdout), r
    e3 = Forecaster.load(tmp_path / "e3.npz")
    assert all(_same(e3.members[k], default.members[k]) for k in range(3))


def test_the_json_summary_names_the_choice(tmp_path, run):
    csv = daily_csv(tmp_path, 80, 3)
    r = run("train", str(csv), *FAST, "--model", str(tmp_path / "m.npz"), "--json", "--seed", "7")
    assert r.exit_code == 0, r
    out = json.loads(r.stdout)
    assert out["choices"]["ensemble"].startswith("the default for a series under 300 rows, 80 here")
    assert out["ensemble"]["seeds"] == [7, 8, 9]


@pytest.mark.parametrize(("rows", "members"), [(299, 3), (300, None)])
def test_the_threshold_counts_the_rows_read(tmp_path, run, rows, members):
    model = tmp_path / "m.npz"
    r = run(
        "train",
        str(daily_csv(tmp_path, rows, 3)),
        "--epochs",
        "1",
        "--hidden",
        "2",
        "--window",
        "5",
        "-q",
        "--model",
        str(model),
    )
    assert r.exit_code == 0, r
    info = Forecaster.load(model).info
    assert (None if info.ensemble is None else len(info.ensemble.seeds)) == members


def test_the_step_trace_of_a_default_ensemble_traces_member_0_and_says_so(tmp_path, run):
    model = tmp_path / "m.npz"
    assert run("train", str(daily_csv(tmp_path, 90, 3)), *FAST, "-q", "--model", str(model)).exit_code == 0
    r = run("inspect", "--model", str(model), "--step-trace")
    assert r.exit_code == 0 and "Member 0 of an ensemble of 3 (seed 0" in flat(r.stdout), r


def test_help_states_the_default(run):
    assert "default: 3 for one series of fewer than 300 rows" in flat(run("train", "--help").stdout)
