"""What happened in the workflow, for the apps above `escalation` to hear about.

The services name each event in one line (`events.handoff_accepted.send(...)`) and know
nothing of who listens: the in-app notifications (`notifications`, a layer above) connect
their receivers in `AppConfig.ready()`, so every import still points down.

An event is heard only once its transaction has committed: `send()` queues the delivery
with `transaction.on_commit`, so a change that is rolled back tells nobody, and a
listener's failure never undoes the change (receivers run through `send_robust`: one
that fails is logged by Django and the others still hear the event).
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal


class Event(Signal):
    """A signal delivered after commit (at once when no transaction is open)."""

    def send(self, sender: Any, **named: Any) -> list:
        transaction.on_commit(partial(self.send_robust, sender, **named))
        return []


# A ticket was opened: ticket (Ticket), actor (user).
ticket_created = Event()
# A ticket was resolved: ticket, actor.
ticket_resolved = Event()
# A hand-off asks a tier to take the ticket: escalation (Escalation), actor (user).
handoff_requested = Event()
# The receiving tier took it: escalation, actor (the acceptor).
handoff_accepted = Event()
# The receiving tier refused it as incomplete: escalation, actor.
handoff_returned = Event()
# A ticket asked a department for help: request (DepartmentRequest), actor.
department_requested = Event()
# A department acknowledged a request (it is working on it): request, actor.
department_acknowledged = Event()
# A request to a department was closed or cancelled: request, actor.
department_request_ended = Event()
# A department answered a request: request (DepartmentRequest), actor.
department_answered = Event()


@dataclass(frozen=True)
class SlaMoment:
    """One ticket's target nearly used up or missed, as the SLA sweep found it.

    The sweep sends these a batch at a time (hundreds per event), so a listener records
    them in a few statements instead of a few per ticket: ticket (Ticket), clock (sla
    Clock), key (the timer's unique key, so a timer that fires twice is one event) and,
    for warnings, percent (of the target used).
    """

    ticket: Any
    clock: Any
    key: str
    percent: int | None = None


# Customer-facing targets nearly used up: moments (list[SlaMoment]), one sweep batch.
sla_warning = Event()
# A major incident was declared or resolved: incident (MajorIncident), actor.
incident_declared = Event()
incident_resolved = Event()
# Customer-facing targets were missed: moments (list[SlaMoment]), one sweep batch.
sla_breached = Event()
# An identity verification was decided (verified, approved, rejected, locked, expired):
# request (VerificationRequest), actor (user or None).
verification_decided = Event()
# A four-eyes action waits for a second person: request (ApprovalRequest), actor (requester).
approval_requested = Event()
# A four-eyes request was approved (its action ran) or rejected: request, actor (decider).
approval_decided = Event()
