"""A plain LSTM, one line per equation, float64: the reference the engine's kernel is held to.

No speed tricks: batch-major (B, .) arrays, a separate sigmoid per gate, and a backward pass
that mirrors the forward pass line by line, in reverse (as in micrograd or numpy-ml).
Parameters are the engine's dict (PyTorch's names, gate rows i, f, g, o). See
`tests/test_engine.py::test_kernel_equals_the_plain_reference`.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(params, x, state=None):
    """x (B, T, F) -> (prediction (B, O), per layer a list of step dicts, final state)."""
    layers, inputs, final = [], [x[:, t] for t in range(x.shape[1])], []
    for k in range(sum(name.startswith("weight_ih_l") for name in params)):
        W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        b, H = params[f"bias_ih_l{k}"] + params[f"bias_hh_l{k}"], W_hh.shape[1]
        h, c = state[k] if state else (np.zeros((len(x), H)), np.zeros((len(x), H)))
        steps = []
        for x_t in inputs:
            z = x_t @ W_ih.T + h @ W_hh.T + b  # pre-activations of the four gates
            i = sigmoid(z[:, 0 * H : 1 * H])  # input gate
            f = sigmoid(z[:, 1 * H : 2 * H])  # forget gate
            g = np.tanh(z[:, 2 * H : 3 * H])  # candidate (potential long-term memory)
            o = sigmoid(z[:, 3 * H : 4 * H])  # output gate
            c_new = f * c + i * g  # long-term memory (cell state)
            h_new = o * np.tanh(c_new)  # short-term memory (hidden state)
            steps.append(dict(x=x_t, h=h, c=c, z=z, i=i, f=f, g=g, o=o, c_new=c_new, h_new=h_new))
            h, c = h_new, c_new
        layers.append(steps)
        final.append((h, c))
        inputs = [s["h_new"] for s in steps]
    prediction = h @ params["head.weight"].T + params["head.bias"]
    return prediction, layers, final


def backward(params, layers, dprediction):
    """Gradients of every parameter, given dLoss/dprediction (B, O) and forward's layers."""
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    h_last = layers[-1][-1]["h_new"]
    grads["head.weight"] += dprediction.T @ h_last
    grads["head.bias"] += dprediction.sum(axis=0)
    dh_out = [np.zeros_like(s["h_new"]) for s in layers[-1]]  # dLoss/dh_t from above, every step
    dh_out[-1] = dprediction @ params["head.weight"]  # only the last step feeds the head
    for k in reversed(range(len(layers))):
        W_ih, W_hh = params[f"weight_ih_l{k}"], params[f"weight_hh_l{k}"]
        dh_next, dc_next, dx = np.zeros_like(dh_out[0]), np.zeros_like(dh_out[0]), []
        for t in reversed(range(len(layers[k]))):
            s = layers[k][t]
            dh = dh_out[t] + dh_next  # h_t feeds the layer above (or the head) and step t+1
            do = dh * np.tanh(s["c_new"])  # h_new = o * tanh(c_new)
            dc = dc_next + dh * s["o"] * (1 - np.tanh(s["c_new"]) ** 2)
            df, dc_next = dc * s["c"], dc * s["f"]  # c_new = f * c + i * g
            di, dg = dc * s["g"], dc * s["i"]
            dz = np.concatenate(
                [
                    di * s["i"] * (1 - s["i"]),  # i = sigmoid(z_i)
                    df * s["f"] * (1 - s["f"]),  # f = sigmoid(z_f)
                    dg * (1 - s["g"] ** 2),  # g = tanh(z_g)
                    do * s["o"] * (1 - s["o"]),  # o = sigmoid(z_o)
                ],
                axis=1,
            )
            # z = x_t W_ih^T + h W_hh^T + b
            grads[f"weight_ih_l{k}"] += dz.T @ s["x"]
            grads[f"weight_hh_l{k}"] += dz.T @ s["h"]
            grads[f"bias_ih_l{k}"] += dz.sum(axis=0)
            grads[f"bias_hh_l{k}"] += dz.sum(axis=0)
            dh_next = dz @ W_hh
            dx.insert(0, dz @ W_ih)
        dh_out = dx  # the layer below's short-term memories were this layer's inputs
    return grads
