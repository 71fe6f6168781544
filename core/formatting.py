"""How a duration reads, everywhere in the project: one function, three styles.

Pages, figures, messages and the audit trail each need a different precision, but they
must agree on the units and the words, so the arithmetic lives here once:

* ``UNITS`` (pages: the admin and the desk): the two largest non-zero units, rounded
  down to the minute: '2 d 3 h', '3 h', '45 min'. The sign is dropped because the
  page says 'left' or 'overdue' itself.
* ``DECIMAL`` (the metrics): one decimal, in the unit a lead compares at a glance:
  '45 min' under an hour, '3.2 h' under two days, '2.5 d' from two days on.
* ``CLOCK`` (notifications and the audit trail): exact to the minute: '2 h 05 min',
  '45 min'; with ``days=True`` whole days first ('1 d 2 h 05 min', '2 d'). A negative
  duration reads '0 min' (a deadline already passed is due in no time).
"""

from datetime import timedelta
from typing import Final, Literal

UNITS: Final = "units"
DECIMAL: Final = "decimal"
CLOCK: Final = "clock"
Style = Literal["units", "decimal", "clock"]

MINUTES_PER_DAY = 24 * 60


def duration_text(
    delta: timedelta | None, *, style: Style = UNITS, days: bool = True, empty: str = "-"
) -> str:
    """`delta` in words, in one of the module's styles.

    `days`: whether days are a unit (``UNITS`` and ``CLOCK``); without them hours run on
    ('26 h 05 min'), as a notification about a 24-hour target says. `empty` is what
    None reads as: the admin's '-' by default, the metrics' '—'.
    """
    if delta is None:
        return empty
    if style == DECIMAL:
        return _decimal(delta)
    if style == CLOCK:
        return _clock(max(0, int(delta.total_seconds() // 60)), days=days)
    if style == UNITS:
        return _units(int(abs(delta.total_seconds()) // 60), days=days)
    raise ValueError(f"Unknown duration style {style!r}.")


def _units(minutes: int, *, days: bool) -> str:
    whole_days, minutes = divmod(minutes, MINUTES_PER_DAY) if days else (0, minutes)
    hours, minutes = divmod(minutes, 60)
    units = ((whole_days, "d"), (hours, "h"), (minutes, "min"))
    parts = [f"{n} {unit}" for n, unit in units if n]
    return " ".join(parts[:2]) or "0 min"


def _decimal(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if delta < timedelta(hours=1):
        return f"{round(seconds / 60)} min"
    if delta < timedelta(days=2):
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _clock(minutes: int, *, days: bool) -> str:
    whole_days, rest = divmod(minutes, MINUTES_PER_DAY) if days else (0, minutes)
    parts = [f"{whole_days} d"] if whole_days else []
    if rest >= 60:
        parts.append(f"{rest // 60} h {rest % 60:02d} min")
    elif rest or not whole_days:
        parts.append(f"{rest} min")
    return " ".join(parts)
