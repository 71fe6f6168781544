"""External escalation: a request to another department (000 §4.2)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import transition

from core.fields import ConcurrentStates, StateField
from core.history import AuditedHistory

from .tickets import Ticket


class DepartmentRequestState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class DepartmentRequest(ConcurrentStates, models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="department_requests")
    department = models.ForeignKey(
        "contacts.Department", on_delete=models.PROTECT, related_name="requests"
    )
    needed = models.TextField("action or information needed")
    customer_impact = models.TextField()
    findings = models.TextField("support findings")
    external_reference = models.CharField(
        "department's reference", max_length=100, blank=True, help_text="e.g. a Jira key."
    )
    channel_used = models.CharField(max_length=300, blank=True)
    # 003 "For fraud: also alert security@": the category's copy departments get the
    # request too, each through the channel routing picked for it then. Set once, when
    # the request is opened (its creation's history row has `copy_channels`).
    copied_to = models.ManyToManyField(
        "contacts.Department", blank=True, related_name="copied_requests"
    )
    copy_channels = models.TextField(
        "copies sent through", blank=True, help_text="One line per copied department."
    )
    state = StateField(
        default=DepartmentRequestState.OPEN, choices=DepartmentRequestState.choices, protected=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "state"], name="deptrequest_dept_idx")]

    def __str__(self) -> str:
        return f"{self.ticket.reference} → {self.department}"

    @property
    def response_time(self):
        """Inter-departmental response time (000 §9): request to answer."""
        return self.answered_at - self.created_at if self.answered_at else None

    @transition(
        field=state, source=DepartmentRequestState.OPEN, target=DepartmentRequestState.ACKNOWLEDGED
    )
    def acknowledge(self) -> None:
        pass

    @transition(
        field=state,
        source=[DepartmentRequestState.OPEN, DepartmentRequestState.ACKNOWLEDGED],
        target=DepartmentRequestState.ANSWERED,
    )
    def record_answer(self) -> None:
        pass

    @transition(
        field=state, source=DepartmentRequestState.ANSWERED, target=DepartmentRequestState.CLOSED
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[DepartmentRequestState.OPEN, DepartmentRequestState.ACKNOWLEDGED],
        target=DepartmentRequestState.CANCELLED,
    )
    def cancel(self) -> None:
        pass
