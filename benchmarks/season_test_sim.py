"""How often each `--season-test` calls a series seasonal (round 13, branch r13season): simulated, no training.

Null: monthly and quarterly random walks with drift (log prices: changes N(0.005, 0.03), and the same with AR(1)
changes, phi 0.5), 60 to 300 rows. Power: short monthly and quarterly series with a sine season of amplitude A in
logs, a trend of 0.004 a step and noise of 0.08, 40 to 100 rows.

    PYTHONPATH=. python benchmarks/season_test_sim.py [REPEATS]     # default 500 a cell, seed 0
"""

from __future__ import annotations

import sys

import numpy as np

from lstmcli import seasons


def rates(make, frequency: str, repeats: int) -> dict[str, float]:
    hits = dict.fromkeys(seasons.SEASON_TESTS, 0)
    for _ in range(repeats):
        y = make()
        for t in hits:
            hits[t] += seasons.detect_season(y, frequency, test=t)[0] > 1
    return {t: 100 * h / repeats for t, h in hits.items()}


def main(repeats: int = 500) -> None:
    rng = np.random.default_rng(0)
    tests = seasons.SEASON_TESTS
    print("| series | freq | rows | " + " | ".join(f"{t} says seasonal" for t in tests) + " |")
    print("| --- | --- | ---: |" + " ---: |" * len(tests))
    for freq in ("M", "Q"):
        for phi in (0.0, 0.5):
            for n in (60, 100, 200, 300):

                def walk(n=n, phi=phi):
                    e = rng.normal(0.005, 0.03, n + 50)
                    d = np.empty_like(e)
                    d[0] = e[0]
                    for i in range(1, len(e)):
                        d[i] = phi * d[i - 1] + e[i]
                    return 100 * np.exp(np.cumsum(d[50:]))

                r = rates(walk, freq, repeats)
                kind = "random walk with drift" + (f", AR(1) changes {phi}" if phi else "")
                print(f"| {kind} | {freq} | {n} | " + " | ".join(f"{r[t]:.1f}%" for t in tests) + " |")
    for freq, m in (("M", 12), ("Q", 4)):
        for amp in (0.1, 0.25):
            for n in (40, 60, 100):

                def seasonal(n=n, amp=amp, m=m):
                    t = np.arange(n)
                    return 1000 * np.exp(amp * np.sin(2 * np.pi * t / m) + 0.004 * t + rng.normal(0, 0.08, n))

                r = rates(seasonal, freq, repeats)
                cells = " | ".join(f"{r[t]:.1f}%" for t in tests)
                print(f"| sine season, amplitude {amp} | {freq} | {n} | {cells} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
