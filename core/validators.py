"""Input policies shared by every model and form: dates in a range people mean, and
single-line text where a line break would change meaning (an email header, a name)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

EARLIEST = date(1970, 1, 1)
# Far enough for any plan; far from year 9999, where a time zone shift overflows into an
# unrepresentable year 10000 (an on-call shift ending 9999-12-31 23:59 New York time did).
LATEST = date(2199, 12, 31)
RANGE_TEXT = f"Choose a date between {EARLIEST.year} and {LATEST.year}."


def validate_sane_date(value: date | datetime | None) -> None:
    """Refuse dates nobody means (year 1 or 9999), which break time zone arithmetic."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(RANGE_TEXT, code="date_out_of_range")


validate_single_line = RegexValidator(
    r"\A[^\r\n\x00]*\Z",
    message="Write this on one line: line breaks are not allowed here.",
    code="single_line",
)
