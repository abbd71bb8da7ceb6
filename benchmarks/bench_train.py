"""Training speed of lstmcli's NumPy engine, side by side with PyTorch's nn.LSTM.

The task is fixed so that runs compare: the series s[t] = sin(t/20) + 0.002 t + noise
(noise sd 0.1 from numpy.random.default_rng(0)), sliding windows of --window steps predicting
the next value, --samples windows, batch --batch, Adam lr 1e-3, MSE, float32, --epochs
epochs of shuffled batches, gradients clipped at global norm 1 (as `lstm train` does).

lstmcli is trained through `lstmcli.training.train`, the code `lstm train` runs, with an
empty validation set (train() then skips evaluation, so the epoch time is training only).
PyTorch (if importable) trains nn.LSTM + Linear on the same windows from the same initial
weights, with torch.set_num_threads equal to the threads NumPy's BLAS uses. The two
alternate epoch by epoch (a torch epoch runs inside lstmcli's on_epoch callback, outside
lstmcli's timing), so drift of the machine hits both.

    python benchmarks/bench_train.py                      # hidden 32, 1 layer, window 30
    python benchmarks/bench_train.py --hidden 128
    python benchmarks/bench_train.py --sweep              # the standard table
    python benchmarks/bench_train.py --scaling            # rewrites the table in README.md

Output is `key=value` lines; with --sweep, one block per configuration.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

import numpy as np

from lstmcli import engine
from lstmcli.training import TrainConfig, train

try:
    import torch
except ImportError:  # the comparison is optional
    torch = None

SETTLE_S = 0.3  # pause between the two libraries' epochs, see on_epoch
README = Path(__file__).with_name("README.md")
SWEEP = [  # (hidden, layers, window): the configurations the targets are stated for
    (32, 1, 30),
    (64, 1, 30),
    (128, 1, 30),
    (64, 2, 30),
    (64, 1, 120),
]


def make_series(samples: int, window: int) -> np.ndarray:
    """(samples + window, 1) float32: sin(t/20) + 0.002 t + N(0, 0.1) noise."""
    n = samples + window
    t = np.arange(n, dtype=np.float64)
    noise = np.random.default_rng(0).normal(0.0, 0.1, n)
    return (np.sin(t / 20.0) + 0.002 * t + noise).astype(np.float32)[:, None]


def blas_threads() -> int:
    """Threads NumPy's BLAS uses (threadpoolctl), or 0 when it cannot tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 0
    counts = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return max(counts) if counts else 0


def idle_fraction(seconds: float = 1.0) -> float:
    """Share of the machine's CPU time that was idle over the next `seconds` (Linux; nan elsewhere)."""

    def snap() -> tuple[int, int]:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total

    try:
        i0, t0 = snap()
        time.sleep(seconds)
        i1, t1 = snap()
    except OSError:
        return float("nan")
    return (i1 - i0) / max(1, t1 - t0)


def wait_until_quiet(limit_s: float) -> float:
    """Wait (up to limit_s) until the machine is >= 90% idle for 2 s in a row; return the last idle share."""
    deadline = time.monotonic() + limit_s
    idle = idle_fraction()
    while time.monotonic() < deadline and not (idle >= 0.9 and idle_fraction() >= 0.9):
        idle = idle_fraction()
    return idle


def peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    """Float32 matmul rate of a large n x n x n product, median of a few."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - t0)
    return 2.0 * n**3 / statistics.median(times) / 1e9


def matmul_flops_per_window(hidden: int, layers: int, window: int, features: int = 1, outputs: int = 1) -> int:
    """FLOPs of the forward + backward matmuls for one window (2 per multiply-add)."""
    H, G, T = hidden, 4 * hidden, window
    total = 0
    for k in range(layers):
        fan_in = features if k == 0 else H
        total += 2 * T * G * (fan_in + H)  # forward: input projection + recurrent product
        total += 2 * T * G * (fan_in + H)  # backward: dW_ih and dW_hh
        total += 2 * T * G * H  # backward: dh_{t-1} = W_hh^T dz_t
        if k > 0:
            total += 2 * T * G * fan_in  # backward: dx for the layer below
    total += 3 * 2 * H * outputs  # head: forward, dW, dh
    return total


class TorchRun:
    """nn.LSTM + Linear on the same windows, same initial weights, one epoch per call."""

    def __init__(
        self,
        series: np.ndarray,
        targets: np.ndarray,
        window: int,
        hidden: int,
        layers: int,
        batch: int,
        lr: float,
        clip: float,
        params: dict[str, np.ndarray],
    ) -> None:
        views = np.lib.stride_tricks.sliding_window_view(series, (window, 1))[:, 0]  # (N, T, 1)
        self.x = torch.from_numpy(np.ascontiguousarray(views[targets - window]))  # (S, T, 1)
        self.y = torch.from_numpy(np.ascontiguousarray(series[targets]))  # (S, 1)
        self.lstm = torch.nn.LSTM(1, hidden, layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, 1)
        with torch.no_grad():
            for name, p in self.lstm.named_parameters():
                p.copy_(torch.from_numpy(params[name]))
            self.head.weight.copy_(torch.from_numpy(params["head.weight"]))
            self.head.bias.copy_(torch.from_numpy(params["head.bias"]))
        self.params = [*self.lstm.parameters(), *self.head.parameters()]
        self.opt = torch.optim.Adam(self.params, lr=lr)
        self.batch, self.clip = batch, clip
        self.rng = np.random.default_rng(1)

    def epoch(self) -> tuple[float, float]:
        """(seconds, mean batch loss) of one shuffled epoch."""
        t0 = time.perf_counter()
        order = torch.from_numpy(self.rng.permutation(len(self.x)))
        losses = []
        for b in range(0, len(order), self.batch):
            idx = order[b : b + self.batch]
            x, y = self.x[idx], self.y[idx]  # (B, T, 1), (B, 1)
            out, _ = self.lstm(x)
            loss = torch.nn.functional.mse_loss(self.head(out[:, -1]), y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.params, self.clip)
            self.opt.step()
            losses.append(loss.item())
        return time.perf_counter() - t0, float(np.mean(losses))


def run(
    hidden: int,
    layers: int,
    window: int,
    batch: int,
    samples: int,
    epochs: int,
    peak: float,
    with_torch: bool = True,
    quiet_wait: float = 0.0,
) -> dict[str, object]:
    """Train both side by side; return the key=value results."""
    idle_before = wait_until_quiet(quiet_wait) if quiet_wait > 0 else float("nan")
    series = make_series(samples, window)
    targets = np.arange(window, window + samples)
    lr, clip = 1e-3, 1.0
    config = TrainConfig(
        window=window,
        hidden=hidden,
        layers=layers,
        epochs=epochs,
        batch_size=batch,
        lr=lr,
        seed=0,
        patience=epochs + 1,
        clip=clip,
        dtype="float32",
    )
    # the initial weights train() will draw (same seed, same call), handed to torch too
    init = engine.init_params(1, hidden, layers, 1, np.random.default_rng(config.seed), dtype=np.float32)
    ref = None
    if with_torch and torch is not None:
        threads = blas_threads()
        if threads:
            torch.set_num_threads(threads)
        ref = TorchRun(series, targets, window, hidden, layers, batch, lr, clip, init)
    eng_s, eng_loss, ref_s, ref_loss = [], [], [], []

    def on_epoch(report) -> None:
        eng_s.append(report.seconds)
        eng_loss.append(report.train_loss)
        if ref is not None:  # alternate: a torch epoch after each lstmcli epoch, outside its timing
            # OpenBLAS and OpenMP workers busy-wait for a while after their last job; on 2 cores a
            # spinning pool from one library halves the other's speed, so let them go idle first
            time.sleep(SETTLE_S)
            s, loss = ref.epoch()
            ref_s.append(s)
            ref_loss.append(loss)
            time.sleep(SETTLE_S)

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    train(series, targets, np.array([], dtype=np.int64), config, outputs=1, on_epoch=on_epoch)

    def median_after_first(xs: list[float]) -> float:
        return statistics.median(xs[1:] if len(xs) > 1 else xs)

    epoch_s = median_after_first(eng_s)
    gflops = matmul_flops_per_window(hidden, layers, window) * samples / epoch_s / 1e9
    out: dict[str, object] = {
        "engine": "lstmcli-numpy",
        "hidden": hidden,
        "layers": layers,
        "window": window,
        "batch": batch,
        "samples": samples,
        "blas_threads": blas_threads(),
        "epoch_s": f"{epoch_s:.4f}",
        "windows_per_s": f"{samples / epoch_s:.0f}",
    }
    if ref is not None:
        torch_s = median_after_first(ref_s)
        out.update(
            {
                "torch_epoch_s": f"{torch_s:.4f}",
                "torch_windows_per_s": f"{samples / torch_s:.0f}",
                "ratio": f"{torch_s / epoch_s:.2f}",
            }
        )
    out["loss_last"] = f"{eng_loss[-1]:.5f}"
    if ref is not None:
        out["torch_loss_last"] = f"{ref_loss[-1]:.5f}"
        out["loss_ok"] = eng_loss[-1] <= 1.5 * ref_loss[-1]
    out.update({"gflops": f"{gflops:.2f}", "peak_gflops": f"{peak:.0f}", "pct_of_peak": f"{100 * gflops / peak:.2f}"})
    out["loadavg_1m"] = f"{load_before:.2f}"  # counts our own previous run (~1); well above: shared cores
    if quiet_wait > 0:
        out["idle_before"] = f"{idle_before:.2f}"  # CPU idle share just before (>= 0.9: quiet)
    return out


def print_block(result: dict[str, object]) -> None:
    for k, v in result.items():
        print(f"{k}={v}")
    print(flush=True)


def scaling(batch: int, samples: int, epochs: int, peak: float, quiet_wait: float) -> str:
    """Markdown table of epoch time against window length and hidden size."""
    rows = [(32, w) for w in (30, 60, 120, 240)] + [(h, 30) for h in (16, 32, 64, 128, 256)]
    lines = [
        "| hidden | window | lstmcli epoch s | torch epoch s | ratio | lstmcli windows/s | us per step "
        "| GFLOP/s | load |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for hidden, window in rows:
        r = run(hidden, 1, window, batch, samples, epochs, peak, quiet_wait=quiet_wait)
        print_block(r)
        steps = -(-samples // batch) * window  # forward+backward steps per epoch
        us = 1e6 * float(r["epoch_s"]) / steps
        lines.append(
            f"| {hidden} | {window} | {r['epoch_s']} | {r.get('torch_epoch_s', '-')} | "
            f"{r.get('ratio', '-')} | {r['windows_per_s']} | {us:.1f} | {r['gflops']} | {r['loadavg_1m']} |"
        )
    return "\n".join(lines)


def write_readme_table(table: str, header: str) -> None:
    start, end = "<!-- scaling:start -->", "<!-- scaling:end -->"
    text = README.read_text() if README.exists() else ""
    block = f"{start}\n{header}\n\n{table}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--window", type=int, default=30)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--no-torch", action="store_true", help="time lstmcli alone")
    ap.add_argument(
        "--sweep", action="store_true", help="the standard table: " + ", ".join(f"H{h} L{n} W{w}" for h, n, w in SWEEP)
    )
    ap.add_argument("--scaling", action="store_true", help="epoch time vs window and hidden; rewrites README.md")
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each configuration, wait up to this long for the machine to be idle (shared hosts)",
    )
    a = ap.parse_args()
    peak = peak_gflops()
    if a.scaling:
        table = scaling(a.batch, a.samples, a.epochs, peak, a.quiet_wait)
        header = (
            f"Batch {a.batch}, {a.samples} windows, {a.epochs} epochs (median after the first), 1 layer, "
            f"float32, {blas_threads()} BLAS threads, peak {peak:.0f} GFLOP/s. "
            "`us per step`: lstmcli's epoch time over (batches x window), forward and backward of one step "
            "of one batch, optimizer included. `load`: 1-minute load average before the row, which counts this "
            "benchmark's own previous row (about 1); well above 1, someone else shared the 2 cores. "
            "Regenerate with `python benchmarks/bench_train.py --scaling --quiet-wait 600`."
        )
        write_readme_table(table, header)
        print(table)
        return
    configs = SWEEP if a.sweep else [(a.hidden, a.layers, a.window)]
    for hidden, layers, window in configs:
        print_block(run(hidden, layers, window, a.batch, a.samples, a.epochs, peak, not a.no_torch, a.quiet_wait))


if __name__ == "__main__":
    main()
