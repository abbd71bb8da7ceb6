"""Shared fixtures: run the CLI in-process (CliRunner) or as the installed command."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lstmcli.cli import app, main

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data"


@pytest.fixture(scope="module")
def study():
    """benchmarks/accuracy_study.py as a module (the check-set tests read its specs)."""
    spec = importlib.util.spec_from_file_location("accuracy_study", REPO / "benchmarks" / "accuracy_study.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["accuracy_study"] = mod  # dataclasses look their module up there
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.modules.pop("accuracy_study", None)


def assert_check_set_files_whole(study, name: str, files: dict[str, tuple[int, str, str]]) -> None:
    """Every file of check set `name` as extracted: a Date,Value header, `files`' rows and first and last date, at least
    50 rows, dates rising, values finite; trading days (B) never on a weekend with prices above 0, other frequencies
    without a gap. (fresh2-fresh5's tests; fresh2's and fresh3's checked less before, and their files pass it.)"""
    import csv
    import itertools
    import math

    import pandas as pd

    for s in study.CHECK_SETS[name]:
        with open(study.CHECK / f"{s.name}.csv", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["Date", "Value"]
        dates, values = [r[0] for r in rows[1:]], [float(r[1]) for r in rows[1:]]
        assert (len(values), dates[0], dates[-1]) == files[s.name]
        assert len(values) >= 50, s.name
        assert all(a < b for a, b in itertools.pairwise(dates)), s.name
        assert all(math.isfinite(v) for v in values), s.name
        if s.freq == "B":  # real trading days: never a weekend; a price stays positive
            assert all(pd.Timestamp(d).weekday() < 5 for d in dates), s.name
            assert min(values) > 0, s.name
        else:  # monthly, quarterly, yearly and daily rows have no gap
            step = pd.tseries.frequencies.to_offset(s.freq)
            assert list(pd.date_range(dates[0], periods=len(dates), freq=step).strftime("%Y-%m-%d")) == dates, s.name


@pytest.fixture(autouse=True, scope="session")
def _calendar_cache(tmp_path_factory):
    """The exchange holidays lstm caches (calendars.compared_holidays) go to this test run's folder, not home."""
    os.environ["LSTMCLI_CACHE_DIR"] = str(tmp_path_factory.mktemp("lstmcli-cache"))


def write_csv(tmp_path: Path, text: str | bytes, name: str = "prices.csv") -> Path:
    """A CSV file in tmp_path holding `text` (str as UTF-8, bytes as they are)."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def read_csv(tmp_path: Path, text: str | bytes, **kw):
    """`data.read_prices` on a file holding `text`."""
    from lstmcli.data import read_prices

    return read_prices(write_csv(tmp_path, text), **kw)


def read_error(tmp_path: Path, text: str | bytes, *words: str, **kw):
    """Reading must raise DataError whose message + hint contain every word."""
    from lstmcli.errors import DataError

    with pytest.raises(DataError) as info:
        read_csv(tmp_path, text, **kw)
    full = str(info.value)
    for w in words:
        assert w in full, f"{w!r} not in {full!r}"
    return info.value


def random_walk(
    n: int,
    seed: int = 0,
    *,
    start: float = 50.0,
    drift: float = 0.0005,
    vol: float = 0.01,
    log: bool = True,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """The tests' synthetic prices, (n,): steps N(drift, vol) from `default_rng(seed)` (or `rng`, to draw more after).

    log=True: start * exp(cumsum(steps)), a geometric walk (drift and vol per step in log terms);
    log=False: start + cumsum(steps), an additive walk (drift and vol in price units).
    """
    rng = np.random.default_rng(seed) if rng is None else rng
    steps = np.cumsum(rng.normal(drift, vol, n))
    return start * np.exp(steps) if log else start + steps


def daily_csv(tmp_path, rows: int, seed: int = 0):
    """`p{rows}.csv` in tmp_path: a Date,Close file of `rows` days of `random_walk(rows, seed)` from 2001-01-01."""
    prices = random_walk(rows, seed)
    days = np.arange("2001-01-01", "2003-01-01", dtype="datetime64[D]")[:rows]
    csv = tmp_path / f"p{rows}.csv"
    csv.write_text("Date,Close\n" + "".join(f"{d},{p:.4f}\n" for d, p in zip(days, prices, strict=True)))
    return csv


def flat(text: str) -> str:
    """A table's (or --help's) text with the borders and wrapping gone, so that a wrapped cell still matches."""
    return " ".join(text.replace("│", " ").replace("┃", " ").split())


class Result:
    """What a user sees: exit code, stdout, stderr."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"Result(exit={self.exit_code}, stdout={self.stdout[-400:]!r}, stderr={self.stderr[-800:]!r})"


def invoke_main(runner: CliRunner, args, input: str | bytes | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `main(args)` in-process, through the real error handling."""
    code = 0
    with runner.isolation(input=input) as (out, err, _):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture
def run(monkeypatch):
    """Run `lstm ARGS...` in-process through `main()` (the real error handling), plain output."""
    runner = CliRunner()
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("LSTM_MODEL", raising=False)
    # `--debug` sets LSTM_DEBUG in os.environ (for the one process it runs in: here, pytest's). Set it
    # before deleting it so that monkeypatch records its absence and removes it again at teardown; a
    # bare delenv of an absent variable records nothing, and a later test's subprocesses inherited it.
    monkeypatch.setenv("LSTM_DEBUG", "")
    monkeypatch.delenv("LSTM_DEBUG")

    def _run(*args: str, input: str | bytes | None = None) -> Result:
        return Result(*invoke_main(runner, args, input))

    return _run


@pytest.fixture
def lstm_exe() -> str:
    """Path of the installed `lstm` console script (next to this Python, or on PATH)."""
    exe = Path(sys.executable).parent / "lstm"
    found = str(exe) if exe.exists() else shutil.which("lstm")
    if not found:
        pytest.skip("the lstm command is not installed")
    return found


def run_exe(
    exe: str,
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    timeout: float = 120,
    input: bytes | None = None,
) -> subprocess.CompletedProcess:
    """Run the installed command in a subprocess, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    full_env.pop("LSTM_MODEL", None) if "LSTM_MODEL" not in (env or {}) else None
    return subprocess.run([exe, *args], cwd=cwd, env=full_env, capture_output=True, timeout=timeout, input=input)


__all__ = ["REPO", "SAMPLE", "Result", "app", "run_exe"]


def rewrite_model(
    src: bytes | Path, dst: Path, *, meta: dict | None = None, arrays: dict | None = None, drop: tuple[str, ...] = ()
) -> Path:
    """A copy of model file `src` (its bytes or its path) at `dst`, with metadata replaced,
    arrays added or replaced, and arrays dropped: the raw material of broken-file tests."""
    import numpy as np

    from lstmcli import modelfile

    with np.load(io.BytesIO(src) if isinstance(src, bytes) else src, allow_pickle=False) as z:
        content = {k: z[k] for k in z.files if k not in drop}
    if meta is not None:
        content[modelfile.META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    content.update(arrays or {})
    np.savez(dst, **content)
    return dst


def assert_forecasts_as_before(got: dict, expected: dict) -> None:
    """`Forecast.to_dict()` of an old model file against what the older code wrote: every value the same,
    but the bands, which (since round 6) never narrow with the step: each side is the widest so far.

    `expected` holds the per-step bands; made monotone (in log-ratio terms around the forecast, as a
    log-return model's bands are built; the fixtures' steps are all calibrated), they must be the bands now.
    """
    first = expected["forecast"][0] if expected["forecast"] else {}
    bands = [k for k in first if k.startswith(("lower_", "upper_"))]

    def without_bands(d: dict) -> dict:
        return {**d, "forecast": [{k: v for k, v in r.items() if k not in bands} for r in d["forecast"]]}

    assert without_bands(got) == without_bands(expected)
    fc = np.array([r["forecast"] for r in expected["forecast"]])  # (days,)
    for key in bands:
        old = np.array([r[key] for r in expected["forecast"]])  # (days,) per-step, as the older code wrote
        widest = np.minimum.accumulate if key.startswith("lower_") else np.maximum.accumulate
        np.testing.assert_allclose([r[key] for r in got["forecast"]], fc * np.exp(widest(np.log(old / fc))), rtol=1e-12)
