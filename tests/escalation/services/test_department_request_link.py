"""Linking a department request to the department's own reference (a Jira key): set
once, repeated links are no-ops, another reference is refused, the state stays."""

import pytest

from core.errors import TransitionRefused
from escalation import services
from escalation.models import DepartmentRequestState


def test_a_department_request_link_is_set_once(make_ticket, agent):
    request = services.department_request_open(
        ticket=make_ticket(state="open"),
        actor=agent,
        needed="Refund",
        customer_impact="Charged twice",
        findings="Two captures",
    )
    linked = services.department_request_link(request=request, reference=" OPS-1 ", actor=agent)
    assert (linked.external_reference, linked.state) == ("OPS-1", DepartmentRequestState.OPEN)
    services.department_request_link(request=request, reference="OPS-1", actor=agent)
    assert linked.history.count() == 2  # opened, linked: the repeat wrote nothing
    with pytest.raises(TransitionRefused, match="already linked to OPS-1"):
        services.department_request_link(request=request, reference="OPS-2", actor=agent)
