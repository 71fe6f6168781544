"""What a due page timer does (registered with sla.registry): page its level, unless the
request stopped waiting (acknowledged, answered, closed) or the policy changed under it.
The sweep holds the request's row lock, so an acknowledgement cannot slip in between."""

from datetime import datetime

from escalation.models import DepartmentRequest, DepartmentRequestState
from sla.models import Timer
from sla.registry import register

from .services import PAGE_TIMER, active_policy, paging_page, plan


def on_pages_due(timers: list[Timer], now: datetime) -> None:
    requests = DepartmentRequest.objects.select_related("ticket", "department").in_bulk(
        {t.subject_id for t in timers}
    )
    for timer in timers:
        request = requests.get(timer.subject_id)
        if request is None or request.state != DepartmentRequestState.OPEN:
            continue
        policy = active_policy(request.department_id)
        if policy is None:
            continue
        step = next(
            (
                s
                for s in plan(policy)
                if s.index == timer.payload.get("step") and s.level.pk == timer.payload.get("level")
            ),
            None,
        )
        if step is not None:  # else the level was removed or moved since: nobody to page
            paging_page(request=request, step=step, at=now)


def register_handlers() -> None:
    register(PAGE_TIMER)(on_pages_due)
