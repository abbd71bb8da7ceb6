"""Round 14 (branch r14const): a series whose target has no spread (every value the same) forecasts its last value
exactly, with a zero-width band, whatever the network outputs: the scaler keeps the column's deviation 0 and maps any
output back to its value (transforms.Scaler). Round 13 rounded its network's near-zero output away at three depths
(forecast.SAME_PRICE); those patches are gone. Every test here fails on main (a476f9d)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import write_csv

from lstmcli.transforms import Scaler


def test_a_column_with_no_spread_maps_back_to_its_value_exactly():
    s = Scaler.fit(np.full((215, 2), [42.17, 0.0]))  # a mean of 215 copies of 42.17 is not 42.17
    assert s.mean.tolist() == [42.17, 0.0] and s.std.tolist() == [0.0, 0.0], s
    assert s.transform(np.full((3, 2), [42.17, 0.0])).tolist() == [[0.0, 0.0]] * 3
    assert s.inverse(np.array([[0.37, -1e-3]])).tolist() == [[42.17, 0.0]]  # whatever the network says
    spread = Scaler.fit(np.array([[1.0], [2.0], [4.0]]))
    assert spread.std[0] > 0 and spread.unit[0] == spread.std[0]


def test_the_moving_average_of_a_constant_stretch_is_its_value_exactly():
    """The backtest's moving average is a difference of running sums: over 42.17 repeated it was 42.17 + 7.1e-14
    (MAE 7.11e-14, direction 0%). A window holding one value forecasts it; other windows are as before."""
    from lstmcli.backtest import baseline_forecasts

    p = np.r_[np.linspace(40.0, 43.0, 50), np.full(250, 42.17)]
    origins = np.arange(40, 300)
    ma = baseline_forecasts(p, origins, 3, 1, 5)["moving_average"][:, 0]
    csum = np.r_[0.0, np.cumsum(p)]
    assert (ma[origins >= 55] == 42.17).all(), ma[origins >= 55]
    moving = origins < 55  # windows reaching back into the line: the running sums' mean, bit for bit as on main
    np.testing.assert_array_equal(ma[moving], (csum[origins[moving]] - csum[origins[moving] - 5]) / 5)


def _train(run, tmp_path, *args, text="Value\n" + "42.17\n" * 120):
    csv = write_csv(tmp_path, text)
    model = tmp_path / "m.npz"
    r = run("train", str(csv), "--model", str(model), "--epochs", "3", "--ensemble", "1", "-q", *args)
    assert r.exit_code == 0, r
    return model


@pytest.mark.parametrize("args", [(), ("--target", "diff"), ("--target", "level"), ("--strategy", "direct")])
def test_a_constant_series_forecasts_its_last_value_exactly(run, tmp_path, args):
    """Every value 42.17: the forecast was what the network's output, near 0, scaled back to (3 epochs, log-return:
    42.2026, 42.2352, ...), and the band held 42.17 only by its width; now 42.17 bit for bit, a zero-width band."""
    model = _train(run, tmp_path, *args)
    r = run("predict", "--model", str(model), "--days", "5", "--json")
    assert r.exit_code == 0, r
    rows = [(f["forecast"], f["change"], f["lower_90"], f["upper_90"]) for f in json.loads(r.stdout)["forecast"]]
    assert rows == [(42.17, 0.0, 42.17, 42.17)] * 5, rows
    r = run("predict", "--model", str(model), "--days", "2")
    cells = [[c.strip() for c in line.split("│")[2:5]] for line in r.stdout.splitlines() if line.startswith("│ +")]
    assert cells == [["42.17", "0", "+0.00%"]] * 2, r.stdout
    r = run("inspect", "--model", str(model), "--json")
    meta = json.loads(r.stdout)
    assert meta["scaler"]["std"] == [0.0], meta["scaler"]
    assert meta["validation"]["model"]["mae"] == 0.0, meta["validation"]


def test_inspect_traces_a_constant_series_to_its_last_value(run, tmp_path):
    model = _train(run, tmp_path)
    r = run("inspect", "--model", str(model), "--step-trace")
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    assert "x 0 (std) + 0 (mean) = log-return +0.00000" in text, text
    assert "Value 42.17 (last 42.17, +0, +0.00%)" in text, text


def test_predict_data_that_moves_after_a_constant_training_series_gets_the_scale_note(run, tmp_path):
    """A model of 42.17 throughout, given a random walk with --data: the note said the walk "moves only 1/114 of as
    much per step as in training" (the training deviation read as 1). It moves where training did not."""
    model = _train(run, tmp_path)
    walk = 42 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.01, 100)))
    data = write_csv(tmp_path, "Value\n" + "".join(f"{v:.4f}\n" for v in walk), "walk.csv")
    r = run("predict", "--model", str(model), "--data", str(data), "--days", "2")
    assert r.exit_code == 0, r
    words = " ".join(r.stderr.split())
    assert "Note: the --data series 'Value' moves, where it did not in training: is it the same series?" in words, words
    flat = write_csv(tmp_path, "Value\n" + "42.17\n" * 100, "flat.csv")
    r = run("predict", "--model", str(model), "--data", str(flat))
    assert r.exit_code == 0 and "the --data series" not in r.stderr, r.stderr  # still constant: nothing to say


def test_a_constant_series_of_a_global_panel_forecasts_its_last_value(run, tmp_path):
    """panel_forecast scales a global network's outputs back series by series, as Scaler.inverse does."""
    walk = 50 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 150)))
    text = "id,Value\n" + "flat,42.17\n" * 150 + "".join(f"walk,{v:.4f}\n" for v in walk)
    model = _train(run, tmp_path, "--id-column", "id", "--global", text=text)
    r = run("predict", "--model", str(model), "--days", "3", "--json")
    assert r.exit_code == 0, r
    out = {s["id"]: s for s in json.loads(r.stdout)["series"]}
    assert [f["forecast"] for f in out["flat"]["forecast"]] == [42.17] * 3, out["flat"]
    assert len({f["forecast"] for f in out["walk"]["forecast"]}) == 3  # a real series still moves


def test_a_backtest_of_a_constant_series_is_exact_and_its_band_holds_every_value(run, tmp_path):
    """Every value 100, the lead's report: "The 90% prediction interval held 85.7% of the 280 held-out values (BELOW
    nominal)", the LSTM's MAE 4.17e-07 (--epochs 60 --ensemble 1)."""
    csv = write_csv(tmp_path, "Value\n" + "100.0\n" * 300)
    r = run("backtest", str(csv), "--json", "-q", "--jobs", "1", "--epochs", "60", "--ensemble", "1")
    assert r.exit_code == 0, r
    out = json.loads(r.stdout)
    assert out["interval"]["coverage_per_step"] == [100.0] * 5, out["interval"]
    assert out["scores"]["lstm"]["mae"] == 0.0, out["scores"]["lstm"]
    assert out["verdict"] == "LSTM ties with naive: both are exact on the test part.", out["verdict"]


def test_a_backtest_of_a_series_constant_over_its_test_part_has_a_verdict(run, tmp_path):
    """A random walk for 60 rows, then 240 rows at its last value: naive's MASE on the test part is 0, and the
    verdict divided by it (ZeroDivisionError, a traceback)."""
    walk = 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, 60)))
    values = np.concatenate([walk, np.full(240, walk[-1])])
    csv = write_csv(tmp_path, "Value\n" + "".join(f"{v:.4f}\n" for v in values))
    r = run("backtest", str(csv), "--json", "-q", "--jobs", "1", "--epochs", "3", "--ensemble", "1")
    assert r.exit_code == 0, r
    out = json.loads(r.stdout)
    assert out["scores"]["naive"]["mae"] == 0 and out["scores"]["lstm"]["mae"] > 0, out["scores"]
    assert out["verdict"].startswith("LSTM loses to naive, which is exact on the test part (MAE "), out["verdict"]
