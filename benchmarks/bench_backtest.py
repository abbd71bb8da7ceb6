"""`lstm backtest --refit K` with --jobs 1 vs --jobs 2: wall time side by side, and the same numbers.

    python benchmarks/bench_backtest.py                  # daily_stock.csv, --refit 128 (4 fits), 3 runs each
    python benchmarks/bench_backtest.py --refit 10 --runs 5 --epochs 30

Runs the installed `lstm backtest` (as a user runs it, with --json) on a bundled sample with
--jobs 1 and --jobs 2, alternated so that drift of the machine hits both alike, --runs times
each, and prints key=value lines: the median wall time of each, their ratio (jobs 1 over
jobs 2: > 1 means --jobs 2 is faster), the fits run, whether both printed the same JSON
(they must: the fits' results do not depend on --jobs), and the 1-minute load average before
and after (the machine is shared: other processes' load slows --jobs 2 most).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "daily_stock.csv"


def _lstm() -> str:
    exe = Path(sys.executable).parent / "lstm"
    if not exe.exists():
        sys.exit(f"the lstm command is not installed next to {sys.executable}; pip install -e . first")
    return str(exe)


def _run(cmd: list[str], cwd: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - t0, json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=SAMPLE)
    ap.add_argument("--refit", type=int, default=128)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=None, help="most epochs per fit [default: as lstm backtest]")
    args = ap.parse_args()
    lstm = _lstm()
    base = [lstm, "backtest", str(args.csv), "--refit", str(args.refit), "--json", "-q"]
    base += [] if args.epochs is None else ["--epochs", str(args.epochs)]
    times: dict[str, list[float]] = {"1": [], "2": []}
    payloads: dict[str, dict] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for jobs in times:
                seconds, payloads[jobs] = _run([*base, "--jobs", jobs], tmp)
                times[jobs].append(seconds)
    one, two = statistics.median(times["1"]), statistics.median(times["2"])
    print(f"csv={args.csv.name} refit={args.refit} epochs={args.epochs or 'default'} runs={args.runs}")
    print(f"fits={payloads['1']['fits']} origins={payloads['1']['origins']}")
    print(f"jobs1_s={one:.2f} jobs2_s={two:.2f} ratio={one / two:.2f}")
    print(f"jobs1_all={','.join(f'{t:.2f}' for t in times['1'])} jobs2_all={','.join(f'{t:.2f}' for t in times['2'])}")
    print(f"same_json={payloads['1'] == payloads['2']}")
    print(f"loadavg_1m_before={load_before:.2f} loadavg_1m_after={os.getloadavg()[0]:.2f} cores={os.cpu_count()}")


if __name__ == "__main__":
    main()
