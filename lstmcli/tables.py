"""Excel workbooks (.xlsx) and Parquet files as CSV text, so that they get the CSV reader's rules.

`data.read_prices` recognises these by their first bytes. The table is read through pandas
(openpyxl for .xlsx, pyarrow for .parquet, the optional extras `lstmcli[xlsx]` and
`lstmcli[parquet]`) and written back as CSV text: the header, title lines, date, column and
cleaning rules are then exactly those of a CSV export of the same sheet. Cells become text
the way a spreadsheet's "Save as CSV" writes them: dates as ISO dates (with the time and zone
when there is one), numbers in full precision, empty cells empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import importlib.util
import io
import math
import zipfile

from lstmcli.errors import DataError, OptionError

XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


def install_hint(extra: str) -> str:
    """`pip install 'lstmcli[xlsx]'`: how to get an optional extra, one line."""
    return f"install it with: pip install 'lstmcli[{extra}]'"


def require(module: str, extra: str, what: str) -> None:
    """Raise an LstmError naming the extra to install when `module` cannot be imported."""
    if importlib.util.find_spec(module) is None:
        raise DataError(f"{what} needs the optional package {module}, which is not installed", hint=install_hint(extra))


def is_table(raw: bytes) -> bool:
    """True for the bytes of an .xlsx workbook or a Parquet file."""
    return _is_xlsx(raw) or raw.startswith(PARQUET_MAGIC)


def table_text(raw: bytes, src: str, sheet: str | None, notes: list[str]) -> str | None:
    """CSV text of an .xlsx workbook's sheet or a Parquet file; None for any other bytes."""
    if _is_xlsx(raw):
        return _xlsx_text(raw, src, sheet, notes)
    if raw.startswith(PARQUET_MAGIC):
        if sheet is not None:
            raise OptionError(
                f"--sheet {sheet}: {src} is a Parquet file, which has no sheets", hint="leave out --sheet"
            )
        return _parquet_text(raw, src, notes)
    if sheet is not None:
        raise OptionError(
            f"--sheet {sheet}: {src} is not an Excel workbook (.xlsx)", hint="--sheet applies to workbooks only"
        )
    return None


def _is_xlsx(raw: bytes) -> bool:
    if not raw.startswith(XLSX_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _xlsx_text(raw: bytes, src: str, sheet: str | None, notes: list[str]) -> str:
    require("openpyxl", "xlsx", f"{src} is an Excel workbook: reading it")
    import pandas as pd

    try:
        book = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
    except Exception as e:  # a damaged workbook: openpyxl raises many kinds
        raise DataError(
            f"{src}: the Excel workbook cannot be read ({e})", hint="open and save it again in Excel"
        ) from None
    names = [str(n) for n in book.sheet_names]
    name = _sheet_name(names, sheet, src)
    frame = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    if len(names) > 1 or sheet is not None:
        notes.append(f"read sheet {name!r} of {len(names)}" + ("" if sheet is not None else " (--sheet picks another)"))
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    if not any(any(c for c in r) for r in rows):
        raise DataError(
            f"{src}: sheet {name!r} is empty", hint=f"choose the sheet of prices with --sheet ({_listed(names)})"
        )
    return _csv(rows)


def _sheet_name(names: list[str], sheet: str | None, src: str) -> str:
    """The sheet asked for: a name, else a number counting from 1; the first when not asked."""
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.strip().isdigit():
        k = int(sheet)
        if 1 <= k <= len(names):
            return names[k - 1]
        raise OptionError(
            f"--sheet {sheet}: {src} has {len(names)} sheet{'s' if len(names) > 1 else ''}",
            hint=f"give a number from 1 to {len(names)} or a name: {_listed(names)}",
        )
    close = difflib.get_close_matches(sheet, names, n=1, cutoff=0.5) or [
        n for n in names if n.casefold() == sheet.casefold()
    ]
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise OptionError(
        f"--sheet {sheet}: {src} has no sheet of that name", hint=f"{hint}The sheets are: {_listed(names)}"
    )


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _parquet_text(raw: bytes, src: str, notes: list[str]) -> str:
    require("pyarrow", "parquet", f"{src} is a Parquet file: reading it")
    import pandas as pd

    try:
        frame = pd.read_parquet(io.BytesIO(raw), engine="pyarrow")
    except Exception as e:  # a damaged file: pyarrow raises several kinds
        raise DataError(f"{src}: the Parquet file cannot be read ({e})", hint="write the file again") from None
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()  # a date index (pandas' to_parquet of a price frame) becomes a column
    if isinstance(frame.columns, pd.MultiIndex):  # a yfinance frame of several tickers: ("Close", "MSFT")
        frame.columns = [" ".join(str(p) for p in c if str(p)) for c in frame.columns]
    header = [str(c) for c in frame.columns]
    rows = [header] + [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return _csv(rows)


def _cell(v: object) -> str:
    """A cell as a CSV export writes it."""
    import pandas as pd

    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        if v.tzinfo is None and v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
