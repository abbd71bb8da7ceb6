"""Shared pieces of the commands: consoles, --model, reading CSVs, progress bar, stop flag, output files.

Also comma lists and the stdout/CSV output helpers (`--output -`, `--json`).

stdout carries results; stderr carries progress, warnings and errors. Only typer and the
standard library are imported at the top, so `lstm --help` starts fast.
"""

from __future__ import annotations

import math
import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from lstmcli.errors import OptionError

DEFAULT_MODEL = "lstm-model.npz"
STDOUT = Path("-")  # `--output -`: the CSV goes to standard output instead of a file

ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", "-m", help="Model file. \\[default: $LSTM_MODEL or lstm-model.npz]", show_default=False),
]


def stderr():
    """A Rich console on stderr for progress, warnings and errors (sentences wrap at words in a terminal)."""
    from lstmcli.render.common import Console

    return Console(stderr=True, highlight=False)


def stdout():
    """A Rich console on stdout for results (sentences wrap at words in a terminal)."""
    from lstmcli.render.common import Console

    return Console(highlight=False)


def sentences(console):
    """`say(x)`: print x on `console`, a Text as sentences (one line each when piped, wrapped at words in a
    terminal: `soft_wrap`), anything else (a table) as it is."""
    from rich.text import Text

    def say(renderable) -> None:
        console.print(renderable, soft_wrap=isinstance(renderable, Text))

    return say


def dask_unused(dask: str | None, what: str) -> None:
    """`--dask` given for one series: said, as it runs a panel's series on a cluster and one series runs here
    (the README promises an unanswered scheduler is an error: one series never contacts it)."""
    if dask:
        from lstmcli.render.common import user_text

        stderr().print(
            f"[yellow]Note:[/] --dask runs the series of a panel as tasks on a Dask cluster; {what} here "
            f"(the scheduler at {user_text(dask)} was not contacted).",
            soft_wrap=True,
        )


def json_text(payload, indent: int | None = 2) -> str:
    """A `--json` document: JSON has no NaN or Infinity (jq, JavaScript and strict parsers refuse them), so a
    number that is not finite (a MASE over a flat training part) is null, as in `--output x.json`."""
    import json
    import math

    def finite(v):
        if isinstance(v, float):
            return v if math.isfinite(v) else None
        if isinstance(v, dict):
            return {k: finite(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [finite(x) for x in v]
        return v

    return json.dumps(finite(payload), indent=indent, allow_nan=False)


def model_path(model: Path | None) -> Path:
    """--model, else $LSTM_MODEL, else lstm-model.npz in the working directory."""
    return model or Path(os.environ.get("LSTM_MODEL") or DEFAULT_MODEL)


def split_names(text: str | None) -> list[str]:
    """`Volume, High` -> ["Volume", "High"]: a comma-separated option as a list, blanks dropped."""
    return [n.strip() for n in text.split(",") if n.strip()] if text else []


SeriesOpt = Annotated[
    str | None,
    typer.Option(
        "--series",
        help="In a file of several series (e.g. a Ticker column), the one to read, e.g. MSFT; several "
        "(AAPL,MSFT) make a panel. With a panel model: the series to use.",
    ),
]
IdColumnOpt = Annotated[
    str | None,
    typer.Option(
        help="Column naming the series in a file of several. \\[default: Ticker, Symbol, ...]", show_default=False
    ),
]
DayfirstOpt = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        help="Read 01/02/2024 as 1 February (--dayfirst) or January 2. \\[default: decided by the data]",
        show_default=False,
    ),
]
DecimalOpt = Annotated[
    str | None,
    typer.Option(
        "--decimal",
        metavar="MARK",
        help="The file's decimal mark: . (1,234.5) or , (1.234,5; dots group thousands). \\[default: decided by "
        "the data; a value both read, 1.234, is said on the Read line]",
        show_default=False,
    ),
]
DateFormatOpt = Annotated[
    str | None,
    typer.Option(help="strftime format every date must match, e.g. %d.%m.%Y.", show_default=False),
]
StrategyOpt = Annotated[
    str,
    typer.Option(
        help="How the model forecasts several steps: recursive (one step at a time, each fed back; any "
        "--days) or direct (the head emits --horizon steps at once; no error compounds, at most that many days).",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        help="Sheet of an Excel workbook (.xlsx) to read: its name, or its number counting from 1. "
        "\\[default: the first]",
        show_default=False,
    ),
]
DataColumnOpt = Annotated[  # predict and inspect: the --data file's name of the model's column
    str | None,
    typer.Option(
        "--column",
        help="Column of --data holding the model's series, when the file names it otherwise "
        "(Last for a model of Close). \\[default: the model's column]",
        show_default=False,
    ),
]


def check_data_column(column: str | None, data_csv: str | None, example: str, does: str) -> None:
    """--column (DataColumnOpt) without --data: refused, naming the fix. `example` is the verb's command
    line before its --data ("lstm predict"), `does` what the model does without --data ("forecasts")."""
    if column is not None and data_csv is None:
        raise OptionError(
            f"--column {column} picks the column of a --data file; the model {does} its own column without --data",
            hint=f"give --data FILE ({example} --data newer.csv --column {column}), or drop --column",
        )


PlotOpt = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        help="Also save the chart to this file: .png, .svg or a self-contained .html (needs lstmcli\\[plot]).",
        show_default=False,
    ),
]
SeasonOpt = Annotated[
    str,
    typer.Option(
        "--season",
        metavar="auto|none|N",
        help="Season length in steps: auto (the dates' usual season, e.g. 12 for months, if the training "
        "part's autocorrelation confirms it; none on business days; weekly data without one: the position in "
        "the year (52.18 weeks) or season 52, if either lowers the validation error), none, or a number >= 2 "
        "such as 12.",
    ),
]
MoreFilesArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="[MORE.CSV]...", help="More files: one series per file (a panel).", show_default=False),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(help="Wide file: one series per column, e.g. AAPL,MSFT, or all (a panel).", show_default=False),
]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        help="Run a panel's series as tasks on this Dask scheduler, e.g. tcp://host:8786. "
        "\\[default: $LSTM_DASK_SCHEDULER]",
        show_default=False,
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Worker processes for independent fits (one BLAS thread each); results are the same for any "
        "number. \\[default: the cores; a small ensemble (3 networks of the default settings under 100 rows) "
        "trains in this process, where starting workers costs more than it saves]",
        show_default=False,
    ),
]


def complete_target(incomplete: str) -> list[str]:
    """Shell completion of --target: its choices (the transforms module is light to import)."""
    from lstmcli.transforms import AUTO, TARGETS

    return [t for t in (AUTO, *TARGETS) if t.startswith(incomplete)]


def complete_calendar(incomplete: str) -> list[str]:
    """Shell completion of --calendar: the exchange calendars' names (when the [calendars] extra is there)."""
    try:
        from lstmcli.calendars import names

        return [n for n in names() if n.upper().startswith(incomplete.upper())]
    except Exception:  # not installed: nothing to offer
        return []


CalendarOpt = Annotated[
    str | None,
    typer.Option(
        help="Exchange calendar for the forecast dates of daily data, e.g. XNYS (New York), XLON: they skip its "
        "holidays; kept in the model file (needs lstmcli\\[calendars]). \\[default: Mon-Fri business days]",
        show_default=False,
        autocompletion=complete_calendar,
    ),
]


def calendar_note(name: str, series) -> str:
    """Check --calendar against the data (daily, a known name); a Note when the data has rows on its closed days."""
    from lstmcli.calendars import check_calendar, closed_days

    name = check_calendar(name, series.frequency)
    if series.dates is not None:
        closed = closed_days(name, series.dates)
        if len(closed):
            from lstmcli.render.common import plural

            stderr().print(
                f"[yellow]Note:[/] {plural(len(closed), 'row')} of the data fall on days {name} is closed "
                f"(e.g. {closed[-1]}): is {name} the data's exchange?",
                soft_wrap=True,
            )
    return name


def calendar_match_note(series, verb: str) -> dict | None:
    """Without --calendar: a Note naming the exchange calendar the data's closed weekdays match (or how to get
    the matching); the match, for the model file. Never applied: --calendar is the user's choice."""
    from lstmcli.calendars import data_note

    text, match = data_note(series.dates, series.frequency, verb)
    if text is not None:
        from rich.markup import escape

        stderr().print(f"[yellow]Note:[/] {escape(text)}", soft_wrap=True)  # [calendars] is no markup
    return None if match is None else match.to_dict()


def complete_refit(incomplete: str) -> list[str]:
    """Shell completion of backtest --refit: never, or a number of origins."""
    return [t for t in ("never", "20", "50") if t.startswith(incomplete)]


def check_decimal(decimal: str | None, data_csv: str | None = "", example: str = "") -> str | None:
    """--decimal as "." or "," (point/dot and comma as words too); refused when it names no mark, or (predict,
    inspect: `data_csv` None) without --data, whose file it reads."""
    if decimal is None:
        return None
    if data_csv is None:
        raise OptionError(
            f"--decimal {decimal} says how to read the numbers of a --data file; the model forecasts its own rows "
            "without one",
            hint=f"give --data FILE ({example} --data newer.csv --decimal {decimal}), or drop --decimal",
        )
    mark = {".": ".", "point": ".", "dot": ".", ",": ",", "comma": ","}.get(decimal.strip().lower())
    if mark is None:
        raise OptionError(
            f"--decimal {decimal} is not a decimal mark",
            hint="give --decimal . (1,234.5) or --decimal , (1.234,5: dots group thousands)",
        )
    return mark


def reading(series=None, id_column=None, dayfirst=None, date_format=None, decimal=None) -> dict:
    """The read_prices keywords that say how to read a file (kept in the model file for --data)."""
    return dict(series=series, id_column=id_column, dayfirst=dayfirst, date_format=date_format, decimal=decimal)


def _stored(series, info, decimal=None) -> dict:
    """read_prices' keywords for a --data file: how train read its file (a modelfile.DataInfo; None: nothing
    stored); `decimal` (--decimal given to predict or inspect) is the mark, else the mark train read an
    ambiguous file with decides where this file's values do not."""
    if info is None:
        return reading(series, decimal=decimal)
    how = reading(series, info.id_column, info.dayfirst, info.date_format, decimal)
    return how | ({"decimal_hint": info.decimal} if decimal is None and info.decimal is not None else {})


def read_series(
    csv: str,
    *,
    column: str | None = None,
    date_column: str | None = None,
    features: list[str] | None = None,
    quiet: bool = False,
    series: str | None = None,
    id_column: str | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    decimal: str | None = None,
    calendar: str | None = None,
    decimal_hint: str | None = None,
):
    """Read a price CSV, .xlsx or .parquet (a file or `-`) and say on stderr what was read and cleaned.

    `calendar` (--calendar, a checked name): its sessions without a row are said, in place of long weekday gaps."""
    from lstmcli import data
    from lstmcli.render.common import user_text

    series = data.read_prices(
        csv,
        column=column,
        date_column=date_column,
        features=features or [],
        series=series,
        id_column=id_column,
        dayfirst=dayfirst,
        date_format=date_format,
        sheet=sheet,
        decimal=decimal,
        decimal_hint=decimal_hint,
    )
    if calendar is not None:
        data.with_calendar_gaps(series, calendar)
    if not quiet:
        stderr().print(user_text(data.cleaning_summary(series)), soft_wrap=True)  # names from the file
    return series


def read_data(
    data_csv: str,
    model_info,
    sheet: str | None = None,
    series: str | None = None,
    column: str | None = None,
    decimal: str | None = None,
):
    """--data: a newer CSV with the columns of the model `model_info` (a modelfile.ModelInfo): the first forecast,
    the rest features.

    Its `data` (a modelfile.DataInfo) says how train read its file: the same series, id column,
    date reading and (for a workbook) sheet are used here, so a user need not repeat those
    options; `sheet` (--sheet) picks another sheet of a workbook, `series` (--series) another
    series of a file of several, `column` (--column, DataColumnOpt) the file's name of the model's
    target column when it differs, `decimal` (--decimal) the file's decimal mark (else the one given to train).
    Data of another frequency than the model's (weekly prices for a daily model) is refused: its forecast would
    be dated and calibrated as the model's steps.
    """
    from lstmcli.errors import DataError

    columns, info = list(model_info.columns), model_info.data
    wanted = [column or columns[0], *columns[1:]]
    sheet = _data_sheet(data_csv, info, sheet)
    try:
        series = _read_data(data_csv, wanted, info, sheet, series, decimal)
    except DataError as e:  # a missing column: say it is the model's, and how --data can still read it
        missing = next((c for c in columns if f"has no column {c!r}" in e.message), None)
        if missing is None or (column is not None and missing == columns[0]):  # --column's name: the user's
            raise
        if missing == columns[0]:  # the target: --column reads it under the file's name
            guess = _guess_column(data_csv, columns[1:], info, sheet, series, getattr(e, "close_names", []), decimal)
            how = f"--column {shlex.quote(guess)}" if guess else "--column NAME"
            fix = f"give {how} to read it from the file's column of that name, rename the file's column to {missing!r}"
        else:  # a feature: read by its name only
            fix = f"rename the file's column to {missing!r}"
        raise DataError(
            f"{e.message}, the column this model was trained on",
            hint=f"{e.hint}; --data needs the model's columns by name: {fix}, "
            f"or train a model on this file (lstm train {data_csv})",
        ) from None
    if info.frequency is not None and series.frequency not in (None, info.frequency):
        from lstmcli.errors import DataError
        from lstmcli.periods import FREQUENCY_NAMES

        raise DataError(
            f"--data {data_csv}: its rows are {FREQUENCY_NAMES[series.frequency]} apart, but the model "
            f"was trained on {FREQUENCY_NAMES[info.frequency]}",
            hint=f"forecast from data at the model's frequency ({FREQUENCY_NAMES[info.frequency]}), "
            f"or train a model on this file (lstm train {data_csv})",
        )
    check_bars(data_csv, info.frequency, model_info.tail.dates, series.dates)
    return series


def check_bars(data_csv: str, frequency: str | None, trained, newer, series: str | None = None) -> None:
    """Intraday bars of another length than the model's (1-minute data for a model of 5-minute bars): both are
    "minutes", so the frequency check let them through, and the forecast was made and dated in the data's bars by a
    model that learnt (and calibrated its band on) the other's. `series`: a panel's series id, named."""
    if frequency not in ("h", "min") or trained is None or newer is None or len(trained) < 2 or len(newer) < 2:
        return
    import numpy as np

    from lstmcli.errors import DataError
    from lstmcli.periods import _intraday_step

    def step(dates) -> int | None:
        return _intraday_step(np.diff(np.asarray(dates).astype("datetime64[s]")).astype(np.int64))

    def words(seconds: int) -> str:
        n, unit = (seconds // 3600, "hour") if seconds % 3600 == 0 else (seconds // 60, "minute")
        return f"{n} {unit}" if n == 1 else f"{n} {unit}s"

    old, new = step(trained), step(newer)
    if old is None or new is None or old == new:
        return
    its, model = ("its bars are", "the model") if series is None else (f"series {series!r} has bars", "its model")
    raise DataError(
        f"--data {data_csv}: {its} {words(new)} apart, but {model} was trained on bars {words(old)} apart",
        hint=f"forecast from bars {words(old)} apart, or train a model on this file (lstm train {data_csv})",
    )


def scale_note(model_info, values) -> None:
    """A Note on stderr when --data moves far more (or less) per step than the training data did."""
    from lstmcli.forecast import change_scale_ratio

    ratio = change_scale_ratio(model_info, values)
    if ratio is None or 0.1 <= ratio <= 10:
        return
    from lstmcli.render.common import user_text

    column = model_info.columns[0]
    if math.isinf(ratio):  # the training data did not move (a constant series)
        moves = "moves, where it did not in training"
    else:
        how = f"about {ratio:.0f} times" if ratio > 1 else f"only 1/{1 / ratio:.0f} of" if ratio > 0 else "none of"
        moves = f"moves {how} as much per step as in training"
    stderr().print(
        f"[yellow]Note:[/] the --data series {user_text(repr(column))} {moves}: is it the same series? The forecast "
        "and its interval are calibrated on the training data's scale.",
        soft_wrap=True,
    )


def older_data_note(model_info, dates, data_csv: str) -> None:
    """A Note on stderr when --data ends before the training data did: an older export given by mistake forecasts
    dates the model was trained on, under a title that only says "after <date>"."""
    import numpy as np

    last = model_info.data.last_date
    if dates is None or not len(dates) or not last:
        return
    try:
        trained = np.datetime64(last[:19], "s")
    except ValueError:
        return
    ends = dates[-1].astype("datetime64[s]")
    if ends >= trained:
        return
    from lstmcli.render.common import user_text

    stderr().print(
        f"[yellow]Note:[/] --data {user_text(data_csv)} ends {np.datetime_as_string(ends, unit='D')}, before the "
        f"training data did ({np.datetime_as_string(trained, unit='D')}): the forecast is of dates the model was "
        "trained on. Is it an older file? lstm predict without --data forecasts after the training data.",
        soft_wrap=True,
    )


def _data_sheet(data_csv: str, info, sheet: str | None) -> str | None:
    """--sheet if given; else the sheet train read, when the --data file is a workbook too (a CSV has none)."""
    stored = getattr(info, "sheet", None)
    if sheet is not None or stored is None or data_csv == "-":
        return sheet
    from lstmcli.tables import XLSX_MAGIC

    try:
        with open(data_csv, "rb") as f:
            return stored if f.read(len(XLSX_MAGIC)) == XLSX_MAGIC else None
    except OSError:  # missing or unreadable: read_prices says so in its own words
        return None


def _guess_column(
    data_csv: str, features: list[str], info, sheet, series, close: list[str], decimal: str | None = None
) -> str | None:
    """The file's column a --data file most likely holds the model's target in, for a hint; None if none.

    The closest name to the model's column that reads as a price series, else the column `lstm
    train` would pick (the only price-like one).
    """
    from lstmcli import data
    from lstmcli.errors import DataError

    if data_csv == "-":  # standard input is read once
        return None
    how = _stored(series, info, decimal)
    if series is None and info is not None:
        how["series"] = info.series
    for name in [*close, None]:
        try:
            return data.read_prices(data_csv, column=name, features=features, sheet=sheet, **how).columns[0]
        except DataError:
            continue
    return None


def _read_data(
    data_csv: str,
    columns: list[str],
    info=None,
    sheet: str | None = None,
    series: str | None = None,
    decimal: str | None = None,
):
    from lstmcli.errors import DataError

    calendar = {"calendar": info.calendar} if info is not None and info.calendar else {}  # its sessions' gaps
    if series is not None or info is None or info.series is None:  # `series`: --series picks one of a file
        how = _stored(series, info, decimal) | calendar
        return read_series(data_csv, column=columns[0], features=columns[1:], sheet=sheet, **how)
    how = _stored(info.series, info, decimal) | {"sheet": sheet} | calendar
    try:
        series = read_series(data_csv, column=columns[0], features=columns[1:], quiet=True, **how)
    except DataError as first:  # e.g. a newer file of the one series, without the Ticker column
        try:
            series = read_series(
                data_csv, column=columns[0], features=columns[1:], quiet=True, **how | {"series": None}
            )
        except DataError:
            raise first from None
        if series.series not in (None, info.series):  # another series: not what the model learnt
            raise first from None
    from lstmcli import data
    from lstmcli.render.common import user_text

    stderr().print(user_text(data.cleaning_summary(series)), soft_wrap=True)
    return series


def _cells(renderable) -> int:
    """How many cells a progress column's rendered text takes on one line."""
    from rich.text import Text

    return renderable.cell_len if isinstance(renderable, Text) else len(str(renderable))


class ProgressBar:
    """A Rich progress bar on stderr; `update(completed, **fields)` moves it. The one progress bar of the CLI.

    `before`/`after` are the text columns around the bar; `after` may be several texts, the fullest first: the line
    shows the first that fits the console's width once the bar has narrowed to none (a narrow terminal keeps one
    line, not Rich's fold of the text under the bar). With `delay` it appears only once the work has taken that
    many seconds; `quiet` shows nothing.
    """

    def __init__(
        self,
        console,
        quiet: bool,
        *,
        total: float,
        before: str,
        after: str | tuple[str, ...],
        bar_width: int,
        fields: dict | None = None,
        elapsed: bool = False,
        transient: bool = False,
        delay: float = 0.0,
    ) -> None:
        self.console, self.quiet, self.total, self.delay = console, quiet, total, delay
        self.before, self.after, self.bar_width, self.fields = before, after, bar_width, fields or {}
        self.elapsed, self.transient = elapsed, transient
        self.bar = None

    def __enter__(self) -> ProgressBar:
        import time

        self.start = time.perf_counter()
        if not self.quiet and self.delay <= 0:
            self._show()
        return self

    def _show(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.table import Column
        from rich.text import Text

        console, widest = self.console, self.bar_width

        class FittingBar(BarColumn):
            """A bar that narrows (down to none) so the line, its text and the ETA fit the console's width."""

            def room(self, task) -> int:
                """The bar's width that lets the line fit: at most `widest`; under 4, no bar."""
                others = [c for c in progress.columns if c is not self]  # one space between two columns
                used = sum(_cells(c.render(task)) for c in others) + len(others)
                return min(widest, console.width - used - 1)

            def render(self, task):
                self.bar_width = self.room(task)
                return super().render(task) if self.bar_width >= 4 else Text("")

        class FittingProgress(Progress):
            """Progress that leaves out of the line a bar with no room and a text column with no text (either
            would leave its two spaces: 'epoch   3/3  loss', 'member   3/3 ━━━━  ETA')."""

            def make_tasks_table(self, tasks):
                tasks = list(tasks)
                every = self.columns
                if tasks:
                    task = tasks[0]
                    empty = [c for c in every if isinstance(c, TextColumn) and not _cells(c.render(task))]
                    if bar.room(task) < 4:
                        empty.append(bar)
                    if empty:
                        self.columns = tuple(c for c in every if c not in empty)
                        try:
                            return super().make_tasks_table(tasks)
                        finally:
                            self.columns = every
                return super().make_tasks_table(tasks)

        class FittingText(TextColumn):
            """The first of `texts` (the fullest first) that fits the line with no bar; "" when none does."""

            def __init__(self, texts: tuple[str, ...]) -> None:
                # wrapped at its words only when even its last text has too little room, so numbers stay whole
                super().__init__(texts[-1], table_column=Column(overflow="fold"))
                self.texts = texts

            def render(self, task):
                others = [c for c in progress.columns if c is not self and c is not bar]
                room = console.width - sum(_cells(c.render(task)) for c in others) - len(others) - 1
                for text in self.texts:
                    self.text_format = text
                    shown = super().render(task)
                    if shown.cell_len <= room:
                        return shown
                return shown if len(self.texts) == 1 else Text("")

        after = FittingText((self.after,) if isinstance(self.after, str) else self.after)
        bar = FittingBar(bar_width=self.bar_width)
        columns = [TextColumn(self.before), bar, after]
        columns += [TimeElapsedColumn()] if self.elapsed else []
        self.bar = progress = FittingProgress(
            *columns, TextColumn("ETA"), TimeRemainingColumn(), console=self.console, transient=self.transient
        )
        self.bar.start()
        self.task = self.bar.add_task("work", total=self.total, **self.fields)

    def update(self, completed: float, **fields) -> None:
        if self.quiet:
            return
        if self.bar is None:
            import time

            if time.perf_counter() - self.start < self.delay:
                return
            self._show()
        self.bar.update(self.task, completed=completed, **fields)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            stopped = exc[0] is KeyboardInterrupt or any(s() for s in _active_stops)  # Ctrl-C, SIGTERM
            if not self.bar.tasks[0].completed:  # an error or a stop before anything was done: no empty "0/0" bar
                self.bar.remove_task(self.task)
                if not self.console.is_terminal:  # stopping would print the empty bar: a blank line before Error:
                    quiet, self.console.quiet = self.console.quiet, True
                    try:
                        self.bar.stop()
                    finally:
                        self.console.quiet = quiet
                    return
            elif stopped and self.bar.tasks[0].completed < self.total:  # "18/59 series ... stopped"; no ETA
                from rich.progress import TextColumn

                eta = next(k for k, c in enumerate(self.bar.columns) if getattr(c, "text_format", None) == "ETA")
                self.bar.columns = (*self.bar.columns[:eta], TextColumn("[yellow]stopped[/]"))
            else:  # a bar that ended early by itself (early stopping) ends full
                self.bar.update(self.task, total=self.bar.tasks[0].completed)
            self.bar.stop()


_stop_signals: list[str] = []
_active_stops: list[StopFlag] = []  # the StopFlags in force (innermost last): a ProgressBar ending then says "stopped"


def stop_signal() -> str | None:
    """The signal that aborted training (the second SIGINT or SIGTERM), if any: main words its message by it."""
    return _stop_signals[-1] if _stop_signals else None


#: a second signal sooner than this after the first is the same stop delivered twice, not a second Ctrl-C: `timeout`
#: (SIGTERM, or -s INT) signals the command and then its whole process group, the command included, ~1 ms apart
SAME_STOP_SECONDS = 0.1


class StopFlag:
    """Ctrl-C / SIGTERM during training: the first asks to stop after this batch, the second aborts (one within
    SAME_STOP_SECONDS of the first is that first one again)."""

    def __init__(self) -> None:
        self.requested: str | None = None
        self._old: dict = {}
        self._at = 0.0  # when the stop was requested (time.monotonic)

    def __enter__(self) -> StopFlag:
        import signal
        import time

        def handler(signum, frame):
            now = time.monotonic()
            if self.requested and now - self._at >= SAME_STOP_SECONDS:  # asked twice: stop now, without saving
                _stop_signals.append(signal.Signals(signum).name)  # so that main says Terminated for SIGTERM
                raise KeyboardInterrupt
            if not self.requested:
                self.requested, self._at = signal.Signals(signum).name, now

        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, handler)
        _active_stops.append(self)
        return self

    def __exit__(self, *exc) -> None:
        import signal

        if self in _active_stops:
            _active_stops.remove(self)
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def __call__(self) -> bool:
        return self.requested is not None


def csv_text(rows: list[dict]) -> str:
    """Rows (dicts with the same keys) as CSV text with a header."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


#: --output suffixes that are not CSV or JSON, and what to do instead
NOT_ROWS = {
    ".png": "use --plot for a chart",
    ".svg": "use --plot for a chart",
    ".html": "use --plot for a chart",
    ".xlsx": "write .csv, which Excel opens",
    ".xls": "write .csv, which Excel opens",
    ".parquet": "write .csv or .json",
    ".npz": "a model file is written by lstm train --model",
}


def check_output(path: Path | None, option: str = "--output") -> None:
    """Refuse, before any work, an --output whose suffix asks for a format other than CSV or JSON, or that
    cannot be written (a folder, a missing or read-only one)."""
    if path is None or path == STDOUT:
        return
    if path.suffix.lower() in NOT_ROWS:
        raise OptionError(
            f"{option} {path}: lstm writes rows as CSV, or as JSON for a .json name",
            hint=NOT_ROWS[path.suffix.lower()],
        )
    from lstmcli.files import check_writable

    check_writable(path, prefix=f"cannot write {path}", option=option, example="forecast.csv", error=OptionError)


def write_csv(path: Path, rows: list[dict], option: str) -> Path:
    """Rows as a CSV file (a JSON array of objects for a .json name), written atomically; to stdout for `-`."""
    if path == STDOUT:
        sys.stdout.write(csv_text(rows))
        sys.stdout.flush()
        return path
    from lstmcli.files import write_atomically

    check_output(path, option)
    if path.suffix.lower() == ".json":
        import json
        import math

        def finite(v):  # JSON has no NaN: a missing value is null
            return None if isinstance(v, float) and not math.isfinite(v) else v

        data = (json.dumps([{k: finite(v) for k, v in r.items()} for r in rows], indent=2) + "\n").encode()
    else:
        data = csv_text(rows).encode()
    written = write_atomically(path, lambda f: f.write(data), prefix=f"cannot write {path}", option=option)
    from lstmcli.render.common import user_text

    rows_said = f"{len(rows):,} row" + ("" if len(rows) == 1 else "s")
    stderr().print(f"Wrote {rows_said} to {user_text(path)}", style="dim", soft_wrap=True)  # as wrote_plot does
    return written


def check_plot(plot: Path | None) -> None:
    """--plot: a known suffix and matplotlib installed, checked before any work."""
    if plot is not None:
        from lstmcli.files import check_writable
        from lstmcli.render.plot import check_plot_path

        check_plot_path(plot)
        check_writable(plot, prefix=f"cannot write {plot}", option="--plot", example="chart.png", error=OptionError)


def wrote_plot(path: Path) -> None:
    """Say on stderr where the chart went."""
    from lstmcli.render.common import user_text

    stderr().print(f"Wrote the chart to {user_text(path)}", style="dim", soft_wrap=True)


def check_one_stdout(json_out: bool, output: Path | None) -> None:
    """`--json` and `--output -` both claim standard output: refuse the pair (and a suffix lstm cannot write)."""
    check_output(output)
    if json_out and output == STDOUT:
        raise OptionError(
            "--json and --output - both print to standard output",
            hint="choose one of them, or give --output a file name",
        )


#: DataInfo's date fields, stored as "2024-01-09T08:00:00" (the zone apart, in `timezone`)
_INFO_DATES = ("first_date", "last_date", "train_end_date")


def info_json(info) -> dict:
    """A model's metadata for `train --json` / `inspect --json`: ModelInfo.to_dict() without the tail.

    Its dates are written as every --json writes times (periods.iso_date: '2024-01-09' for days,
    '2024-01-09T08:00:00Z' with the zone for times); the model file keeps its own text, so old
    files load as before: only the output is converted.
    """
    payload = {k: v for k, v in info.to_dict().items() if k != "tail"}
    payload["data"] = data = dict(payload["data"])
    for key in _INFO_DATES:
        data[key] = iso_text(data.get(key), info.data.frequency, info.data.timezone)
    return payload


def iso_text(text: str | None, frequency: str | None, timezone: str | None) -> str | None:
    """A stored date text ("2024-01-09T08:00:00") as --json writes it (periods.iso_date); None stays None."""
    if text is None:
        return None
    import numpy as np

    from lstmcli import periods

    return periods.iso_date(np.datetime64(text), frequency, timezone)
