"""Shared pieces of the renderers: the one door for user text into Rich, number and date formatting, gate colours,
and the width rules every table and sentence follows (`FitTable`, `Console`).

Colour only ever repeats what the text already says, so plain output (NO_COLOR, pipes) reads the same.

Width rules (issue 12: output that reads well at 80 columns, in a terminal or a file):

* Tables are `FitTable`s. A number is never cut or wrapped (a cut number is a wrong number): when a
  table does not fit, first the headers of number columns wrap at their spaces to the width of the
  column's values, then text columns (names, labels) wrap at word boundaries, never narrower than their
  longest word, and then columns marked optional are left out, the lowest `drop` rank first, then
  (narrower still) the rightmost columns but the first two, with a line under the table naming them
  (`--json` or a wider terminal shows them).
* Sentences (the Read line, verdicts, notes, errors) wrap at word boundaries in a terminal; redirected
  to a file or a pipe, each stays one line (a file has no width; its reader wraps, and grep sees it whole).
"""

from __future__ import annotations

import copy
import dataclasses
import textwrap
import threading
from collections.abc import Iterable

from rich import console as rich_console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


def user_text(value: object) -> str:
    """User-derived text (a column, file or series name, a path, a date from a file) made safe for markup.

    Every such piece reaches Rich through here: `[/x]` in a column name is text, not a closing
    tag (which raised MarkupError, exit 1). The result can go inside markup strings, table titles
    and `console.print`.
    """
    return escape(str(value))


def plural(n: int, word: str) -> str:
    """`1 origin`, `2 origins`, `1,000 origins`: a count with its noun (an s added unless 1)."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def signed_percent(v: float) -> str:
    """A relative difference in % with its sign, one decimal: +2.5% / -0.3%; 0.0% when it rounds to zero (not -0.0%)."""
    return "0.0%" if round(v, 1) == 0 else f"{v:+.1f}%"


def price(v: float) -> str:
    """A price with sensible precision for its size: 1,234.56 / 12.3457 / 0.000123."""
    a = abs(v)
    if a >= 1000:
        return f"{v:,.2f}"
    if a >= 1:
        return f"{v:.4f}" if a < 10 else f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}" if a < 1e-3 else f"{v:.4f}"


def format_date(d, frequency, timezone: str | None = None) -> str:
    """A date as the series' frequency writes it (2024-05-31, 2024-05, ...)."""
    from lstmcli import periods

    return periods.format_date(d, frequency, timezone)


def gate_style(v: float) -> str:
    """Colour of a gate value in [0, 1]: near 0 (closed) red, near 1 (open) green."""
    if v < 0.2:
        return "red"
    if v > 0.8:
        return "green"
    return "yellow"


def explain_text(lines: Iterable[str]) -> Text:
    """Stage headings bold, the rest plain."""
    text = Text()
    for line in lines:
        style = "bold" if line.startswith(("Stage", "Start")) else ""
        text.append(line + "\n", style=style)
    return text


def line_chart(ys: list, xs: list, legend: list[str], title: str, width: int, height: int, **extra) -> str:
    """A uniplot line chart as one string (ANSI colours), the one way charts are drawn."""
    from uniplot import plot_to_string

    lines = plot_to_string(
        ys, xs=xs, lines=True, width=width, height=height, legend_labels=legend, title=title, color=True, **extra
    )
    return "\n".join(lines) if isinstance(lines, list) else lines


# ---------------------------------------------------------------------------------------
# width rules


class Console(rich_console.Console):
    """The CLI's console: `print(..., soft_wrap=True)` marks a sentence, one line when redirected, and
    wrapped at word boundaries (Rich's own wrap) in a terminal, where the terminal would cut words."""

    def print(self, *objects, soft_wrap: bool | None = None, **kwargs) -> None:
        if soft_wrap and self.is_terminal:
            soft_wrap = False
        outer, _pending.notes = getattr(_pending, "notes", None), []  # the notes of the tables printed now
        try:
            super().print(*objects, soft_wrap=soft_wrap, **kwargs)
        finally:
            notes, _pending.notes = _pending.notes, outer
        for note in notes:  # when piped, printed here as sentences: one line each, never cropped at the width
            super().print(note, soft_wrap=True)


#: FitTable's notes under a table (dropped columns) while Console.print renders it, per thread (a progress bar
#: refreshes from its own)
_pending = threading.local()


def dropped_note(names: list[str]) -> str:
    """The line under a table whose optional columns did not fit."""
    return f"Not shown at this width: {', '.join(names)} (a wider terminal or --json shows them)."


class FitTable(Table):
    """A Rich table that fits the width it is rendered at without cutting a number (the width rules above).

    Right-aligned columns hold numbers and never wrap (`no_wrap`); other columns hold text and wrap at
    words (pass `no_wrap=True` for a date or a short label). `add_column(..., drop=k)` makes a column
    optional: when even the squeezed table is too wide, rank 1 goes first, then 2, ... (equal ranks
    go together, e.g. a band's low and high); after them, the rightmost columns but the first two.
    At a width where the table fits, nothing changes.
    """

    def __init__(self, *args, **kwargs) -> None:
        self.drops: list[int | None] = []
        super().__init__(*args, **kwargs)

    def add_column(self, header="", *args, drop: int | None = None, **kwargs) -> None:
        if kwargs.get("justify") == "right":
            kwargs.setdefault("no_wrap", True)
        else:  # Rich's last resort folds a word rather than cut it
            kwargs.setdefault("overflow", "fold")
        super().add_column(header, *args, **kwargs)
        self.drops.append(drop)

    def __rich_console__(self, console, options):
        table, dropped = self._fitted(console, options)
        yield from Table.__rich_console__(table, console, options)
        if dropped:  # a sentence: wrapped at words in a terminal, one line when piped (Console.print prints it)
            note = Text(dropped_note(dropped), style="dim")
            if (
                not console.is_terminal
                and isinstance(console, Console)
                and getattr(_pending, "notes", None) is not None
            ):
                _pending.notes.append(note)
            else:
                yield note

    # the steps, each applied only while the table is still too wide

    def _fitted(self, console, options) -> tuple[Table, list[str]]:
        width = options.max_width
        if self.width is not None or not self.columns or self._needed(console, options, squeezed=False) <= width:
            return self, []
        t = copy.copy(self)
        t.columns = [dataclasses.replace(c) for c in self.columns]
        t.drops = list(self.drops)
        for c in t.columns:  # a header never widens a column of numbers: it wraps at its spaces
            if c.no_wrap and isinstance(c.header, str) and c.header:
                c.header = _wrap_header(c.header, _widest(console, options, c.cells))
        dropped: list[str] = []
        while t._needed(console, options) > width and len(t.columns) > 2:
            ranked = [d for d in t.drops if d is not None]
            # the ranked columns first; then, from the right, any column but the first two (a label and a value)
            keep = [k for k, d in enumerate(t.drops) if d != min(ranked)] if ranked else list(range(len(t.columns) - 1))
            dropped += [" ".join(str(t.columns[k].header).split()) for k in range(len(t.columns)) if k not in keep]
            t.columns, t.drops = [t.columns[k] for k in keep], [t.drops[k] for k in keep]
            for k, c in enumerate(t.columns):
                c._index = k
        t._share_text_width(console, options)
        return t, dropped

    def _measures(self, console, options) -> list[Measurement]:
        """Each column's (narrowest, widest) width with its padding, measured without a width limit."""
        wide = options.update_width(10_000)
        return [self._measure_column(console, wide, c) for c in self.columns]

    def _needed(self, console, options, squeezed: bool = True) -> int:
        """Width of the table with numbers whole and (squeezed) text columns at their longest word."""
        ms = self._measures(console, options)
        return self._extra_width + sum(
            m.maximum if c.no_wrap or not squeezed else m.minimum for c, m in zip(self.columns, ms, strict=True)
        )

    def _share_text_width(self, console, options) -> None:
        """Fix the text columns' widths: each its longest word, the room left shared by how much each wants."""
        ms = self._measures(console, options)
        text = [k for k, c in enumerate(self.columns) if not c.no_wrap]
        numbers = sum(m.maximum for c, m in zip(self.columns, ms, strict=True) if c.no_wrap)
        room = options.max_width - self._extra_width - numbers
        lo, hi = sum(ms[k].minimum for k in text), sum(ms[k].maximum for k in text)
        if not text or hi <= room or lo > room:  # it fits as it is, or only Rich's last resort is left
            return
        for k in text:
            share = (room - lo) * (ms[k].maximum - ms[k].minimum) // (hi - lo)
            self.columns[k].width = ms[k].minimum + share - self._get_padding_width(k)


def _widest(console, options, cells: Iterable) -> int:
    return max((Measurement.get(console, options.update_width(10_000), c).maximum for c in cells), default=0)


def _wrap_header(header: str, width: int) -> str:
    """`90% coverage` -> `90%\ncoverage` in a column of 6-character numbers; a word is never split."""
    lines = header.split("\n")
    width = max([width, *(len(w) for line in lines for w in line.split())])
    wrap = textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(part for line in lines for part in (wrap.wrap(line) or [""]))
