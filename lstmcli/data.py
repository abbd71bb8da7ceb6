"""Read a real-world price CSV into a clean, chronological `PriceSeries`.

Files come from finance sites (Yahoo, Stooq, Investing.com, Nasdaq.com) and spreadsheets
(Excel, LibreOffice, European locales), so this module sniffs the encoding, delimiter,
decimal mark, date column and date format, picks the price column, sorts oldest-first,
drops duplicate dates and fills gaps, and says in `notes` what it did. Every problem a
user can cause becomes a `DataError` naming the file, the line and column, and a fix.

The bytes are read once (for the sha256 in the model file) and parsed from memory with the
`csv` module; pandas is used only to parse dates.

Time zones (`_apply_zones`): dates with one offset throughout (`...Z`, `...-05:00`) keep
their clock time as written and `PriceSeries.timezone` names the zone ("UTC", "-05:00");
times whose offsets change (a clock change) are converted to UTC (timezone "UTC"), so the
repeated hour of an autumn clock change keeps both observations; dates at midnight
(daily data, a Yahoo "2024-01-02 00:00:00-05:00") keep their local dates (timezone None),
instead of shifting to 05:00 UTC.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import itertools
import math
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lstmcli import periods, tables
from lstmcli.errors import DataError

__all__ = ["PriceSeries", "SeveralSeriesError", "cleaning_summary", "read_prices"]


class SeveralSeriesError(DataError):
    """A long-format file holds several series and none was picked (`lstm train` reads it as a panel)."""

    id_column: str | None = None  # the column of series names (None: a yfinance download's Ticker row)


# ---------------------------------------------------------------------------------------
# the public API


@dataclass
class PriceSeries:
    """A price series ready for training: values (N, F) oldest first, target in column 0."""

    values: np.ndarray  # (N, F) float64, chronological; column 0 is the target
    columns: list[str]  # [target, *features], names as in the file header
    dates: np.ndarray | None  # (N,) datetime64[s], or None: rows are steps 0..N-1
    frequency: str | None  # a code of dates.FREQUENCY_NAMES, or None
    source: str  # file name as given, or "<stdin>"
    sha256: str  # of the raw bytes read
    notes: list[str] = field(default_factory=list)  # what cleaning did, in short phrases
    series: str | None = None  # the series' name when the file names it (a Ticker column, a yfinance header)
    timezone: str | None = None  # "UTC" or an offset like "-05:00": the zone of the times in `dates`
    session: periods.Session | None = None  # intraday bars: the trading session learnt from the dates
    decimal: str | None = None  # the decimal mark, when given or when a value both marks read was read with it


def read_prices(
    source: str | Path | bytes,
    *,
    column: str | None = None,
    date_column: str | None = None,
    features: Sequence[str] = (),
    name: str | None = None,
    series: str | None = None,
    id_column: str | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    decimal: str | None = None,
    decimal_hint: str | None = None,
) -> PriceSeries:
    """Read and clean a price CSV: a path, "-" for stdin, or raw bytes (shown as `name`).

    The target is `column` (else Adj Close, Close, Price, ... or the only numeric column);
    `features` are extra input columns. Rows end up oldest-first with unique dates, leading
    gaps and trailing rows without a target value dropped and inner gaps forward-filled; `notes` lists each step.

    A file of several series (a Ticker/Symbol/unique_id column, or a yfinance download of
    several tickers) is refused unless `series` names the one to read; `id_column` names
    the column of series names when it is not found by itself.

    Dates: `dayfirst` True/False reads 01/02/2024 as 1 February / January 2 (None: decided
    by the data, see `_parse_dates`); `date_format` is a strftime format every date must match.
    A date-named column of numbers 20000..80000 holds Excel serial dates (days since 1899-12-30).

    An Excel workbook (.xlsx; `sheet` a name or a number from 1, else the first) or a Parquet
    file is read as the CSV of its table (`tables.table_text`), with the same rules afterwards.

    Numbers: `decimal` "." or "," is the decimal mark (None: decided by the data, `_decimal_reading`; a value
    both marks read, 1.234, is said on the Read line with the reading used and why); `decimal_hint` (the mark
    the training file was read with) decides such a value where the file's values do not.
    """
    if isinstance(features, str):  # a single name, not its letters
        features = [features]
    raw, src = _read_bytes(source, name)
    sha = hashlib.sha256(raw).hexdigest()
    notes: list[str] = []
    text = tables.table_text(raw, src, sheet, notes)  # .xlsx / .parquet as CSV text; None for other bytes
    if text is None:
        text = _decode(raw, src, notes)
    header, rows, line_nos, delim = _rows(text, src, notes)
    header, rows, line_nos, series_name = _yfinance_layout(header, rows, line_nos, series, src, notes)
    header = _unique_names(header)
    low = text.lower()
    if any(w in low for w in ("split", "dividend", "capital gain", "distribution", "spin")):  # fast pre-check
        rows, line_nos = _drop_annotations(rows, line_nos, notes)
    if not rows:
        raise DataError(f"{src} has a header but no data rows", hint="export the price history again with its rows")
    cells = [[r[i] for r in rows] for i in range(len(header))]  # column-wise strings
    if len(header) == 1 and not _is_numeric(cells[0], "."):  # "Date:Close", "Date Close": an unknown delimiter?
        parts = re.compile(r"\s*[:~^#!\s]\s*")
        n = len(parts.split(header[0]))
        if n > 1 and len(parts.split(cells[0][0])) == n:
            raise DataError(
                f"{src} reads as one column {header[0]!r}: its delimiter is not one lstm knows",
                hint="separate the columns with commas, semicolons, tabs or |",
            )

    # dates
    chosen_mark = None  # the mark kept for --data: given, or the reading of an ambiguous value
    if decimal is not None and decimal not in (".", ","):
        raise DataError(f"--decimal {decimal} is not a decimal mark", hint="give --decimal . or --decimal ,")
    if date_column is not None:
        date_i: int | None = _find(header, date_column, src, "date column")
    else:
        date_i = _find_date_column(header, rows, decimal or _decimal_mark(cells, delim))
    if decimal is None:
        others = [i for i in range(len(cells)) if i != date_i]
        how = _decimal_reading([cells[i] for i in others], delim, [header[i] for i in others], line_nos, decimal_hint)
        if how.conflict is not None:
            raise DataError(
                f"{src}: {how.conflict}",
                hint="say which mark the file uses with --decimal . (1,234.5) or --decimal , (1.234,5), "
                "or correct those values",
            )
        decimal = how.mark
        if how.note is not None:
            notes.append(how.note)
            chosen_mark = decimal
        elif decimal == ",":
            notes.append("read decimal commas (1.234,56 = 1234.56)")
    else:
        chosen_mark = decimal
        if decimal == ",":
            notes.append("read decimal commas (1.234,56 = 1234.56)")
    id_i = None
    if series_name is None:  # a yfinance download has already been narrowed to one ticker
        id_i = (
            _find(header, id_column, src, "id column")
            if id_column is not None
            else _find_id_column(header, cells, date_i, decimal)
        )
        if id_i is not None:
            chosen_rows, series_name = _pick_series(header[id_i], cells[id_i], series, src, notes)
            if chosen_rows is not None:
                rows = [rows[j] for j in chosen_rows]
                line_nos = [line_nos[j] for j in chosen_rows]
                cells = [[r[i] for r in rows] for i in range(len(header))]
        elif series is not None:
            raise DataError(
                f"{src} has no column of series names (like Ticker or Symbol) to pick series {series!r} from",
                hint="leave out the series name, or name the column of series "
                f"names as the id column; the columns are: {', '.join(header)}",
            )
    keep = np.ones(len(rows), dtype=bool)
    dates = None
    timezone = None
    step_i = None  # a "Day"/"Period" column of step numbers 1, 2, 3, ...: an index, not dates
    excel = _excel_serial_dates(cells[date_i], header[date_i]) if date_i is not None and date_format is None else None
    if excel is not None:
        notes.append(f"read column {header[date_i]!r} as Excel serial dates (days since 1899-12-30)")
        keep = ~np.isnat(excel)
        dates = excel
    elif date_i is not None and date_column is None and _is_step_index(cells[date_i]):
        notes.append(f"column {header[date_i]!r} holds step numbers, not dates; kept the rows in file order")
        step_i, date_i = date_i, None
    if date_i is not None and excel is None:
        date_cells, time_i = _with_time_column(header, cells, date_i)
        dates, keep, timezone = _read_dates(date_cells, header[date_i], line_nos, src, notes, dayfirst, date_format)
        if time_i is not None:
            notes.append(f"joined columns {header[date_i]!r} and {header[time_i]!r} into one date-time")

    # columns
    skip = {i for i in (date_i, step_i, id_i) if i is not None}
    if column is not None:
        target_i = _find(header, column, src, "column")
        if target_i in skip:
            role = "the column of series names" if target_i == id_i else "the date column"
            raise DataError(
                f"{src}: column {header[target_i]!r} is {role}, not prices",
                hint="choose a price column with --column NAME",
            )
    else:
        target_i = _choose_target(
            header, [[c for c, k in zip(col, keep, strict=True) if k] for col in cells], skip, decimal, src, notes
        )
    chosen = [target_i]
    for f in features:
        i = _find(header, f, src, "feature column")
        if i == target_i:
            raise DataError(
                f"{src}: feature {f!r} is the target column {header[i]!r}",
                hint="leave the target out of --features; it is always an input",
            )
        if i in skip:
            raise DataError(f"{src}: feature {f!r} is the date column", hint="features must be numeric columns")
        if i in chosen:
            raise DataError(f"{src}: feature {f!r} is listed twice", hint="list each feature once")
        chosen.append(i)
    columns = [header[i] for i in chosen]
    values = np.column_stack([_read_column(cells[i], header[i], line_nos, keep, decimal, src) for i in chosen])
    values = values[keep]  # (N, F)
    lines = np.asarray(line_nos)[keep]
    if dates is not None:
        dates = dates[keep]
        values, dates, lines = _order_and_dedupe(values, dates, lines, notes)
    else:  # a total row's label has no date column to fail in
        values, lines = _drop_total_row(values, lines, notes)
    values, dates = _fill_missing(values, dates, columns, notes)

    n = len(values)
    if n < 2:
        raise DataError(
            f"{src} has {_plural(n, 'usable row')}; need at least 2",
            hint="pass a longer price history (a few hundred rows or more is best)",
        )
    frequency = periods.infer_frequency(dates) if dates is not None else None
    gap_note = _gap_note(dates, frequency, timezone)
    if gap_note is not None:  # no row for some months (weeks, ...): say so, as the Read line's span would hide it
        notes.append(gap_note)
    _spike_note(values[:, 0], dates, frequency, timezone, notes)
    session = None
    if frequency in ("h", "min"):
        session = periods.learn_session(dates)
        gaps = np.diff(dates).astype(np.int64)  # (N-1,) seconds
        if session is not None:
            notes.append(f"bars in a session {session.describe()} (learnt from the data)")
        elif len(gaps) and gaps.max() > 2 * np.median(gaps):
            notes.append("steps are bars: a gap between bars (overnight, a weekend) counts as one step")
    return PriceSeries(
        values=values,
        columns=columns,
        dates=dates,
        frequency=frequency,
        source=src,
        sha256=sha,
        notes=notes,
        series=series_name,
        timezone=timezone,
        session=session,
        decimal=chosen_mark,
    )


GAP_NOTE_END = "the rows are read as consecutive "  # how every note of steps without a row ends


def _gap_note(dates: np.ndarray | None, frequency: str | None, timezone: str | None) -> str | None:
    """The note of steps without a row (periods.missing_steps), or None."""
    missing, before = periods.missing_steps(dates, frequency)
    if not missing:
        return None
    unit = periods.FREQUENCY_NAMES[frequency][:-1]
    gaps = periods.GAP_WORDS.get(frequency)  # daily data: long gaps only (holidays are no gap)
    first = f"the first after {periods.format_date(dates[before], frequency, timezone)}"
    if frequency == "B":  # the recurring closures at Lunar New Year and 1 October that were not counted
        days = np.asarray(dates).astype("datetime64[D]")
        left_out = np.busday_count(days[:-1], days[1:]).astype(np.int64) - 1
        holidays = int(periods.holiday_closures(days, left_out).sum())
        if holidays:
            first += (
                f"; {_plural(holidays, 'closure')} at Lunar New Year or 1 October, recurring each year, not counted"
            )
    return (
        f"{_plural(missing, unit)} without a row{f' in gaps {gaps}' if gaps else ''} ({first}): {GAP_NOTE_END}{unit}s"
    )


def with_calendar_gaps(series: PriceSeries, calendar: str) -> None:
    """--calendar given for daily data: the exchange's sessions decide what is missing, so the note of business
    days without a row (weekdays, long gaps only) is replaced by the sessions of `calendar` that have no row."""
    if series.dates is None or series.frequency not in ("B", "D"):
        return
    from lstmcli.calendars import missing_sessions

    found = missing_sessions(calendar, series.dates)
    if found is None:  # the calendar does not cover the data's dates: the weekday note stays
        return
    missing, before = found
    notes = [n for n in series.notes if GAP_NOTE_END not in n]
    if missing:
        when = periods.format_date(series.dates[before], series.frequency, series.timezone)
        notes.append(
            f"{_plural(missing, f'{calendar} session')} without a row (the first after {when}): {GAP_NOTE_END}sessions"
        )
    series.notes[:] = notes


def cleaning_summary(series: PriceSeries) -> str:
    """One line for stderr: what was read (rows, span, frequency, column) and what cleaning did."""
    n = len(series.values)
    if series.dates is not None and n:
        unknown = "irregular dates" if n >= 3 else "too few dates to tell the frequency"
        freq = periods.FREQUENCY_NAMES.get(series.frequency or "", unknown)
        span = (
            f"{periods.format_date(series.dates[0], series.frequency, series.timezone)}.."
            f"{periods.format_date(series.dates[-1], series.frequency, series.timezone)} ({freq})"
        )
    else:
        span = f"no dates (rows are steps 0..{max(n - 1, 0):,})"
    cols = f"column {series.columns[0]!r}"
    if len(series.columns) > 1:
        cols += " + features " + ", ".join(repr(c) for c in series.columns[1:])
    line = f"Read {series.source}: {_plural(n, 'row')}, {span}, {cols}"
    return line + ("; " + ", ".join(series.notes) if series.notes else "")


# ---------------------------------------------------------------------------------------
# names and patterns

# Names, normalised by _key(), in the order they are preferred.
_TARGET_NAMES = [
    "adj close",
    "adjusted close",
    "adj close price",
    "close",
    "close/last",
    "close price",
    "closing price",
    "price",
    "last",
    "last price",
    "settle",  # futures (CME, Quandl): Open, High, Low, Last, Change, Settle, Volume
    "settlement price",
    "value",
]
_DATE_NAMES = [
    "date",
    "datetime",
    "date time",
    "date/time",
    "timestamp",
    "time",
    "day",
    "month",
    "period",
    "trade date",
    "observation date",
    "datum",
    "fecha",
    "year",
]
_VOLUME_NAMES = {"volume", "vol", "shares", "turnover", "open interest", "trades", "number of trades"}
_MISSING = {"", "null", "nan", "-nan", "none", "na", "n/a", "#n/a", "-", "--", "\u2014", ".", "nil", "missing"}
_INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "\u221e", "-\u221e"}
_DELIMITERS = [",", ";", "\t", "|"]
_CURRENCY = re.compile(
    r"R\$|[$€£¥₹₽₩₺₪₫฿₱]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|PLN|SEK|NOK|DKK|BRL|CNY|HKD|KRW|INR|ZAR|MXN|kr|zł|Kč)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_TZ = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_ID_NAMES = {
    "ticker",
    "symbol",
    "unique id",
    "uid",
    "id",
    "series",
    "series id",
    "store",
    "store id",
    "name",
    "code",
    "item",
    "item id",
    "sku",
    "asset",
    "instrument",
    "isin",
    "stock",
    "security",
    "company",
}
_ANNOTATION = re.compile(r"\b(stock split|split|dividends?|capital gains?|distribution|spin-?off)\b", re.IGNORECASE)
_SHOWN_SERIES = 5  # names listed in the "several series" error
_MAX_BORDERS = 40  # borders between blocks of an id-like label checked for running on in time
_MAX_BAD_DATES = 0.05  # up to this share of unreadable dates (footers, notes) is dropped, not an error


def _key(name: str) -> str:
    """A column name for matching: case, spaces, dots, underscores, <> and * ignored."""
    return re.sub(r"[\s_.]+", " ", re.sub(r"[<>*\"']", "", name)).strip().lower()


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# ---------------------------------------------------------------------------------------
# bytes -> text -> rows


def _read_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    """The raw bytes and the display name; file problems become DataError."""
    if isinstance(source, bytes | bytearray):
        return bytes(source), name or "<data>"
    if str(source) == "-":
        if sys.stdin is None:
            raise DataError("<stdin> is not available", hint="pass a CSV file name instead of -")
        return sys.stdin.buffer.read(), name or "<stdin>"
    path = Path(source)
    shown = name or str(source)
    try:
        if path.is_dir():
            raise DataError(f"{shown} is a directory, not a CSV file", hint="pass the path of a .csv file")
        return path.read_bytes(), shown
    except FileNotFoundError:
        raise DataError(f"{shown}: no such file", hint=_closest_file(path)) from None
    except PermissionError:
        raise DataError(f"{shown}: permission denied", hint="make the file readable (chmod +r) or copy it") from None
    except IsADirectoryError:
        raise DataError(f"{shown} is a directory, not a CSV file", hint="pass the path of a .csv file") from None
    except OSError as e:
        raise DataError(f"{shown}: cannot be read ({e.strerror or e})", hint="check the path") from None


def _closest_file(path: Path) -> str:
    """The hint for a missing file: the closest name in its folder (a typo), else to check the path."""
    from lstmcli.files import closest_file

    close = closest_file(path)
    return f"did you mean {close}?" if close else "check the path; `ls` shows what is there"


def _decode(raw: bytes, src: str, notes: list[str]) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if not raw.strip():
        raise DataError(f"{src} is empty", hint="export the price history again; the file has no content")
    magic = {
        b"PK\x03\x04": "a zip file or an Excel workbook (.xlsx)",
        b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
        b"\x1f\x8b": "a gzip-compressed file",
        b"PAR1": "a Parquet file",
        b"%PDF": "a PDF file",
    }
    for head, what in magic.items():
        if raw.startswith(head):
            raise DataError(
                f"{src} looks like {what}, not a CSV text file",
                hint="open it in its program and save or export it as CSV",
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:65536]:
        raise DataError(
            f"{src} looks binary, not a CSV text file (it contains NUL bytes)",
            hint="pass a CSV exported as text, e.g. from Excel: Save As > CSV UTF-8",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        notes.append("read as Windows-1252 text (not UTF-8)")
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        raise DataError(
            f"{src} is a web page (HTML), not a CSV file",
            hint="download the CSV itself; the link may have returned an error or login page",
        )
    controls = sum(1 for c in text[:65536] if (ord(c) < 32 and c not in "\t\r\n\f") or 0x7F <= ord(c) < 0xA0)
    if controls > max(2, 0.01 * min(len(text), 65536)):
        raise DataError(f"{src} looks binary, not a CSV text file", hint="pass a CSV exported as text")
    return text


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter under which most lines have the same number (> 1) of fields."""
    best, best_score = ",", (0.0, 0)
    for delim in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delim, skipinitialspace=True) if any(f.strip() for f in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        widths = [_width(r) for r in rows]
        width = max(set(widths), key=widths.count)  # the most common number of fields
        if width < 2:
            continue
        score = (widths.count(width) / len(widths), width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _width(row: list[str]) -> int:
    """Number of fields without trailing empty ones (Excel pads rows with delimiters)."""
    n = len(row)
    while n and not row[n - 1].strip():
        n -= 1
    return n


def _rows(text: str, src: str, notes: list[str]) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, data rows (padded to the header's width), the file line number of each row, the delimiter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = 0
    delim = None
    m = re.fullmatch(r"\s*sep=(.)\s*", lines[0]) if lines else None
    if m:  # Excel's "sep=;" hint line
        delim, start = m.group(1), 1
    sample = [ln for ln in lines[start : start + 60] if ln.strip()]
    if not sample:
        raise DataError(f"{src} is empty", hint="export the price history again; the file has no content")
    delim = delim or _sniff_delimiter(sample)
    if delim == ";":
        notes.append("read ';'-separated values")
    elif delim == "\t":
        notes.append("read tab-separated values")

    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delim, skipinitialspace=True)
    rows: list[list[str]] = []
    line_nos: list[int] = []
    try:
        for row in reader:
            if any(f.strip() for f in row):  # skip blank lines and lines of empty fields
                rows.append(row)
                line_nos.append(reader.line_num + start)
    except csv.Error as e:
        raise DataError(
            f"{src}: line {reader.line_num + start} cannot be read as CSV ({e})",
            hint="check that quotes are balanced on that line",
        ) from None
    if not rows:
        raise DataError(f"{src} is empty", hint="export the price history again; the file has no content")

    # A title line or two before the header ("ACME Historical Data"): one field where rows have several.
    skipped = 0
    if max(_width(r) for r in rows[:60]) > 1:
        while skipped < min(5, len(rows) - 1) and _width(rows[skipped]) == 1:
            skipped += 1
    header = [f.strip().strip("\ufeff") for f in rows[skipped]]
    header_line = line_nos[skipped]
    if skipped:  # count the file's lines, blank ones between the titles too (not just the title rows)
        notes.append(f"skipped {_plural(header_line - 1 - start, 'line')} before the header")
    rows, line_nos = rows[skipped + 1 :], line_nos[skipped + 1 :]
    for j, r in enumerate(rows):  # a quoted field that spans lines: an unclosed quote swallowed the rest
        if any("\n" in f for f in r):
            first = (line_nos[j - 1] if j else header_line) + 1
            raise DataError(
                f'{src}: a quote (") opened on line {first} is not closed before line {line_nos[j]}',
                hint="balance the quotes on that line, or remove the stray quote",
            )

    # Headerless file: the first row is data (every field a number, or a date then numbers).
    if _looks_like_data(header):
        rows.insert(0, header)
        line_nos.insert(0, header_line)
        header = [f"column {i + 1}" for i in range(len(header))]
        notes.append("the file has no header row; columns are named 'column 1', 'column 2', ...")
    else:  # the header again further down (files joined, a sheet's print ranges): not a row of data
        names = [h.lower() for h in header[: _width(header)]]
        again = [j for j, r in enumerate(rows) if [f.strip().lower() for f in r[: _width(r)]] == names]
        if again:
            notes.append(f"dropped {_plural(len(again), 'repeated header row')} (line {line_nos[again[0]]})")
            drop = set(again)
            rows = [r for j, r in enumerate(rows) if j not in drop]
            line_nos = [n for j, n in enumerate(line_nos) if j not in drop]

    width = _width(header)  # trailing empty header fields are Excel padding
    for r, line in zip(rows, line_nos, strict=True):
        if _width(r) > width:
            raise DataError(
                f"{src}: line {line} has {_width(r)} fields but the header has {width}",
                hint="a number whose thousands separator is also the delimiter must be quoted "
                '(e.g. "1,234.56"); or export without thousands separators'
                if delim == ","
                else "remove the extra delimiter on that line, or add a name for that column to the header",
            )
    header = [h or f"column {i + 1}" for i, h in enumerate(header[:width])]
    rows = [[f.strip() for f in [*r[:width], *[""] * (width - len(r))]] for r in rows]
    return header, rows, line_nos, delim


def _looks_like_data(header: list[str]) -> bool:
    fields = [f for f in header if f]
    if not fields:
        return False
    numeric = [not math.isnan(v) if (v := _to_float(f, ".")) is not None else False for f in fields]
    if all(numeric):
        return True
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][\d:]+)?", fields[0])) and all(numeric[1:]) and len(fields) > 1


# ---------------------------------------------------------------------------------------
# numbers


def _strip_number(text: str) -> str:
    s = text.strip().strip("\"'").strip()
    s = _CURRENCY.sub("", s).replace("\u2212", "-")
    return re.sub(r"[\s\u00a0\u202f']", "", s)  # spaces, NBSP, thin space, Swiss ' as thousands


_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")  # 1.234 or 1,234: three decimals, or a thousands group
_JUMP = 100.0  # neighbours this many times apart are one reading's misread, never a price's move


@dataclass
class _Reading:
    """How the numbers of a file read: the decimal mark, and what the Read line says when the file left it open."""

    mark: str  # "." or ","
    note: str | None = None  # the reading of an ambiguous value (1.234), why, and the option that reads it otherwise
    conflict: str | None = None  # the file contradicts itself: a DataError's message


def _decimal_mark(columns: list[list[str]], delim: str) -> str:
    """'.' or ',' as the file's decimal mark, decided by the data (see `_decimal_reading`)."""
    return _decimal_reading(columns, delim).mark


def _decimal_reading(
    columns: list[list[str]],
    delim: str,
    names: list[str] | None = None,
    line_nos: list[int] | None = None,
    known: str | None = None,
) -> _Reading:
    """The file's decimal mark, by the strongest evidence in it:

    1. values only one mark can write: 1.234,56, 12,5, 0,987, 1234,5 and 1.234.567 (decimal comma); 1,234.56,
       12.5, 0.987, 1234.567 and 1,234,567 (decimal point), counted, the more frequent wins;
    2. the size of neighbours (in file order) in a column holding a value both marks read (1.234, 1,234): 987 beside
       1.003 is 1,003 (as a decimal it would be 1000x below its neighbour), 1.5 beside 1.234 is 1.234;
    3. `known`, the mark the model's training file was read with (predict --data); else the delimiter's
       convention: in a ';'-separated file dots group thousands and a comma is the decimal mark (1.234 = 1234,
       1,234 = 1.234); in a ','-separated one a dot is the decimal mark (a quoted "1,234" = 1234).

    When 1 and 2 disagree, the file contradicts itself (`conflict`). When 1 does not decide and the file holds a
    value both marks read, `note` says which reading was used, why, and how to ask for the other (--decimal)."""
    comma = dot = 0
    first: dict[str, tuple[str, int]] = {}  # the first value only that mark writes, with its row
    ambiguous: tuple[str, int, int] | None = None  # the first value both marks read: (cell, column, row)
    favour = {".": 0, ",": 0}  # columns whose neighbours' sizes say the mark
    evidence: dict[str, tuple[str, int, str, int, int]] = {}  # mark -> a neighbouring pair the other mark misreads
    for c, values in enumerate(columns):
        column_ambiguous = False
        for j, raw in enumerate(values[:2000]):
            s = _strip_number(raw).lstrip("+-(").rstrip(")%")
            if not re.fullmatch(r"\d[\d.,]*", s) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", s):
                continue  # not a number, or a date like 31.12.2024
            if _AMBIGUOUS.fullmatch(s):
                column_ambiguous = True
                if ambiguous is None:
                    ambiguous = (raw.strip(), c, j)
                continue
            has_c, has_d = "," in s, "." in s
            if not (has_c or has_d):
                continue
            if has_c and has_d:
                mark = "," if s.rfind(",") > s.rfind(".") else "."
            else:
                sep = "," if has_c else "."
                parts = s.split(sep)
                # 1,234,567 / 1.234.567: the mark groups thousands; 12,5 / 12.5, 0,987, 1234,567: it is the decimal
                mark = ("." if sep == "," else ",") if len(parts) > 2 else sep
            if mark == ",":
                comma += 1
            else:
                dot += 1
            first.setdefault(mark, (raw.strip(), j))
        if column_ambiguous:
            jumps = {m: _jumps(values[:2000], m) for m in (".", ",")}
            for m, other in ((".", ","), (",", ".")):
                if jumps[other] and len(jumps[m]) * 4 <= len(jumps[other]):
                    favour[m] += 1
                    evidence.setdefault(m, (*jumps[other][0], c))
    vote = "," if comma > dot else "." if dot > comma else None
    size = "." if favour["."] > favour[","] else "," if favour[","] > favour["."] else None

    def lines(ja: int, jb: int) -> str:
        if line_nos is None:
            return f"rows {ja + 1} and {jb + 1}"
        la, lb = line_nos[ja], line_nos[jb]
        return f"lines {la}-{lb}" if lb == la + 1 else f"lines {la} and {lb}"

    def misread(m: str) -> str:  # the neighbours that the other mark reads far apart
        a, ja, b, jb, c = evidence[m]
        where = f"{lines(ja, jb)} of {names[c]!r}" if names is not None else lines(ja, jb)
        return f"{a} beside {b} on {where} would be {_times(a, b, m)}x apart"

    word = {".": "decimal points", ",": "decimal commas"}
    if vote is not None and size is not None and vote != size:
        value, j = first[vote]
        at = f"line {line_nos[j]}" if line_nos is not None else f"row {j + 1}"
        return _Reading(
            vote,
            conflict=f"the numbers contradict each other: {value} ({at}) reads only with {word[vote]}, but with "
            f"them {misread(size)}",
        )
    if vote is not None:
        return _Reading(vote)
    if ambiguous is None:
        return _Reading(".")
    if size is not None:
        mark, why = size, f"{misread(size)} as {word['.' if size == ',' else ',']}"
    elif known is not None:
        mark, why = known, "as the model's training file was read"
    elif delim == ";":
        mark, why = ",", "the convention of ';'-separated files"
    elif delim == ",":
        mark, why = ".", "the convention of ','-separated files"
    else:
        mark, why = ("," if "," in ambiguous[0] else "."), "no value reads one way only"
    cell = ambiguous[0]
    other = "." if mark == "," else ","
    sep = "," if "," in _strip_number(cell) else "."
    meaning = (
        {".": "a decimal point", ",": "a decimal comma"}[mark]
        if sep == mark
        else ("dots group thousands" if sep == "." else "commas group thousands")
    )
    return _Reading(
        mark,
        note=f"read {cell} as {_shown(cell, mark)} ({meaning}: {why}; --decimal {other} reads it as "
        f"{_shown(cell, other)})",
    )


def _shown(cell: str, mark: str) -> str:
    """A cell read with `mark`, as the Read line shows it: 1,234 or 1.234."""
    value = _to_float(cell, mark)
    if value is None or not math.isfinite(value):
        return cell
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _jumps(values: list[str], mark: str) -> list[tuple[str, int, str, int]]:
    """Neighbouring values (cell, row, cell, row) _JUMP times or more apart when read with `mark`."""
    read = [(v, j) for j, raw in enumerate(values) if (v := _to_float(raw, mark)) is not None and 0 < v < math.inf]
    return [
        (values[ja].strip(), ja, values[jb].strip(), jb)
        for (a, ja), (b, jb) in itertools.pairwise(read)
        if max(a, b) >= _JUMP * min(a, b)
    ]


def _times(a: str, b: str, mark: str) -> str:
    """How many times apart two cells read with the other mark than `mark` are, rounded: '1,000'."""
    other = "." if mark == "," else ","
    x, y = _to_float(a, other), _to_float(b, other)
    ratio = max(x, y) / min(x, y)
    return f"{10 ** round(math.log10(ratio)):,}"


def _to_float(raw: str, decimal: str) -> float | None:
    """A number from a cell: NaN for missing, None for text that is not a number.

    Accepts currency symbols, thousands separators, (123) negatives, a % suffix and
    K/M/B/T suffixes (1.2M = 1,200,000). 'inf' gives inf, which callers reject.
    """
    s = raw.strip().strip("\"'").strip()
    low = s.lower()
    if low in _MISSING:
        return math.nan
    if low in _INFINITE:
        return -math.inf if low.startswith("-") else math.inf
    s = _strip_number(s)
    if s.lower() in _MISSING:  # a currency symbol and nothing else ("€ ", "$ -"): an empty price cell
        return math.nan
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
    s = s.removesuffix("%")
    scale = 1.0
    if len(s) > 1 and s[-1].lower() in _SUFFIX and s[-2].isdigit():
        scale, s = _SUFFIX[s[-1].lower()], s[:-1]
    s = _ungrouped(s, decimal)
    if s is None or not _NUMBER.fullmatch(s):
        return None
    value = float(s) * scale
    return -value if negative else value


def _ungrouped(s: str, decimal: str) -> str | None:
    """'1.234,5' -> '1234.5' for decimal ','; None when the other mark is not a thousands separator (12,5 with
    decimal '.', 1.5 with ','): groups of 3 digits, 2 before them as India writes 1,23,456."""
    group = "." if decimal == "," else ","
    whole, point, fraction = s.partition(decimal)
    if decimal in fraction or group in fraction:
        return None
    if group in whole:
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(group)}\d{{2,3}})*{re.escape(group)}\d{{3}}", whole):
            return None
        whole = whole.replace(group, "")
    return whole + ("." if point else "") + fraction


def _parse_numbers(values: list[str], decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """(N,) float64 with NaN for missing, and (N,) bool: True where a cell is text, not a number."""
    bad = np.zeros(len(values), dtype=bool)
    if decimal == ".":
        # fast path: pandas' C parser reads plain numbers; only the cells it cannot read (missing,
        # "$1,234", "1.2M", text...) go through _to_float one by one (1M rows: 12 s -> under 1 s)
        out = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=np.float64, copy=True)
        slow = np.flatnonzero(np.isnan(out))
    else:
        out = np.empty(len(values))
        slow = range(len(values))
    for i in slow:
        v = _to_float(values[i], decimal)
        if v is None:
            v, bad[i] = math.nan, True
        out[i] = v
    return out, bad


def _is_numeric(values: list[str], decimal: str) -> bool:
    """Most present cells (>= 90%, at least one) read as numbers."""
    numbers, text = _parse_numbers(values, decimal)
    present = ~np.isnan(numbers) | text  # missing cells read as NaN and are not text
    ok = int((present & ~text).sum())
    return ok > 0 and ok >= 0.9 * int(present.sum())


# ---------------------------------------------------------------------------------------
# dates

_DATE_FORMATS = [
    # month-first before day-first: month-first wins when both read every value
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%m-%d-%y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b-%d-%Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
    "%b-%Y",
    "%Y-%m",
    "%Y/%m",
    # two-digit years first (23/01/02): last, so they win only where the reading says so (`_likelier_reading`)
    "%y/%m/%d",
    "%y-%m-%d",
    "%y.%m.%d",
]
_DAY_FIRST = {"%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y"}
_MONTH_FIRST = {"%m/%d/%Y": "%d/%m/%Y", "%m/%d/%y": "%d/%m/%y", "%m-%d-%Y": "%d-%m-%Y", "%m-%d-%y": "%d-%m-%y"}


def _time_suffix(sample: str) -> str:
    """The strftime time part (with its separator) of a date-time string, or ''."""
    m = re.search(r"([ T])(\d{1,2}:\d{2})(:\d{2})?(\.\d+)?(\s*[AaPp][Mm])?$", sample)
    if not m:
        return ""
    hour = "%I" if m.group(5) else "%H"
    return (
        m.group(1)
        + hour
        + ":%M"
        + (":%S" if m.group(3) else "")
        + ("." + "%f" if m.group(4) else "")
        + (" %p" if m.group(5) and m.group(5).startswith(" ") else "%p" if m.group(5) else "")
    )


def _to_datetime(values: pd.Series, fmt: str) -> np.ndarray:
    """(N,) datetime64[s] with NaT where `fmt` does not read the value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if fmt in ("unix-s", "unix-ms"):
                nums = pd.to_numeric(values, errors="coerce")
                parsed = pd.to_datetime(nums, unit="s" if fmt == "unix-s" else "ms", errors="coerce")
            else:
                parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            return np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy(dtype="datetime64[s]")


def _parse_dates(
    cells: list[str], dayfirst: bool | None = None, date_format: str | None = None
) -> tuple[np.ndarray, str, list[str], str | None]:
    """Read a column of date strings: (N,) datetime64[s] with NaT, the format used, notes, the time zone.

    Offsets (Z, +01:00) are split off first and applied by `_apply_zones`; the rest is `_parse_local`.
    """
    offsets: list[int | None] = [None] * len(cells)
    local = list(cells)
    if date_format is None or "%z" not in date_format.lower():
        for i, c in enumerate(cells):
            m = _TZ.search(c.strip())
            if m:
                local[i] = c.strip()[: m.start()] + m.group(1)
                offsets[i] = _offset_seconds(m.group(2))
    dates, fmt, notes = _parse_local(local, dayfirst, date_format)
    dates, timezone = _apply_zones(dates, offsets, notes)
    return dates, fmt, notes, timezone


def _offset_seconds(zone: str) -> int:
    """+05:30 -> 19800; Z, UTC, GMT -> 0."""
    if zone.upper() in ("Z", "UTC", "GMT"):
        return 0
    digits = zone[1:].replace(":", "")
    seconds = int(digits[:2]) * 3600 + int(digits[2:]) * 60
    return -seconds if zone[0] == "-" else seconds


def _zone_name(offset: int) -> str:
    if offset == 0:
        return "UTC"
    sign, a = ("-" if offset < 0 else "+"), abs(offset)
    return f"{sign}{a // 3600:02d}:{a % 3600 // 60:02d}"


def _apply_zones(dates: np.ndarray, offsets: list[int | None], notes: list[str]) -> tuple[np.ndarray, str | None]:
    """The rule for time zones (see the module docstring): (N,) datetime64[s] and the zone's name.

    One offset throughout: clock times as written, in that zone. Several offsets (a clock
    change, or mixed sources): times converted to UTC, so no two instants share a time;
    but dates that are all at midnight are days, not instants, and keep their local dates.
    """
    distinct = list(dict.fromkeys(o for o in offsets if o is not None))
    if not distinct:
        return dates, None
    names = ", ".join(_zone_name(o) for o in distinct)
    ok = ~np.isnat(dates)
    days = dates[ok].astype("datetime64[D]").astype("datetime64[s]")
    if np.all(dates[ok] == days):
        plural = "offsets" if len(distinct) > 1 else "offset"
        notes.append(f"kept the local dates of time-zone-stamped dates ({plural} {names})")
        return dates, None
    if len(distinct) == 1:
        notes.append(f"times are in time zone {names} (kept as written)")
        return dates, names
    shift = np.array([o or 0 for o in offsets], dtype=np.int64).astype("timedelta64[s]")  # (N,)
    notes.append(f"converted times with offsets {names} to UTC")
    return dates - shift, "UTC"


def _parse_local(
    cells: list[str], dayfirst: bool | None = None, date_format: str | None = None
) -> tuple[np.ndarray, str, list[str]]:
    """Read a column of date strings without zones: (N,) datetime64[s] with NaT, the format used, notes.

    Tries ISO 8601 and a list of common formats and keeps the one that reads the most values.
    Of day-first and month-first (01/02/2024), the one under which all values parse; if both
    do, the one that gives a regular frequency (monthly data dated 01/02, 01/03... read
    month-first is irregular daily data), else the one that keeps the file in date order,
    else month-first. `dayfirst` True/False allows only that reading; `date_format` (strftime
    codes) is the only format tried.
    """
    notes: list[str] = []
    cleaned = [None if c.strip().lower() in _MISSING else c.strip() for c in cells]
    cleaned = _period_labels(cleaned)
    series = pd.Series(cleaned, dtype="object")
    present = [c for c in cleaned if c is not None]
    if not present:
        return np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[s]"), "", notes

    if all(c.isdigit() for c in present):
        lengths = {len(c) for c in present}
        fmt = (
            "%Y"
            if lengths == {4}
            else "%Y%m%d"
            if lengths == {8}
            else "unix-s"
            if lengths <= {9, 10}
            else "unix-ms"
            if lengths <= {12, 13}
            else ""
        )
        if not fmt:
            return np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[s]"), "", notes
        return _to_datetime(series, fmt), fmt, notes

    if date_format is not None:
        return _to_datetime(series, date_format), date_format, notes

    sample = pd.Series(present[:40] + present[-10:], dtype="object")
    suffix = _time_suffix(present[0])
    formats = [
        f
        for f in _DATE_FORMATS
        if not (dayfirst is True and f in _MONTH_FIRST) and not (dayfirst is False and f in _DAY_FIRST)
    ]
    candidates = ["ISO8601"] + [f + suffix for f in formats] + ([*formats] if suffix else [])
    scores = {fmt: int((~np.isnat(_to_datetime(sample, fmt))).sum()) for fmt in candidates}
    best_sample = max(scores.values())
    if best_sample < 0.5 * len(sample) and dayfirst is None:  # no one format: each value by the first that reads it
        return _mixed(series, candidates, notes), "mixed", notes
    finalists = [f for f in candidates if scores[f] == best_sample]
    full = {f: _to_datetime(series, f) for f in finalists}
    counts = {f: int((~np.isnat(p)).sum()) for f, p in full.items()}
    best = max(finalists, key=lambda f: counts[f])  # the first of equals: ISO, then month-first
    base = best.removesuffix(suffix) if suffix else best
    said = len(notes)  # the month-first/day-first notes below, dropped if another format is likelier still
    if base in _MONTH_FIRST:
        other = _MONTH_FIRST[base] + (suffix if best.endswith(suffix) and suffix else "")
        if other in full and counts[other] == counts[best]:
            regular = {f: _is_regular(full[f]) for f in (best, other)}
            if regular[other] and not regular[best]:
                best = other
                notes.append(
                    f"read dates like {_first_ambiguous(present)} day-first "
                    f"(only that reading gives regular {_frequency_name(full[other])})"
                )
            elif regular[best] and not regular[other]:
                notes.append(
                    f"read dates like {_first_ambiguous(present)} month-first "
                    f"(only that reading gives regular {_frequency_name(full[best])})"
                )
            elif _in_order(full[other]) and not _in_order(full[best]):
                best = other
                notes.append("read ambiguous dates like 01/02 day-first (only that keeps them in date order)")
            else:
                notes.append(
                    "read ambiguous dates like 01/02/2024 month-first (January 2); both readings were possible"
                )
    if dayfirst is None:
        likelier = _likelier_reading(best, full, counts)
        if likelier is not None:
            del notes[said:]
            regular = _is_regular(full[likelier])
            why = f"gives regular {_frequency_name(full[likelier])}" if regular else "keeps them in date order"
            how = "year-first" if likelier.startswith("%y") else f"as {likelier}"
            first = np.datetime_as_string(full[likelier][~np.isnat(full[likelier])][0], unit="D")
            notes.append(f"read dates like {present[0]} {how} ({first}: only that reading {why})")
            best = likelier
    if dayfirst is not None:  # the user chose the reading: keep it, but say when the other one looks meant
        pairs = _MONTH_FIRST if dayfirst is False else {v: k for k, v in _MONTH_FIRST.items()}
        if base in pairs:
            other = pairs[base] + (suffix if suffix and best.endswith(suffix) else "")
            alt = _to_datetime(series, other)
            if int((~np.isnat(alt)).sum()) == counts[best] and _is_regular(alt) and not _is_regular(full[best]):
                given, meant = ("--dayfirst", "month-first") if dayfirst else ("--monthfirst", "day-first")
                notes.append(
                    f"{given} reads dates like {_first_ambiguous(present)} as irregular "
                    f"{_frequency_name(full[best])}, while the {meant} reading gives regular "
                    f"{_frequency_name(alt)}: drop {given} if the file means that"
                )
    return full[best], best, notes


_QUARTER_LABELS = (
    re.compile(r"(?P<year>\d{4})\s*[-/ ]?\s*Q(?P<n>[1-4])", re.IGNORECASE),  # 2005 Q1 (ONS), 2005-Q1, 2005Q1
    re.compile(r"Q(?P<n>[1-4])\s*[-/ ]?\s*(?P<year>\d{4})", re.IGNORECASE),  # Q1 2005, Q1/2005
)
_MONTH_LABEL = re.compile(r"(?P<year>\d{4})M(?P<n>0?[1-9]|1[0-2])", re.IGNORECASE)  # 2005M01 (Eurostat, IMF)


def _period_labels(cells: list[str | None]) -> list[str | None]:
    """Quarters and months written as labels (2005 Q1, Q1 2005, 2005M01) as the first day of their period
    (2005-01-01); `cells` as they are unless every present one is such a label. No format read "2005 Q1": the
    file had "no dates", and its quarterly season was never looked for."""
    out: list[str | None] = []
    for c in cells:
        if c is None:
            out.append(None)
            continue
        m = next((m for p in _QUARTER_LABELS if (m := p.fullmatch(c))), None)
        if m is not None:
            out.append(f"{m['year']}-{3 * int(m['n']) - 2:02d}-01")
        elif (m := _MONTH_LABEL.fullmatch(c)) is not None:
            out.append(f"{m['year']}-{int(m['n']):02d}-01")
        else:
            return cells
    return out


def _likelier_reading(best: str, full: dict[str, np.ndarray], counts: dict[str, int]) -> str | None:
    """Another format that reads as many dates as `best` and gives regular dates where `best`'s are not (else dates in
    the file's order where `best`'s are not), or None. 23/01/02 read %d/%m/%y is day 23 of January 2002, 2003, ...:
    irregular dates that sorting scrambled; read %y/%m/%d it is 2 January 2023, in order."""

    def key(f: str) -> tuple[bool, bool]:
        return _is_regular(full[f]), _in_order(full[f])

    mine = key(best)
    if mine[0]:
        return None
    for f in full:
        if f != best and counts[f] == counts[best] and key(f) > mine:
            return f
    return None


def _mixed(series: pd.Series, candidates: list[str], notes: list[str]) -> np.ndarray:
    """(N,) datetime64[s] of dates written several ways (2023-01-02, 01/03/2023, 04.01.2023): each value read by the
    first of `candidates` that reads it (a dotted date is day-first), month-first for 01/03 unless only day-first
    keeps the file in date order; what none reads, by pandas' guess. A note shows how each way was read.

    pandas' guess alone read 04.01.2023 as April 1: a file in date order came out scrambled, "sorted" and
    with "duplicate dates" dropped, while every value looked read."""
    given = series.notna().to_numpy()  # (N,)
    readings = []
    for day_first in (False, True):
        order = sorted(candidates, key=lambda f: day_first and any(f.startswith(m) for m in _MONTH_FIRST))
        out = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[s]")
        examples: list[tuple[str, np.datetime64]] = []  # each way's first value and its reading
        for fmt in order:
            todo = np.flatnonzero(np.isnat(out) & given)
            if not len(todo):
                break
            got = _to_datetime(series.iloc[todo], fmt)
            read = todo[~np.isnat(got)]
            if len(read):
                out[read] = got[~np.isnat(got)]
                examples.append((str(series.iloc[read[0]]), out[read[0]]))
        readings.append((out, examples))
    (out, examples), (other, other_examples) = readings
    if not _in_order(out) and _in_order(other):
        out, examples = other, other_examples
    rest = np.flatnonzero(np.isnat(out) & given)
    if len(rest):
        out[rest] = _to_datetime(series.iloc[rest], "mixed")
    if len(examples) > 1:
        shown = [(text, np.datetime_as_string(d, unit="D")) for text, d in examples]
        said = ", ".join(f"{text} as {day}" for text, day in shown if text != day)  # 2023-01-02 needs no saying
        notes.append(f"read dates written {len(examples)} ways ({said})")
    return out


def _is_regular(d: np.ndarray) -> bool:
    """A known frequency that fills at least half of its steps between the first and last date."""
    freq = periods.infer_frequency(d)
    return freq is not None and periods.coverage(d, freq) >= 0.5


def _frequency_name(d: np.ndarray) -> str:
    return periods.FREQUENCY_NAMES.get(periods.infer_frequency(d) or "", "dates")


def _first_ambiguous(present: list[str]) -> str:
    """The first value whose day and month could be swapped (01/02/1949), for a note."""
    for c in present:
        m = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}", c)
        if m and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and m.group(1) != m.group(2):
            return m.group(0)
    return present[0]


def _in_order(d: np.ndarray) -> bool:
    v = d[~np.isnat(d)].astype(np.int64)
    dv = np.diff(v)
    return bool(np.all(dv >= 0) or np.all(dv <= 0))


# ---------------------------------------------------------------------------------------
# columns


def _find(header: list[str], wanted: str, src: str, what: str) -> int:
    """Index of the column named `wanted` (case/space-insensitive), else DataError with close names."""
    keys = [_key(h) for h in header]
    k = _key(wanted)
    if k in keys:
        return keys.index(k)
    close = difflib.get_close_matches(wanted, header, n=3, cutoff=0.5) or [
        header[keys.index(c)] for c in difflib.get_close_matches(k, keys, n=3, cutoff=0.5)
    ]
    did_you_mean = f"did you mean {', '.join(repr(c) for c in close)}? The" if close else "the"
    error = DataError(f"{src} has no {what} {wanted!r}", hint=f"{did_you_mean} columns are: {', '.join(header)}")
    error.close_names = close  # closest first: `lstm predict --data` suggests --column with one
    raise error


def _drop_annotations(
    rows: list[list[str]], line_nos: list[int], notes: list[str]
) -> tuple[list[list[str]], list[int]]:
    """Rows that only annotate a date ("2:1 Stock Split", "0.24 Dividend" in a Yahoo copy): dropped.

    Such a row shares its date with the day's price row; left in, it would be a duplicate date
    whose winner depends on file order, and its empty price would be forward-filled.
    """
    kinds: list[str] = []
    keep: list[int] = []
    for j, r in enumerate(rows):
        filled = [f for f in r if f.strip().lower() not in _MISSING]
        m = next((m for f in filled if (m := _ANNOTATION.search(f))), None) if len(filled) <= 2 else None
        if m is None:
            keep.append(j)
        else:
            kinds.append(re.sub(r"s$", "", re.sub(r"-", "", m.group(1).lower())))
    if not kinds:
        return rows, line_nos
    named = ", ".join(dict.fromkeys(kinds))
    notes.append(f"dropped {_plural(len(kinds), 'annotation row')} ({named})")
    return [rows[j] for j in keep], [line_nos[j] for j in keep]


def _unique_names(header: list[str]) -> list[str]:
    """Repeated column names told apart as pandas does: Close, Close.1, Close.2."""
    seen: dict[str, int] = {}
    out = []
    for h in header:
        k = seen.get(h, 0)
        seen[h] = k + 1
        out.append(h if k == 0 else f"{h}.{k}")
    return out


def _listed(names: list[str]) -> str:
    """The first few names, and how many more."""
    shown = ", ".join(names[:_SHOWN_SERIES])
    return shown + (f", ... ({len(names) - _SHOWN_SERIES:,} more)" if len(names) > _SHOWN_SERIES else "")


def _choose_series(names: list[str], wanted: str | None, holds: str, missing: str, kind: str, src: str) -> str:
    """The one name of `names` that `wanted` picks (exact, else case-insensitive), else DataError.

    `holds` ends the "several series" message ("holds 3 series in column 'Ticker'"), `missing`
    the unknown-name one ("in column 'Ticker'"), `kind` names them ("series", "tickers").
    """
    if wanted is None:
        raise SeveralSeriesError(
            f"{src} {holds}: {_listed(names)}; lstm reads one series at a time",
            hint=f"pick one with --series NAME, e.g. --series {names[0]}",
        )
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    close = (
        difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
        or [n for n in names if wanted.casefold() in n.casefold()][:3]
    )
    did_you_mean = f"did you mean {', '.join(repr(c) for c in close)}? The" if close else "the"
    raise DataError(
        f"{src} has no {'ticker' if kind == 'tickers' else kind} {wanted!r} {missing}",
        hint=f"{did_you_mean} {kind} are: {_listed(names)}",
    )


def _yfinance_layout(
    header: list[str], rows: list[list[str]], line_nos: list[int], series: str | None, src: str, notes: list[str]
) -> tuple[list[str], list[list[str]], list[int], str | None]:
    """A yfinance download (header rows Price / Ticker / Date) as a plain table of one ticker.

    Returns the header, rows and line numbers of that ticker's columns and the ticker's name;
    a file of another layout comes back unchanged with None.
    """
    if not rows or _key(header[0]) != "price" or _key(rows[0][0]) != "ticker":
        return header, rows, line_nos, None
    tickers_row = rows[0]
    skip = 1
    if len(rows) > 1 and _key(rows[1][0]) in ("date", "datetime") and not any(rows[1][1:]):
        skip = 2
    names = list(dict.fromkeys(t for t in tickers_row[1:] if t))
    if not names:
        return header, rows, line_nos, None
    if len(names) == 1 and series is None:
        ticker = names[0]
    else:
        ticker = _choose_series(
            names,
            series,
            f"is a yfinance download of {len(names)} tickers",
            "in its Ticker row (a yfinance download)",
            "tickers",
            src,
        )
    keep = [0] + [i for i in range(1, len(header)) if tickers_row[i] == ticker]
    notes.append(
        f"read ticker {ticker!r} of a yfinance download" + (f" of {len(names)} tickers" if len(names) > 1 else "")
    )
    date_name = rows[1][0] if skip == 2 else "Date"
    return (
        [date_name] + [header[i] for i in keep[1:]],
        [[r[i] for i in keep] for r in rows[skip:]],
        line_nos[skip:],
        ticker,
    )


def _find_id_column(header: list[str], cells: list[list[str]], date_i: int | None, decimal: str) -> int | None:
    """The column that names the series of a long-format file (Ticker, Symbol, unique_id...), or None.

    A column is one by name (_ID_NAMES) or, for any text column, by its content: few names
    (at most half as many as rows), each coming back. Across dates that repeat, (date, name)
    is the row's key; where no date repeats (series over different years, or of different
    frequencies), a named text column of two or more names is one, and an unnamed one is when
    it fills (nearly) every row in one block per name whose dates do not run on from the
    block before (`_blocks_are_one_series`: a Month, Regime or Source label of one series).
    A named column of one name is returned too (the file names its one series); a constant
    unnamed column (a Currency) is not an id.
    """
    n = len(cells[0]) if cells else 0
    repeated_dates = date_i is not None and len(set(cells[date_i])) < n
    for i, h in enumerate(header):
        if i == date_i:
            continue
        named = _key(h) in _ID_NAMES
        if len(set(cells[i])) > max(1, n // 2) + 3:  # fast: few names, + a few missing tokens
            continue
        values = [v for v in cells[i] if v.strip().lower() not in _MISSING]
        if not values:
            continue
        k = len(set(values))
        if k > max(1, n // 2):
            continue
        if named and (k == 1 or date_i is None or repeated_dates):
            return i
        if k < 2:
            continue
        starts = None
        if not repeated_dates and not named:  # cheap first: one block of rows per name, (nearly) every row named
            if date_i is None or len(values) < 0.9 * n:
                continue
            starts = [j for j, v in enumerate(cells[i]) if j == 0 or v != cells[i][j - 1]]
            if len(starts) != k:
                continue
        if _is_dates_or_times(values) or _is_numeric(cells[i], decimal):  # a sample of 30 first, then every cell
            continue
        if repeated_dates:
            pairs = len(set(zip(cells[date_i], cells[i], strict=True)))
            if pairs >= 0.9 * n:  # (date, name) is the row's key
                return i
        elif named or not _blocks_are_one_series(cells[date_i], starts):
            return i
    return None


def _blocks_are_one_series(dates: list[str], starts: list[int]) -> bool:
    """Whether blocks of rows (first rows `starts`) run on in time as one series: at each border
    the dates keep rising at the step of the blocks on either side (a label that changed, not a new series)."""
    ends = [*starts[1:], len(dates)]
    if min(e - s for s, e in zip(starts, ends, strict=True)) < 3:
        return False
    spans = [(max(starts[b - 1], starts[b] - 4), starts[b], min(ends[b], starts[b] + 4)) for b in range(1, len(starts))]
    if len(spans) > _MAX_BORDERS:  # a label of many blocks (Month YYYY): borders spread over the file decide
        spans = [spans[int(b)] for b in np.unique(np.linspace(0, len(spans) - 1, _MAX_BORDERS).round())]
    rows = [j for lo, _, hi in spans for j in range(lo, hi)]
    parsed = _parse_dates([dates[j] for j in rows])[0]  # (R,) datetime64[s]: one call for every border
    if np.isnat(parsed).any():
        return False
    seconds, at = parsed.astype(np.int64), 0
    for lo, mid, hi in spans:
        steps = np.diff(seconds[at : at + hi - lo])  # (<=7,) seconds between rows around this border
        at += hi - lo
        left, across, right = steps[: mid - lo - 1], steps[mid - lo - 1], steps[mid - lo :]
        if min(steps) <= 0 or not len(left) or not len(right):
            return False
        step_l, step_r = float(np.median(left)), float(np.median(right))
        if max(step_l, step_r) > 1.5 * min(step_l, step_r) or across > 4 * max(step_l, step_r):
            return False
    return True


def _is_dates_or_times(values: list[str]) -> bool:
    """Most of a sample reads as times of day (a separate Time column) or as dates."""
    sample = values[:30]
    if all(re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?|\d{6}", v) for v in sample):
        return True
    return bool(np.mean(~np.isnat(_parse_dates(sample)[0])) >= 0.9)


def _pick_series(
    col: str, ids: list[str], series: str | None, src: str, notes: list[str]
) -> tuple[list[int] | None, str | None]:
    """The rows of the chosen series (None: all rows) and its name, from the id column's values."""
    names = list(dict.fromkeys(v for v in ids if v.strip().lower() not in _MISSING))
    if len(names) == 1 and (series is None or series.strip().casefold() == names[0].casefold()):
        return None, names[0]
    try:
        name = _choose_series(
            names, series, f"holds {len(names):,} series in column {col!r}", f"in column {col!r}", "series", src
        )
    except SeveralSeriesError as e:
        e.id_column = col  # the panel reader takes the column found on the whole file
        raise
    notes.append(f"read series {name!r} of {len(names):,} in column {col!r}")
    return [j for j, v in enumerate(ids) if v == name], name


def _find_date_column(header: list[str], rows: list[list[str]], decimal: str) -> int | None:
    """The date column: by name first (Date, Timestamp, ...), else the first column that reads as dates."""
    keys = [_key(h) for h in header]
    for name in _DATE_NAMES:
        if name in keys:
            return keys.index(name)
    for i, k in enumerate(keys):
        if re.search(r"\b(date|time)\b", k):
            return i
    for i in range(len(header)):
        sample = [r[i] for r in rows[:30] if r[i].strip().lower() not in _MISSING]
        if not sample or all(_to_float(v, decimal) is not None for v in sample):
            continue
        parsed = _parse_dates(sample)[0]
        if np.mean(~np.isnat(parsed)) >= 0.9:
            return i
    return None


def _with_time_column(header: list[str], cells: list[list[str]], date_i: int) -> tuple[list[str], int | None]:
    """The date cells, joined with a separate Time column (Stooq, MetaTrader) when there is one."""
    keys = [_key(h) for h in header]
    time_i = keys.index("time") if "time" in keys and keys.index("time") != date_i else None
    if time_i is None:
        return cells[date_i], None
    times = cells[time_i]
    if all(re.fullmatch(r"\d{6}", t) for t in times):  # Stooq's HHMMSS
        times = [f"{t[:2]}:{t[2:4]}:{t[4:]}" for t in times]
    if not all(re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", t) for t in times):
        return cells[date_i], None
    if all(t in ("00:00:00", "00:00", "0:00") for t in times):  # daily data with a constant midnight
        return cells[date_i], None
    return [f"{d} {t}" if d else d for d, t in zip(cells[date_i], times, strict=True)], time_i


def _is_step_index(cells: list[str]) -> bool:
    """Whole numbers that no date format reads (not years, YYYYMMDD or unix times): step numbers."""
    present = [c for c in cells if c.strip().lower() not in _MISSING]
    if not present or not all(c.isdigit() for c in present):
        return False
    return bool(np.all(np.isnat(_parse_dates(present[:50])[0])))


def _is_volume(name: str) -> bool:
    k = _key(name)
    return k in _VOLUME_NAMES or k.startswith("vol")


def _choose_target(
    header: list[str], cells: list[list[str]], skip: set[int], decimal: str, src: str, notes: list[str]
) -> int:
    """The target column when none is named: a known price name, else the only numeric column."""
    keys = [_key(h) for h in header]
    empty: list[int] = []  # price-named columns with no value at all
    for name in _TARGET_NAMES:
        for i, k in enumerate(keys):
            if k == name and i not in skip:
                values, text = _parse_numbers(cells[i], decimal)
                if text.any() or not np.isnan(values).all():
                    return i  # a price column holding text is reported cell by cell, not skipped
                notes.append(f"column {header[i]!r} is empty; skipped it")
                empty.append(i)
    numeric = [i for i in range(len(header)) if i not in skip and _is_numeric(cells[i], decimal)]
    if not numeric and empty:
        raise DataError(
            f"{src}: column {header[empty[0]]!r} has no numbers (all {len(cells[empty[0]]):,} values are missing)",
            hint="export the price history again with its prices",
        )
    candidates = [i for i in numeric if not _is_volume(header[i]) and not header[i].startswith("column ")]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and len(numeric) == 1:
        return numeric[0]
    names = ", ".join(repr(header[i]) for i in (candidates or numeric))
    if not numeric:
        hint = f"the columns are: {', '.join(header)}"
        others = [i for i in range(len(header)) if i not in skip]
        if others:  # the column of most values, and one of them: what kept it from being numbers
            i = max(others, key=lambda j: sum(1 for v in cells[j] if v.strip().lower() not in _MISSING))
            text = next((v for v in cells[i] if v.strip().lower() not in _MISSING), None)
            if text is not None:
                hint += f"; column {header[i]!r} holds values such as {text.strip()!r}, which do not read as numbers"
        raise DataError(f"{src} has no column of numbers", hint=hint)
    raise DataError(
        f"{src}: cannot tell which column holds the prices (numeric columns: {names})",
        hint=f"choose one with --column NAME, e.g. --column {header[(candidates or numeric)[0]]!r}, "
        "or train each as a series of its own with --columns all",
    )


# ---------------------------------------------------------------------------------------
# steps of read_prices after the header and columns are known


def _read_dates(
    cells: list[str],
    col: str,
    line_nos: list[int],
    src: str,
    notes: list[str],
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """(N,) datetime64[s], the rows to keep and the time zone; a few unreadable dates are dropped, many an error.

    With `dayfirst` or `date_format` given, every date must read that way (the user said so).
    """
    if date_format is not None:
        _check_date_format(date_format, src)
    dates, _fmt, date_notes, timezone = _parse_dates(cells, dayfirst, date_format)
    notes.extend(date_notes)
    bad = np.isnat(dates)
    n_bad = int(bad.sum())
    if n_bad:
        first = int(np.argmax(bad))
        example = f"line {line_nos[first]}: {cells[first]!r}" if cells[first] else f"line {line_nos[first]} (empty)"
        if date_format is not None or dayfirst is not None:
            how = (
                f"the date format {date_format!r}"
                if date_format is not None
                else ("day-first dates (31/12/2024)" if dayfirst else "month-first dates (12/31/2024)")
            )
            raise DataError(
                f"{src}: column {col!r} has {n_bad:,} of {len(cells):,} dates that do not match "
                f"{how}, first at {example}",
                hint="fix that date, or give the format the file uses, e.g. %Y-%m-%d",
            )
        if n_bad > _MAX_BAD_DATES * len(cells) or len(cells) - n_bad < 2:
            raise DataError(
                f"{src}: column {col!r} has {n_bad:,} of {len(cells):,} dates that cannot be read, first at {example}",
                hint="fix the dates (e.g. 2024-12-31), or name the date column with --date-column NAME",
            )
        notes.append(f"dropped {_plural(n_bad, 'row')} whose date could not be read (first at {example})")
    return dates, ~bad, timezone


def _check_date_format(fmt: str, src: str) -> None:
    """A DataError unless `fmt` is a strftime format with at least one date code."""
    bad = re.search(r"%[^aAwdbBmyYHIpMSfzZjUWcxXGuV%-]", fmt) or not re.search(r"%[dbBmyYjGU]", fmt)
    if not bad:
        try:
            pd.Timestamp("2024-01-31 13:45:56").strftime(fmt)
        except ValueError:
            bad = True
    if bad:
        raise DataError(
            f"{src}: {fmt!r} is not a date format lstm can read",
            hint="use strftime codes, e.g. %d/%m/%Y for 31/12/2024 or %Y-%m-%d %H:%M",
        )


def _excel_serial_dates(cells: list[str], col: str) -> np.ndarray | None:
    """(N,) datetime64[s] if a date-named column holds Excel serial numbers (45292 = 2024-01-01), else None."""
    if not re.search(r"\b(date|time|datetime|timestamp)\b", _key(col)):
        return None
    present = [c for c in cells if c.strip().lower() not in _MISSING]
    if not present or not all(re.fullmatch(r"\d{5}(\.\d+)?", c) for c in present):
        return None
    nums = np.array([float(c) if c.strip().lower() not in _MISSING else np.nan for c in cells])
    ok = ~np.isnan(nums)
    if not np.all((nums[ok] >= 20_000) & (nums[ok] <= 80_000)):  # 1954-10-03 .. 2119-01-10
        return None
    seconds = np.round(np.where(ok, nums, 0) * 86_400).astype(np.int64)
    out = np.datetime64("1899-12-30", "s") + seconds.astype("timedelta64[s]")
    return np.where(ok, out, np.datetime64("NaT", "s"))


def _read_column(
    cells: list[str], col: str, line_nos: list[int], keep: np.ndarray, decimal: str, src: str
) -> np.ndarray:
    """(N,) float64 of one column; NaN for missing; text or inf in a kept row is a DataError."""
    values, text = _parse_numbers(cells, decimal)
    kept = np.flatnonzero(keep)
    bad = np.flatnonzero(text & keep)
    if len(bad):
        i = bad[0]
        more = f" (and {len(bad) - 1:,} more)" if len(bad) > 1 else ""
        other = "." if decimal == "," else ","
        if _to_float(cells[i], other) is not None:  # 12,5 in a file of decimal points: the other mark
            words = {".": "decimal points (1,234.5)", ",": "decimal commas (1.234,5)"}
            raise DataError(
                f"{src}: column {col!r} has a value written with another decimal mark at line {line_nos[i]}: "
                f"{cells[i]!r}{more}; the file's other numbers read with {words[decimal]}",
                hint=f"correct that value, or say which mark the file uses with --decimal {decimal} or "
                f"--decimal {other}",
            )
        raise DataError(
            f"{src}: column {col!r} has a value that is not a number at line {line_nos[i]}: {cells[i]!r}{more}",
            hint="fix or delete that row, or choose another column with --column NAME",
        )
    inf = np.flatnonzero(np.isinf(values) & keep)
    if len(inf):
        raise DataError(
            f"{src}: column {col!r} has an infinite value at line {line_nos[inf[0]]}: {cells[inf[0]]!r}",
            hint="fix or delete that row",
        )
    if np.all(np.isnan(values[kept])):
        raise DataError(
            f"{src}: column {col!r} has no numbers (all {len(kept):,} values are missing)",
            hint="choose another column with --column NAME",
        )
    return values


def _order_and_dedupe(
    values: np.ndarray, dates: np.ndarray, lines: np.ndarray, notes: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort oldest-first (stable) and keep one row per date: the last one in file order that has a value."""
    N = len(dates)
    steps = np.diff(dates.astype(np.int64))
    if np.any(steps < 0):
        order = np.argsort(dates, kind="stable")  # equal dates keep their file order
        if np.all(steps <= 0):
            notes.append(f"sorted {N:,} rows oldest-first (the file was newest-first)")
        else:
            notes.append(f"sorted {N:,} rows by date (the file was out of order)")
        values, dates, lines = values[order], dates[order], lines[order]
    same_as_next = dates[:-1] == dates[1:]  # (N-1,)
    if not np.any(same_as_next):
        return values, dates, lines
    keep = np.zeros(N, dtype=bool)
    identical = different = empty = 0
    start = 0
    for i in range(1, N + 1):
        if i == N or dates[i] != dates[start]:
            if i - start == 1:
                keep[start] = True
            else:
                group = values[start:i].reshape(i - start, -1)  # (G, F)
                blank = np.isnan(group).all(axis=1)  # (G,) a row without any value (Yahoo's `null` row)
                # the last row with a value: an empty row later in the file must not replace a real price
                # (its gap would be forward-filled from the day before)
                rows = np.flatnonzero(~blank) if not blank.all() else np.arange(i - start)
                chosen = rows[-1]
                keep[start + chosen] = True
                empty += int(blank.sum()) if not blank.all() else 0
                rest = group[rows]
                if np.all((rest == rest[-1]) | (np.isnan(rest) & np.isnan(rest[-1]))):
                    identical += len(rows) - 1
                else:
                    different += 1
            start = i
    if empty:
        notes.append(f"dropped {_plural(empty, 'empty row')} sharing a date with a row of prices")
    if identical:
        notes.append(f"dropped {_plural(identical, 'repeated row')} (same date and values)")
    if different:
        notes.append(
            f"dropped {_plural(different, 'duplicate date')} with different prices (kept the last row of each)"
        )
    return values[keep], dates[keep], lines[keep]


def _drop_total_row(values: np.ndarray, lines: np.ndarray, notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A last row whose price is the sum of the 10 or more positive prices above it (a spreadsheet's total, which
    a file with dates drops for its unreadable date) is dropped, with a note; otherwise nothing changes.

    No price series jumps to exactly the sum of its history: at 1e-4 relative, a total of rounded values matches."""
    if len(values) < 11:
        return values, lines
    above, last = values[:-1, 0], float(values[-1, 0])  # (N-1,), the target column
    if not (np.isfinite(above).all() and (above > 0).all() and np.isclose(last, above.sum(), rtol=1e-4, atol=0)):
        return values, lines
    notes.append(f"dropped the last row (line {int(lines[-1])}: {last:,.10g}), the sum of the rows above (a total)")
    return values[:-1], lines[:-1]


#: a price this many times both its neighbours' (or a fraction as small), while they agree within 1.5x, is noted as
#: a likely typo: 104.52 written 10452 (a lost decimal point) is 100x; no price leaves and regains its level so
SPIKE_RATIO = 20


def _spike_note(prices: np.ndarray, dates, frequency: str | None, timezone: str | None, notes: list[str]) -> None:
    """A note on rows whose price is SPIKE_RATIO x (or 1 / SPIKE_RATIO of) the rows on either side (all above 0):
    they are read as written, and a lost decimal point there would silently skew the fit and its scores. Also on
    a 0 after a price far above 0 (before another, or last; far: SPIKE_RATIO x the median step) in a series of
    prices above 0: a missing value written as 0."""
    if len(prices) < 3:
        return
    if (prices >= 0).all() and (prices > 0).mean() >= 0.9:
        far = SPIKE_RATIO * np.median(np.abs(np.diff(prices)))  # a price this far above 0 does not fall to 0 in a step
        after = np.r_[prices[2:] > far, True]  # (N-1,): the next row is far above 0 too, or there is none
        zeros = np.flatnonzero((prices[1:] == 0) & (prices[:-1] > far) & after) + 1
        if len(zeros):
            k = int(zeros[0])
            at = f"row {k + 1:,}" if dates is None else periods.format_date(dates[k], frequency, timezone)
            beside = f"after {prices[k - 1]:,.10g}" + (
                f" and before {prices[k + 1]:,.10g}" if k + 1 < len(prices) else ", last"
            )
            many = f"{_plural(len(zeros), 'price')} of 0 among prices above 0, the first: " if len(zeros) > 1 else ""
            notes.append(
                f"{many}{at}'s price is 0 {beside}: a missing value written as 0? (read as written; an empty "
                "cell is filled forward)"
            )
    if not (prices > 0).all():
        return
    logs = np.log(prices)  # in logs: prices near the float range's ends neither overflow nor divide by zero
    before, here, after = logs[:-2], logs[1:-1], logs[2:]  # (N-2,) each
    far = here - (before + after) / 2  # log of the price over its neighbours' geometric mean
    steady = np.abs(before - after) <= np.log(1.5)
    rows = np.flatnonzero(steady & (np.abs(far) >= np.log(SPIKE_RATIO))) + 1
    if not len(rows):
        return
    k = int(rows[0])
    at = f"row {k + 1:,}" if dates is None else periods.format_date(dates[k], frequency, timezone)
    with np.errstate(over="ignore"):  # a ratio beyond the float range reads inf
        times = f"{np.exp(abs(far[k - 1])):,.0f}"
    times = f"{times}x" if far[k - 1] > 0 else f"1/{times}"
    first = (
        f"{at}'s {prices[k]:,.10g} is {times} the rows on either side ({prices[k - 1]:,.10g}, {prices[k + 1]:,.10g})"
    )
    many = f"{_plural(len(rows), 'price')} far from the rows on either side, the first: " if len(rows) > 1 else ""
    notes.append(f"{many}{first}: a typo such as a lost decimal point? (read as written)")


def _fill_missing(
    values: np.ndarray, dates: np.ndarray | None, columns: list[str], notes: list[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Drop leading rows with a missing value and trailing rows without a target value (dates a sheet holds ahead,
    a day not closed yet: filled forward they were prices that never were, and the forecast started after them);
    forward-fill the gaps between."""
    missing = np.isnan(values)  # (N, F)
    complete = ~missing.any(axis=1)
    if not complete.any():
        return values[:0], None if dates is None else dates[:0]
    first = int(np.argmax(complete))
    if first:
        notes.append(f"dropped {_plural(first, 'leading row')} with missing values")
        values, missing = values[first:], missing[first:]
        dates = None if dates is None else dates[first:]
    end = len(values) - int(np.argmax(~missing[::-1, 0]))  # after the last row with a target value
    if end < len(values):
        after = "" if dates is None else f" (from {np.datetime_as_string(dates[end], unit='D')})"
        what = "price" if len(columns) == 1 else repr(columns[0])
        notes.append(f"dropped {_plural(len(values) - end, 'trailing row')} without a {what}{after}")
        values, missing = values[:end], missing[:end]
        dates = None if dates is None else dates[:end]
    counts = missing.sum(axis=0)  # (F,)
    if counts.any():
        values = pd.DataFrame(values).ffill().to_numpy()
        total = int(counts.sum())
        if len(columns) == 1:
            notes.append(f"filled {_plural(total, 'missing price')} forward")
        else:
            per = ", ".join(f"{c} {int(k):,}" for c, k in zip(columns, counts, strict=True) if k)
            notes.append(f"filled {_plural(total, 'missing value')} forward ({per})")
    return values, dates
