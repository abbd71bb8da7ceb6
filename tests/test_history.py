"""Training history: per-epoch losses in the model file, shown by `lstm inspect` (and --json);
`lstm train --json` for scripts. Old model files (tests/data) have none and are unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE, rewrite_model

from lstmcli import modelfile
from lstmcli.errors import ModelFileError
from lstmcli.forecast import Forecaster

DATA = Path(__file__).parent / "data"
TRAIN = ("--epochs", "6", "--hidden", "4", "--window", "10", "--patience", "20")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from lstmcli.data import read_prices
    from lstmcli.training import TrainConfig

    series = read_prices(SAMPLE / "daily_stock.csv")
    fc = Forecaster(TrainConfig(window=10, hidden=4, epochs=6, patience=20, seed=0), "log-return")
    fc.fit(series, frequency=series.frequency, source=series.source)
    return fc, fc.save(tmp_path_factory.mktemp("hist") / "m.npz")


def test_the_model_file_keeps_every_epochs_losses(trained):
    fc, path = trained
    h = Forecaster.load(path).info.training.history
    assert h == fc.info.training.history
    assert len(h["train_loss"]) == len(h["val_loss"]) == fc.result.epochs_run == 6
    assert h["train_loss"] == [r.train_loss for r in fc.result.history]
    assert h["val_loss"][fc.info.training.best_epoch - 1] == fc.info.training.best_val_loss
    assert min(h["val_loss"]) == fc.info.training.best_val_loss


def test_old_files_have_no_history_and_inspect_says_nothing_of_it(run):
    info = Forecaster.load(DATA / "v1_dated_logreturn.npz").info
    assert info.training.history is None and "history" not in info.training.to_dict()
    r = run("inspect", "--model", str(DATA / "v1_dated_logreturn.npz"))
    assert r.exit_code == 0 and "loss per epoch" not in r.stdout
    r = run("inspect", "--model", str(DATA / "v1_dated_logreturn.npz"), "--json")
    assert "history" not in json.loads(r.stdout)["training"]


def test_inspect_shows_the_loss_curves_and_json_holds_them(run, trained):
    fc, path = trained
    r = run("inspect", "--model", str(path))
    assert r.exit_code == 0, r
    assert "loss per epoch" in r.stdout
    lines = r.stdout.splitlines()
    train = next(ln for ln in lines if re.search(r"train [▁▂▃▄▅▆▇█]{6}\s*$", ln))
    val = next(ln for ln in lines if re.search(r"val   [▁▂▃▄▅▆▇█]{6}\s*$", ln))
    assert "▁" in train and "█" in train and "▁" in val  # each line spans its own range
    assert f"best epoch {fc.info.training.best_epoch} kept" in r.stdout
    # the figures are the first and last epochs' (once introduced as "from its lowest to its highest")
    h = fc.info.training.history
    words = " ".join(r.stdout.split())
    assert f"first -> last epoch: train {h['train_loss'][0]:.4f} -> {h['train_loss'][-1]:.4f}" in words
    assert f"(lowest {min(h['val_loss']):.4f})" in words
    payload = json.loads(run("inspect", "--model", str(path), "--json").stdout)
    assert payload["training"]["history"] == fc.info.training.history


def test_sparkline_bins_long_runs_and_leaves_gaps():
    from lstmcli.render.inspect import sparkline

    assert sparkline([3.0, 2.0, 1.0]) == "█▅▁"  # (2-1)/(3-1)*7 = 3.5 rounds to index 4
    assert sparkline([1.0, None, 1.0]) == "▁ ▁"
    assert len(sparkline([float(i) for i in range(200)], width=40)) == 40


def test_a_damaged_history_is_refused(trained, tmp_path):
    _, path = trained
    meta = modelfile.load(path)[1]
    meta["training"]["history"]["val_loss"] = meta["training"]["history"]["val_loss"][:-1]
    with pytest.raises(ModelFileError, match="loss lists are not readable"):
        modelfile.read(rewrite_model(path.read_bytes(), tmp_path / "bad.npz", meta=meta))


def test_train_json_prints_only_json_on_stdout(run, tmp_path):
    m = tmp_path / "m.npz"
    r = run("train", str(SAMPLE / "daily_stock.csv"), *TRAIN, "--model", str(m), "--json")
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)  # nothing else on stdout
    assert payload["model"] == str(m)
    assert len(payload["training"]["history"]["val_loss"]) == payload["training"]["epochs_run"] == 6
    assert payload["choices"]["target"].startswith("auto") and isinstance(payload["beats_naive"], bool)
    assert payload["validation"]["rows"] > 0 and "tail" not in payload
    assert "Read " in r.stderr  # the reading line and progress stay on stderr
