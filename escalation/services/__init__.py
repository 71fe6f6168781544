"""Every write of the escalation app, one module per concept.

`base` holds the shared steps (lock, check, transition, audited save); `tickets`,
`handoffs`, `resolution`, `communications`, `department_requests`, `incidents` and
`customers` hold the business actions; `automation` and `alerts` act on the decisions of
`escalation.rules`. Pages, the admin and tasks import the names below.
"""

from collections.abc import Callable
from typing import Any

from .communications import communication_log, template_render, template_values
from .customers import (
    customer_document_verification,
    customer_find_or_create,
    customer_mark_churn_risk,
)
from .department_requests import (
    department_request_acknowledge,
    department_request_answer,
    department_request_cancel,
    department_request_close,
    department_request_link,
    department_request_open,
)
from .handoffs import (
    HANDOFF_FIELDS,
    REQUIRED_TEXT,
    handoff_errors,
    ticket_accept_escalation,
    ticket_escalate,
    ticket_return_escalation,
)
from .incidents import (
    incident_advance,
    incident_declare,
    incident_link_tickets,
    incident_post_update,
    incident_unlink_tickets,
    next_update_due,
)
from .incidents import message_problem as incident_message_problem
from .resolution import (
    ticket_close,
    ticket_record_csat,
    ticket_record_rca,
    ticket_reopen,
    ticket_resolve,
)
from .tickets import (
    ticket_cancel,
    ticket_create,
    ticket_input_errors,
    ticket_open,
    ticket_pause_clocks,
    ticket_reapply_sla,
    ticket_reassign,
    ticket_resume,
    ticket_resume_clocks,
    ticket_update,
    ticket_wait_on_customer,
    ticket_wait_on_department,
)

__all__ = [
    "HANDOFF_FIELDS",
    "REQUIRED_TEXT",
    "TICKET_ACTION_SERVICES",
    "communication_log",
    "customer_document_verification",
    "customer_find_or_create",
    "customer_mark_churn_risk",
    "department_request_acknowledge",
    "department_request_answer",
    "department_request_cancel",
    "department_request_close",
    "department_request_link",
    "department_request_open",
    "handoff_errors",
    "incident_advance",
    "incident_declare",
    "incident_link_tickets",
    "incident_post_update",
    "incident_unlink_tickets",
    "next_update_due",
    "incident_message_problem",
    "template_render",
    "template_values",
    "ticket_accept_escalation",
    "ticket_cancel",
    "ticket_close",
    "ticket_create",
    "ticket_escalate",
    "ticket_input_errors",
    "ticket_open",
    "ticket_pause_clocks",
    "ticket_reapply_sla",
    "ticket_reassign",
    "ticket_record_csat",
    "ticket_record_rca",
    "ticket_reopen",
    "ticket_resolve",
    "ticket_resume",
    "ticket_resume_clocks",
    "ticket_return_escalation",
    "ticket_update",
    "ticket_wait_on_customer",
    "ticket_wait_on_department",
]

# The service behind each ticket button (admin and desk dispatch through this map).
TICKET_ACTION_SERVICES: dict[str, Callable[..., Any]] = {
    "open": ticket_open,
    "escalate": ticket_escalate,
    "accept_escalation": ticket_accept_escalation,
    "return_escalation": ticket_return_escalation,
    "wait_on_customer": ticket_wait_on_customer,
    "wait_on_department": ticket_wait_on_department,
    "resume": ticket_resume,
    "resolve": ticket_resolve,
    "reopen": ticket_reopen,
    "close": ticket_close,
    "cancel": ticket_cancel,
    "reassign": ticket_reassign,
    "record_csat": ticket_record_csat,
    "log_contact": communication_log,
    "request_department": department_request_open,
    "reapply_sla": ticket_reapply_sla,
    "pause_sla": ticket_pause_clocks,
    "resume_sla": ticket_resume_clocks,
    "record_rca": ticket_record_rca,
}
