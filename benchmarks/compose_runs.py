"""One results file from several stored runs, for a whole-set figure whose series were measured in different runs
(e.g. round 11's defaults on fresh2: the seasonal series from the shrink run, the others from the damped-growth run,
the business-day ones from the first run).

    python benchmarks/compose_runs.py OUT.json NEW_PREFIX BASE.json[+B2.json]:prefix [MORE.json[+M2.json]:prefix[:a,b]]

Every series of BASE.json is written with its statistical methods (naive, snaive, drift, autoarima, autoets) and its
`prefix`, `prefix-s1`, `prefix-s2` renamed NEW_PREFIX, NEW_PREFIX-s1, NEW_PREFIX-s2; a later file replaces those three
for the series it holds (only `series,...` when given). Read it with seed_table.py or geo_mixed.py as any run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STATS = ("naive", "snaive", "drift", "autoarima", "autoets")
SEEDS = ("", "-s1", "-s2")


def _series(paths: str) -> list[dict]:
    """The series of one results file, or of several joined with + (runs of other series)."""
    return [s for path in paths.split("+") for s in json.loads(Path(path).read_text())["series"]]


def _methods(path: str) -> dict[str, dict[str, dict]]:
    return {s["series"]: {r["method"]: r for r in s["methods"]} for s in _series(path)}


def compose(new: str, base: str, more: list[str]) -> dict:
    path, prefix = base.split(":")[:2]
    runs, fields = _methods(path), {s["series"]: {k: v for k, v in s.items() if k != "methods"} for s in _series(path)}
    out = {name: {k: dict(m[k]) for k in STATS if k in m} for name, m in runs.items()}
    for name, m in runs.items():
        for s in SEEDS:
            out[name][new + s] = dict(m[prefix + s], method=new + s)
    for spec in more:
        path, prefix, *only = spec.split(":")
        wanted = set(only[0].split(",")) if only else None
        for name, m in _methods(path).items():
            if name in out and (wanted is None or name in wanted) and prefix in m:
                for s in SEEDS:
                    out[name][new + s] = dict(m[prefix + s], method=new + s)
    return {
        "meta": {"composed_from": [base, *more], "prefix": new},
        "series": [fields[name] | {"methods": list(ms.values())} for name, ms in out.items()],
    }


def main(argv: list[str]) -> int:
    out, new, base, *more = argv
    Path(out).write_text(json.dumps(compose(new, base, more), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
