"""A request to a department with an active escalation policy starts its pages; its
acknowledgement (or answer, or end) stops them and acknowledges (resolves) the PagerDuty
alert. Events are heard after commit."""

from escalation import events
from escalation.models import DepartmentRequest
from outbox.delivery import register_pagerduty_sender

from .pagerduty import send_event
from .services import paging_start, paging_stop
from .timers import register_handlers


def start(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    paging_start(request=request)


def acknowledged(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    paging_stop(request=request, action="acknowledge")


def stop(sender, request: DepartmentRequest, actor, **kwargs) -> None:
    paging_stop(request=request, action="resolve")


def connect() -> None:
    events.department_requested.connect(start, dispatch_uid="paging.start")
    events.department_acknowledged.connect(acknowledged, dispatch_uid="paging.acknowledged")
    for name, event in (
        ("answered", events.department_answered),
        ("ended", events.department_request_ended),
    ):
        event.connect(stop, dispatch_uid=f"paging.stop.{name}")
    register_pagerduty_sender(send_event)
    register_handlers()
