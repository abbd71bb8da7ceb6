"""Memory and time on a large series: a generated 1,000,000-row minute-bar CSV.

Writes the CSV to a temporary folder, then in this process reads it with the same code as
`lstm train` (lstmcli.data.read_prices) and trains with default settings for `--epochs`
epochs through `Forecaster.fit`. Prints key=value lines: rows, read seconds, seconds per
epoch (median), fit seconds (training + validation + interval errors), and the peak
resident set size of the process (ru_maxrss) after each phase.

Windows are views (sliding_window_view) and batches are gathered on the fly, so memory
should stay far below 1 GB whatever the series length.

    python benchmarks/bench_memory.py [--rows 1000000] [--epochs 2]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    start = np.datetime64("2020-01-01T00:00")
    t = start + np.arange(rows).astype("timedelta64[m]")
    p = 100 * np.exp(np.cumsum(rng.normal(0, 0.0005, rows)))
    with open(path, "w") as f:
        f.write("Datetime,Close\n")
        for k in range(0, rows, 100_000):  # in chunks: the generator should not dominate the peak
            f.write(
                "".join(
                    f"{str(d).replace('T', ' ')},{v:.4f}\n"
                    for d, v in zip(t[k : k + 100_000], p[k : k + 100_000], strict=True)
                )
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    from lstmcli import data
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "minutes.csv"
        write_csv(path, args.rows)
        print(f"rows={args.rows}")
        print(f"csv_mb={path.stat().st_size / 2**20:.1f}")
        print(f"peak_rss_mb_before_read={peak_mb():.0f}")
        t0 = time.perf_counter()
        series = data.read_prices(path)
        print(f"read_s={time.perf_counter() - t0:.2f}")
        print(f"peak_rss_mb_after_read={peak_mb():.0f}")
    epochs: list[float] = []
    forecaster = Forecaster(TrainConfig(epochs=args.epochs, patience=args.epochs))
    t0 = time.perf_counter()
    forecaster.fit(
        series.values,
        series.dates,
        series.columns,
        frequency=series.frequency,
        on_epoch=lambda r: epochs.append(r.seconds),
    )
    print(f"fit_s={time.perf_counter() - t0:.2f}")
    print(f"epoch_s={statistics.median(epochs):.2f}")
    windows = forecaster.info.training.train_windows
    print(f"train_windows={windows}")
    print(f"windows_per_s={windows / statistics.median(epochs):.0f}")
    print(f"peak_rss_mb_after_fit={peak_mb():.0f}")


if __name__ == "__main__":
    main()
