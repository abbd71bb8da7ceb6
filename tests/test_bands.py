"""`lstm predict --interval 0.5,0.9`: several bands, each named by its level in CSV/JSON/table and each
checked against the model's stored quantiles, as one band is."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from conftest import SAMPLE

from lstmcli.errors import OptionError
from lstmcli.intervals import parse_levels


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from lstmcli.data import read_prices
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    series = read_prices(SAMPLE / "daily_stock.csv")
    fc = Forecaster(TrainConfig(window=10, hidden=4, epochs=2, seed=0), "log-return")
    fc.fit(series, frequency=series.frequency, source=series.source)
    return str(fc.save(tmp_path_factory.mktemp("bands") / "m.npz"))


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_several_bands_in_csv_each_as_when_asked_alone(run, model):
    both = rows(run("predict", "--model", model, "--days", "6", "--interval", "0.9,0.5", "-o", "-").stdout)
    assert list(both[0]) == [
        "step", "date", "forecast", "change", "change_pct", "lower_50", "upper_50", "lower_90", "upper_90",
        "extrapolated",
    ]  # fmt: skip
    for level in ("50", "90"):
        alone = rows(run("predict", "--model", model, "--days", "6", "--interval", f"0.{level}", "-o", "-").stdout)
        for a, b in zip(alone, both, strict=True):
            assert a[f"lower_{level}"] == b[f"lower_{level}"] and a[f"upper_{level}"] == b[f"upper_{level}"]
    for r in both:  # nested: the 50% band inside the 90% band, around the forecast
        lo90, lo50, f, hi50, hi90 = (float(r[k]) for k in ("lower_90", "lower_50", "forecast", "upper_50", "upper_90"))
        assert lo90 < lo50 < hi50 < hi90 and lo90 < f < hi90


def test_several_bands_in_json_and_the_table(run, model):
    payload = json.loads(run("predict", "--model", model, "--interval", "0.5,0.9", "--json").stdout)
    assert payload["interval"] == 0.9 and payload["intervals"] == [0.5, 0.9]
    assert {"lower_50", "upper_50", "lower_90", "upper_90"} <= set(payload["forecast"][0])
    single = json.loads(run("predict", "--model", model, "--json").stdout)
    assert "intervals" not in single  # one band: the JSON is as before
    r = run("predict", "--model", model, "--interval", "0.5,0.9", "--no-chart")
    header = next(ln for ln in r.stdout.splitlines() if "date" in ln)
    for name in ("50% low", "50% high", "90% low", "90% high"):
        assert name in header
    assert max(len(ln) for ln in r.stdout.splitlines()[1:9]) <= 80  # fits 80 columns without cutting


def test_each_band_is_checked_against_the_stored_quantiles(run, model):
    r = run("predict", "--model", model, "--interval", "0.5,0.99")
    assert r.exit_code == 2 and "Error: --interval 0.99 is wider than this model can calibrate" in r.stderr


@pytest.mark.parametrize(
    ("text", "expected"), [("0.9", [0.9]), ("0.9,0.5", [0.5, 0.9]), ("0.5, 0.5,0.8", [0.5, 0.8]), ("0", [])]
)
def test_parse_levels(text, expected):
    assert parse_levels(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x", "'x' is not a number"),
        ("0.5,1", "1 is not a coverage"),
        ("0,0.5", "0 is not"),
        ("-0.1", "-0.1 is not possible"),
    ],
)
def test_parse_levels_refuses(text, words):
    with pytest.raises(OptionError, match=words):
        parse_levels(text)


def test_bands_in_the_plot(model, tmp_path):
    pytest.importorskip("matplotlib")
    from lstmcli.forecast import Forecaster
    from lstmcli.intervals import several_bands
    from lstmcli.render.plot import forecast_figure

    m = Forecaster.load(model)
    fc = m.predict(5, interval=0.9)
    fc.bands = several_bands(m.info.intervals, fc.values, [0.5, 0.9])
    np.testing.assert_array_equal(fc.bands[0.9][0], fc.lower)
    ax = forecast_figure(fc).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-2:] == ["50% interval", "90% interval"]


@pytest.mark.parametrize(("text", "fix"), [("95", "--interval 0.95"), ("50,90", "--interval 0.5"), ("99.5", "0.995")])
def test_parse_levels_reads_a_percentage_as_a_slip_and_names_the_share(text, fix):
    """`--interval 95` (statsforecast's level=95 habit) is refused naming the coverage it means."""
    with pytest.raises(OptionError) as e:
        parse_levels(text)
    assert fix in (e.value.hint or "")
