"""Charts you can keep (`--plot FILE`): valid PNG/SVG/HTML of the documented size, dated axes; and
the terminal chart's dated x-axis. The file tests skip where matplotlib (lstmcli[plot]) is absent."""

from __future__ import annotations

import importlib.util
import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import SAMPLE

SVG = "{http://www.w3.org/2000/svg}"


def png_size(raw: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk (the first chunk, by the PNG spec)."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", raw[:8]
    length, kind = struct.unpack(">I4s", raw[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", raw[16:24])


def svg_root(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg"
    return root


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A small daily model with an interval (trained once for this module)."""
    from lstmcli.data import read_prices
    from lstmcli.forecast import Forecaster
    from lstmcli.training import TrainConfig

    series = read_prices(SAMPLE / "daily_stock.csv")
    fc = Forecaster(TrainConfig(window=10, hidden=4, epochs=2, seed=0), "log-return")
    fc.fit(series, frequency=series.frequency, source=series.source)
    path = tmp_path_factory.mktemp("plot") / "m.npz"
    fc.save(path)
    return path


def test_predict_plot_png_svg_html(run, model, tmp_path):
    pytest.importorskip("matplotlib")
    png, svg, page = tmp_path / "f.png", tmp_path / "f.svg", tmp_path / "f.html"
    for path in (png, svg, page):
        r = run("predict", "--model", str(model), "--days", "7", "--plot", str(path))
        assert r.exit_code == 0, r
        assert f"Wrote the chart to {path}" in r.stderr.replace("\n", "")
    assert png_size(png.read_bytes()) == (1000, 500)
    root = svg_root(svg.read_text())
    assert root.get("width") == "720pt" and root.get("height") == "360pt"
    text = " ".join(t.text or "" for t in root.iter(SVG + "text")) + svg.read_text()
    assert "90% interval" in svg.read_text()  # the band's legend (matplotlib draws text as paths; ids keep it)
    assert text
    doc = page.read_text()
    assert doc.startswith("<!DOCTYPE html>") and "</html>" in doc
    inline = doc[doc.index("<svg") : doc.index("</svg>") + len("</svg>")]
    assert svg_root(inline).get("width") == "720pt"
    assert "<script" not in doc and "src=" not in doc  # self-contained


def test_the_png_has_a_dated_axis_and_the_band(model, tmp_path):
    """The figure itself: x values are the dates of history and forecast; the band is drawn."""
    pytest.importorskip("matplotlib")
    import matplotlib.dates as mdates

    from lstmcli.forecast import Forecaster
    from lstmcli.render.plot import forecast_figure

    fc = Forecaster.load(model).predict(5, interval=0.9)
    fig = forecast_figure(fc)
    ax = fig.axes[0]
    forecast = ax.get_lines()[1]
    xf = mdates.num2date(forecast.get_xdata(orig=False))
    assert [d.strftime("%Y-%m-%d") for d in xf[1:]] == [str(d)[:10] for d in fc.dates]
    assert len(ax.collections) == 1  # the interval band
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["history", "forecast", "90% interval"]


def test_backtest_plot(run, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "bt.png"
    r = run(
        "backtest", str(SAMPLE / "daily_stock.csv"), "--days", "3", "--every", "10", "--epochs", "2",
        "--hidden", "4", "--window", "10", "-q", "--plot", str(out),
    )  # fmt: skip
    assert r.exit_code == 0, r
    assert png_size(out.read_bytes()) == (1000, 500)


def test_plot_refuses_an_unknown_suffix_before_any_work(run, model, tmp_path):
    r = run("predict", "--model", str(model), "--plot", str(tmp_path / "f.jpg"))
    assert r.exit_code == 2 and "Error: --plot" in r.stderr and ".png, .svg, .html" in r.stderr
    assert not (tmp_path / "f.jpg").exists()


def test_plot_without_matplotlib_says_how_to_install_it(run, model, tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "matplotlib" else real(n, *a))
    r = run("predict", "--model", str(model), "--plot", str(tmp_path / "f.png"))
    assert r.exit_code == 2 and "pip install 'lstmcli[plot]'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_terminal_chart_x_axis_shows_dates(model):
    from lstmcli.forecast import Forecaster
    from lstmcli.render.predict import forecast_chart

    fc = Forecaster.load(model).predict(5, interval=0.9)
    text = re.sub(r"\x1b\[[0-9;]*m", "", forecast_chart(fc, width=60))
    year = str(fc.dates[-1])[:4]
    assert re.search(rf"{year}-\d\d", text), text  # date labels, not step numbers
    assert "steps from the last" not in text
    assert np.datetime64(fc.last_date) < fc.dates[0]
