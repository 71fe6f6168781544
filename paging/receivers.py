"""A request to a department with an active escalation policy starts its pages; its
acknowledgement (or answer, or end) stops them. Events are heard after commit."""

from escalation import events
from escalation.models import DepartmentRequest
from outbox.delivery import register_pagerduty_sender

from .pagerduty import send_event
from .services import paging_start, paging_stop
from .timers import register_handlers


def start(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    paging_start(request=request)


def stop(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    paging_stop(request=request)


def connect() -> None:
    events.department_requested.connect(start, dispatch_uid="paging.start")
    for name, event in (
        ("acknowledged", events.department_acknowledged),
        ("answered", events.department_answered),
        ("ended", events.department_request_ended),
    ):
        event.connect(stop, dispatch_uid=f"paging.stop.{name}")
    register_pagerduty_sender(send_event)
    register_handlers()
