"""The one CSV writer: every CSV the product serves goes through it, each cell safe to open in a
spreadsheet (pure).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, `@SUM(...)`, DDE): OWASP's CSV injection
rule is to prefix such a cell with a single quote, which spreadsheets show as text. The full-width
forms (`＝`) are prefixed too, as some spreadsheets fold them. A cell that starts with a quote gets
one more, so `read_cell` can undo the prefix exactly (round trips lose nothing). Numbers are
written as numbers: `-20` typed as a number is a value, not a formula (an NPS can be negative).
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PREFIX = "'"


def safe_cell(value: Any) -> Any:
    """`value` as a CSV cell no spreadsheet evaluates: numbers as they are, text prefixed if needed."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return _PREFIX + text if text.startswith((*FORMULA_STARTS, _PREFIX)) else text


def read_cell(text: str) -> str:
    """A cell as `safe_cell` wrote it, back to the original text."""
    return text[1:] if text.startswith(_PREFIX) and text[1:].startswith((*FORMULA_STARTS, _PREFIX)) else text


def write(rows: Iterable[Sequence[Any]]) -> str:
    """Rows (the first is the header) as CSV text, every cell through `safe_cell`.

    Rows end in CRLF (RFC 4180): the csv module quotes a cell holding any character of the line
    terminator, so with CRLF a cell's own CR or LF is always quoted and never splits its row.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
