"""Excel workbooks (.xlsx) and Parquet files: read through pandas, then the CSV reader's rules.

The files are made in each test (openpyxl / pyarrow through pandas); the tests that need an
optional extra skip where it is not installed, and the ones without it check the install hint.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from conftest import random_walk, write_csv

from lstmcli.data import read_prices
from lstmcli.errors import DataError, OptionError


def _frame(n: int = 60, seed: int = 0) -> pd.DataFrame:
    dates = pd.bdate_range("2024-01-02", periods=n)
    close = random_walk(n, seed)
    return pd.DataFrame({"Date": dates, "Open": close * 0.99, "Close": close, "Volume": np.arange(n) * 1000.0})


def _csv_of(frame: pd.DataFrame, tmp_path) -> object:
    return read_prices(write_csv(tmp_path, frame.to_csv(index=False, date_format="%Y-%m-%d"), "same.csv"))


def test_xlsx_reads_like_the_csv_of_the_same_table(tmp_path):
    pytest.importorskip("openpyxl")
    frame = _frame()
    path = tmp_path / "prices.xlsx"
    frame.to_excel(path, index=False, sheet_name="Prices")
    s = read_prices(path)
    c = _csv_of(frame, tmp_path)
    assert s.columns == ["Close"] == c.columns
    np.testing.assert_allclose(s.values, c.values, rtol=1e-15)  # openpyxl stores 16 significant digits
    np.testing.assert_array_equal(s.dates, c.dates)
    assert s.frequency == "B" == c.frequency
    assert s.sha256 != c.sha256  # of the workbook's own bytes


def test_xlsx_sheet_by_name_or_number_and_a_note_when_several(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"Note": ["read me"]}).to_excel(w, sheet_name="About", index=False)
        _frame(40, 1).to_excel(w, sheet_name="MSFT", index=False)
        _frame(50, 2).to_excel(w, sheet_name="AAPL", index=False)
    by_name = read_prices(path, sheet="AAPL")
    by_number = read_prices(path, sheet="3")
    assert len(by_name.values) == len(by_number.values) == 50
    np.testing.assert_array_equal(by_name.values, by_number.values)
    assert "read sheet 'AAPL' of 3" in by_name.notes
    with pytest.raises(OptionError) as e:
        read_prices(path, sheet="MSTF")
    assert "did you mean 'MSFT'" in str(e.value) and "'About', 'MSFT', 'AAPL'" in str(e.value)
    with pytest.raises(OptionError, match="from 1 to 3"):
        read_prices(path, sheet="4")
    with pytest.raises(DataError):  # the first sheet holds no prices
        read_prices(path)


def test_xlsx_with_a_title_row_excel_dates_and_empty_cells(tmp_path):
    pytest.importorskip("openpyxl")
    frame = _frame(30)
    frame.loc[5, "Close"] = np.nan  # an empty cell: forward-filled as in a CSV
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame([["ACME Historical Data"]]).to_excel(w, index=False, header=False, sheet_name="S")
        frame.to_excel(w, index=False, startrow=2, sheet_name="S")
    s = read_prices(path)
    assert len(s.values) == 30 and s.frequency == "B"
    assert s.values[5, 0] == s.values[4, 0]
    assert any("before the header" in n for n in s.notes)
    assert any("filled" in n for n in s.notes)


def test_parquet_reads_like_the_csv_including_a_date_index(tmp_path):
    pytest.importorskip("pyarrow")
    frame = _frame()
    plain = tmp_path / "plain.parquet"
    frame.to_parquet(plain, index=False)
    indexed = tmp_path / "indexed.parquet"
    frame.set_index("Date").to_parquet(indexed)  # pandas' usual price frame: dates as the index
    c = _csv_of(frame, tmp_path)
    for path in (plain, indexed):
        s = read_prices(path)
        np.testing.assert_array_equal(s.values, c.values)
        np.testing.assert_array_equal(s.dates, c.dates)
        assert s.frequency == "B"
    with pytest.raises(OptionError, match="no sheets"):
        read_prices(plain, sheet="1")


def test_parquet_keeps_time_zones(tmp_path):
    pytest.importorskip("pyarrow")
    times = pd.date_range("2024-03-01 14:30", periods=40, freq="h", tz="UTC")
    path = tmp_path / "bars.parquet"
    pd.DataFrame({"time": times, "close": random_walk(40)}).to_parquet(path)
    s = read_prices(path)
    assert s.timezone == "UTC"
    assert str(s.dates[0]) == "2024-03-01T14:30:00"


def test_sheet_on_a_csv_is_refused(tmp_path):
    path = write_csv(tmp_path, "Date,Close\n2024-01-02,1\n2024-01-03,2\n")
    with pytest.raises(OptionError, match="not an Excel workbook"):
        read_prices(path, sheet="1")


@pytest.mark.parametrize(("module", "extra", "magic"), [("openpyxl", "xlsx", None), ("pyarrow", "parquet", b"PAR1")])
def test_without_the_extra_the_error_says_how_to_install_it(tmp_path, monkeypatch, module, extra, magic):
    if magic is None:  # a real (tiny) workbook's bytes
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
        raw = buf.getvalue()
    else:
        raw = magic + b"\x00" * 64
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    with pytest.raises(DataError) as e:
        read_prices(raw, name=f"prices.{extra}")
    assert f"pip install 'lstmcli[{extra}]'" in str(e.value)


def test_cli_trains_on_a_workbook_sheet(tmp_path, run, monkeypatch):
    pytest.importorskip("openpyxl")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as w:
        _frame(30, 1).to_excel(w, sheet_name="Other", index=False)
        _frame(200, 2).to_excel(w, sheet_name="Prices", index=False)
    r = run("train", str(path), "--sheet", "Prices", "--epochs", "2", "--hidden", "4", "-q")
    assert r.exit_code == 0, r
    assert "200 rows" in r.stderr and "read sheet 'Prices' of 2" in r.stderr
    r = run("train", str(path), "--sheet", "Prises", "--epochs", "2", "-q")
    assert r.exit_code == 2 and "Error: --sheet Prises" in r.stderr and "Did you mean 'Prices'?" in r.stderr


def test_predict_and_inspect_data_read_the_sheet_train_read(tmp_path, run, monkeypatch):
    """--sheet is kept in the model file: predict/inspect --data on a newer workbook read that sheet unless told."""
    pytest.importorskip("openpyxl")
    import json

    from lstmcli.forecast import Forecaster

    monkeypatch.chdir(tmp_path)

    def book(name: str, rows: int) -> str:
        with pd.ExcelWriter(tmp_path / name) as w:
            _frame(80, 7).to_excel(w, sheet_name="Other", index=False)
            _frame(rows, 2).to_excel(w, sheet_name="Prices", index=False)
        return str(tmp_path / name)

    model = str(tmp_path / "m.npz")
    r = run("train", book("old.xlsx", 200), "--sheet", "Prices", "--epochs", "2", "--hidden", "4", "--model", model)
    assert r.exit_code == 0, r
    assert Forecaster.load(model).info.data.sheet == "Prices"
    newer = book("new.xlsx", 230)
    same_csv = write_csv(tmp_path, _frame(230, 2).to_csv(index=False, date_format="%Y-%m-%d"), "new.csv")

    def forecast(*args: str) -> list:
        r = run("predict", "--model", model, "--days", "3", "--json", *args)
        assert r.exit_code == 0, r
        return json.loads(r.stdout)["forecast"]

    prices = forecast("--data", newer, "--sheet", "Prices")
    assert forecast("--data", newer) == prices  # the sheet train read, by default
    assert forecast("--data", newer, "--sheet", "1") != prices  # another sheet when asked
    from_csv = forecast("--data", str(same_csv))  # a CSV has no sheets: the stored one does not apply
    assert np.allclose([row["forecast"] for row in from_csv], [row["forecast"] for row in prices])
    args = ("inspect", "--model", model, "--step-trace", "--json", "--data", newer)
    trace = [run(*args), run(*args, "--sheet", "Prices")]
    assert trace[0].exit_code == 0 and json.loads(trace[0].stdout) == json.loads(trace[1].stdout), trace[0]
    r = run("inspect", "--model", model, "--step-trace", "--data", newer, "--sheet", "Prises")
    assert r.exit_code == 2 and "Error: --sheet Prises" in r.stderr, r
    for verb in ("predict", "inspect"):
        r = run(verb, "--model", model, "--sheet", "Prices")
        assert r.exit_code == 2 and "--sheet picks the sheet of a --data workbook" in r.stderr, r


def test_a_model_trained_without_sheet_keeps_none():
    from lstmcli.modelfile import DataInfo

    d = DataInfo("p.csv", None, 10, None, None, None, 8, None)
    assert "sheet" not in d.to_dict() and DataInfo.from_dict(d.to_dict()).sheet is None
    assert DataInfo.from_dict(d.to_dict() | {"sheet": "Prices"}).sheet == "Prices"
