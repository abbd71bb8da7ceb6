"""Bad input end to end: every mistake is one `Error:` line, exit 2, no traceback, nothing lost.

The corpus below is what spreadsheets and shells actually hand the tool: broken files, wrong
columns, impossible options, hostile model files. Each case runs through `main()` (the one
place errors become exit codes) and must

- exit with code 2 and print nothing on stdout;
- print exactly one line on stderr, `Error: <what, naming the file/line/column>. <Hint>.`
  (training-time errors may follow the one `Read ...` summary line, which says what was read);
- show no traceback, leave no temporary file behind, and leave an existing model file
  byte-for-byte as it was.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import random_walk, rewrite_model, run_exe

from lstmcli import modelfile
from lstmcli.forecast import Forecaster
from lstmcli.training import TrainConfig

FAST = ("--epochs", "1", "--hidden", "4", "--window", "3", "-q")


def daily_csv(n: int = 60, price=lambda i: 100 + np.sin(i / 3) * 5 + i / 10, header: str = "Date,Close") -> str:
    days = np.busday_offset(np.datetime64("2021-03-01"), np.arange(n), roll="forward")
    return header + "\n" + "".join(f"{d},{price(i):.4f}\n" for i, d in enumerate(days))


GOOD = daily_csv()


def with_cell(text: str, line: int, value: str) -> str:
    """The CSV text with the price on file line `line` (1 = header) replaced by `value`."""
    lines = text.splitlines(keepends=True)
    date = lines[line - 1].split(",")[0]
    lines[line - 1] = f"{date},{value}\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory) -> bytes:
    """A real model file (window 3, hidden 4), trained once for the module."""
    path = tmp_path_factory.mktemp("m") / "model.npz"
    prices = random_walk(80, start=100, drift=0, vol=1, log=False)
    Forecaster(TrainConfig(window=3, hidden=4, epochs=1)).fit(prices, columns=["Close"]).save(path)
    return path.read_bytes()


@dataclass
class Case:
    """One bad input: the file written as prices.csv (None: none), the arguments, what the line must say."""

    id: str
    content: bytes | str | None
    args: tuple[str, ...]
    says: tuple[str, ...]  # fragments of the one Error line (message and hint)
    after_read: bool = False  # a training-time error: the `Read ...` summary line comes first


def _train(*extra: str, csv: str = "prices.csv") -> tuple[str, ...]:
    return ("train", csv, *FAST, "--model", "model.npz", *extra)


def _opt(*option: str) -> tuple[str, ...]:
    return ("train", "prices.csv", "--epochs", "1", "--hidden", "4", "-q", "--model", "model.npz", *option)


YEARLY = "Year,Price\n" + "".join(f"{1990 + i},{100 + 3 * i}\n" for i in range(12))
TWO_PRICES = "Date,Open,High\n" + "".join(f"2024-01-{d:02d},{d},{d + 1}\n" for d in range(1, 29))

CORPUS = [
    # ------------------------------------------------------------------ the file itself
    Case("empty file", b"", _train(), ("prices.csv is empty", "Export the price history again")),
    Case("blank lines only", b"\n  \n\r\n", _train(), ("prices.csv is empty",)),
    Case("missing file", None, _train(csv="nope.csv"), ("nope.csv: no such file", "Check the path")),
    Case(
        "directory instead of a file",
        None,
        _train(csv="."),
        (". is a directory, not a CSV file", "Pass the path of a .csv file"),
    ),
    Case(
        "binary garbage with NUL bytes",
        bytes(range(256)) * 8,
        _train(),
        ("prices.csv looks binary", "CSV exported as text"),
    ),
    Case(
        "random high bytes",
        bytes(np.random.default_rng(1).integers(128, 256, 3000, dtype=np.uint8)),
        _train(),
        ("prices.csv looks binary", "Pass a CSV exported as text"),
    ),
    Case(
        "an Excel workbook",
        b"PK\x03\x04" + b"\x00" * 200,
        _train(),
        ("prices.csv looks like a zip file or an Excel workbook (.xlsx)", "export it as CSV"),
    ),
    Case(
        "a gzip file", b"\x1f\x8b\x08\x00" + b"\x00" * 100, _train(), ("prices.csv looks like a gzip-compressed file",)
    ),
    Case("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", _train(), ("prices.csv looks like a PDF file",)),
    Case(
        "an HTML error page",
        "<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n",
        _train(),
        ("prices.csv is a web page (HTML), not a CSV file", "Download the CSV itself"),
    ),
    Case(
        "non-UTF-8 bytes in the prices",
        b"Date,Close\n" + b"".join(f"2024-01-{d:02d},{d + 10}".encode() + b"\xff\xfe\n" for d in range(1, 29)),
        _train(),
        (
            "prices.csv: column 'Close' has a value that is not a number at line 2",
            "'11\u00ff\u00fe'",
            "Fix or delete that row",
        ),
    ),
    Case(
        "unclosed quote",
        'Date,Close\n2024-01-01,"12\n2024-01-02,13\n2024-01-03,14\n',
        _train(),
        ('prices.csv: a quote (") opened on line 2 is not closed', "Balance the quotes"),
    ),
    Case(
        "wrong delimiter",
        GOOD.replace(",", ":"),
        _train(),
        ("prices.csv reads as one column 'Date:Close'", "commas, semicolons, tabs or |"),
    ),
    Case(
        "more fields than the header (unquoted thousands)",
        "Date,Close\n2024-01-02,1,234.50\n",
        _train(),
        ("prices.csv: line 2 has 3 fields but the header has 2", '"1,234.56"'),
    ),
    # ------------------------------------------------------------------ too little data
    Case("header only", "Date,Close\n", _train(), ("prices.csv has a header but no data rows",)),
    Case(
        "one row",
        "Date,Close\n2024-01-02,10\n",
        _train(),
        ("prices.csv has 1 usable row; need at least 2", "Pass a longer price history"),
    ),
    Case(
        "fewer rows than the window needs",
        daily_csv(8),
        _train(),
        (
            "prices.csv has 8 usable rows; --window 3 with the default validation fraction 0.2 needs at least 14",
            "Use more data: even --window 1 needs at least 12 rows",  # no smaller window fits: none offered
        ),
        after_read=True,
    ),
    Case(
        "a year per line, too short to validate",
        YEARLY,
        ("train", "prices.csv", "-q", "--window", "30", "--model", "model.npz"),  # the auto window would fit
        (
            "prices.csv has 12 usable rows; --window 30",
            "needs at least 41",
            "Use a smaller --window (e.g. 1)",
        ),  # 3 needs 14
        after_read=True,
    ),
    # ------------------------------------------------------------------ columns
    Case(
        "no numeric column",
        "Date,Name\n" + "".join(f"2024-01-{d:02d},acme\n" for d in range(1, 29)),
        _train(),
        ("prices.csv has no column of numbers", "The columns are: Date, Name"),
    ),
    Case(
        "only a date column",
        "Date\n" + "".join(f"2024-01-{d:02d}\n" for d in range(1, 29)),
        _train(),
        ("prices.csv has no column of numbers",),
    ),
    Case(
        "a named column that does not exist",
        GOOD,
        _train("--column", "Clse"),
        ("prices.csv has no column 'Clse'", "Did you mean 'Close'? The columns are: Date, Close"),
    ),
    Case(
        "a feature that does not exist",
        GOOD,
        _train("--features", "Volum"),
        ("prices.csv has no feature column 'Volum'", "The columns are: Date, Close"),
    ),
    Case(
        "a header name with a line break",
        'Date,"Close\nPrice"\n2024-01-01,1\n2024-01-02,2\n',
        _train("--column", "Nope"),
        ("prices.csv has no column 'Nope'", "The columns are: Date, Close Price"),
    ),
    Case(
        "a terminal escape and control bytes in a header name",
        "Date,\x1b[31mRED\x01\n2024-01-01,1\n",
        _train("--column", "Nope"),
        ("The columns are: Date, \\x1b[31mRED\\x01.",),
    ),  # shown, not obeyed
    Case(
        "a date column that does not exist",
        GOOD,
        _train("--date-column", "When"),
        ("prices.csv has no date column 'When'",),
    ),
    Case(
        "the date column as prices",
        GOOD,
        _train("--column", "Date"),
        ("prices.csv: column 'Date' is the date column, not prices", "Choose a price column"),
    ),
    Case(
        "the target as a feature",
        GOOD,
        _train("--features", "Close"),
        ("prices.csv: feature 'Close' is the target column 'Close'", "Leave the target out of --features"),
    ),
    Case(
        "two price-like columns",
        TWO_PRICES,
        _train(),
        ("prices.csv: cannot tell which column holds the prices (numeric columns: 'Open', 'High')", "--column 'Open'"),
    ),
    # ------------------------------------------------------------------ values
    Case(
        "text in the price column",
        with_cell(GOOD, 9, "n/a (holiday)"),
        _train(),
        (
            "prices.csv: column 'Close' has a value that is not a number at line 9: 'n/a (holiday)'",
            "Fix or delete that row, or choose another column with --column NAME",
        ),
    ),
    Case(
        "all-NaN price column",
        "Date,Close\n" + "".join(f"2024-01-{d:02d},NaN\n" for d in range(1, 29)),
        _train(),
        ("prices.csv: column 'Close' has no numbers (all 28 values are missing)",),
    ),
    Case(
        "inf in the middle",
        daily_csv(40, lambda i: float("inf") if i == 20 else 50 + i),
        _train(),
        ("prices.csv: column 'Close' has an infinite value at line 22: 'inf'", "Fix or delete that row"),
    ),
    Case(
        "-inf in the middle",
        daily_csv(40, lambda i: -float("inf") if i == 7 else 50 + i),
        _train(),
        ("prices.csv: column 'Close' has an infinite value at line 9: '-inf'",),
    ),
    Case(
        "negative prices with log-return",
        daily_csv(40, lambda i: 20 - i),
        _train("--target", "log-return"),  # auto would choose diff
        (
            "prices.csv: --target log-return needs prices above 0, but 'Close' is 0 at data row 21",
            "Use --target diff or --target level",
        ),
        after_read=True,
    ),
    Case(
        "a zero price with log-return",
        daily_csv(40, lambda i: 0 if i == 5 else 10 + i),
        _train("--target", "log-return"),
        ("'Close' is 0 at data row 6", "--target diff"),
        after_read=True,
    ),
    Case(
        "prices too large to compute with",
        daily_csv(40, lambda i: 1e300 * (1 + i)),
        _train("--target", "level"),
        ("prices.csv: 'Close' is 4e+301 at data row 40, beyond the 1e+100", "Rescale the column"),
        after_read=True,
    ),
    # ------------------------------------------------------------------ dates
    Case(
        "dates that do not parse",
        "Date,Close\n" + "".join(f"someday {i},{i + 1}\n" for i in range(40)),
        _train(),
        (
            "prices.csv: column 'Date' has 40 of 40 dates that cannot be read, first at line 2: 'someday 0'",
            "Fix the dates (e.g. 2024-12-31)",
        ),
    ),
    Case(
        "mixed date formats",
        "Date,Close\n"
        + "".join((f"2024-01-{d:02d}" if d % 2 else f"{d:02d}/01/2024") + f",{d + 10}\n" for d in range(1, 31)),
        _train(),
        (
            "prices.csv: column 'Date' has 15 of 30 dates that cannot be read, first at line 3: '02/01/2024'",
            "--date-column NAME",
        ),
    ),
    # ------------------------------------------------------------------ options of train
    Case("--window 0", GOOD, _opt("--window", "0"), ("--window 0 is not possible", "Use at least 1")),
    Case("--window -5", GOOD, _opt("--window", "-5"), ("--window -5 is not possible",)),
    Case(
        "--window longer than the data",
        GOOD,
        _opt("--window", "500"),
        ("prices.csv has 60 usable rows; --window 500", "needs at least 511", "Use a smaller --window (e.g. 15)"),
        after_read=True,
    ),
    Case("--hidden 0", GOOD, _opt("--hidden", "0"), ("--hidden 0 is not possible", "Use at least 1")),
    Case(
        "--hidden absurdly large",
        GOOD,
        _opt("--hidden", "100000000"),
        ("--hidden 100000000 is not possible", "Use at most 4096"),
    ),
    Case("--layers absurdly large", GOOD, _opt("--layers", "100000"), ("--layers 100000 is not possible",)),
    Case("--layers 0", GOOD, _opt("--layers", "0"), ("--layers 0 is not possible",)),
    Case("--lr nan", GOOD, _opt("--lr", "nan"), ("--lr nan is not possible", "Use a positive number such as 0.001")),
    Case("--lr inf", GOOD, _opt("--lr", "inf"), ("--lr inf is not possible",)),
    Case("--lr 0", GOOD, _opt("--lr", "0"), ("--lr 0.0 is not possible",)),
    Case("--lr -1", GOOD, _opt("--lr", "-1"), ("--lr -1.0 is not possible",)),
    Case("--epochs -1", GOOD, _opt("--epochs", "-1"), ("--epochs -1 is not possible", "Use at least 1")),
    Case("--epochs 0", GOOD, _opt("--epochs", "0"), ("--epochs 0 is not possible",)),
    Case(
        "--val-fraction 1.5",
        GOOD,
        _opt("--val-fraction", "1.5"),
        ("--val-fraction 1.5 is not possible", "Use between 0 and 1, e.g. 0.2"),
    ),
    Case("--val-fraction 0", GOOD, _opt("--val-fraction", "0"), ("--val-fraction 0.0 is not possible",)),
    Case(
        "--val-fraction just below 1",
        GOOD,
        _opt("--window", "3", "--val-fraction", "0.9999999999999999"),
        ("--val-fraction 0.9999999999999999 needs at least 360287970189", "Use a smaller --val-fraction (e.g. 0.2)"),
        after_read=True,
    ),
    Case("--val-fraction nan", GOOD, _opt("--val-fraction", "nan"), ("--val-fraction nan is not possible",)),
    Case("--batch-size 0", GOOD, _opt("--batch-size", "0"), ("--batch-size 0 is not possible",)),
    Case("--patience 0", GOOD, _opt("--patience", "0"), ("--patience 0 is not possible",)),
    Case("--seed -1", GOOD, _opt("--seed", "-1"), ("--seed -1 is not possible", "Use 0 or a positive whole number")),
    Case(
        "--target unknown",
        GOOD,
        _opt("--target", "price"),
        ("--target 'price' is not known", "Use one of: log-return, diff, level"),
    ),
    Case(
        "--target misspelt",
        GOOD,
        _opt("--target", "logreturn"),
        ("--target 'logreturn' is not known", "Did you mean --target log-return? Use one of: log-return, diff"),
    ),
    Case(
        "--model is a directory",
        GOOD,
        ("train", "prices.csv", *FAST, "--model", "."),
        ("--model . is a directory", "Give a file name such as lstm-model.npz"),
    ),
    Case(
        "--model in a folder that does not exist",
        GOOD,
        ("train", "prices.csv", *FAST, "--model", "no/m.npz"),
        ("cannot save the model to no/m.npz: the folder no does not exist", "Create the folder first"),
        after_read=True,
    ),
    Case(
        "--model where no file can be created",
        GOOD,
        ("train", "prices.csv", *FAST, "--model", "/proc/m.npz"),
        ("cannot save the model to /proc/m.npz: cannot create files in /proc", "Choose another --model path"),
        after_read=True,
    ),
    Case("standard input is empty", None, ("train", "-", *FAST, "--model", "model.npz"), ("<stdin> is empty",)),
    # ------------------------------------------------------------------ options of predict
    Case(
        "--days 0",
        None,
        ("predict", "--model", "model.npz", "--days", "0"),
        ("--days 0 is not possible", "Ask for at least 1, e.g. --days 5"),
    ),
    Case("--days -3", None, ("predict", "--model", "model.npz", "--days", "-3"), ("--days -3 is not possible",)),
    Case(
        "--interval 1.5",
        None,
        ("predict", "--model", "model.npz", "--interval", "1.5"),
        ("--interval 1.5 is not possible", "Use a coverage such as 0.9"),
    ),
    Case(
        "--interval nan",
        None,
        ("predict", "--model", "model.npz", "--interval", "nan"),
        ("--interval nan is not possible",),
    ),
    Case(
        "predict without a model file",
        None,
        ("predict", "--model", "none.npz"),  # the folder's one model file is named
        ("no model file at none.npz", "Pass --model model.npz (the model file in that folder), or train one first"),
    ),
    Case(
        "predict --model a directory",
        None,
        ("predict", "--model", "."),
        (". is a directory, not a model file", "Pass --model PATH"),
    ),
    Case(
        "predict --model a CSV file",
        GOOD,
        ("predict", "--model", "prices.csv"),
        ("prices.csv is not an lstmcli model file (not a complete .npz archive", "Pass the .npz file"),
    ),
    Case(
        "predict --data shorter than the window",
        "Close\n1\n2\n3\n",
        ("predict", "--model", "model.npz", "--data", "prices.csv"),
        ("the new data has 3 rows; the model's window 3 (as trained) needs the last 4", "Pass a longer --data file"),
        after_read=True,
    ),
    Case(
        "predict --data with negative prices",
        daily_csv(40, lambda i: 20 - i),
        ("predict", "--model", "model.npz", "--data", "prices.csv"),
        (
            "the new data: 'Close' is -16 at data row 37, but this model learns log-returns, which need prices above 0",
            "Retrain with --target diff or --target level",
        ),
        after_read=True,
    ),
    Case(
        "predict --data without the model's column",
        "Price\n" + "".join(f"{i}\n" for i in range(1, 30)),
        ("predict", "--model", "model.npz", "--data", "prices.csv"),
        (
            "prices.csv has no column 'Close', the column this model was trained on",
            "The columns are: Price",
            "give --column Price to read it from the file's column of that name",
            "rename the file's column to 'Close'",
        ),
    ),
    Case(
        "predict --data a missing file",
        None,
        ("predict", "--model", "model.npz", "--data", "nope.csv"),
        ("nope.csv: no such file",),
    ),
    Case(
        "predict --output in a missing folder",
        None,
        ("predict", "--model", "model.npz", "--no-chart", "--output", "no/fc.csv"),
        (
            "cannot write no/fc.csv: the folder no does not exist",
            "Create the folder first or choose another --output path",
        ),
    ),
]


def _check_one_error_line(r, after_read: bool) -> str:
    """The Error line, after checking the exit code, streams and line count; returns it."""
    assert r.exit_code == 2, r
    assert "Traceback" not in r.stdout + r.stderr, r
    lines = r.stderr.strip().splitlines()
    if after_read and len(lines) == 2:
        assert lines[0].startswith("Read "), r
        lines = lines[1:]
    assert len(lines) == 1, r
    assert lines[0].startswith("Error: "), r
    return lines[0]


# the file cases again through the other two verbs that read a CSV: backtest and inspect --data
_PICKS_A_COLUMN = {"no numeric column", "only a date column", "two price-like columns"}
_FILE_CASES = [c for c in CORPUS if c.args == _train() and not c.after_read and c.content is not None]
CORPUS += [Case(f"{c.id} (backtest)", c.content, ("backtest", "prices.csv", "-q"), c.says[:1]) for c in _FILE_CASES]
CORPUS += [
    Case(
        f"{c.id} (inspect --data)",
        c.content,
        ("inspect", "--step-trace", "--data", "prices.csv", "--model", "model.npz"),
        # inspect --data asks for the model's column by name, so a choice of column becomes its absence
        ("has no column 'Close'",) if c.id in _PICKS_A_COLUMN else c.says[:1],
    )
    for c in _FILE_CASES
]
CORPUS += [
    Case(
        "markup in a column name, too short to backtest",
        daily_csv(12, header="Date,[/x]"),
        ("backtest", "prices.csv", "-q", "--window", "3"),
        ("fewer than the default horizon 5 needs",),
        after_read=True,
    ),
    Case(
        "markup in a column name that inspect --data does not have",
        daily_csv(12, header="Date,[/x]"),
        ("inspect", "--step-trace", "--data", "prices.csv", "--model", "model.npz"),
        ("Close",),
    ),
]


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_bad_input_is_one_clear_line_and_nothing_is_lost(case, run, tmp_path, monkeypatch, model_bytes):
    monkeypatch.chdir(tmp_path)
    if case.content is not None:
        raw = case.content.encode() if isinstance(case.content, str) else case.content
        (tmp_path / "prices.csv").write_bytes(raw)
    model = tmp_path / "model.npz"
    model.write_bytes(model_bytes)
    r = run(*case.args, input=b"" if "-" in case.args else None)
    line = _check_one_error_line(r, case.after_read)
    for fragment in case.says:
        assert fragment in line, (fragment, line)
    assert r.stdout == "", r
    assert model.read_bytes() == model_bytes  # byte-for-byte untouched
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("prices.csv", "model.npz"))
    assert left == [], left  # no temporary files, no half-written model


def test_corpus_is_big_and_varied():
    assert len(CORPUS) >= 30
    assert len({c.id for c in CORPUS}) == len(CORPUS)


def test_unreadable_file(run, tmp_path, monkeypatch):
    """chmod 0 does not stop root, so the read itself is made to fail as it would for a user."""
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "prices.csv"
    csv.write_text(GOOD)
    csv.chmod(0)
    real = Path.read_bytes

    def denied(self):
        if self.name == "prices.csv":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    line = _check_one_error_line(run(*_train()), after_read=False)
    assert "prices.csv: permission denied" in line and "chmod +r" in line


# ---------------------------------------------------------------------------------------
# things a user may feed that are fine: the tool says what it did, on the Read line


TOLERATED = [
    ("NaN in the middle", with_cell(daily_csv(40), 12, "NaN"), "filled 1 missing price forward"),
    (
        "an empty cell in the middle",
        "Date,Close\n" + "".join(f"2024-02-{d:02d},{'' if d == 10 else 50 + d}\n" for d in range(1, 29)),
        "filled 1 missing price forward",
    ),
    (
        "duplicate dates with different prices",
        daily_csv(40) + "2021-03-05,999\n",
        "dropped 1 duplicate date with different prices (kept the last row of each)",
    ),
    (
        "newest first",
        "Date,Close\n" + "".join(reversed(daily_csv(40).splitlines(keepends=True)[1:])),
        "sorted 40 rows oldest-first",
    ),
    (
        "Windows-1252 header",
        "Date,Schlußkurs\n".encode("cp1252") + daily_csv(40).split("\n", 1)[1].encode(),
        "read as Windows-1252 text",
    ),
]


@pytest.mark.parametrize(("content", "note"), [t[1:] for t in TOLERATED], ids=[t[0] for t in TOLERATED])
def test_tolerated_input_trains_and_says_what_it_did(content, note, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prices.csv").write_bytes(content.encode() if isinstance(content, str) else content)
    r = run(*_train())
    assert r.exit_code == 0, r
    read_line = next(line for line in r.stderr.splitlines() if line.startswith("Read "))
    assert note in read_line, read_line
    modelfile.load(tmp_path / "model.npz")


# ---------------------------------------------------------------------------------------
# hostile or broken model files, through the CLI


def _meta_of(model_bytes: bytes) -> dict:
    import io

    with np.load(io.BytesIO(model_bytes), allow_pickle=False) as z:
        return json.loads(z[modelfile.META_KEY].tobytes())


class _Evil:
    """Unpickling this would create the file `pwned`: proof that code ran."""

    def __reduce__(self):
        return (open, ("pwned", "w"))


def _hostile(name: str, model_bytes: bytes, path: Path) -> None:
    meta = _meta_of(model_bytes)
    if name == "truncated":
        path.write_bytes(model_bytes[: len(model_bytes) // 2])
    elif name == "truncated to its first bytes":
        path.write_bytes(model_bytes[:30])
    elif name == "random bytes":
        path.write_bytes(np.random.default_rng(0).bytes(4000))
    elif name == "empty file":
        path.write_bytes(b"")
    elif name == "a lone .npy":
        np.save(path.with_suffix(".npy"), np.zeros(3))
        path.with_suffix(".npy").rename(path)
    elif name == "a zip that is not an npz":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "hello")
    elif name == "future format version":
        rewrite_model(model_bytes, path, meta={**meta, "format_version": 99})
    elif name == "missing array":
        rewrite_model(model_bytes, path, drop=("head.bias",))
    elif name == "extra array":
        rewrite_model(model_bytes, path, arrays={"surprise": np.zeros(2)})
    elif name == "no metadata":
        rewrite_model(model_bytes, path, drop=(modelfile.META_KEY,))
    elif name == "metadata not JSON":
        rewrite_model(model_bytes, path, arrays={modelfile.META_KEY: np.frombuffer(b"\x80{nope", dtype=np.uint8)})
    elif name == "shapes disagree with metadata":
        rewrite_model(model_bytes, path, meta={**meta, "config": {**meta["config"], "hidden": 5}})
    elif name == "absurd layer count":
        rewrite_model(model_bytes, path, meta={**meta, "config": {**meta["config"], "layers": 10**12}})
    elif name == "NaN weights":
        with np.load(__import__("io").BytesIO(model_bytes)) as z:
            w = z["head.bias"].copy()
        w[0] = np.nan
        rewrite_model(model_bytes, path, arrays={"head.bias": w})
    elif name == "integer weights":
        with np.load(__import__("io").BytesIO(model_bytes)) as z:
            w = z["head.bias"].astype(np.int64)
        rewrite_model(model_bytes, path, arrays={"head.bias": w})
    elif name == "object array (a pickle)":
        evil = np.empty(1, dtype=object)
        evil[0] = _Evil()
        rewrite_model(model_bytes, path, arrays={"head.bias": evil})
    elif name == "scaler of the wrong size":
        rewrite_model(model_bytes, path, meta={**meta, "scaler": {"kind": "standard", "mean": [0, 0], "std": [1, 1]}})
    elif name == "tail shorter than the window":
        rewrite_model(model_bytes, path, meta={**meta, "tail": {"values": [[1.0]], "dates": None}})
    elif name == "unknown target":
        rewrite_model(model_bytes, path, meta={**meta, "target": "astrology"})
    elif name == "impossible window":
        rewrite_model(model_bytes, path, meta={**meta, "config": {**meta["config"], "window": -4}})
    else:
        raise AssertionError(name)


HOSTILE = {
    "truncated": "not an lstmcli model file (not a complete .npz archive: truncated, or another kind of file)",
    "truncated to its first bytes": "not a complete .npz archive",
    "random bytes": "not a complete .npz archive",
    "empty file": "not a complete .npz archive",
    "a lone .npy": "not a complete .npz archive",
    "a zip that is not an npz": "has no lstmcli metadata",
    "future format version": "is model format version 99, newer than this lstmcli reads (1)",
    "missing array": "does not match its metadata: missing head.bias",
    "extra array": "does not match its metadata: unexpected surprise",
    "no metadata": "has no lstmcli metadata",
    "metadata not JSON": "has unreadable metadata",
    "shapes disagree with metadata": "has shape (16, 2), its metadata says (20, 2)",  # 2 inputs: Close, level vs mean
    "absurd layer count": "metadata lacks a valid 'layers' (found 1000000000000)",
    "NaN weights": "array head.bias holds NaN or infinite weights",
    "integer weights": "array head.bias has dtype int64, expected floating point",
    "object array (a pickle)": "contains a pickled object array; refusing to load it",
    "scaler of the wrong size": "metadata is incomplete or invalid (the scaler does not hold 1 finite means",
    "tail shorter than the window": "(the stored tail has shape (1, 1); predict needs at least (4, 1))",
    "unknown target": "metadata is incomplete or invalid (--target 'astrology' is not known",
    "impossible window": "metadata is incomplete or invalid (--window -4 is not possible",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_model_file_is_refused_by_predict(name, run, tmp_path, monkeypatch, model_bytes):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.npz"
    _hostile(name, model_bytes, path)
    before = path.read_bytes()
    line = _check_one_error_line(run("predict", "--model", "bad.npz", "--no-chart"), after_read=False)
    assert "bad.npz" in line and HOSTILE[name] in line, line
    assert path.read_bytes() == before
    assert not (tmp_path / "pwned").exists()  # nothing was unpickled


def test_hostile_model_file_is_refused_by_inspect(run, tmp_path, monkeypatch, model_bytes):
    monkeypatch.chdir(tmp_path)
    _hostile("object array (a pickle)", model_bytes, tmp_path / "bad.npz")
    r = run("inspect", "--model", "bad.npz")
    line = _check_one_error_line(r, after_read=False)
    assert "pickled object array" in line
    assert not (tmp_path / "pwned").exists()


def test_no_np_load_allows_pickle():
    """allow_pickle=False everywhere: no module loads arrays any other way."""
    root = Path(__file__).resolve().parent.parent / "lstmcli"
    for src in root.glob("*.py"):
        text = src.read_text()
        assert "allow_pickle=True" not in text, src
        assert "pickle.load" not in text and "import pickle" not in text, src
        for i, part in enumerate(text.split("np.load(")[1:]):
            assert "allow_pickle=False" in part.split(")")[0], f"{src.name}: np.load call {i + 1}"


def test_a_real_model_still_loads(run, tmp_path, monkeypatch, model_bytes):
    """The fixture the corpus relies on is a good model (so refusals above are about the damage)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.npz").write_bytes(model_bytes)
    r = run("predict", "--model", "model.npz", "--days", "2", "--json")
    assert r.exit_code == 0, r
    assert len(json.loads(r.stdout)["forecast"]) == 2


# ---------------------------------------------------------------------------------------
# usage errors (Typer's own), debug, bugs


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("predict", "--days", "abc"), "--days"),
        (("predict", "--dasy", "3"), "--days"),  # Click suggests the close option names
        (("train", "prices.csv", "--windw", "3"), "--windw"),
        (("predikt",), "predict"),  # and the close command name
        (("train",), "PRICES.CSV"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, says, run):
    r = run(*args)
    assert r.exit_code == 2, r
    assert says in r.stderr, r
    assert "Traceback" not in r.stderr + r.stdout


def test_debug_flag_and_env_show_the_traceback(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LSTM_DEBUG", "")  # --debug sets it in os.environ; this puts it back afterwards
    plain = run("train", "nope.csv")
    assert "Traceback" not in plain.stderr
    for r in (run("--debug", "train", "nope.csv"), None):
        if r is None:
            monkeypatch.setenv("LSTM_DEBUG", "1")
            r = run("train", "nope.csv")
        assert r.exit_code == 2, r
        assert "Traceback" in r.stderr and "DataError" in r.stderr, r
        assert r.stderr.strip().splitlines()[-1].startswith("Error: nope.csv: no such file")


def test_rich_markup_in_a_column_name_is_shown_as_text_by_predict(run, tmp_path, monkeypatch):
    """A column named '[/x]' is text, not a Rich closing tag (which would crash the renderer)."""
    monkeypatch.chdir(tmp_path)
    prices = random_walk(80, start=100, drift=0, vol=1, log=False)
    Forecaster(TrainConfig(window=3, hidden=4, epochs=1)).fit(prices, columns=["[/x]"]).save(tmp_path / "m.npz")
    r = run("predict", "--model", "m.npz", "--no-chart")
    assert r.exit_code == 0, r
    assert "[/x]: 5-step forecast" in r.stdout


def test_rich_markup_in_a_column_name_through_train(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prices.csv").write_text(GOOD.replace("Date,Close", "Date,[/x]"))
    r = run(*_train())
    assert r.exit_code == 0, r
    assert "[/x]" in r.stdout
    for args in (
        ["inspect", "--model", "model.npz"],
        ["inspect", "--step-trace", "--model", "model.npz"],
        ["predict", "--no-chart", "--model", "model.npz"],
    ):
        r = run(*args)
        assert r.exit_code == 0, (args, r)


def test_out_of_memory_is_a_user_error(run, tmp_path, monkeypatch, model_bytes):
    """Sizes the machine cannot hold (a huge file, a wide model) are one line and exit 2, not a bug."""
    from lstmcli import engine

    def no_memory(*a, **k):
        raise MemoryError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "prices.csv").write_text(GOOD)
    (tmp_path / "model.npz").write_bytes(model_bytes)
    monkeypatch.setattr(engine, "init_params", no_memory)
    line = _check_one_error_line(run(*_train("--ensemble", "1")), after_read=True)  # patched in this process only
    assert line == (
        "Error: not enough memory for this run. Use a smaller --hidden, --layers, --window or "
        "--batch-size, or a shorter file."
    )
    assert (tmp_path / "model.npz").read_bytes() == model_bytes


def test_a_bug_is_exit_1_with_a_traceback(run, tmp_path, monkeypatch):
    """Exit code 1 is kept for real bugs: they are not dressed up as user errors."""
    from lstmcli import data

    def broken(*a, **k):
        raise ZeroDivisionError("a bug")

    monkeypatch.chdir(tmp_path)
    (tmp_path / "prices.csv").write_text(GOOD)
    monkeypatch.setattr(data, "read_prices", broken)
    with pytest.raises(ZeroDivisionError):  # main() lets it through; Python prints it and exits 1
        run(*_train())


def test_a_bug_in_the_installed_command_exits_1(tmp_path, lstm_exe):
    (tmp_path / "sitecustomize.py").write_text(
        "import lstmcli.data\n"
        "def _boom(*a, **k):\n    raise ZeroDivisionError('a bug')\n"
        "lstmcli.data.read_prices = _boom\n"
    )
    (tmp_path / "prices.csv").write_text(GOOD)
    import os

    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    p = run_exe(lstm_exe, *_train(), cwd=tmp_path, env=env)
    assert p.returncode == 1, p.stderr
    assert b"Traceback" in p.stderr and b"ZeroDivisionError" in p.stderr


@pytest.mark.parametrize(
    "case_id",
    [
        "binary garbage with NUL bytes",
        "a named column that does not exist",
        "--lr nan",
        "negative prices with log-return",
        "--hidden absurdly large",
    ],
)
def test_installed_command_prints_the_same_one_line(case_id, tmp_path, lstm_exe, model_bytes):
    """A sample of the corpus through the real console script: exit 2, one line, no traceback."""
    case = next(c for c in CORPUS if c.id == case_id)
    raw = case.content.encode() if isinstance(case.content, str) else case.content
    (tmp_path / "prices.csv").write_bytes(raw)
    (tmp_path / "model.npz").write_bytes(model_bytes)
    p = run_exe(lstm_exe, *case.args, cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == (2 if case.after_read else 1), lines
    assert lines[-1].startswith("Error: ") and case.says[0] in lines[-1], lines
    assert b"Traceback" not in p.stderr and p.stdout == b""
    assert (tmp_path / "model.npz").read_bytes() == model_bytes


MARKUP_NAMES = ["[/x]", "[bold]", "[/]", "[red]Close", "a[b]c", "\\[x]"]


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_markup_in_a_column_name_through_backtest_and_inspect_data(run, tmp_path, monkeypatch, name):
    """Rich markup in a column name or a file name is shown as text by every command (it crashed backtest
    and inspect --data with a MarkupError, exit 1)."""
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / f"{name.replace('/', '_')}.csv"  # the file name holds markup too
    csv.write_text(daily_csv(200, header=f"Date,{name}"))
    r = run("train", str(csv.name), *FAST, "--model", "model.npz")
    assert r.exit_code == 0, r
    r = run("backtest", csv.name, "--epochs", "1", "--hidden", "4", "--window", "3", "-q", "--no-chart")
    assert r.exit_code == 0, r
    assert name in r.stdout and csv.name in r.stderr
    r = run("inspect", "--step-trace", "--data", csv.name, "--model", "model.npz")
    assert r.exit_code == 0, r
    assert csv.name in r.stderr and name in r.stdout
