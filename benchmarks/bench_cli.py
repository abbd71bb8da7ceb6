"""Cold-start time of the `lstm` command, side by side with `python -c "import numpy"`.

Runs each command `--runs` times (default 10), interleaved so machine drift hits all of
them alike, and prints the median wall time of each and its ratio to the numpy baseline
as key=value lines. It first trains a small model on the bundled sample data in a
temporary folder, so `lstm predict --days 5` has a model file to read. Also reports the
wall time of `lstm train` with default options on the ten-year daily sample.

    python benchmarks/bench_cli.py [--runs 10] [--skip-train]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "daily_stock.csv"


def _lstm() -> str:
    exe = Path(sys.executable).parent / "lstm"
    if not exe.exists():
        sys.exit(f"the lstm command is not installed next to {sys.executable}; pip install -e . first")
    return str(exe)


def _wall(cmd: list[str], cwd: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--skip-train", action="store_true", help="skip the default-options training timing")
    args = ap.parse_args()
    lstm = _lstm()
    with tempfile.TemporaryDirectory() as tmp:
        t_train = _wall([lstm, "train", str(SAMPLE), "-q"], tmp) if not args.skip_train else None
        if t_train is None:
            _wall([lstm, "train", str(SAMPLE), "-q", "--epochs", "2"], tmp)
        commands = {
            "numpy_import": [sys.executable, "-c", "import numpy"],
            "help": [lstm, "--help"],
            "predict": [lstm, "predict", "--days", "5", "--no-chart"],
            "predict_json": [lstm, "predict", "--days", "5", "--json"],
        }
        for cmd in commands.values():  # warm the file cache
            _wall(cmd, tmp)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(_wall(cmd, tmp))
    base = statistics.median(times["numpy_import"])
    print(f"runs={args.runs}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name}_s={med:.3f}")
        if name != "numpy_import":
            print(f"{name}_ratio={med / base:.2f}")
    if t_train is not None:
        print(f"train_default_s={t_train:.2f}  # {SAMPLE.name}, {len(SAMPLE.read_text().splitlines()) - 1} rows")


if __name__ == "__main__":
    main()
