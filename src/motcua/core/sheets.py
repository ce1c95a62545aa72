"""Spreadsheets written for people: no cell of ours is ever a formula.

openpyxl stores a text that starts with "=" as a formula, and a spreadsheet program evaluates
it when the file is opened: a procedure name or a field typed as ``=HYPERLINK("http://…")``
into the catalog reached the report's workbook as a live link (the fourth probe). No export
writes a formula on purpose, so every workbook is passed through ``text_only`` before it is
saved: the cell keeps its text, typed as text. CSV has no types: a value that a spreadsheet
would take for a formula (=, +, -, @, a tab or a carriage return first) is written after an
apostrophe, as OWASP advises, and ``csv_value_read`` takes it off again on import.
"""

from __future__ import annotations

from typing import Any

FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")


def text_only(workbook: Any) -> Any:
    """Every formula cell of ``workbook`` (openpyxl) made a text cell holding the same text."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return workbook


def csv_value(value: str) -> str:
    """``value`` as a CSV cell no spreadsheet takes for a formula."""
    return "'" + value if value.startswith(FORMULA_FIRST) else value


def csv_value_read(value: str) -> str:
    """The value ``csv_value`` wrote."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_FIRST) else value
