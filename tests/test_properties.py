"""Property-based tests: whatever text, bytes, options or model file a user has, the CLI either
succeeds or says one clear thing and exits 2. Never a traceback, never exit 1, never a broken model.

Each example runs the real entry point (`main()`, through the `run` fixture) in a fresh folder.
A failure here is a bug: hypothesis prints the smallest input that shows it.
"""

from __future__ import annotations

import functools
import io
import json
import math
import os
import string
import tempfile
from pathlib import Path

import numpy as np
from conftest import random_walk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstmcli import modelfile
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

FAST = ("--epochs", "1", "--hidden", "4", "--window", "3", "-q")
# CI runs a fixed set of 60 examples per property (fast, reproducible); for a long random hunt:
#   LSTM_PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py
_HUNT = int(os.environ.get("LSTM_PROPERTY_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=_HUNT or 60,
    deadline=None,
    derandomize=not _HUNT,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_clean_outcome(r, model: Path | None = None) -> None:
    """Exit 0, or exit 2 with one Error line as the last line of stderr; no traceback either way."""
    assert r.exit_code in (0, 2), r
    assert "Traceback" not in r.stdout + r.stderr, r
    if r.exit_code == 2:
        lines = r.stderr.strip().splitlines()
        assert lines and lines[-1].startswith("Error: "), r
        assert sum(line.startswith("Error: ") for line in lines) == 1, r
        assert len(lines) <= 2 and (len(lines) == 1 or lines[0].startswith("Read ")), r
    if model is not None and model.exists():
        modelfile.load(model)  # whatever is on disk is a complete, valid model


# ---------------------------------------------------------------------------------------
# random CSV text

NAMES = [
    "Date",
    "Close",
    "Adj Close",
    "Price",
    "Volume",
    "Open",
    "High",
    "time",
    "Datum",
    "Schluss",
    "x",
    "",
    "Close ",
    "日付",
    "Day",
]
CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda v: f"{v:.2f}"),
    st.floats(min_value=0.01, max_value=1e4).map(lambda v: f"{v:,.2f}"),  # thousands separators
    st.floats(min_value=0.01, max_value=1e4).map(lambda v: f"{v:.2f}".replace(".", ",")),  # decimal comma
    st.integers(-(10**6), 10**12).map(str),
    st.sampled_from(
        [
            "",
            "NaN",
            "null",
            "-",
            "n/a",
            "inf",
            "-inf",
            "$1,234.50",
            "(12.5)",
            "3.5%",
            "1.2M",
            "abc",
            "\u2212",
            "1e400",
            "--",
            "  ",
            '"',
            "'",
            "0",
            "-0",
        ]
    ),
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.dates().map(lambda d: d.strftime("%d.%m.%y")),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(string.printable, max_size=8),
    st.text(max_size=4),
)


@st.composite
def csv_texts(draw) -> str:
    delim = draw(st.sampled_from([",", ";", "\t", "|", " ", ":"]))
    width = draw(st.integers(1, 4))
    header = draw(st.lists(st.sampled_from(NAMES), min_size=width, max_size=width))
    n_rows = draw(st.integers(0, 40))
    style = draw(st.sampled_from(["cells", "series"]))
    rows = []
    if style == "series":  # mostly a well-formed dated series, with a few random cells
        start = np.datetime64(
            draw(st.dates(min_value=np.datetime64("1900-01-01").item(), max_value=np.datetime64("2200-01-01").item()))
        )
        scale = draw(st.sampled_from([1e-8, 1e-6, 1.0, 100.0, 1e9, 1e50, 1e120]))
        level = draw(st.floats(-2, 10))
        for i in range(n_rows):
            cells = [str(start + i), repr(scale * (level + math.sin(i)))] + [draw(CELLS) for _ in range(width - 2)]
            if draw(st.integers(0, 9)) == 0:
                cells[draw(st.integers(0, len(cells) - 1))] = draw(CELLS)
            rows.append(cells[:width] if width >= 2 else cells[1:2])
    else:
        rows = [[draw(CELLS) for _ in range(width + draw(st.integers(-1, 1)))] for _ in range(n_rows)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(delim.join(r) for r in [header, *rows]) + draw(st.sampled_from(["", newline]))


@SETTINGS
@given(text=csv_texts(), target=st.sampled_from(["log-return", "diff", "level"]))
def test_any_csv_text_trains_or_fails_cleanly(run, text, target):
    with tempfile.TemporaryDirectory() as tmp:
        csv, model = Path(tmp) / "p.csv", Path(tmp) / "m.npz"
        csv.write_text(text, encoding="utf-8", newline="")
        r = run("train", str(csv), *FAST, "--target", target, "--model", str(model))
        assert_clean_outcome(r, model)
        assert (r.exit_code == 0) == model.exists(), r


@SETTINGS
@given(raw=st.binary(max_size=600))
def test_any_bytes_train_or_fail_cleanly(run, raw):
    with tempfile.TemporaryDirectory() as tmp:
        csv, model = Path(tmp) / "p.csv", Path(tmp) / "m.npz"
        csv.write_bytes(raw)
        r = run("train", str(csv), *FAST, "--model", str(model))
        assert_clean_outcome(r, model)


# ---------------------------------------------------------------------------------------
# random options

_DAYS = np.busday_offset(np.datetime64("2022-01-03"), np.arange(70), roll="forward")
GOOD_CSV = "Date,Close,Volume\n" + "".join(
    f"{d},{100 + 5 * math.sin(i / 4) + i / 7:.3f},{1000 + 37 * i % 500}\n" for i, d in enumerate(_DAYS)
)

ints = lambda lo, hi, *extreme: st.one_of(st.integers(lo, hi), st.sampled_from(extreme))  # noqa: E731
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-1, 2), st.sampled_from([0.0, 1.0, 1e-300, 1e300, -0.0])
)


@SETTINGS
@given(
    window=ints(-2, 40, 0, 10**12),
    hidden=ints(-1, 8, 0, 5000, 10**9),
    layers=ints(-1, 2, 0, 65, 10**6),
    epochs=ints(-1, 2, 0, -(10**20)),
    batch_size=ints(-1, 80, 0, 10**15),
    lr=floats,
    val_fraction=floats,
    patience=ints(-1, 3, 0),
    seed=ints(-3, 2**64, -(2**70), 2**100),
    target=st.sampled_from(["log-return", "diff", "level", "Level", "", "returns"]),
    column=st.sampled_from([None, "Close", "close", "Volume", "Date", "Clos", ""]),
    features=st.sampled_from([None, "Volume", "Close", "Volume,Volume", "Nope", ",", "Volume,Date"]),
)
def test_any_training_options_train_or_fail_cleanly(
    run, window, hidden, layers, epochs, batch_size, lr, val_fraction, patience, seed, target, column, features
):
    with tempfile.TemporaryDirectory() as tmp:
        csv, model = Path(tmp) / "p.csv", Path(tmp) / "m.npz"
        csv.write_text(GOOD_CSV)
        args = [
            "train",
            str(csv),
            "-q",
            "--model",
            str(model),
            "--window",
            str(window),
            "--hidden",
            str(hidden),
            "--layers",
            str(layers),
            "--epochs",
            str(epochs),
            "--batch-size",
            str(batch_size),
            "--lr",
            repr(lr),
            "--val-fraction",
            repr(val_fraction),
            "--patience",
            str(patience),
            "--seed",
            str(seed),
            "--target",
            target,
        ]
        args += ["--column", column] if column is not None else []
        args += ["--features", features] if features is not None else []
        r = run(*args)
        assert_clean_outcome(r, model)


@functools.cache
def good_model(column: str = "Close") -> bytes:
    """A small trained model with dates and intervals, trained once (not a fixture: hypothesis would print it)."""
    days = np.busday_offset(np.datetime64("2022-01-03"), np.arange(120), roll="forward").astype("datetime64[s]")
    prices = random_walk(120, start=100, drift=0, vol=1, log=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.npz"
        Forecaster(TrainConfig(window=3, hidden=4, epochs=1)).fit(prices, days, [column]).save(path)
        return path.read_bytes()


@SETTINGS
@given(
    days=ints(-3, 400, 0, 10**6, -(10**9)),
    interval=floats,
    json_out=st.booleans(),
    data=st.one_of(st.none(), csv_texts()),
)
def test_any_predict_options_forecast_or_fail_cleanly(run, days, interval, json_out, data):
    model_bytes = good_model()
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "m.npz"
        model.write_bytes(model_bytes)
        args = ["predict", "--model", str(model), "--days", str(days), "--interval", repr(interval), "--no-chart"]
        args += ["--json"] if json_out else []
        if data is not None:
            (Path(tmp) / "new.csv").write_text(data, encoding="utf-8", newline="")
            args += ["--data", str(Path(tmp) / "new.csv")]
        r = run(*args)
        assert_clean_outcome(r)
        if r.exit_code == 0 and json_out:
            forecast = json.loads(r.stdout)["forecast"]
            assert len(forecast) == days
        assert model.read_bytes() == model_bytes


# ---------------------------------------------------------------------------------------
# random damage to a model file

JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8,
)


def _meta(model_bytes: bytes) -> tuple[dict, dict]:
    with np.load(io.BytesIO(model_bytes), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return arrays, json.loads(arrays.pop(modelfile.META_KEY).tobytes())


def _paths(node, prefix=()):
    """Every key path into a JSON tree (dict keys and list indices)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list) and len(node) <= 5:
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@SETTINGS
@given(data=st.data())
def test_any_metadata_damage_is_predicted_from_or_refused(run, data):
    arrays, meta = _meta(good_model())
    paths = [p for p in _paths(meta) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    action = data.draw(st.sampled_from(["replace", "delete"]), label="action")
    node = meta
    for key in path[:-1]:
        node = node[key]
    if action == "delete" and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = data.draw(JSON, label="value")
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "m.npz"
        blob = json.dumps(meta).encode()  # NaN and Infinity are written as JSON's non-standard tokens
        np.savez(model, **arrays, **{modelfile.META_KEY: np.frombuffer(blob, dtype=np.uint8)})
        for args in (("--days", "3", "--no-chart"), ("--days", "2", "--json")):
            r = run("predict", "--model", str(model), *args)
            assert_clean_outcome(r)


@SETTINGS
@given(data=st.data())
def test_any_byte_damage_to_a_model_file_is_refused_or_harmless(run, data):
    raw = bytearray(good_model())
    how = data.draw(st.sampled_from(["truncate", "flip", "overwrite"]), label="how")
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 8), label="count")):
            i = data.draw(st.integers(0, len(raw) - 1), label="offset")
            raw[i] = raw[i] ^ 0xFF if how == "flip" else data.draw(st.integers(0, 255), label="byte")
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "m.npz"
        model.write_bytes(bytes(raw))
        r = run("predict", "--model", str(model), "--days", "2", "--no-chart")
        assert_clean_outcome(r)


# ---------------------------------------------------------------------------------------
# the other verbs that read a CSV: backtest and inspect --data (a '[/x]' header crashed both)

MARKUP_NAMES = st.sampled_from(["[/x]", "[bold]", "[/]", "[red]Close", "a[b]c", "\\[x]", "[link=x]y"])


@st.composite
def csv_texts_with_markup(draw) -> str:
    """A random CSV text, or a well-formed dated series whose price column is named like Rich markup."""
    if draw(st.booleans()):
        return draw(csv_texts())
    n = draw(st.integers(0, 80))
    days = np.busday_offset(np.datetime64("2022-01-03"), np.arange(n), roll="forward")
    return f"Date,{draw(MARKUP_NAMES)}\n" + "".join(
        f"{d},{100 + math.sin(i / 3) + i / 9:.3f}\n" for i, d in enumerate(days)
    )


@SETTINGS
@given(text=csv_texts_with_markup(), days=st.integers(1, 4), every=st.integers(1, 3))
def test_any_csv_text_backtests_or_fails_cleanly(run, text, days, every):
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "[red]p.csv"  # a file name holding markup
        csv.write_text(text, encoding="utf-8", newline="")
        r = run("backtest", str(csv), *FAST, "--days", str(days), "--every", str(every), "--no-chart")
        assert_clean_outcome(r)


@SETTINGS
@given(text=csv_texts_with_markup())
def test_any_csv_text_traces_with_inspect_data_or_fails_cleanly(run, text):
    model_bytes = good_model("[/x]")  # the model's column is named like markup, as are the CSV's
    with tempfile.TemporaryDirectory() as tmp:
        model, csv = Path(tmp) / "m.npz", Path(tmp) / "[bold]p.csv"
        model.write_bytes(model_bytes)
        if text.startswith("Date,["):
            text = "Date,[/x]" + text[text.index("\n") :]
        csv.write_text(text, encoding="utf-8", newline="")
        r = run("inspect", "--step-trace", "--data", str(csv), "--model", str(model))
        assert_clean_outcome(r)
        assert model.read_bytes() == model_bytes
