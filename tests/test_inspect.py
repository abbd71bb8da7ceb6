"""`lstm inspect`: the step trace is the engine's own forward pass, readable, and machine-readable.

Models are trained for 2 epochs through the Python API (fast); what is tested is that the
trace shows exactly the numbers that train and forecast, not that the model is good.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE, random_walk

from lstmcli import engine, example, explain
from lstmcli.cli.inspect import parse_steps, parse_units
from lstmcli.errors import OptionError
from lstmcli.forecast import Forecaster
from lstmcli.modelfile import Tail
from lstmcli.trace import to_dict, top_units, trace
from lstmcli.training import TrainConfig
from lstmcli.transforms import Scaler


def _series(n: int = 160, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    prices = random_walk(n, seed)  # (n,)
    dates = np.busday_offset("2024-01-01", np.arange(n), roll="forward").astype("datetime64[s]")
    return prices, dates


def _model(tmp: Path, name: str, *, hidden: int, layers: int, target: str = "log-return", window: int = 8) -> Path:
    prices, dates = _series()
    fc = Forecaster(TrainConfig(window=window, hidden=hidden, layers=layers, epochs=2, seed=1), target)
    fc.fit(prices, dates, ["Close"], frequency="B", source="prices.csv")
    return fc.save(tmp / name)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("models")
    return {
        "1x4": _model(tmp, "m1.npz", hidden=4, layers=1),
        "2x3-level": _model(tmp, "m2.npz", hidden=3, layers=2, target="level"),
        "1x1-diff": _model(tmp, "m3.npz", hidden=1, layers=1, target="diff"),
        "2x32": _model(tmp, "m32.npz", hidden=32, layers=2, window=12),
    }


@pytest.fixture(scope="module")
def seed_model(tmp_path_factory) -> Path:
    """The seed's weights in a model file: identity scaler and head, company A's prices as the data."""
    tmp = tmp_path_factory.mktemp("seed")
    # the level input off: the seed's weights read one input, the scaled price (weight_ih_l0 is (4, 1))
    fc = Forecaster(TrainConfig(window=4, hidden=1, layers=1, epochs=1, dtype="float64", level_input=False), "level")
    fc.fit(np.linspace(0, 1, 40), source="seed")
    fc.params = example.seed_params()
    fc.info = replace(
        fc.info,
        scaler=Scaler(np.zeros(1), np.ones(1)),
        tail=Tail(np.array([[v] for v in example.COMPANIES["A"]], dtype=np.float64), None),
        data=replace(fc.info.data, rows=4),
    )
    return fc.save(tmp / "seed.npz")


# ---------------------------------------------------------------------------------------
# the numbers are the engine's own


@pytest.mark.parametrize("name", ["1x4", "2x3-level", "1x1-diff", "2x32"])
def test_trace_equals_predict_bit_for_bit(models, name):
    fc = Forecaster.load(models[name])
    t = trace(fc)
    fcst = fc.predict(1, interval=None)
    assert np.array_equal(t.forecast[:1], fcst.values), (t.forecast, fcst.values)
    # the head reads the traced final short-term memory, and engine.predict agrees on the same window
    h_last = t.record.layers[-1].hidden_new[-1]  # (1, H)
    head = h_last @ fc.params["head.weight"].T + fc.params["head.bias"]  # (1, O)
    assert np.array_equal(head[0], t.head)
    assert np.array_equal(engine.predict(fc.params, t.scaled[None]), t.head[None])
    assert np.array_equal(t.record.state[-1][0], h_last)


def test_trace_at_a_row_equals_predict_from_the_data_up_to_it(models):
    fc = Forecaster.load(models["2x3-level"])
    prices, dates = _series()
    t = trace(fc, prices, dates, at=100)
    fcst = fc.predict(1, prices[:101], dates[:101], interval=None)
    assert np.array_equal(t.forecast[:1], fcst.values)
    assert t.rows[-1] == 100 and t.actual[0] == prices[101] and t.forecast_date == dates[101]
    assert trace(fc, prices, dates, date=str(dates[100])[:10]).rows[-1] == 100


def test_trace_inputs_are_labelled_raw_transformed_scaled(models):
    fc = Forecaster.load(models["1x4"])  # log-return
    prices, dates = _series()
    t = trace(fc, prices, dates)
    W = fc.config.window
    assert np.array_equal(t.prices[:, 0], prices[-W:])
    assert np.allclose(t.transformed[:, 0], np.diff(np.log(prices[-W - 1 :])))
    assert t.input_names == ["Close", "level vs mean"] and t.scaled.shape == (W, 2)  # the default's level input
    assert np.allclose(t.scaled[:, :1], (t.transformed - t.scale_mean) / t.scale_std)
    # the level column: log price of each row vs the window's mean log price, over the fitted scale
    logp = np.log(prices[-W:])
    assert np.allclose(t.scaled[:, 1], (logp - logp.mean()) / fc.level.scale)
    assert np.array_equal(t.record.layers[0].inputs[:, 0], t.scaled.astype(np.float32))


def test_json_round_trips_every_gate_value(run, models):
    path = models["2x3-level"]
    r = run("inspect", "--step-trace", "--json", "--model", str(path))
    assert r.exit_code == 0, r
    payload = json.loads(r.stdout)
    t = trace(Forecaster.load(path))
    dtype = t.record.layers[0].gates.dtype
    for k, rec in enumerate(t.record.layers):
        lay = payload["layers"][k]
        for key in (
            "forget_gate",
            "input_gate",
            "candidate",
            "output_gate",
            "cell_prev",
            "cell_new",
            "hidden_prev",
            "hidden_new",
            "tanh_cell",
            "inputs",
        ):
            assert np.array_equal(np.array(lay[key], dtype=dtype), getattr(rec, key)[:, 0]), key
        for g in engine.GATES:
            assert np.array_equal(np.array(lay["pre_activation"][g], dtype=dtype), rec.pre_activation(g)[:, 0])
    assert payload["forecast"]["price"] == t.forecast.tolist()
    assert [s["scaled"] for s in payload["steps"]] == t.scaled.astype(np.float64).tolist()
    assert payload == json.loads(
        json.dumps(to_dict(t, Forecaster.load(path).params, Forecaster.load(path).info) | {"model": payload["model"]})
    )


# ---------------------------------------------------------------------------------------
# what a user sees


def test_step_trace_of_a_32_unit_2_layer_model_fits_100_columns(run, models, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    wide = set(run("inspect", "--step-trace", "--model", str(models["2x32"])).stdout.splitlines())
    monkeypatch.setenv("COLUMNS", "100")
    r = run("inspect", "--step-trace", "--model", str(models["2x32"]))
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()  # piped: only sentences (one line each, as at 400 columns) are wider
    narrow = [line for line in lines if line not in wide]
    assert all(len(line) <= 100 for line in narrow), max(narrow, key=len)
    assert all(len(line) <= 100 for line in lines if line.startswith(" ") or "─" in line)  # the tables' lines
    assert "…" not in r.stdout  # no column squeezed into an ellipsis
    assert "Showing steps 8..12 of 12" in r.stdout and "8 of 32 units" in r.stdout
    assert r.stdout.count("Step ") >= 5 and "Forecast for" in r.stdout


def test_top_units_are_the_busiest_cells(models):
    t = trace(Forecaster.load(models["2x32"]))
    rec = t.record.layers[0]
    change = np.abs(np.diff(rec.cell[:, 0], axis=0)).sum(axis=0)  # (H,)
    assert set(top_units(rec, 3)) == set(np.argsort(change)[-3:].tolist())


def test_step_trace_options_choose_layer_units_steps(run, models):
    r = run("inspect", "--model", str(models["2x32"]), "--layer", "1", "--units", "0,5", "--steps", "first:2")
    assert r.exit_code == 0, r
    assert "Step 1/12" in r.stdout and "Step 2/12" in r.stdout and "Step 3/12" not in r.stdout
    rows = [line.split() for line in r.stdout.splitlines() if re.match(r"\s+\d+\s+\d\.\d{3}\s", line)]
    assert [row[0] for row in rows] == ["0", "5", "0", "5"]


def test_one_unit_model_explains_by_default_with_the_arithmetic(run, models):
    r = run("inspect", "--step-trace", "--model", str(models["1x1-diff"]))
    assert r.exit_code == 0, r
    out = r.stdout
    assert "Stage 1 - forget gate" in out and "Stage 3 - output gate" in out
    assert re.search(r"-> sigmoid -> \d\.\d+", out) and "It keeps" in out
    assert "change" in out and "scaled" in out  # the diff target is labelled beside the raw price
    assert "Stage 1" not in run("inspect", "--step-trace", "--no-explain", "--model", str(models["1x1-diff"])).stdout


def test_explain_sums_add_up_for_many_units(models):
    t = trace(Forecaster.load(models["2x32"]))
    params = Forecaster.load(models["2x32"]).params
    v = explain.step_values(params, t.record.layers[1], layer=1, t=3, unit=7)
    lines = explain.explain_step(v)
    text = "\n".join(lines)
    assert "[short-term memories of 32 units . weights]" in text and "[32 inputs . weights]" in text
    forget_line = next(line for line in lines if line.strip().startswith("[short-term"))
    lhs, rhs = forget_line.split(" = ")
    terms = [float(part.split()[-1].strip("()")) for part in lhs.split(" + ")]  # (3,): two sums and the bias
    assert len(terms) == 3 and float(rhs) == float(explain.num(v.pre[engine.FORGET_GATE]))
    assert abs(sum(terms) - float(v.pre[engine.FORGET_GATE])) < 2e-4  # the 3 shown numbers, each rounded to 4 places


def test_seed_weights_through_the_step_trace_give_the_seeds_company_a(run, seed_model):
    r = run("inspect", "--step-trace", "--model", str(seed_model))
    assert r.exit_code == 0, r
    out = r.stdout
    # the seed's first block from zero memories, in its own arithmetic
    assert "0 x 2.70 + 0 x 1.63 + 1.62 = 1.62" in out
    for v in ("0.835", "0.650", "-0.310", "0.643", "-0.201", "-0.128", "0.943", "+0.006"):
        assert v in out, v
    assert re.search(r"Forecast for the next step \(row 4\): value 0\.006\d", out)  # the seed: "about 0"


def test_a_one_unit_default_model_shows_its_level_column_in_the_unit_table(run, tmp_path):
    """The default's level input is an input of layer 0: the one-row-per-step table (one unit) shows it."""
    path = _model(tmp_path, "one.npz", hidden=1, layers=1, window=4)
    t = trace(Forecaster.load(path))
    assert t.input_names == ["Close", "level vs mean"]
    r = run("inspect", "--step-trace", "--steps", "all", "--no-explain", "--model", str(path))
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    top = next(k for k, line in enumerate(lines) if line.startswith("Layer 0: one row per step"))
    rule = next(k for k in range(top, len(lines)) if lines[k].lstrip().startswith("───"))
    assert "level" in "".join(lines[top + 1 : rule]), r.stdout  # the column's header (wrapped at this width)
    rows = lines[rule + 1 : rule + 5]
    for s, line in enumerate(rows):  # step, date, Close, log-return, scaled input, level vs mean, the gates ...
        assert f" {t.scaled[s, 0]:+.3f} {t.scaled[s, 1]:+.3f} " in " ".join(line.split()), line


def test_the_stages_heading_names_the_inputs_the_stages_list(run, tmp_path):
    """With a level column the stages' "input a, b" are two numbers: the heading names them, in that order."""
    from lstmcli.explain import num

    path = _model(tmp_path, "one.npz", hidden=1, layers=1, window=4)
    t = trace(Forecaster.load(path))
    r = run("inspect", "--step-trace", "--steps", "1", "--model", str(path))
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    a, b = num(float(t.scaled[-1, 0])), num(float(t.scaled[-1, 1]))
    assert f"(inputs: scaled Close {a}, level vs mean {b})" in text, text
    assert f"input {a}, {b}." in text
    # one input (no level input): the heading names it in the singular
    prices, dates = _series()
    one = Forecaster(TrainConfig(window=4, hidden=1, epochs=2, seed=1, level_input=False), "log-return")
    path = one.fit(prices, dates, ["Close"], frequency="B", source="prices.csv").save(tmp_path / "plain.npz")
    r = run("inspect", "--step-trace", "--steps", "1", "--model", str(path))
    assert r.exit_code == 0, r
    a = num(float(trace(Forecaster.load(path)).scaled[-1, 0]))
    assert f"(input: scaled Close {a})" in " ".join(r.stdout.split()), r.stdout


def test_seed_example_numbers_in_explain_output(run):
    r = run("inspect", "--example")
    assert r.exit_code == 0, r
    for text in (
        "1 x 2.70 + 1 x 1.63 + 1.62 = 5.95",
        "-> sigmoid -> 0.9974",
        "keeps 99.7% of the long-term memory",
        "tanh -> 0.9661",
        "0.9862 x 0.9661 = 2.9476",
        "0.9917 x 0.9945 = 0.9862",
    ):
        assert text in r.stdout, text


def test_summary_and_weights(run, models):
    r = run("inspect", "--model", str(models["2x3-level"]))
    assert r.exit_code == 0, r
    for text in ("format", "version 1", "prices.csv", "2 layers x 3 LSTM units", "level", "validation"):
        assert text in r.stdout, text
    r = run("inspect", "--weights", "--model", str(models["2x3-level"]))
    assert r.exit_code == 0, r
    assert "weight_hh_l1 (12, 3)" in r.stdout and "Layer 1, forget gate" in r.stdout and "Head:" in r.stdout
    r = run("inspect", "--weights", "--json", "--model", str(models["2x3-level"]))
    w = json.loads(r.stdout)["parameters"]
    # two input columns by default: the price and the level vs the window's mean
    assert w["weight_ih_l0"]["shape"] == [12, 2] and len(w["head.weight"]["values"][0]) == 3


def test_step_trace_over_a_csv_at_a_date(run, tmp_path):
    prices = SAMPLE / "seed_companies.csv"
    fc = Forecaster(TrainConfig(window=4, hidden=1, epochs=2), "level")
    from lstmcli import data

    s = data.read_prices(prices)
    fc.fit(s.values, s.dates, s.columns, frequency=s.frequency, source=str(prices))
    path = fc.save(tmp_path / "seed-model.npz")
    r = run("inspect", "--step-trace", "--model", str(path), "--data", str(prices), "--date", "2023-01-04")
    assert r.exit_code == 0, r
    assert "rows 0..3" in r.stdout and "2023-01-04" in r.stdout and "Actual value on that row: 0.9834" in r.stdout
    r = run("inspect", "--step-trace", "--model", str(path), "--at", "3")  # not in the stored tail
    assert r.exit_code == 2 and "--data" in r.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--layer", "2"], "--layer 2 does not exist"),
        (["--units", "0,40"], "unit 40 does not exist"),
        (["--at", "5000"], "--at 5000 is outside the data"),
        (["--at", "2"], "too early"),
        (["--date", "1999-01-01"], "--date 1999-01-01 is not in"),
        (["--date", "soon"], "is not a date"),
        (["--steps", "3-99"], "--steps 3-99"),
        (["--steps", "x"], "--steps 'x' is not understood"),
        (["--top", "0"], "--top 0"),
    ],
)
def test_user_errors_are_one_line(run, models, args, message):
    r = run("inspect", "--step-trace", "--model", str(models["2x32"]), *args)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("Error:") and message in r.stderr and "Traceback" not in r.stderr


def test_no_model_file_says_how_to_get_one(run, tmp_path):
    r = run("inspect", "--step-trace", "--model", str(tmp_path / "none.npz"))
    assert r.exit_code == 2 and "no model file" in r.stderr and "lstm inspect --example" in r.stderr


def test_parse_steps_and_units():
    assert parse_steps("all", 4) == [0, 1, 2, 3]
    assert parse_steps("2", 10) == [8, 9] == parse_steps("last:2", 10)
    assert parse_steps("first:3", 10) == [0, 1, 2]
    assert parse_steps("2-4", 10) == [1, 2, 3] == parse_steps("2..4", 10)
    assert parse_units("all", 8) is None
    assert parse_units("5,0-2", 8) == [0, 1, 2, 5]
    with pytest.raises(OptionError):
        parse_units("8", 8)
    with pytest.raises(OptionError):
        parse_steps("0", 8)


# ---------------------------------------------------------------------------------------
# the linear autoregressive part (--ar)


def test_step_trace_splits_the_output_into_lstm_and_linear_parts(run, tmp_path):
    """lstm train --ar 3: the trace shows LSTM part + linear part = output, and the parts are the engine's."""
    csv, model = tmp_path / "p.csv", tmp_path / "ar.npz"
    prices, dates = _series()
    csv.write_text(
        "Date,Close\n" + "".join(f"{str(d)[:10]},{float(p)!r}\n" for d, p in zip(dates, prices, strict=True))
    )
    r = run(
        "train",
        str(csv),
        "--ar",
        "3",
        "--window",
        "8",
        "--hidden",
        "4",
        "--epochs",
        "3",
        "-q",
        "--model",
        str(model),
        "--ensemble",
        "1",
    )
    assert r.exit_code == 0, r
    assert "plus a linear part on the last 3 values (--ar)" in " ".join(r.stdout.split())  # the training summary
    fc = Forecaster.load(model)
    assert fc.config.ar == 3 and fc.params[engine.AR_WEIGHT].shape == (1, 3)
    t = trace(fc)
    lstm_part = t.record.layers[-1].hidden_new[-1] @ fc.params["head.weight"].T + fc.params["head.bias"]  # (1, 1)
    linear = t.scaled[None, -3:, 0] @ fc.params[engine.AR_WEIGHT].T  # (1, 1)
    np.testing.assert_allclose(t.record.linear, linear, rtol=1e-6)
    np.testing.assert_allclose(t.head, (lstm_part + linear)[0], rtol=1e-6)
    assert np.array_equal(t.forecast[:1], fc.predict(1, interval=None).values)
    r = run("inspect", "--step-trace", "--model", str(model))
    assert r.exit_code == 0, r
    text = " ".join(r.stdout.split())
    expected = (
        f"output: LSTM part {float(lstm_part[0, 0]):+.4f} + linear part {float(linear[0, 0]):+.4f} = {t.head[0]:+.4f}"
    )
    assert expected in text, text
    assert "(LSTM part, scaled, from the last step's short-term memory)" in text and "linear part: " in text
    head = json.loads(run("inspect", "--step-trace", "--json", "--model", str(model)).stdout)["head"]
    assert head["lstm_part_scaled"][0] + head["linear_part_scaled"][0] == pytest.approx(head["output_scaled"][0])
    summary = " ".join(run("inspect", "--model", str(model)).stdout.split())
    assert "plus a linear part on the last 3 scaled 'Close' values (--ar 3)" in summary


def test_ar_longer_than_the_window_is_one_error_line(run, tmp_path):
    r = run(
        "train", str(SAMPLE / "daily_stock.csv"), "--ar", "40", "--window", "10", "--model", str(tmp_path / "m.npz")
    )
    assert r.exit_code == 2, r
    assert r.stderr.startswith("Error:") and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "--ar 40 is not possible" in r.stderr and "0 (none) to the window, 10" in r.stderr
    assert not (tmp_path / "m.npz").exists()


def test_ar_with_auto_is_one_error_line(run, tmp_path):
    r = run("train", str(SAMPLE / "daily_stock.csv"), "--auto", "--ar", "5", "--model", str(tmp_path / "m.npz"))
    assert r.exit_code == 2, r
    assert r.stderr.startswith("Error:") and "--ar cannot be combined with --auto" in r.stderr
    assert not (tmp_path / "m.npz").exists()
