"""The one CSV writer of the project: every export (audit trail, metrics, summaries) goes
through it, so every cell is safe to open in a spreadsheet.

A cell a spreadsheet would run as a formula (CSV injection) starts, after any leading
whitespace or control characters, with = + - @ (or is a tab or CR followed by one): such
a cell is prefixed with an apostrophe, which spreadsheets show as text. Plain numbers
("-3", "12.5%") stay numbers.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@")
_LEADING = " \t\r\n\x00\x0b\x0c"


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%"))
    except ValueError:
        return False
    return True


def safe_cell(value: object) -> str:
    """The cell as text a spreadsheet will never evaluate."""
    text = "" if value is None else str(value)
    stripped = text.lstrip(_LEADING)
    if stripped.startswith(FORMULA_START) and not (text == stripped and _is_number(text)):
        return "'" + text
    if text[:1] in ("\t", "\r"):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for streaming."""

    def write(self, value: str) -> str:
        return value


_writer = csv.writer(_Echo())


def csv_row(cells: Sequence[object]) -> str:
    """One CSV line, every cell made safe."""
    return str(_writer.writerow([safe_cell(c) for c in cells]))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header then each row as one CSV line."""
    yield csv_row(header)
    for row in rows:
        yield csv_row(row)


def _disposition(filename: str) -> str:
    name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export"
    return f'attachment; filename="{name}.csv"'


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    """A whole CSV file at once (small exports: errors become an error page, not a cut file)."""
    response = HttpResponse(
        "".join(csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(filename)
    return response


def csv_stream(filename: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """A CSV file sent as it is produced (large exports), from `csv_lines`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response
