"""Shared pieces of the renderers: the one door for user text into Rich, number and date formatting, gate colours.

Colour only ever repeats what the text already says, so plain output (NO_COLOR, pipes) reads the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.markup import escape
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
