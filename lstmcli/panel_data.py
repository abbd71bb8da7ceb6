"""Reading many series at once (a panel): a long file, a wide file, or several files.

Three shapes, told apart here and named on the `Read` line:

    long   Date,Ticker,Close        one id column (`--id-column` overrides), rows of every series
    wide   Date,AAPL,MSFT,GOOG      one price column per series (`--columns AAPL,MSFT` or `all`)
    files  data/AAPL.csv ...        one series per file (or every CSV of a folder), named by file stem

The panel is cut into one small CSV per series (`SeriesInput.raw`, the series' own rows with
the header), and each series is cleaned by `data.read_prices` exactly as a file of that one
series would be: the same column rule, date reading, duplicate dates and gap filling. The
cutting is cheap and happens once, in the parent; the reading happens in the worker that
fits the series, so a task (a process, or a Dask task) receives only its own series' bytes.

Problems of the panel as a whole (blank or control-character ids, ids that differ only by
case or spaces, two files of one name, a `--series` name that is not there) are DataErrors
here; problems of one series (too short, no numbers) are that series' alone and are reported
when it is read and fitted, so that the other series still train.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lstmcli import data
from lstmcli.errors import DataError, OptionError
from lstmcli.panel import select_names

__all__ = ["PanelInput", "SeriesInput", "is_panel_request", "looks_long", "read_panel", "select_names"]

LONG, WIDE, FILES, YFINANCE = "long", "wide", "files", "yfinance"
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class SeriesInput:
    """One series of a panel: its own CSV bytes and how to read them (the `data.read_prices` keywords)."""

    id: str
    raw: bytes  # a CSV of this series alone, header included
    name: str  # shown as the source: "panel.csv[AAPL]" or "data/AAPL.csv"
    options: dict = field(default_factory=dict)
    rows: int = 0  # data rows before cleaning

    def read(self) -> data.PriceSeries:
        """The cleaned series (a DataError names this series' source)."""
        series = data.read_prices(self.raw, name=self.name, **self.options)
        series.series = self.id
        return series


@dataclass
class PanelInput:
    """Several series read from one long or wide file, or from several files."""

    layout: str  # LONG, WIDE or FILES
    source: str  # the file, or "3 files" / the folder
    series: list[SeriesInput]
    id_column: str | None = None  # long format: the column of series names
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.series]

    def summary(self) -> str:
        """The `Read` line: the shape, how many series, and how many rows."""
        n, rows = len(self.series), sum(s.rows for s in self.series)
        names = data._listed(self.ids)
        if self.layout == LONG:
            what = f"long format, {n:,} series in column {self.id_column!r} ({names}), {rows:,} rows"
        elif self.layout == WIDE:
            rows_each = {s.rows for s in self.series}
            what = f"wide format, {n:,} series, one per column ({names})"
            if len(rows_each) == 1:
                what += f", {rows_each.pop():,} rows each"
        elif self.layout == YFINANCE:
            what = f"a yfinance download of {n:,} tickers ({names}), {max(s.rows for s in self.series):,} rows each"
        else:
            what = f"{data._plural(n, 'file')}, one series per file named by file ({names}), {rows:,} rows"
        return f"Read {self.source}: {what}" + ("; " + ", ".join(self.notes) if self.notes else "")


def is_panel_request(sources: Sequence[str], columns: str | None, series: str | None) -> bool:
    """Whether the command line asks for a panel before any file is read: several files, a folder,
    --columns, or --series naming more than one series."""
    if len(sources) > 1 or columns:
        return True
    if series is not None and "," in series:
        return True
    return len(sources) == 1 and sources[0] != "-" and Path(sources[0]).is_dir()


def read_panel(
    sources: Sequence[str | Path],
    *,
    columns: str | Sequence[str] | None = None,
    series: Sequence[str] | None = None,
    id_column: str | None = None,
    column: str | None = None,
    date_column: str | None = None,
    features: Sequence[str] = (),
    dayfirst: bool | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    decimal: str | None = None,
) -> PanelInput:
    """Cut the sources into one `SeriesInput` per series (nothing is cleaned yet; see module doc).

    `columns` ("all" or names) reads one file as wide; several sources or a folder read one
    series per file; else the one file is long format, with `id_column` or the detected one.
    `series` keeps only those ids (exact, else ignoring case; an unknown one is a DataError
    that suggests the nearest). An .xlsx workbook (`sheet` a name or a number from 1, else
    the first sheet) or a Parquet file is read as the CSV of its table, as `data.read_prices` does;
    with several files, every file is read with `sheet`.
    """
    sources = [str(s) for s in sources]
    reading = dict(date_column=date_column, features=list(features), dayfirst=dayfirst, date_format=date_format)
    if decimal is not None:  # given: every series reads with it (else each series' own numbers decide)
        reading["decimal"] = decimal
    if columns:
        if len(sources) != 1:
            raise OptionError(
                f"--columns reads one wide file; {len(sources)} files were given",
                hint="pass one file with a price column per series",
            )
        panel = _read_wide(_FileText.read(sources[0], sheet), columns, id_column, reading)
    elif len(sources) > 1 or (sources[0] != "-" and Path(sources[0]).is_dir()):
        files = reading | dict(column=column, id_column=id_column) | ({"sheet": sheet} if sheet is not None else {})
        panel = _read_files(sources, files)
    else:
        if sources[0] == "-":  # standard input was read once already, to find the several series in it
            raise DataError(
                "<stdin> holds several series; lstm reads a file of several series from a file, not standard input",
                hint="save it to a file (... > panel.csv) and pass that, or read one series with --series NAME",
            )
        text = _FileText.read(sources[0], sheet)
        panel = _read_yfinance(text, reading | dict(column=column))
        if panel is None:
            panel = _read_long(text, id_column, reading | dict(column=column))
    if series:
        panel.series = [panel.series[i] for i in _indices(panel, series)]
    if not panel.series:
        raise DataError(f"{panel.source} holds no series", hint="check the file or folder")
    return panel


def _indices(panel: PanelInput, wanted: Sequence[str]) -> list[int]:
    where = panel.source + (f" (column {panel.id_column!r})" if panel.id_column else "")
    return select_names(panel.ids, wanted, where)


def _csv_bytes(header: list[str], rows: list[list[str]], delim: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delim, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


@dataclass
class _FileText:
    """One file's text, read once: a CSV decoded, or the CSV of a workbook's sheet or a Parquet table."""

    text: str
    src: str
    notes: list[str]

    @classmethod
    def read(cls, source: str, sheet: str | None) -> _FileText:
        from lstmcli import tables

        raw, src = data._read_bytes(source, None)
        notes: list[str] = []
        text = tables.table_text(raw, src, sheet, notes)  # .xlsx / .parquet as CSV text; None for other bytes
        if text is None:
            text = data._decode(raw, src, notes)
        return cls(text, src, notes)


def _table(file: _FileText) -> tuple[str, list[str], list[list[str]], list[int], str, list[str]]:
    """(shown name, header, rows, line numbers, delimiter, notes) of one file, parsed once."""
    src, notes = file.src, list(file.notes)
    header, rows, line_nos, delim = data._rows(file.text, src, notes)
    if not rows:
        raise DataError(f"{src} has a header but no data rows", hint="export the series again with its rows")
    return src, data._unique_names(header), rows, line_nos, delim, notes


def _date_index(header, rows, cells, delim, date_column, src) -> tuple[int | None, str]:
    """The date column (as read_prices finds it) and the decimal mark of the other columns."""
    if date_column is not None:
        date_i = data._find(header, date_column, src, "date column")
    else:
        date_i = data._find_date_column(header, rows, data._decimal_mark(cells, delim))
    decimal = data._decimal_mark([c for i, c in enumerate(cells) if i != date_i], delim)
    return date_i, decimal


def _check_ids(first_line: dict[str, int], counts: dict[str, int], col: str, src: str) -> None:
    """DataError for an id column with blanks or control characters, or names differing only by case or spaces.

    `first_line` maps each name to the file line it first appears on, `counts` to its rows.
    """
    for v, line in first_line.items():
        if not v.strip() or v.strip().lower() in data._MISSING:
            raise DataError(
                f"{src}: column {col!r} has {data._plural(counts[v], 'row')} without a series name, "
                f"first at line {line}",
                hint="fill in the name of each row's series, or delete those rows",
            )
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in v):
            raise DataError(
                f"{src}: column {col!r} has a series name with a control character at line {line}: {v!r}",
                hint="clean the names (a copy from a terminal or a spreadsheet can carry such bytes)",
            )
    seen: dict[str, str] = {}
    for v in first_line:
        k = " ".join(v.split()).casefold()
        if k in seen:
            raise DataError(
                f"{src}: column {col!r} names {seen[k]!r} (line {first_line[seen[k]]}) and {v!r} "
                f"(line {first_line[v]}): they differ only by case or spaces",
                hint="write each series' name one way; are they one series?",
            )
        seen[k] = v


SAMPLE_LINES = 5000  # lines that decide the layout (header, delimiter, date and id columns); the rest stream


SNIFF_BYTES = 1 << 20  # looks_long reads at most this much of a file


def looks_long(
    source: str, id_column: str | None = None, date_column: str | None = None, on_likely: Callable | None = None
) -> bool:
    """Whether a CSV file is plainly a long file of several series, judged on its first lines only: a
    column named as series names are (Ticker, Symbol, unique_id, ... or `id_column`) holds two or more
    names there, dates repeat, and every other column is numbers. Then `lstm train` reads it as a panel
    at once, without first reading the whole file as one series to find that it holds several (the
    full read_prices pass decides every other case, as before). False for anything else, and for
    standard input, a workbook, a Parquet file or a file that cannot be read. `on_likely()` is called
    once the header and the names (a quick look) say so, before the slower look at dates and numbers."""
    from lstmcli.tables import PARQUET_MAGIC, XLSX_MAGIC

    if source == "-" or not Path(source).is_file():
        return False
    try:
        with open(source, "rb") as f:
            raw = f.read(SNIFF_BYTES)
        if raw.startswith((XLSX_MAGIC, PARQUET_MAGIC)):
            return False
        if len(raw) == SNIFF_BYTES:
            raw = raw[: raw.rfind(b"\n") + 1]  # whole lines (and whole UTF-8 characters) only
        text = data._decode(raw, source, []).replace("\r\n", "\n").replace("\r", "\n")
        top = data._key(text[:4096])  # a file of one series (no id-like word at the top): no further look
        if id_column is None and not any(name in top for name in data._ID_NAMES):
            return False
        head = "\n".join(text.split("\n", SAMPLE_LINES)[:SAMPLE_LINES])
        if not _names_a_panel(head, source, id_column):
            return False
        if on_likely is not None:
            on_likely()
        header, rows, _, _, cells, date_i, decimal, id_i, _ = _sample_layout(head, source, date_column, id_column)
        if len(rows) < 4:
            return False
    except (DataError, OptionError, OSError, ValueError):  # the full read says what is wrong, as before
        return False
    if id_i is None or date_i is None or (id_column is None and data._key(header[id_i]) not in data._ID_NAMES):
        return False
    names = {v for v in cells[id_i] if v.strip() and v.strip().lower() not in data._MISSING}
    repeated = len(set(cells[date_i])) < len(rows)
    others = [i for i in range(len(header)) if i not in (date_i, id_i)]
    return len(names) >= 2 and repeated and all(data._is_numeric(cells[i], decimal) for i in others)


def _names_a_panel(head: str, src: str, id_column: str | None) -> bool:
    """The quick look of looks_long: a column named as series names are (or `id_column`) with two or
    more names on the first lines (no dates or numbers read)."""
    header, rows, _, _ = data._rows(head, src, [])
    keys = [data._key(h) for h in header]
    wanted = data._key(id_column) if id_column is not None else None
    found = [i for i, k in enumerate(keys) if (k == wanted if wanted is not None else k in data._ID_NAMES)]
    return bool(found) and len({r[found[0]].strip() for r in rows if len(r) > found[0]} - {""}) >= 2


_last_layout: list = [None, None]  # [key, layout]: looks_long's sample analysis, for _read_long to reuse


def _sample_layout(head: str, src: str, date_column: str | None, id_column: str | None) -> tuple:
    """(header, rows, line numbers, delimiter, cells by column, date column, decimal mark, id column, notes)
    of a long file's first lines, by data.py's rules (a DataError for a file without data rows or
    without a column `id_column`). The last answer is kept: train asks it twice, to tell a long file
    (looks_long) and to cut it (_read_long), and the analysis of 5,000 lines takes ~0.2 s."""
    key = (head, src, date_column, id_column)
    if _last_layout[0] == key:
        return _last_layout[1]
    notes: list[str] = []
    header, rows, line_nos, delim = data._rows(head, src, notes)
    header = data._unique_names(header)
    if not rows:
        raise DataError(f"{src} has a header but no data rows", hint="export the series again with its rows")
    cells = [[r[i] for r in rows] for i in range(len(header))]
    date_i, decimal = _date_index(header, rows, cells, delim, date_column, src)
    if id_column is not None:
        id_i = data._find(header, id_column, src, "id column")
    else:
        id_i = data._find_id_column(header, cells, date_i, decimal)
    _last_layout[:] = [key, (header, rows, line_nos, delim, cells, date_i, decimal, id_i, notes)]
    return _last_layout[1]


def _one_reading(header, cells, delim, line_nos, skip, reading: dict, notes: list[str]) -> dict:
    """A file of several series reads its numbers one way: where it holds a value both decimal marks read (1.234)
    and does not say which, the mark is decided on the file (a long file's first lines), said once on the Read
    line and given to every series (each would decide on its own rows, and say it nowhere). `reading` as it is
    when --decimal was given, when nothing is open, or when the file contradicts itself (each series says so)."""
    if reading.get("decimal") is not None:
        return reading
    keep = [i for i in range(len(header)) if i not in skip]
    how = data._decimal_reading([cells[i] for i in keep], delim, [header[i] for i in keep], line_nos)
    if how.note is None or how.conflict is not None:
        return reading
    notes.append(how.note)
    return reading | {"decimal": how.mark}


def _read_long(file: _FileText, id_column: str | None, reading: dict) -> PanelInput:
    """A long file cut into one CSV per series, streamed row by row (a 500 x 2,500 file stays small in memory).

    The header, delimiter, date and id columns are decided on the first SAMPLE_LINES lines by
    data.py's own rules; each row is then appended to its series' CSV as it is read.
    """
    src, notes = file.src, list(file.notes)
    text = file.text.replace("\r\n", "\n").replace("\r", "\n")
    head = "\n".join(text.split("\n", SAMPLE_LINES)[:SAMPLE_LINES])
    header, _, line_nos, delim, cells, date_i, _, id_i, read_notes = _sample_layout(
        head, src, reading.get("date_column"), id_column
    )
    notes += read_notes
    reading = _one_reading(header, cells, delim, line_nos, {date_i, id_i}, reading, notes)
    if id_i is None:
        raise DataError(
            f"{src} has no column of series names (like Ticker or Symbol)",
            hint=f"name it with --id-column NAME, or read one column per series with --columns; "
            f"the columns are: {', '.join(header)}",
        )
    col, first = header[id_i], line_nos[0]  # the file line of the first data row: everything before it is the header
    plain = delim != " " and '"' not in text and "\x00" not in text
    bodies, counts, first_line = (_cut_plain if plain else _cut_quoted)(text, first, delim, len(header), id_i, src)
    del text
    _check_ids(first_line, counts, col, src)
    head_row = io.StringIO()
    csv.writer(head_row, delimiter=delim, lineterminator="\n").writerow(header)
    options = reading | dict(id_column=col)
    series = [
        SeriesInput(
            id=name,
            raw=(head_row.getvalue() + body).encode("utf-8"),
            name=f"{src}[{name}]",
            options=options,
            rows=counts[name],
        )
        for name, body in bodies.items()
    ]
    return PanelInput(LONG, src, series, id_column=col, notes=notes)


def _too_wide(src: str, line: int, row: list[str], width: int) -> DataError:
    return DataError(
        f"{src}: line {line} has {data._width(row)} fields but the header has {width}",
        hint="remove the extra delimiter on that line, or quote the field that holds it",
    )


def _cut_quoted(text: str, first: int, delim: str, width: int, id_i: int, src: str):
    """({name: its rows as CSV}, {name: rows}, {name: first line}): the rows from file line `first` on,
    each trimmed, padded to `width` fields and written as csv.writer writes it, grouped by field `id_i`."""
    stream = io.StringIO(text)
    for _ in range(first - 1):
        stream.readline()
    reader = csv.reader(stream, delimiter=delim, skipinitialspace=True)
    groups: dict[str, tuple[io.StringIO, object]] = {}
    counts: dict[str, int] = {}
    first_line: dict[str, int] = {}
    try:
        for row in reader:
            if not any(f.strip() for f in row):
                continue
            line = reader.line_num + first - 1
            if data._width(row) > width:
                raise _too_wide(src, line, row, width)
            row = [f.strip() for f in [*row[:width], *[""] * (width - len(row))]]
            name = row[id_i]
            if name not in groups:
                buf = io.StringIO()
                groups[name] = (buf, csv.writer(buf, delimiter=delim, lineterminator="\n"))
                counts[name], first_line[name] = 0, line
            groups[name][1].writerow(row)
            counts[name] += 1
    except csv.Error as e:
        raise DataError(
            f"{src}: line {reader.line_num + first - 1} cannot be read as CSV ({e})",
            hint="check that quotes are balanced on that line",
        ) from None
    return {name: buf.getvalue() for name, (buf, _) in groups.items()}, counts, first_line


def _cut_plain(text: str, first: int, delim: str, width: int, id_i: int, src: str):
    """_cut_quoted for a text without quotes, NULs or a space delimiter (what most files are): a row is
    its line split at the delimiter, and csv.writer would write its trimmed fields joined by it, so the
    same bytes come out ~2x faster (no csv reader and writer per row)."""
    stream = io.StringIO(text)  # line by line: no list of every line at once (1.25M lines: ~100 MB)
    for _ in range(first - 1):
        stream.readline()
    groups: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    pad = [""] * width
    for j, line in enumerate(stream, start=first - 1):
        row = line.rstrip("\n").split(delim)
        if len(row) > width and data._width(row) > width:
            raise _too_wide(src, j + 1, row, width)
        row = [f.strip() for f in row[:width]]
        if len(row) < width:
            row += pad[len(row) :]
        if not any(row):
            continue
        name = row[id_i]
        rows = groups.get(name)
        if rows is None:
            rows = groups[name] = []
            first_line[name] = j + 1
        rows.append(delim.join(row))
    bodies = {name: "\n".join(rows) + "\n" for name, rows in groups.items()}
    return bodies, {name: len(rows) for name, rows in groups.items()}, first_line


def _read_yfinance(file: _FileText, reading: dict) -> PanelInput | None:
    """A yfinance download of several tickers (header rows Price / Ticker / Date): one series per
    ticker, each cut as a yfinance file of that ticker alone (so data.py's column rule, Adj Close
    else Close, applies per ticker); None for a file of another layout."""
    src, notes = file.src, list(file.notes)
    head = "\n".join(file.text.split("\n", 50)[:50])  # the header rows decide; a long file is not parsed twice
    header, rows, _line_nos, delim = data._rows(head, src, [])
    if not rows or data._key(header[0]) != "price" or data._key(rows[0][0]) != "ticker":
        return None
    header, rows, _line_nos, delim = data._rows(file.text, src, notes)
    if not rows or data._key(header[0]) != "price" or data._key(rows[0][0]) != "ticker":
        return None
    tickers = rows[0]
    skip = 2 if len(rows) > 1 and data._key(rows[1][0]) in ("date", "datetime") and not any(rows[1][1:]) else 1
    names = list(dict.fromkeys(t for t in tickers[1:] if t))
    if len(names) < 2:
        return None
    series = []
    for name in names:
        idx = [0] + [i for i in range(1, len(header)) if tickers[i] == name]
        head = [[header[i] for i in idx], [tickers[i] for i in idx], *([r[i] for i in idx] for r in rows[1:skip])]
        body = [[r[i] for i in idx] for r in rows[skip:]]
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(head + body)
        series.append(SeriesInput(name, buf.getvalue().encode("utf-8"), f"{src}[{name}]", dict(reading), len(body)))
    return PanelInput(YFINANCE, src, series, notes=notes)


def _refuse_long(header: list[str], cells: list[list[str]], date_i: int | None, decimal: str, src: str) -> None:
    """--columns on a long file (Date, Ticker, Close: its dates repeat, once per series) read its price column as one
    series, kept the last row of each date (the last ticker's) and trained it under the column's name, exit 0."""
    if date_i is None or len(set(cells[date_i])) == len(cells[date_i]):
        return
    id_i = data._find_id_column(header, cells, date_i, decimal)
    if id_i is None:
        return
    names = list(dict.fromkeys(v for v in cells[id_i] if v.strip()))
    raise OptionError(
        f"--columns reads a wide file (one column per series), but {src} is a long file: column "
        f"{header[id_i]!r} names its series ({data._listed(names)})",
        hint="leave out --columns to train every series, or pick some with --series",
    )


def _read_wide(file: _FileText, columns: str | Sequence[str], id_column: str | None, reading: dict) -> PanelInput:
    src, header, rows, line_nos, delim, notes = _table(file)
    cells = [[r[i] for r in rows] for i in range(len(header))]
    date_i, decimal = _date_index(header, rows, cells, delim, reading.get("date_column"), src)
    reading = _one_reading(header, cells, delim, line_nos, {date_i}, reading, notes)
    decimal = reading.get("decimal") or decimal
    _refuse_long(header, cells, date_i, decimal, src)
    names = [columns] if isinstance(columns, str) else list(columns)
    names = [n.strip() for part in names for n in part.split(",") if n.strip()]
    if [n.casefold() for n in names] == ["all"]:
        chosen = [
            i
            for i in range(len(header))
            if i != date_i and data._is_numeric(cells[i], decimal) and not data._is_volume(header[i])
        ]
        if not chosen:
            raise DataError(
                f"{src} has no numeric column to read as a series", hint=f"the columns are: {', '.join(header)}"
            )
    else:
        chosen = []
        for n in names:
            i = data._find(header, n, src, "column")
            if i == date_i:
                raise DataError(f"{src}: column {header[i]!r} is the date column", hint="list price columns only")
            if i not in chosen:
                chosen.append(i)
    if reading.get("features"):
        raise OptionError(
            "--features cannot be used with --columns (every column is a series of its own)",
            hint="leave out --features, or train one column at a time with --column",
        )
    keep = [date_i] if date_i is not None else []
    series = []
    for i in chosen:
        idx = [*keep, i]
        series.append(
            SeriesInput(
                id=header[i],
                raw=_csv_bytes([header[k] for k in idx], [[r[k] for k in idx] for r in rows], delim),
                name=f"{src}[{header[i]}]",
                options=reading | dict(column=header[i], date_column=header[date_i] if date_i is not None else None),
                rows=len(rows),
            )
        )
    return PanelInput(WIDE, src, series, notes=notes)


def _read_files(sources: list[str], options: dict) -> PanelInput:
    paths: list[Path] = []
    for s in sources:
        p = Path(s)
        if s == "-":
            raise OptionError("- (standard input) cannot be one of several files", hint="pass file names only")
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in CSV_SUFFIXES and q.is_file())
            if not found:
                raise DataError(
                    f"{s} is a directory, not a CSV file, and holds no CSV files",
                    hint="pass the path of a .csv file, or a folder of .csv files (one series each)",
                )
            paths += found
        else:
            paths.append(p)
    by_id: dict[str, Path] = {}
    for p in paths:
        if p.stem in by_id:
            if by_id[p.stem].resolve() == p.resolve():
                continue
            raise DataError(
                f"{by_id[p.stem]} and {p} would both be series {p.stem!r} (a series is named by its file)",
                hint="rename one of the files",
            )
        by_id[p.stem] = p
    folded: dict[str, str] = {}
    for name in by_id:
        k = name.casefold()
        if k in folded:
            raise DataError(
                f"files {by_id[folded[k]]} and {by_id[name]} name series that differ only by case",
                hint="rename one of the files",
            )
        folded[k] = name
    series = []
    for name, p in by_id.items():
        raw, shown = data._read_bytes(p, None)
        series.append(SeriesInput(name, raw, shown, dict(options), rows=max(0, raw.count(b"\n") - 1)))
    shown = sources[0] if len(sources) == 1 else f"{len(by_id):,} files"
    return PanelInput(FILES, shown, series)
