"""A panel of many series (issue 14's predict target): the one-row-per-series table, the format-3 panel
file (a few panel-wide arrays) beside format 2, and forecasts batched over series equal to one by one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import random_walk

from lstmcli.errors import ModelFileError
from lstmcli.modelfile import META_KEY
from lstmcli.panel import BULK, PANEL_FORMAT_VERSION, Panel
from lstmcli.render.panel import GROUPED_SERIES
from lstmcli.training import TrainConfig

DATA = Path(__file__).parent / "data"
V2_FILES = ("panel_v2", "panel_v2_global")


def frame(n_series: int, rows: int = 60) -> pd.DataFrame:
    """A long frame of `n_series` daily random walks (S00, S01, ...)."""
    return pd.concat(
        pd.DataFrame(
            {
                "unique_id": f"S{k:02d}",
                "ds": pd.date_range("2022-01-03", periods=rows, freq="B"),
                "y": random_walk(rows, seed=k, start=20.0 + 7 * k),
            }
        )
        for k in range(n_series)
    )


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """A panel model of GROUPED_SERIES + 5 tiny series (trained once)."""
    path = tmp_path_factory.mktemp("many") / "many.npz"
    Panel(TrainConfig(epochs=1, hidden=2, window=5)).fit(frame(GROUPED_SERIES + 5)).save(path)
    return path


# ---------------------------------------------------------------------------------------
# format 2 files (written by the code of ebe4184) load and forecast as they did


def steps(fc_dict: dict) -> list[tuple]:
    """The numbers and dates a forecast row carries (not every key: other keys may be added later)."""
    return [(r["step"], r["date"], r["forecast"], r.get("lower_80"), r.get("upper_80")) for r in fc_dict["forecast"]]


@pytest.mark.parametrize("name", V2_FILES)
def test_a_format_2_panel_file_loads_and_forecasts_as_it_did(name):
    expected = json.loads((DATA / "panel_v2_expected_forecasts.json").read_text())[name]
    with np.load(DATA / f"{name}.npz") as z:
        assert json.loads(z[META_KEY].tobytes())["format_version"] == 2
    panel = Panel.load(DATA / f"{name}.npz")
    forecasts = panel.predict(7, interval=0.8)
    assert list(forecasts) == list(expected) == ["AAA", "BBB", "CCC"]
    for sid, fc in forecasts.items():
        got, was = steps(fc.to_dict()), steps(expected[sid])
        assert [r[:3] for r in got] == [r[:3] for r in was]  # steps, dates, forecasts: exactly the same numbers
        # the 80% bands: the older code's per-step bands made monotone (each side the widest so far, in the
        # log-return models' log-ratio terms), as every band is since round 6 (conftest.assert_forecasts_as_before)
        mid = np.array([r[2] for r in was])
        for col, widest in ((3, np.minimum.accumulate), (4, np.maximum.accumulate)):
            old = np.array([r[col] for r in was])
            np.testing.assert_allclose([r[col] for r in got], mid * np.exp(widest(np.log(old / mid))), rtol=1e-12)


@pytest.mark.parametrize("name", V2_FILES)
def test_a_format_2_file_saved_again_is_format_3_with_the_same_models(tmp_path, name):
    old = Panel.load(DATA / f"{name}.npz")
    path = old.save(tmp_path / "v3.npz")
    with np.load(path) as z:
        files = set(z.files)
        meta = json.loads(z[META_KEY].tobytes())
    assert meta["format_version"] == PANEL_FORMAT_VERSION == 3
    assert files == {META_KEY} | {BULK + k for k in ("params.float32", "tail.values", "tail.dates")} | {
        BULK + "intervals.quantiles",
        BULK + "intervals.recent_errors",
    }
    assert len(meta["panel"]["networks"]) == (1 if "global" in name else 3)
    assert meta["panel"]["series"][0]["model"]["tail"]["values"] == {"shape": [250, 1]} or "shape" in str(
        meta["panel"]["series"][0]["model"]["tail"]
    )
    new = Panel.load(path)
    for sid, f in old.members.items():
        g = new.members[sid]
        assert f.info.to_dict() == g.info.to_dict()  # every number of the metadata, as format 2 held it
        for k in f.params:
            np.testing.assert_array_equal(f.params[k], g.params[k])
    if "global" in name:  # one network, shared by every series
        assert len({id(f.params) for f in new.members.values()}) == 1
    a, b = old.predict(7, interval=0.8), new.predict(7, interval=0.8)
    for sid in a:
        assert steps(a[sid].to_dict()) == steps(b[sid].to_dict())


def damaged(tmp_path, path: Path, change) -> Path:
    with np.load(path) as z:
        content = {k: z[k] for k in z.files}
    change(content)
    np.savez(tmp_path / "bad.npz", **content)
    return tmp_path / "bad.npz"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.update({BULK + "tail.values": c[BULK + "tail.values"][:-1]}), "fewer numbers"),
        (lambda c: c.update({BULK + "tail.values": np.append(c[BULK + "tail.values"], 1.0)}), "more numbers"),
        (lambda c: c.update({BULK + "params.float32": c[BULK + "params.float32"][:-3]}), "fewer numbers"),
        (lambda c: c.update({BULK + "params.float32": np.append(c[BULK + "params.float32"], 1)}), "more numbers"),
        (lambda c: c.pop(BULK + "params.float32"), "params.float32 is missing"),
        (lambda c: c.update({"s0.head.bias": np.zeros(1, np.float32)}), "belong to no series"),
        (lambda c: c.update({BULK + "tail.dates": c[BULK + "tail.dates"].reshape(-1, 1)}), "not flat"),
        (lambda c: c.update({BULK + "tail.dates": c[BULK + "tail.dates"].astype(np.int64)}), "holds int64"),
    ],
    ids=["tail-short", "tail-long", "params-short", "params-long", "params-missing", "stray", "shape", "dtype"],
)
def test_a_damaged_format_3_file_is_refused_with_a_message(tmp_path, many, change, message):
    with pytest.raises(ModelFileError, match=message):
        Panel.load(damaged(tmp_path, many, change))


def test_a_damaged_format_2_file_is_still_refused_with_its_series_named(tmp_path):
    bad = damaged(tmp_path, DATA / "panel_v2.npz", lambda c: c.pop("s1.head.bias"))
    with pytest.raises(ModelFileError, match=r"series 'BBB'.*missing head.bias"):
        Panel.load(bad)


# ---------------------------------------------------------------------------------------
# the table: one row per series beyond GROUPED_SERIES, grouped below it and for --series


def test_a_big_panel_prints_one_row_per_series_and_says_how_to_get_every_row(run, many):
    r = run("predict", "--model", str(many), "--days", "3")
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    rows = [line for line in lines if line.strip().startswith("S")]
    assert len(rows) == GROUPED_SERIES + 5  # one per series, not one per step
    assert "Forecast 3 steps ahead" in r.stdout and "one row per series" in r.stdout
    assert "last date" in r.stdout and "step 3" in r.stdout and "90% interval" in r.stdout
    assert f"lstm predict --days 3 --model {many} --series S00" in r.stdout
    assert "--output forecast.csv / --json (all 25 series)" in r.stdout
    # step 3's forecast and band, as --json says
    payload = json.loads(run("predict", "--model", str(many), "--days", "3", "--json").stdout)
    first = payload["series"][0]["forecast"][-1]
    cells = rows[0].split()
    assert cells[0] == "S00" and cells[-3:] == [f"{first['lower_90']:.2f}", "..", f"{first['upper_90']:.2f}"]
    assert f"{first['forecast']:.2f}" in cells


def test_a_series_selection_and_a_small_panel_keep_the_grouped_table(run, many, tmp_path):
    r = run("predict", "--model", str(many), "--days", "3", "--series", "S03,S07")
    assert r.exit_code == 0, r
    assert "per series" in r.stdout and "one row per series" not in r.stdout
    assert sum(line.strip("│ ").startswith(("S03", "S07")) for line in r.stdout.splitlines()) == 2  # step 1 rows
    assert "Every step with its bounds" not in r.stdout
    small = Panel(TrainConfig(epochs=1, hidden=2, window=5)).fit(frame(GROUPED_SERIES)).save(tmp_path / "s.npz")
    r = run("predict", "--model", str(small), "--days", "2")
    assert r.exit_code == 0, r
    assert "per series" in r.stdout and "one row per series" not in r.stdout


# ---------------------------------------------------------------------------------------
# forecasts batched over series (panel_forecast) equal the one-by-one forecasts exactly


@pytest.fixture(scope="module")
def mixed() -> Panel:
    """One panel of many kinds of models: shapes that batch together and apart, ensembles, float64, level and
    diff targets, two layers, with and without the level input, and models the batch leaves to the per-series path
    (direct, seasonal, the autoregressive skip)."""
    panel = Panel()
    kinds = [
        (TrainConfig(epochs=1, hidden=3, window=6), {}, "log-return"),
        (TrainConfig(epochs=1, hidden=3, window=6, seed=5), {}, "log-return"),  # same shape: the same batch
        (TrainConfig(epochs=1, hidden=4, window=5, layers=2), {}, "diff"),
        (TrainConfig(epochs=1, hidden=2, window=7, dtype="float64"), {}, "level"),
        (TrainConfig(epochs=1, hidden=2, window=6), {"ensemble": 3}, "log-return"),
        # without the level input (the default reads it): one input column less, a batch of its own
        (TrainConfig(epochs=1, hidden=3, window=6, level_input=False), {}, "log-return"),
        (TrainConfig(epochs=1, hidden=4, window=5, layers=2, level_input=False), {}, "diff"),
        (TrainConfig(epochs=1, hidden=2, window=6), {"strategy": "direct", "horizon": 9}, "log-return"),
        (TrainConfig(epochs=1, hidden=2, window=6), {"season": 5}, "log-return"),
        (TrainConfig(epochs=1, hidden=2, window=6, ar=3), {}, "log-return"),
    ]
    for k, (config, options, target) in enumerate(kinds):
        data = frame(2, rows=80)
        data["unique_id"] += f"k{k}"
        part = Panel(config, target, **options).fit(data)
        panel.members.update(part.members)
    return panel


def test_batched_forecasts_equal_the_forecasts_of_each_series_exactly(mixed):
    from lstmcli import panel_forecast

    assert len(mixed.ids) == 20
    assert sum(f.level is None for f in mixed.members.values()) == 4
    assert sum(panel_forecast.batchable(f) for f in mixed.members.values()) == 14  # direct, season, ar: one by one
    for days, interval in ((5, 0.9), (1, None), (9, 0.8)):
        batched = mixed.predict(days, interval=interval)
        assert list(batched) == mixed.ids
        for sid, f in mixed.members.items():
            one = f.predict(days, interval=interval)
            fc = batched[sid]
            np.testing.assert_array_equal(fc.values, one.values, err_msg=sid)  # exactly, not approximately
            for a, b in ((fc.lower, one.lower), (fc.upper, one.upper), (fc.dates, one.dates)):
                assert (a is None and b is None) or np.array_equal(a, b), sid
            assert fc.to_dict() == one.to_dict()


def test_the_batch_keeps_to_the_selection_and_to_newer_data(mixed):
    ids = mixed.ids
    f = mixed.members[ids[1]]
    values = np.r_[f.info.tail.values[:, 0], f.info.tail.values[-1, 0] * 1.01]  # one newer row
    newer = {ids[1]: (values, None)}
    out = mixed.predict(3, series=[ids[2], ids[1], ids[0]], newer=newer)
    assert list(out) == [ids[2], ids[1], ids[0]]
    np.testing.assert_array_equal(out[ids[1]].values, f.predict(3, values).values)
    np.testing.assert_array_equal(out[ids[0]].values, mixed.members[ids[0]].predict(3).values)


def test_the_one_row_table_names_each_last_date_when_the_series_end_apart_and_shows_names_literally(many):
    import io
    from dataclasses import replace

    from lstmcli.render.common import Console
    from lstmcli.render.panel import forecast_summary_table

    forecasts = Panel.load(many).predict(2)
    first = next(iter(forecasts))
    odd = "[bold]odd[/bold]"  # a name from a file, not markup
    fc = forecasts.pop(first)
    forecasts[odd] = replace(fc, dates=fc.dates + np.timedelta64(1, "D"))
    out = io.StringIO()
    Console(file=out, width=120, no_color=True).print(forecast_summary_table(forecasts, 2))
    text = out.getvalue()
    assert "step 2 date" in text and odd in text
    dates = {line.split()[3] for line in text.splitlines() if line.strip().startswith(("S", "["))}
    assert len(dates) == 2  # the odd series' step 2 is a day later


def test_the_every_row_line_quotes_names_a_shell_would_split():
    from lstmcli.render.panel import every_row_line

    line = every_row_line({"BRK B": None, "AAPL": None}, 5, "my models/panel.npz")
    assert "--model 'my models/panel.npz' --series 'BRK B' (one series)" in line
    assert "(all 2 series)" in line
    plain = every_row_line({"AAPL": None}, 5, None)
    assert "lstm predict --days 5 --series AAPL (one series)" in plain
