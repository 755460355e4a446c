"""Terminal output: aligned tables that hold wide (CJK) and combining characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime

MAX_CELL_WIDTH = 60
ELLIPSIS = "…"


def char_width(char: str) -> int:
    """Return the columns a character takes in a terminal: 0, 1 or 2."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    return 1


def text_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def clip(text: str, width: int) -> str:
    """Cut `text` to at most `width` columns, marking a cut with an ellipsis."""
    if text_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        columns = char_width(char)
        if used + columns > width - 1:
            break
        kept.append(char)
        used += columns
    return "".join(kept) + ELLIPSIS


def one_line(text: str) -> str:
    """Replace line breaks and tabs so that a value stays on its table row."""
    return " ".join(text.split())


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align the columns; each cell is cut to MAX_CELL_WIDTH columns."""
    cells = [[clip(one_line(cell), MAX_CELL_WIDTH) for cell in row] for row in rows]
    widths = [text_width(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], text_width(cell))
    lines = [_format_row(headers, widths)]
    lines.extend(_format_row(row, widths) for row in cells)
    return "\n".join(lines)


def _format_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [
        cell + " " * (width - text_width(cell))
        for cell, width in zip(cells, widths, strict=True)
    ]
    return "  ".join(padded).rstrip()


def local_time(moment: datetime | None) -> str:
    """Format a time in the local time zone, to the minute."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
