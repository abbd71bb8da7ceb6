"""The engine against outside numbers: the seed, finite differences, and PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import reference_lstm

from lstmcli import engine, example, optim


def _one_step(params, h, c, x):
    state = [(np.full((1, 1), h), np.full((1, 1), c))]
    _, rec = engine.forward(params, np.full((1, 1, 1), x), state)
    return rec.layers[0]


# --------------------------------------------------------------------------- the seed


def test_seed_worked_example_every_number():
    r = _one_step(example.seed_params(), h=1.0, c=2.0, x=1.0)
    f = r.forget_gate[0, 0, 0]
    exact = {
        "forget pre-activation": (r.pre_activation("forget")[0, 0, 0], 5.9500, "5.95"),
        "forget gate": (f, 0.9974, "0.997"),
        "remembered": (2.0 * f, 1.9948, "1.99"),
        "candidate": (r.candidate[0, 0, 0], 0.9661, "0.97"),
        "input gate": (r.input_gate[0, 0, 0], 0.9862, "1"),
        "new long-term memory": (r.cell_new[0, 0, 0], 2.9476, None),
        "tanh(new long-term memory)": (r.tanh_cell[0, 0, 0], 0.9945, "0.99"),
        "output gate": (r.output_gate[0, 0, 0], 0.9917, "0.99"),
        "new short-term memory": (r.hidden_new[0, 0, 0], 0.9862, None),
    }
    for name, (value, four_places, seed) in exact.items():
        assert round(float(value), 4) == four_places, (name, value)
        if seed is not None:  # the seed's own rounding of the exact value
            digits = len(seed.split(".")[1]) if "." in seed else 0
            assert f"{value:.{digits}f}" == seed, (name, value, seed)
    # the seed rounds before adding/multiplying: 1.99 + 0.97 = 2.96 and 0.99 x 0.99 = 0.98
    assert round(round(2.0 * f, 2) + round(float(r.candidate[0, 0, 0]), 2), 2) == 2.96
    assert int(0.99 * 0.99 * 100) / 100 == 0.98


@pytest.mark.parametrize(("company", "final"), [("A", 0.006), ("B", 0.969)])
def test_seed_companies_final_short_term_memory(company, final):
    x = np.array(example.COMPANIES[company]).reshape(1, 4, 1)
    pred, rec = engine.forward(example.seed_params(), x)
    assert round(float(rec.layers[0].hidden_new[-1, 0, 0]), 3) == final
    assert pred[0, 0] == rec.layers[0].hidden_new[-1, 0, 0]  # identity head


# --------------------------------------------------------------------------- basics


def test_stable_sigmoid_no_overflow_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = engine.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        s32 = engine.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert s.tolist() == [0.0, 0.5, 1.0]
    assert s32.dtype == np.float32


def test_forward_huge_inputs_stay_finite_without_warnings():
    p = engine.init_params(2, 3, 2, 1, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pred, _ = engine.forward(p, np.full((2, 5, 2), 1e6))
    assert np.isfinite(pred).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_follows_params(dtype):
    p = engine.init_params(2, 4, 2, 3, np.random.default_rng(1), dtype=dtype)
    x = np.random.default_rng(2).normal(size=(5, 7, 2))
    y = np.zeros((5, 3))
    pred, rec = engine.forward(p, x)
    loss, grads = engine.loss_and_gradients(p, x, y)
    assert pred.dtype == dtype and rec.layers[1].gates.dtype == dtype
    assert all(g.dtype == dtype for g in grads.values())
    assert isinstance(loss, float)


def test_init_params_pytorch_names_shapes_and_forget_bias():
    p = engine.init_params(3, 5, 2, 2, np.random.default_rng(0))
    assert {k: v.shape for k, v in p.items()} == {
        "weight_ih_l0": (20, 3),
        "weight_hh_l0": (20, 5),
        "bias_ih_l0": (20,),
        "bias_hh_l0": (20,),
        "weight_ih_l1": (20, 5),
        "weight_hh_l1": (20, 5),
        "bias_ih_l1": (20,),
        "bias_hh_l1": (20,),
        "head.weight": (2, 5),
        "head.bias": (2,),
    }
    # forget gate rows are the second block in PyTorch's i, f, g, o order
    assert np.all(p["bias_ih_l0"][5:10] + p["bias_hh_l0"][5:10] == 1.0)
    assert engine.dims(p) == (3, 5, 2, 2)


def test_state_carries_over_between_calls():
    """Two half-sequences with the state passed on equal one whole sequence."""
    rng = np.random.default_rng(3)
    p = engine.init_params(2, 4, 2, 1, rng)
    x = rng.normal(size=(3, 8, 2))
    whole, _ = engine.forward(p, x)
    _, first = engine.forward(p, x[:, :4])
    second, _ = engine.forward(p, x[:, 4:], first.state)
    np.testing.assert_allclose(second, whole, rtol=0, atol=1e-14)


def test_record_is_consistent_with_the_equations():
    """Every field of the record satisfies the seed's equations, step by step."""
    rng = np.random.default_rng(4)
    p = engine.init_params(2, 3, 1, 1, rng)
    for k in p:
        p[k] += rng.normal(0, 0.5, p[k].shape)
    x = rng.normal(size=(2, 5, 2))
    _, rec = engine.forward(p, x)
    r = rec.layers[0]
    z = (
        np.einsum("tbf,gf->tbg", r.inputs, p["weight_ih_l0"])
        + np.einsum("tbh,gh->tbg", r.hidden_prev, p["weight_hh_l0"])
        + p["bias_ih_l0"]
        + p["bias_hh_l0"]
    )
    np.testing.assert_allclose(r.pre, z, atol=1e-12)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    np.testing.assert_allclose(r.input_gate, sig(r.pre_activation("input")), atol=1e-12)
    np.testing.assert_allclose(r.forget_gate, sig(r.pre_activation("forget")), atol=1e-12)
    np.testing.assert_allclose(r.candidate, np.tanh(r.pre_activation("candidate")), atol=1e-12)
    np.testing.assert_allclose(r.output_gate, sig(r.pre_activation("output")), atol=1e-12)
    np.testing.assert_allclose(r.cell_new, r.forget_gate * r.cell_prev + r.input_gate * r.candidate, atol=1e-12)
    np.testing.assert_allclose(r.hidden_new, r.output_gate * np.tanh(r.cell_new), atol=1e-12)


# --------------------------------------------------------------------------- gradients


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|) over the array (CS231n's relative error)."""
    return float(np.max(np.abs(a - b)) / max(1e-300, np.max(np.abs(a) + np.abs(b))))


def numerical_gradient(params, x, y, name, eps=1e-6):
    """Central finite differences of the loss w.r.t. every entry of params[name]."""
    p = params[name]
    grad = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        old = p[idx]
        p[idx] = old + eps
        plus, _ = engine.loss_and_gradients(params, x, y)
        p[idx] = old - eps
        minus, _ = engine.loss_and_gradients(params, x, y)
        p[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("features", "hidden", "layers", "outputs"),
    [(1, 1, 1, 1), (3, 4, 1, 2), (2, 1, 2, 1), (2, 3, 2, 3)],
)
def test_gradients_match_finite_differences(features, hidden, layers, outputs):
    rng = np.random.default_rng(hidden * 10 + layers)
    p = engine.init_params(features, hidden, layers, outputs, rng)
    for k in p:  # away from the symmetric start, non-zero biases everywhere
        p[k] += rng.normal(0, 0.4, p[k].shape)
    x = rng.normal(size=(3, 5, features))
    y = rng.normal(size=(3, outputs))
    _, grads = engine.loss_and_gradients(p, x, y)
    for name in p:
        err = rel_error(grads[name], numerical_gradient(p, x, y, name))
        assert err < 1e-6, f"{name}: relative error {err:.2e}"


# --------------------------------------------------------------------------- the plain reference


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_kernel_equals_the_plain_reference(layers):
    """The fast kernel equals tests/reference_lstm.py to 1e-12: outputs, record, state and gradients."""
    rng = np.random.default_rng(20 + layers)
    F, H, O, B, T = 3, 5, 2, 4, 7
    p = engine.init_params(F, H, layers, O, rng)
    for k in p:  # non-zero random biases in every gate, away from the symmetric start
        p[k] += rng.normal(0, 0.5, p[k].shape)
    x = rng.normal(size=(B, T, F))
    y = rng.normal(size=(B, O))
    state = [(rng.normal(size=(B, H)), rng.normal(size=(B, H))) for _ in range(layers)]
    close = dict(rtol=0, atol=1e-12)

    for start in (None, state):  # from zero memories and from a carried-in state
        pred, rec = engine.forward(p, x, start)
        ref_pred, ref_layers, ref_final = reference_lstm.forward(p, x, start)
        np.testing.assert_allclose(pred, ref_pred, **close)
        np.testing.assert_allclose(engine.predict(p, x, start), ref_pred, **close)
        for k, (r, steps) in enumerate(zip(rec.layers, ref_layers, strict=True)):
            for name, field in (
                ("x", "inputs"),
                ("z", "pre"),
                ("i", "input_gate"),
                ("f", "forget_gate"),
                ("g", "candidate"),
                ("o", "output_gate"),
                ("c", "cell_prev"),
                ("c_new", "cell_new"),
                ("h", "hidden_prev"),
                ("h_new", "hidden_new"),
            ):
                ref = np.stack([s[name] for s in steps])  # (T, B, .)
                np.testing.assert_allclose(getattr(r, field), ref, err_msg=f"layer {k} {field}", **close)
            np.testing.assert_allclose(r.tanh_cell, np.tanh(r.cell_new), **close)
            np.testing.assert_allclose(rec.state[k][0], ref_final[k][0], **close)
            np.testing.assert_allclose(rec.state[k][1], ref_final[k][1], **close)

        dprediction = (2.0 / y.size) * (pred - y)
        ref_grads = reference_lstm.backward(p, ref_layers, dprediction)
        for name, g in engine.backward(p, rec, dprediction).items():
            np.testing.assert_allclose(g, ref_grads[name], err_msg=f"backward {name}", **close)
        if start is None:  # the fused training path starts from zero memories
            loss, grads = engine.loss_and_gradients(p, x, y)
            assert abs(loss - float(np.mean((ref_pred - y) ** 2))) < 1e-12
            for name, g in grads.items():
                np.testing.assert_allclose(g, ref_grads[name], err_msg=f"loss_and_gradients {name}", **close)


# --------------------------------------------------------------------------- PyTorch


def _torch_pair(params):
    torch = pytest.importorskip("torch")
    F, H, L, O = engine.dims(params)
    lstm = torch.nn.LSTM(F, H, L, batch_first=True).double()
    head = torch.nn.Linear(H, O).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in params.items() if not k.startswith("head.")})
    head.load_state_dict(
        {"weight": torch.from_numpy(params["head.weight"]), "bias": torch.from_numpy(params["head.bias"])}
    )
    return torch, lstm, head


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_forward_and_gradients_match_pytorch(layers):
    torch = pytest.importorskip("torch")
    torch.manual_seed(layers)
    F, H, O, B, T = 3, 6, 2, 4, 9
    # PyTorch's own random init, non-zero biases in every gate, taken over unchanged
    ref = torch.nn.LSTM(F, H, layers, batch_first=True).double()
    params = {k: v.detach().numpy().copy() for k, v in ref.state_dict().items()}
    rng = np.random.default_rng(layers)
    params["head.weight"] = rng.normal(size=(O, H))
    params["head.bias"] = rng.normal(size=O)
    torch, lstm, head = _torch_pair(params)
    x = rng.normal(size=(B, T, F))
    h0 = rng.normal(size=(layers, B, H))
    c0 = rng.normal(size=(layers, B, H))
    y = rng.normal(size=(B, O))

    # state carried in from a previous call, over several steps
    state = [(h0[k], c0[k]) for k in range(layers)]
    pred, rec = engine.forward(params, x, state)
    out, (hn, cn) = lstm(torch.from_numpy(x), (torch.from_numpy(h0), torch.from_numpy(c0)))
    tpred = head(out[:, -1])
    np.testing.assert_allclose(pred, tpred.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(rec.layers[-1].hidden_new.transpose(1, 0, 2), out.detach().numpy(), atol=1e-10)
    for k in range(layers):
        np.testing.assert_allclose(rec.state[k][0], hn[k].detach().numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(rec.state[k][1], cn[k].detach().numpy(), rtol=0, atol=1e-10)

    # gradients from zero state (what training uses)
    loss, grads = engine.loss_and_gradients(params, x, y)
    out, _ = lstm(torch.from_numpy(x))
    tloss = ((head(out[:, -1]) - torch.from_numpy(y)) ** 2).mean()
    tloss.backward()
    assert abs(loss - tloss.item()) < 1e-12
    for name, p in lstm.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=0, atol=1e-8, err_msg=name)
    np.testing.assert_allclose(grads["head.weight"], head.weight.grad.numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(grads["head.bias"], head.bias.grad.numpy(), rtol=0, atol=1e-8)


def test_savez_params_load_into_pytorch_unchanged(tmp_path):
    torch = pytest.importorskip("torch")
    p = engine.init_params(2, 5, 2, 1, np.random.default_rng(0))
    np.savez(tmp_path / "p.npz", **p)
    with np.load(tmp_path / "p.npz", allow_pickle=False) as z:
        loaded = {k: torch.from_numpy(z[k]) for k in z.files if not k.startswith("head.")}
    lstm = torch.nn.LSTM(2, 5, 2, batch_first=True).double()
    lstm.load_state_dict(loaded, strict=True)  # no renaming, no reshaping


def test_adam_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    p = {"w": rng.normal(size=(3, 2))}
    tp = torch.tensor(p["w"].copy(), requires_grad=True)
    opt, topt = optim.Adam(lr=0.01), torch.optim.Adam([tp], lr=0.01)
    for _ in range(5):
        g = rng.normal(size=(3, 2))
        opt.step(p, {"w": g.copy()})
        tp.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(p["w"], tp.detach().numpy(), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- optimizers


def test_clip_by_global_norm():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    before = optim.clip_by_global_norm(g, 1.0)
    assert before == 5.0
    assert abs(optim.global_norm(g) - 1.0) < 1e-12
    np.testing.assert_allclose(g["a"], [0.6, 0.0])
    small = {"a": np.array([0.1])}
    optim.clip_by_global_norm(small, 1.0)
    assert small["a"][0] == 0.1


def test_adam_learns_a_sine_wave_with_two_layers():
    """Loss on next-value prediction of a sine wave falls at least 10x (about a second)."""
    rng = np.random.default_rng(0)
    s = np.sin(np.arange(400) / 8.0)
    win = 12
    x = np.lib.stride_tricks.sliding_window_view(s[:-1], win)[:, :, None]  # (N, T, 1)
    y = s[win:, None]  # (N, 1)
    p = engine.init_params(1, 16, 2, 1, rng)
    opt = optim.Adam(lr=0.01)
    first, _ = engine.loss_and_gradients(p, x, y)
    for _epoch in range(20):
        order = rng.permutation(len(x))
        for b in range(0, len(x), 32):
            idx = order[b : b + 32]
            _, grads = engine.loss_and_gradients(p, x[idx], y[idx])
            optim.clip_by_global_norm(grads, 1.0)
            opt.step(p, grads)
    full, _ = engine.loss_and_gradients(p, x, y)
    assert full < first / 10, (first, full)


@pytest.mark.parametrize("layers", [1, 2])
def test_backward_from_a_record_alone_matches_loss_and_gradients(layers):
    """`backward(params, forward(...)[1], d)` (factors rebuilt from the record) equals the fused path."""
    rng = np.random.default_rng(7)
    p = engine.init_params(2, 5, layers, 3, rng)
    for k in p:
        p[k] += rng.normal(0, 0.4, p[k].shape)
    x = rng.normal(size=(4, 6, 2))
    y = rng.normal(size=(4, 3))
    _, grads = engine.loss_and_gradients(p, x, y)
    pred, rec = engine.forward(p, x)
    alone = engine.backward(p, rec, (2.0 / y.size) * (pred - y))
    for name in p:
        np.testing.assert_allclose(alone[name], grads[name], rtol=0, atol=1e-13, err_msg=name)


def test_record_views_do_not_alias_the_callers_input():
    rng = np.random.default_rng(8)
    p = engine.init_params(1, 3, 1, 1, rng)
    x = rng.normal(size=(2, 4, 1))
    _, rec = engine.forward(p, x)
    before = rec.layers[0].inputs.copy()
    x[:] = 0.0
    np.testing.assert_array_equal(rec.layers[0].inputs, before)


def test_reused_and_fresh_workspaces_give_the_same_numbers(monkeypatch):
    """Training and predict reuse buffers across calls; too-large shapes allocate per call."""
    rng = np.random.default_rng(9)
    p = engine.init_params(2, 4, 2, 1, rng)
    x = rng.normal(size=(5, 6, 2))
    y = rng.normal(size=(5, 1))
    loss, grads = engine.loss_and_gradients(p, x, y)
    pred = engine.predict(p, x)
    engine.loss_and_gradients(p, rng.normal(size=(5, 6, 2)), y)  # the same buffers, other numbers
    engine.predict(p, rng.normal(size=(5, 6, 2)))
    again, grads_again = engine.loss_and_gradients(p, x, y)
    np.testing.assert_array_equal(engine.predict(p, x), pred)
    assert again == loss
    monkeypatch.setattr(engine._kernel, "_CACHE_BYTES", 0)  # nothing kept: fresh buffers every call
    fresh, grads_fresh = engine.loss_and_gradients(p, x, y)
    np.testing.assert_array_equal(engine.predict(p, x), pred)
    assert fresh == loss
    for name in p:
        np.testing.assert_array_equal(grads_again[name], grads[name])
        np.testing.assert_array_equal(grads_fresh[name], grads[name])


# --------------------------------------------------------------------------- the autoregressive skip


@pytest.mark.parametrize(("layers", "lags"), [(1, 1), (1, 5), (2, 3)])
def test_ar_skip_gradients_match_finite_differences(layers, lags):
    """ar.weight (O, P) adds W_ar x[:, -P:, 0] to the head; every gradient still matches finite differences."""
    rng = np.random.default_rng(40 + layers + lags)
    p = engine.with_ar(engine.init_params(2, 3, layers, 2, rng), lags)
    assert p[engine.AR_WEIGHT].shape == (2, lags) and not p[engine.AR_WEIGHT].any()  # starts as the plain LSTM
    for k in p:
        p[k] += rng.normal(0, 0.4, p[k].shape)
    x = rng.normal(size=(3, 5, 2))
    y = rng.normal(size=(3, 2))
    _, grads = engine.loss_and_gradients(p, x, y)
    assert set(grads) == set(p)
    for name in p:
        err = rel_error(grads[name], numerical_gradient(p, x, y, name))
        assert err < 1e-6, f"{name}: relative error {err:.2e}"
    pred, rec = engine.forward(p, x)  # the record splits the output into its LSTM and linear parts
    np.testing.assert_allclose(rec.linear, x[:, -lags:, 0] @ p[engine.AR_WEIGHT].T, rtol=0, atol=1e-14)
    plain = {k: v for k, v in p.items() if k != engine.AR_WEIGHT}
    np.testing.assert_allclose(pred - rec.linear, engine.predict(plain, x), rtol=0, atol=1e-14)
    dprediction = (2.0 / y.size) * (pred - y)
    np.testing.assert_allclose(engine.backward(p, rec, dprediction)[engine.AR_WEIGHT], grads[engine.AR_WEIGHT])


def test_ar_skip_matches_pytorch_linear_beside_the_lstm():
    """The skip is a bias-free torch.nn.Linear(P, O) on the last P steps of input column 0, added to the head."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    F, H, O, B, T, P = 3, 4, 2, 5, 6, 4
    params = engine.with_ar(engine.init_params(F, H, 1, O, rng), P)
    params[engine.AR_WEIGHT] = rng.normal(size=(O, P))
    torch, lstm, head = _torch_pair({k: v for k, v in params.items() if k != engine.AR_WEIGHT})
    ar = torch.nn.Linear(P, O, bias=False).double()
    ar.load_state_dict({"weight": torch.from_numpy(params[engine.AR_WEIGHT])})
    x, y = rng.normal(size=(B, T, F)), rng.normal(size=(B, O))
    loss, grads = engine.loss_and_gradients(params, x, y)
    xt = torch.from_numpy(x)
    out, _ = lstm(xt)
    tloss = ((head(out[:, -1]) + ar(xt[:, -P:, 0]) - torch.from_numpy(y)) ** 2).mean()
    tloss.backward()
    assert abs(loss - tloss.item()) < 1e-12
    np.testing.assert_allclose(grads[engine.AR_WEIGHT], ar.weight.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(grads["head.weight"], head.weight.grad.numpy(), rtol=0, atol=1e-10)
    for name, p in lstm.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=0, atol=1e-10, err_msg=name)
