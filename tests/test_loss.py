"""The training loss (`--loss mse|huber|mae`, TrainConfig.loss) and decoupled weight decay (`--weight-decay`,
AdamW): the math against finite differences and PyTorch, early stopping on the same loss, the model file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import random_walk

from lstmcli import engine, modelfile, optim, training
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

DATA = Path(__file__).parent / "data"
PRICES = random_walk(200, 5)


def _rel(a, b):
    """max |a - b| / max(|a| + |b|) over the array (CS231n's relative error, as tests/test_engine.py)."""
    return float(np.max(np.abs(a - b)) / max(1e-300, np.max(np.abs(a) + np.abs(b))))


def _network(seed: int, outputs: int = 2):
    """Random weights away from the symmetric start, a batch, and targets whose errors lie on both sides of
    the Huber threshold (|e| from ~0.1 to ~3) and away from every kink (|e| = 0 and |e| = 1)."""
    rng = np.random.default_rng(seed)
    p = engine.init_params(2, 3, 2, outputs, rng)
    for k in p:
        p[k] += rng.normal(0, 0.4, p[k].shape)
    x = rng.normal(size=(6, 5, 2))
    pred = engine.predict(p, x)
    size = np.where(rng.random(pred.shape) < 0.5, rng.uniform(0.1, 0.8, pred.shape), rng.uniform(1.2, 3.0, pred.shape))
    y = pred - rng.choice([-1.0, 1.0], pred.shape) * size
    return p, x, y


def _numerical(params, x, y, name, loss, weights=None, eps=1e-6):
    p = params[name]
    grad = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + eps
        plus, _ = engine.loss_and_gradients(params, x, y, weights, loss=loss)
        p[idx] = old - eps
        minus, _ = engine.loss_and_gradients(params, x, y, weights, loss=loss)
        p[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def test_pointwise_losses_are_the_textbook_definitions():
    e = np.array([-3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 2.0])
    v, d = engine.pointwise_loss(e, "mse")
    np.testing.assert_array_equal(v, e**2) and np.testing.assert_array_equal(d, 2 * e)
    v, d = engine.pointwise_loss(e, "huber")  # delta 1: e^2/2 inside, |e| - 1/2 outside
    np.testing.assert_allclose(v, [2.5, 0.5, 0.125, 0.0, 0.03125, 0.5, 1.5], rtol=0, atol=0)
    np.testing.assert_array_equal(d, [-1.0, -1.0, -0.5, 0.0, 0.25, 1.0, 1.0])
    v, d = engine.pointwise_loss(e, "mae")
    np.testing.assert_array_equal(v, np.abs(e))
    np.testing.assert_array_equal(d, [-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="unknown loss"):
        engine.pointwise_loss(e, "mape")


@pytest.mark.parametrize("loss", ["huber", "mae"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradients_of_each_loss_match_finite_differences(loss, weighted):
    p, x, y = _network(3 if weighted else 4)
    weights = np.array([1.5, 0.5]) if weighted else None
    value, grads = engine.loss_and_gradients(p, x, y, weights, loss=loss)
    err = engine.predict(p, x) - y
    w = 1.0 if weights is None else weights
    assert value == pytest.approx(float(np.mean(w * engine.pointwise_loss(err, loss)[0])), rel=1e-14)
    for name in p:
        rel = _rel(grads[name], _numerical(p, x, y, name, loss, weights))
        assert rel < 1e-6, f"{loss} {name}: relative error {rel:.2e}"


def test_mse_is_bit_for_bit_the_default():
    p, x, y = _network(5)
    a, ga = engine.loss_and_gradients(p, x, y)
    b, gb = engine.loss_and_gradients(p, x, y, loss="mse")
    assert a == b and all(np.array_equal(ga[k], gb[k]) for k in ga)
    # and the unchanged formula: mean(e^2), gradient through 2 e / n
    err = engine.predict(p, x) - y
    assert a == float(np.mean(err * err))


@pytest.mark.parametrize(("loss", "torch_loss"), [("huber", "HuberLoss"), ("mae", "L1Loss"), ("mse", "MSELoss")])
def test_losses_and_gradients_match_pytorch(loss, torch_loss):
    torch = pytest.importorskip("torch")
    p, x, y = _network(6, outputs=1)
    params = {k: v for k, v in p.items()}
    F, H, L, O = engine.dims(params)
    lstm = torch.nn.LSTM(F, H, L, batch_first=True).double()
    head = torch.nn.Linear(H, O).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in params.items() if not k.startswith("head.")})
    head.load_state_dict(
        {"weight": torch.from_numpy(params["head.weight"]), "bias": torch.from_numpy(params["head.bias"])}
    )
    criterion = getattr(torch.nn, torch_loss)(**({"delta": 1.0} if torch_loss == "HuberLoss" else {}))
    out, _ = lstm(torch.from_numpy(x))
    tloss = criterion(head(out[:, -1]), torch.from_numpy(y))
    tloss.backward()
    value, grads = engine.loss_and_gradients(params, x, y, loss=loss)
    assert abs(value - tloss.item()) < 1e-12
    for name, tp in lstm.named_parameters():
        np.testing.assert_allclose(grads[name], tp.grad.numpy(), rtol=0, atol=1e-10, err_msg=name)
    np.testing.assert_allclose(grads["head.weight"], head.weight.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["head.bias"], head.bias.grad.numpy(), rtol=0, atol=1e-10)


def test_adamw_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    p = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=4)}
    tp = [torch.tensor(p[k].copy(), requires_grad=True) for k in p]
    opt = optim.Adam(lr=0.01, weight_decay=0.3)
    topt = torch.optim.AdamW(tp, lr=0.01, weight_decay=0.3)
    for _ in range(6):
        g = {k: rng.normal(size=v.shape) for k, v in p.items()}
        opt.step(p, {k: v.copy() for k, v in g.items()})
        for t, k in zip(tp, p, strict=True):
            t.grad = torch.tensor(g[k])
        topt.step()
    for t, k in zip(tp, p, strict=True):
        np.testing.assert_allclose(p[k], t.detach().numpy(), rtol=0, atol=1e-12, err_msg=k)


def test_adam_without_decay_is_unchanged_and_decay_shrinks_weights():
    rng = np.random.default_rng(2)
    start = {"w": rng.normal(size=5)}
    g = {"w": np.zeros(5)}  # no gradient: Adam does not move, AdamW only decays
    plain, decayed = {"w": start["w"].copy()}, {"w": start["w"].copy()}
    optim.Adam(lr=0.1).step(plain, {"w": g["w"].copy()})
    optim.Adam(lr=0.1, weight_decay=0.5).step(decayed, {"w": g["w"].copy()})
    np.testing.assert_array_equal(plain["w"], start["w"])
    np.testing.assert_allclose(decayed["w"], start["w"] * (1 - 0.1 * 0.5), rtol=1e-15)


def _cfg(**kw) -> TrainConfig:
    return TrainConfig(**{"window": 10, "hidden": 6, "epochs": 8, "patience": 3, "seed": 1, **kw})


@pytest.mark.parametrize("loss", ["huber", "mae"])
def test_early_stopping_watches_the_training_loss_on_the_validation_windows(loss):
    z = np.random.default_rng(0).standard_t(3, size=(160, 1))  # heavy tails: the losses differ
    train_t, val_t = np.arange(10, 130), np.arange(130, 160)
    r = training.train(z, train_t, val_t, _cfg(loss=loss))
    assert r.best_val_loss == pytest.approx(training.evaluate(r.params, z, 10, val_t, loss=loss), rel=1e-6)
    val = [h.val_loss for h in r.history]
    assert r.best_val_loss == min(val) and r.best_epoch == 1 + int(np.argmin(val))
    mse = training.train(z, train_t, val_t, _cfg())
    assert not all(np.array_equal(mse.params[k], r.params[k]) for k in r.params)


def test_config_checks_and_stores_the_options_only_when_used():
    d = TrainConfig().to_dict()
    assert "loss" not in d and "weight_decay" not in d
    d = TrainConfig(loss="huber", weight_decay=0.01).to_dict()
    assert d["loss"] == "huber" and d["weight_decay"] == 0.01
    assert TrainConfig(**d) == TrainConfig(loss="huber", weight_decay=0.01)
    for bad in (dict(loss="l2"), dict(weight_decay=-1.0), dict(weight_decay=float("nan")), dict(weight_decay=1000.0)):
        with pytest.raises(OptionError, match=r"--loss|--weight-decay"):
            TrainConfig(**bad).validate()


@pytest.fixture(scope="module")
def huber_model() -> Forecaster:
    return Forecaster(_cfg(loss="huber", weight_decay=0.1), season="none").fit(PRICES)


def test_model_file_round_trip_keeps_the_loss_and_the_decay(huber_model, tmp_path):
    path = huber_model.save(tmp_path / "m.npz")
    meta = modelfile.read(path)[1].to_dict()
    assert meta["config"]["loss"] == "huber" and meta["config"]["weight_decay"] == 0.1
    loaded = Forecaster.load(path)
    assert loaded.config == huber_model.config
    np.testing.assert_array_equal(loaded.predict(5).values, huber_model.predict(5).values)
    plain = Forecaster(_cfg(), season="none").fit(PRICES)
    assert not np.array_equal(plain.predict(5).values, huber_model.predict(5).values)
    # the same options again: the same model (the decay and the loss are deterministic)
    again = Forecaster(replace(huber_model.config), season="none").fit(PRICES)
    assert all(np.array_equal(again.params[k], huber_model.params[k]) for k in again.params)


def test_an_mse_model_is_stored_as_before_and_old_files_read_as_mse_without_decay():
    plain = Forecaster(_cfg(), season="none").fit(PRICES)
    d = plain.info.to_dict()
    assert "loss" not in d["config"] and "weight_decay" not in d["config"]
    for name in ("v1_dated_logreturn.npz", "v1_undated_level.npz"):
        f = Forecaster.load(DATA / name)
        assert f.config.loss == "mse" and f.config.weight_decay == 0.0
        assert "loss" not in f.info.to_dict()["config"]


def _csv(tmp_path) -> Path:
    csv = tmp_path / "p.csv"
    csv.write_text("Value\n" + "\n".join(f"{v:.4f}" for v in PRICES) + "\n")
    return csv


def test_cli_train_loss_and_weight_decay_show_in_the_summary_and_inspect(run, tmp_path):
    csv, model = _csv(tmp_path), tmp_path / "m.npz"
    small = ["--window", "10", "--hidden", "6", "--epochs", "4", "-q"]
    r = run("train", str(csv), "--model", str(model), *small)
    assert r.exit_code == 0, r
    assert "scaled MSE" in r.stdout and "Huber" not in r.stdout and "weight decay" not in r.stdout
    r = run("train", str(csv), "--model", str(model), *small, "--loss", "huber", "--weight-decay", "0.1")
    assert r.exit_code == 0, r
    flat = " ".join(r.stdout.replace("│", " ").split())  # a wrapped table cell read as one line
    assert "scaled Huber loss, delta 1" in flat and "AdamW weight decay 0.1" in flat
    assert modelfile.read(model)[1].config.loss == "huber"
    r = run("inspect", "--model", str(model))
    assert r.exit_code == 0, r
    assert "scaled Huber loss, delta 1" in " ".join(r.stdout.replace("│", " ").split())
    r = run("train", str(csv), "--model", str(model), *small, "--loss", "mae")
    assert r.exit_code == 0 and "scaled MAE" in r.stdout, r


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--loss", "l2"], "--loss l2 is not possible"),
        (["--weight-decay", "-0.5"], "--weight-decay -0.5 is not possible"),
    ],
)
def test_cli_bad_loss_or_decay_is_one_error_line(run, tmp_path, flags, words):
    r = run("train", str(_csv(tmp_path)), "--model", str(tmp_path / "m.npz"), "-q", *flags)
    assert r.exit_code == 2, r
    assert words in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "m.npz").exists()


def test_help_names_both_options(run):
    r = run("train", "--help")
    flat = " ".join(r.stdout.split())
    assert "--loss" in flat and "huber" in flat and "--weight-decay" in flat and "AdamW" in flat
