"""The leads' admin, one module per concept; importing the package registers them all.

Thin hooks only: every write goes through escalation.services, by way of
`core.admin_steps.ServiceAdminMixin` (step buttons, and add/change forms saved by a service).
"""

from . import approvals, customers, decision_matrix, incidents, tickets, workflow

__all__ = ["approvals", "customers", "decision_matrix", "incidents", "tickets", "workflow"]
