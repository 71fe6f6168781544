"""How every duration reads (`core.formatting.duration_text`), style by style.

Pinned here, with the metrics that use the decimal style, until a `tests/core/` home is
chosen. Each row is what the caller's former formatter printed, except the audit trail's
remainders under an hour, which now read like the messages' ('15 min', not '0 h 15 min').
"""

from datetime import timedelta

import pytest

from core.formatting import CLOCK, DECIMAL, duration_text
from escalation.metrics.figures import duration

M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (None, "-"),
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (45 * M, "45 min"),
        (3 * H, "3 h"),
        (3 * H + 5 * M, "3 h 5 min"),
        (2 * D + 3 * H + 59 * M, "2 d 3 h"),  # the two largest units, rounded down
        (2 * D + 59 * M, "2 d 59 min"),
        (-(2 * H + 30 * M), "2 h 30 min"),  # the page says "overdue" or "left"
    ],
)
def test_pages_show_the_two_largest_units(delta, text):
    assert duration_text(delta) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (None, "—"),
        (29 * M + timedelta(seconds=40), "30 min"),
        (H, "1.0 h"),
        (3 * H + 12 * M, "3.2 h"),
        (47 * H, "47.0 h"),
        (2 * D + 12 * H, "2.5 d"),
    ],
)
def test_metrics_show_one_decimal_in_the_unit_a_lead_compares(delta, text):
    assert duration(delta) == text
    assert duration_text(delta, style=DECIMAL, empty="—") == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (45 * M, "45 min"),
        (H, "1 h 00 min"),
        (2 * H + 5 * M, "2 h 05 min"),
        (D, "24 h 00 min"),  # "open without update for 24 h 00 min"
        (D + 2 * H + 5 * M, "26 h 05 min"),
        (-5 * M, "0 min"),  # a deadline already passed is due in no time
    ],
)
def test_messages_are_exact_to_the_minute_in_hours(delta, text):
    assert duration_text(delta, style=CLOCK, days=False) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (4 * H, "4 h 00 min"),
        (15 * M, "15 min"),  # was "0 h 15 min"
        (2 * D, "2 d"),
        (D + 2 * H + 5 * M, "1 d 2 h 05 min"),
        (3 * D + 7 * M, "3 d 7 min"),  # was "3 d 0 h 07 min"
    ],
)
def test_the_audit_trail_is_exact_to_the_minute_with_days(delta, text):
    assert duration_text(delta, style=CLOCK) == text


def test_an_unknown_style_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown duration style"):
        duration_text(H, style="roman")
