"""Where each role lands after signing in, and the leads' home: what needs a lead now.

Agents land on their queue, leads on the lead home, auditors on the audit trail,
directory admins on the directory's admin. The admin's sign-in page sends everyone here
(`landing`) unless it was asked to go somewhere else.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.roles import user_tier
from sla.models import SlaSettings
from verification.models import VerificationRequest, VerificationState

from ..models import (
    APPROVE_PERMISSION,
    ApprovalState,
    Escalation,
    EscalationState,
    IncidentState,
    MajorIncident,
    SlaStatus,
    Ticket,
)
from ..policies import is_lead
from ..selectors import sla_status_conditions, ticket_list_queryset
from .approvals import pending_approvals
from .base import desk_role_required

AUDIT_TRAIL = "audit.view_audit_trail"
DIRECTORY = "contacts.change_department"
APPROVE = "verification.approve_verificationrequest"
URGENT_ROWS = 10


def landing_url(user) -> str:
    """The start page of the user's role (the most senior role wins)."""
    if is_lead(user):
        return reverse("desk:home")
    if user_tier(user) is not None:
        return reverse("desk:queue")
    if user.has_perm(AUDIT_TRAIL):
        return reverse("admin:audit_trail")
    if user.has_perm(DIRECTORY):
        return reverse("admin:app_list", kwargs={"app_label": "contacts"})
    return reverse("admin:index")


@require_safe
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url(request.user))


def sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page, landing on the role's start page afterwards (the admin
    would otherwise always go to its index). An explicit `next` still wins."""
    extra = {}
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        extra[REDIRECT_FIELD_NAME] = reverse("landing")
    return admin.site.login(request, extra_context=extra)


@dataclass(frozen=True)
class Need:
    """One thing waiting for a lead: how many, what (read after the count), and the list
    that shows them."""

    key: str
    label: str
    count: int
    link: str
    detail: str = ""


def _changelist(name: str, **params: str) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def what_needs_a_lead(user, now: datetime, four_eyes: int | None = None) -> list[Need]:
    """Counts of what waits for a lead right now, each linking to the admin list that
    shows exactly those rows (the same conditions as its filters). Five queries.
    `four_eyes`: how many SLA-critical actions wait for a second person (issue 17),
    counted by the caller with the list it shows; None for someone who may not decide."""
    needs = []
    if four_eyes is not None:
        needs.append(
            Need(
                "four_eyes",
                "SLA-critical actions waiting for a second person's approval",
                four_eyes,
                _changelist("escalation_approvalrequest", state__exact=ApprovalState.PENDING),
            )
        )
    if user.has_perm(APPROVE):
        needs.append(
            Need(
                "approvals",
                "high-risk verifications waiting for approval",
                VerificationRequest.objects.filter(
                    state=VerificationState.AWAITING_APPROVAL
                ).count(),
                _changelist("verification_approvalqueue"),
            )
        )
    conditions = sla_status_conditions(now)
    sla = Ticket.objects.filter(sla_paused=False, sla_due_at__isnull=False).aggregate(
        breached=Count("pk", filter=conditions[SlaStatus.BREACHED]),
        at_risk=Count("pk", filter=conditions[SlaStatus.AT_RISK]),
    )
    needs += [
        Need(
            "breached",
            "tickets past their SLA target",
            sla["breached"],
            _changelist("escalation_ticket", sla=SlaStatus.BREACHED),
        ),
        Need(
            "at_risk",
            "tickets at risk of missing their SLA target",
            sla["at_risk"],
            _changelist("escalation_ticket", sla=SlaStatus.AT_RISK),
        ),
    ]
    late_after = now - SlaSettings.load().acknowledgement_target
    handoffs = Escalation.objects.filter(state=EscalationState.REQUESTED).aggregate(
        waiting=Count("pk"), late=Count("pk", filter=Q(requested_at__lte=late_after))
    )
    needs.append(
        Need(
            "handoffs",
            "hand-offs waiting for acceptance",
            handoffs["waiting"],
            _changelist("escalation_escalation", state__exact=EscalationState.REQUESTED),
            f"{handoffs['late']} past the acknowledgement target" if handoffs["late"] else "",
        )
    )
    running = [s for s in IncidentState.values if s != IncidentState.RESOLVED]
    needs.append(
        Need(
            "incidents",
            "open major incidents",
            MajorIncident.objects.filter(state__in=running).count(),
            _changelist("escalation_majorincident", state__in=",".join(running)),
        )
    )
    return needs


def most_urgent(now: datetime, size: int = URGENT_ROWS) -> list[Ticket]:
    """Breached and at-risk tickets, the soonest deadline (longest overdue) first."""
    conditions = sla_status_conditions(now)
    return list(
        ticket_list_queryset(now)
        .filter(conditions[SlaStatus.BREACHED] | conditions[SlaStatus.AT_RISK])
        .order_by("sla_due_at", "pk")[:size]
    )


@require_safe
@desk_role_required
def lead_home(request: HttpRequest) -> HttpResponse:
    """What needs a lead now; agents who open it land on their queue instead."""
    if not is_lead(request.user):
        return redirect("desk:queue")
    now = timezone.now()
    approvals, waiting = None, None
    if request.user.has_perm(APPROVE_PERMISSION):
        approvals = pending_approvals(request.user)
        waiting = approvals[0].total if approvals else 0
    return render(
        request,
        "desk/home.html",
        {
            "needs": what_needs_a_lead(request.user, now, waiting),
            "urgent": most_urgent(now),
            "approvals": approvals,
            "now": now,
        },
    )
