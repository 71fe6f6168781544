"""Tickets: the leads' list, the ticket page with its buttons, and adding and editing.

Every write is one service: the buttons are steps (`TicketActionStep`), adding calls
`ticket_create` and editing `ticket_update`, and their refusals show on the forms.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db.models import F
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from core.admin import AuditedAdmin
from core.admin_steps import AdminStep, ServiceAdminMixin
from core.errors import ApplicationError
from core.formatting import duration_text
from core.pagination import CappedCountPaginator
from sla.selectors import clocks_for

from ..actions import ticket_action_form, ticket_action_service
from ..forms import TicketAddForm, TicketChangeForm
from ..holds import Held
from ..metrics.admin import MetricFilter
from ..models import IncidentState, MajorIncident, SlaStatus, Ticket, TicketState
from ..policies import EDITABLE_FIELDS, TICKET_ACTIONS, scope_to_user
from ..policies import refusal as ticket_action_refusal
from ..selectors import (
    sla_status_conditions,
    support_staff,
    ticket_available_actions,
    ticket_list_queryset,
    ticket_refused_escalations,
    ticket_route,
    ticket_search,
)
from ..services import incident_link_tickets, ticket_create, ticket_update
from ..templatetags.chips import priority_chip, state_chip
from ..templatetags.sla import sla_words
from ..timeline import ticket_timeline
from .ticket_rows import FastRowsChangeList


class OwnerFilter(admin.SimpleListFilter):
    """Only people who can own tickets, not every account in the system."""

    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [(str(u.pk), u.get_username()) for u in support_staff()]

    def queryset(self, request, queryset):
        return queryset.filter(owner_id=self.value()) if self.value() else queryset


class SlaStatusFilter(admin.SimpleListFilter):
    title = "SLA status"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return SlaStatus.choices

    def queryset(self, request, queryset):
        conditions = sla_status_conditions(timezone.now())
        return queryset.filter(conditions[self.value()]) if self.value() in conditions else queryset


@dataclass(frozen=True)
class TicketActionStep(AdminStep):
    """A ticket button: the access policy may refuse it; its form and service are the
    action's own, the same the desk uses (`escalation.actions`)."""

    code: str = ""

    def refusal(self, request, obj):
        return ticket_action_refusal(obj, request.user, self.code)

    def get_form(self, request, obj):
        return ticket_action_form(request, obj, self.code)

    def done_message(self, obj, result) -> str:
        if isinstance(result, Held):  # waits for a second person (issue 17): nothing changed
            return f"{obj.reference}: {result.message}"
        return f"{obj.reference} {TICKET_ACTIONS[self.code].verb}."

    def extra_context(self, request, obj, form) -> dict:
        return {"templates": form.templates}


OUTCOME_FIELDS = [
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "resolution_summary",
    "customer_confirmed",
    "csat",
    "resolved_by_specialist",
    "first_level_possible",
    "churn_risk",
    "incident",
]
READONLY_ON_CHANGE = [
    "refused_automatic_escalations",
    "timeline",
    "sla_clocks",
    "routing_now",
    "reference",
    "customer",
    "state",
    "tier",
    "owner",
    *OUTCOME_FIELDS,
]

CHANGE_FIELDSETS = [
    (None, {"fields": ["reference", "state", "customer", "owner", "tier"]}),
    ("Issue", {"fields": list(EDITABLE_FIELDS)}),
    ("Timeline", {"fields": ["refused_automatic_escalations", "timeline"]}),
    ("SLA", {"fields": ["sla_clocks"]}),
    ("Routing", {"fields": ["routing_now"]}),
    (
        "Dates and outcome",
        {"fields": OUTCOME_FIELDS},
    ),
]


@admin.register(Ticket)
class TicketAdmin(ServiceAdminMixin, AuditedAdmin):
    form = TicketChangeForm
    add_form = TicketAddForm
    list_display = [
        "reference",
        "subject",
        "customer_card",
        "category",
        "priority_chip",
        "tier",
        "owner",
        "state_chip",
        "sla",
        "age",
    ]
    list_display_links = ["reference", "subject"]
    list_filter = [
        "state",
        "priority",
        "tier",
        "category",
        "customer__plan",
        "customer__is_vip",
        SlaStatusFilter,
        OwnerFilter,
        MetricFilter,
        "incident",
    ]
    search_fields = ["customer__name", "customer__email", "external_reference"]
    search_help_text = "Reference (ESC-000123), customer name or email, external reference."
    show_full_result_count = False
    list_per_page = 50
    # Counts at most 1,000 matches (issue 18): the list never counts the whole table.
    paginator = CappedCountPaginator
    # The next breach first (the longest overdue at the top); no running target last.
    # (Django takes an expression here; the stubs know only field names.)
    ordering = [F("sla_due_at").asc(nulls_last=True), "pk"]  # type: ignore[list-item]
    change_form_template = "admin/escalation/ticket/change_form.html"
    actions = ["link_to_incident"]

    def response_action(self, request, queryset):
        """ "Select all" acts on every match, but past the count's cap the lead never saw
        how many that is: refused, with a sentence, until the list is narrowed."""
        cap = CappedCountPaginator.cap
        if request.POST.get("select_across") == "1":
            if queryset.order_by().values("pk")[: cap + 1].count() > cap:
                self.message_user(
                    request,
                    f"More than {cap:,} tickets match: narrow the list with a filter or a "
                    "search before acting on all of them. Nothing was changed.",
                    messages.WARNING,
                )
                return None
        return super().response_action(request, queryset)

    step_paths = {"action": "act/<slug:step>/"}  # admin:escalation_ticket_action
    steps = {
        code: TicketActionStep(
            action.label,
            ticket_action_service(code),
            subject="ticket",
            path="action",
            code=code,
            tone=action.tone,
        )
        for code, action in TICKET_ACTIONS.items()
    }

    # --- list ---------------------------------------------------------------------------

    def get_queryset(self, request):
        return scope_to_user(request.user, ticket_list_queryset())

    def get_changelist(self, request, **kwargs):
        """Rows drawn once per row, not cell by cell (issue 18; `ticket_rows`)."""
        return FastRowsChangeList

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in MetricFilter.SCOPE_PARAMS or super().lookup_allowed(lookup, value, request)

    def action_checkbox(self, obj: Ticket):
        """Django's checkbox (same name, value and label) without a template per row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            obj,
        )

    def get_search_results(self, request, queryset, search_term):
        return ticket_search(queryset, search_term), False

    @admin.display(description="reference", ordering="pk")
    def reference(self, obj: Ticket) -> str:
        return obj.reference

    @admin.display(description="customer", ordering="customer__name")
    def customer_card(self, obj: Ticket):
        c = obj.customer
        return format_html(
            "{}<br><small>{}{}</small>", c.name, c.get_plan_display(), " · VIP" if c.is_vip else ""
        )

    @admin.display(description="priority", ordering="priority")
    def priority_chip(self, obj: Ticket):
        return priority_chip(obj)

    @admin.display(description="state", ordering="state")
    def state_chip(self, obj: Ticket):
        return state_chip(obj)

    @admin.display(description="SLA", ordering="sla_rank")
    def sla(self, obj: Ticket):
        """In words and colour, as on the desk: 'Breached 3 h ago', 'At risk: 40 min left'."""
        return sla_words(obj).html()

    @admin.display(description="age", ordering="created_at")
    def age(self, obj: Ticket) -> str:
        return timesince(obj.created_at, depth=1)

    def has_link_permission(self, request):
        return request.user.has_perm("escalation.change_majorincident")

    @admin.action(description="Link selected tickets to a major incident", permissions=["link"])
    def link_to_incident(self, request, queryset):
        """Pick a running incident, then link the tickets (holding message once per customer)."""
        incidents = MajorIncident.objects.exclude(state=IncidentState.RESOLVED)
        picked = request.POST.get("incident", "")
        chosen = incidents.filter(pk=int(picked)).first() if picked.isdigit() else None
        if chosen is None:
            return TemplateResponse(
                request,
                "admin/escalation/ticket/link_incident.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "Link tickets to a major incident",
                    "incidents": incidents,
                    "tickets": queryset,
                    "action": "link_to_incident",
                },
            )
        try:
            linked = incident_link_tickets(
                incident=chosen, actor=request.user, tickets=list(queryset)
            )
        except ApplicationError as exc:
            self.message_refusal(request, exc)
        else:
            self.message_user(request, f"{linked} ticket(s) linked to {chosen}.")
        return None

    # --- the ticket page ----------------------------------------------------------------

    @admin.display(description="what happened")
    def timeline(self, obj: Ticket) -> str:
        return render_to_string(
            "admin/escalation/ticket/_timeline.html", {"entries": ticket_timeline(obj)}
        )

    @admin.display(description="automatic escalations refused")
    def refused_automatic_escalations(self, obj: Ticket) -> str:
        """Never silent (issue 14): what a rule could not do, for a lead to do by hand."""
        return render_to_string(
            "admin/escalation/ticket/_refusals.html",
            {"refusals": ticket_refused_escalations(obj)},
        )

    @admin.display(description="route now")
    def routing_now(self, obj: Ticket) -> str:
        """The contact directory's answer for this ticket at this moment."""
        r = ticket_route(obj)
        how = f"{r.channel.get_kind_display()}: {r.channel.value}" if r.channel else "no channel"
        if r.on_call:
            how = f"on call: {r.on_call.person} {r.on_call.phone}".strip() + f" (or {how})"
        return render_to_string("admin/escalation/ticket/_routing.html", {"route": r, "how": how})

    @admin.display(description="SLA clocks")
    def sla_clocks(self, obj: Ticket) -> str:
        """Every target: due, paused, and (once stopped) business/calendar/paused time and met."""
        rows = [
            {
                "clock": c,
                "state": "paused" if c.is_paused else ("running" if c.is_running else "stopped"),
                "result": "-" if c.met is None else ("met" if c.met else "missed"),
                "business": duration_text(c.business_taken),
                "calendar": duration_text(c.calendar_taken),
                "paused": duration_text(c.paused_calendar),
            }
            for c in clocks_for(obj)
        ]
        if not rows:
            return "-"
        return render_to_string("admin/escalation/ticket/_sla_clocks.html", {"rows": rows})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if ticket is not None and self.has_change_permission(request, ticket):
            extra_context["ticket_actions"] = ticket_available_actions(ticket, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- add and edit -------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_form._meta.fields})]
        return CHANGE_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not obj.is_active and obj.state != TicketState.RESOLVED:
            return [*READONLY_ON_CHANGE, *EDITABLE_FIELDS]
        return READONLY_ON_CHANGE

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        for flag in ("can_add_related", "can_change_related", "can_delete_related"):
            if hasattr(widget, flag):  # edit categories and customers on their own pages
                setattr(widget, flag, False)
        return field

    def save_with_service(self, request, form, obj):
        data = form.cleaned_data
        if obj is not None:
            changes = {f: data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
            saved = ticket_update(ticket=obj, actor=request.user, changes=changes)
            if isinstance(saved, Held):  # a lower priority waits for a second person (issue 17)
                messages.warning(request, saved.message)
                obj.refresh_from_db()
                return obj
            return saved
        return ticket_create(
            actor=request.user,
            customer=data["customer"],
            category=data["category"],
            owner=data["owner"],
            subject=data["subject"],
            description=data["description"],
            priority=data["priority"] or None,
            sentiment=data["sentiment"],
            external_reference=data["external_reference"],
        )

    def has_delete_permission(self, request, obj=None):
        return False
