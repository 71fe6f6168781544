"""Whether the person an email goes to is at work: the hook the directory fills.

The outbox sits below the contact directory, so it cannot look up people's hours itself;
`contacts` registers a function (`register_recipient_hours`) answering, for a set of
addresses at an instant, who is off duty, when they are back and who stands in for them.
The outbox uses the answer when a message is recorded (`outbox.services`): a non-urgent
email to someone off duty waits (its first attempt is due when they are back), an urgent
one goes at once and a copy goes to whoever is on call for them. Without a registered
function every address counts as reachable.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OffDuty:
    """An address whose person is off duty now."""

    back_at: datetime  # their next working instant
    person: str  # their name, for people to read
    hours: str  # their hours in words, e.g. "Berlin office hours"
    stand_ins: tuple[str, ...] = ()  # addresses of whoever is on call for them now


RecipientHours = Callable[[Collection[str], datetime], Mapping[str, OffDuty]]
_hooks: list[RecipientHours] = []


def register_recipient_hours(hook: RecipientHours) -> None:
    """Called once by the directory's AppConfig.ready()."""
    if hook not in _hooks:
        _hooks.append(hook)


def off_duty(addresses: Collection[str], at: datetime) -> dict[str, OffDuty]:
    """The addresses among `addresses` whose person is off duty at `at`."""
    found: dict[str, OffDuty] = {}
    if not addresses:
        return found
    for hook in _hooks:
        found.update(hook(addresses, at))
    return found


def waiting_text(absent: OffDuty) -> str:
    return f"Waits for {absent.person}'s working hours ({absent.hours})"
