"""The geometric mean of MAE / best of (AutoARIMA, AutoETS) over a whole set, when a variant was run on some of
its series only (those it can change, e.g. the seasonal ones) and the rest score as the base by construction.

    python benchmarks/geo_mixed.py BASE.json[+MORE.json] VARIANT.json lstm guard
        # per series: VARIANT's guard, guard-s1, guard-s2 where it has them, else BASE's lstm, lstm-s1, lstm-s2

Prints the base's and the variant's figure: the geometric mean over the series of the 3-seed mean MAE / best
statistical model, then each seed's.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

SEEDS = ("", "-s1", "-s2")


def _load(paths: str) -> dict[str, dict[str, dict]]:
    out = {}
    for path in paths.split("+"):
        for s in json.loads(Path(path).read_text())["series"]:
            out[s["series"]] = {r["method"]: r for r in s["methods"]}
    return out


def _best(methods: dict[str, dict]) -> float:
    return min(methods[k]["mae"] for k in ("autoarima", "autoets") if methods.get(k, {}).get("mae") is not None)


def figures(base: dict, variant: dict | None, base_prefix: str, prefix: str) -> tuple[float, list[float]]:
    """(geo-mean of the 3-seed mean MAE / best, [each seed's geo-mean])."""

    def maes(name: str, suffix: str) -> float:
        if variant is not None and prefix + suffix in variant.get(name, {}):
            return variant[name][prefix + suffix]["mae"]
        return base[name][base_prefix + suffix]["mae"]

    def geo(values: list[float]) -> float:
        return math.exp(sum(math.log(v) for v in values) / len(values))

    mean = geo([sum(maes(n, s) for s in SEEDS) / len(SEEDS) / _best(m) for n, m in base.items()])
    return mean, [geo([maes(n, s) / _best(m) for n, m in base.items()]) for s in SEEDS]


def main(argv: list[str]) -> int:
    base, variant = _load(argv[0]), _load(argv[1])
    base_prefix, prefix = argv[2], argv[3]
    for label, v in ((base_prefix, None), (prefix, variant)):
        mean, seeds = figures(base, v, base_prefix, prefix)
        print(f"{label}: {len(base)} series, {mean:.3f}; " + " / ".join(f"{x:.3f}" for x in seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
