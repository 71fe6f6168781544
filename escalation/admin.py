"""The leads' admin: thin hooks; every write goes through escalation.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from core.admin import AuditedAdmin, ReadOnlyAdminMixin
from core.errors import ApplicationError
from sla.selectors import clocks_for
from verification.forms import StartForm
from verification.selectors import verification_requests_for
from verification.services import verification_start

from .actions import run_ticket_action
from .formatting import span
from .forms import CategoryForm, TicketAddForm, TicketChangeForm
from .metrics.admin import MetricFilter
from .models import (
    Category,
    Communication,
    CommunicationTemplate,
    Customer,
    DepartmentRequest,
    Escalation,
    IncidentState,
    MajorIncident,
    SlaStatus,
    Ticket,
)
from .policies import EDITABLE_FIELDS, TICKET_ACTIONS, refusal
from .selectors import (
    sla_status_conditions,
    support_staff,
    ticket_available_actions,
    ticket_list_queryset,
    ticket_route,
    ticket_search,
)
from .services import (
    department_request_acknowledge,
    department_request_answer,
    department_request_cancel,
    department_request_close,
    incident_advance,
    incident_declare,
    incident_link_tickets,
    incident_message_problem,
    ticket_create,
    ticket_update,
)
from .timeline import ticket_timeline


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    change_form_template = "admin/escalation/customer/change_form.html"
    list_display = [
        "name",
        "email",
        "company",
        "plan",
        "is_vip",
        "success_manager",
        "churn_risk",
        "is_media",
    ]
    list_filter = ["plan", "is_vip", "churn_risk", "is_media"]
    search_fields = ["name", "email", "company", "external_user_id"]
    list_select_related = ["success_manager"]
    show_full_result_count = False
    autocomplete_fields = []
    fieldsets = [
        (None, {"fields": ["name", "email", "external_user_id", "company"]}),
        ("Account", {"fields": ["plan", "is_vip", "success_manager"]}),
        ("Flags", {"fields": ["churn_risk", "churn_risk_reason", "is_media"]}),
        (
            "Identity",
            {"fields": ["identity_verified_level", "identity_verified_at", "verifications"]},
        ),
    ]
    readonly_fields = ["identity_verified_level", "identity_verified_at", "verifications"]

    @admin.display(description="verification requests")
    def verifications(self, obj: Customer):
        rows = [
            (
                reverse("admin:verification_verificationrequest_change", args=[r.pk]),
                r.pk,
                r.action.name,
                r.get_state_display(),
                r.created_at.strftime("%Y-%m-%d %H:%M"),
            )
            for r in verification_requests_for(obj)
        ]
        if not rows:
            return "-"
        return format_html_join("", '<a href="{}">#{}</a> {} · {} · {}<br>', rows)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="escalation_customer_verify",
            ),
            *super().get_urls(),
        ]

    def verify_view(self, request, object_id):
        """Start an identity verification for this customer (optionally for a ticket)."""
        customer = self.get_object(request, unquote(object_id))
        if customer is None:
            raise Http404("No such customer.")
        if not request.user.has_perm("verification.add_verificationrequest"):
            raise PermissionDenied
        ticket_id = Ticket.pk_from_reference(request.GET.get("ticket", ""))
        form = StartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                started = verification_start(
                    subject=customer,
                    actor=request.user,
                    action=form.cleaned_data["action"],
                    ticket_id=ticket_id,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{started} started: record the factors now.")
                return HttpResponseRedirect(
                    reverse("admin:verification_verificationrequest_change", args=[started.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": customer,
            "title": f"Verify the identity of {customer}",
            "form": form,
            "button": "Start verification",
            "change_url": reverse("admin:escalation_customer_change", args=[customer.pk]),
        }
        return TemplateResponse(request, "admin/action_form.html", context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "success_manager":
            kwargs["queryset"] = support_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    form = CategoryForm
    list_display = [
        "name",
        "group",
        "default_priority",
        "route_to",
        "copies",
        "verification_level",
        "troubleshooting_required",
        "is_active",
    ]
    list_filter = ["group", "default_priority", "verification_level", "is_active"]
    search_fields = ["name", "code", "route_to__name", "guidance"]
    prepopulated_fields = {"code": ["name"]}
    list_select_related = ["route_to"]
    filter_horizontal = ["copy_to"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("copy_to")

    @admin.display(description="copy")
    def copies(self, obj: Category) -> str:
        return ", ".join(d.name for d in obj.copy_to.all()) or "-"


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


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin):
    form = TicketChangeForm
    add_form = TicketAddForm
    list_display = [
        "reference",
        "subject",
        "customer_card",
        "category",
        "priority",
        "tier",
        "owner",
        "state",
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
    ]
    search_fields = ["customer__name", "customer__email", "external_reference"]
    search_help_text = "Reference (ESC-000123), customer name or email, external reference."
    show_full_result_count = False
    list_per_page = 50
    change_form_template = "admin/escalation/ticket/change_form.html"
    actions = ["link_to_incident"]

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in MetricFilter.SCOPE_PARAMS or super().lookup_allowed(lookup, value, request)

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
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, f"{linked} ticket(s) linked to {chosen}.")
        return None

    readonly_on_change = [
        "timeline",
        "sla_clocks",
        "routing_now",
        "reference",
        "customer",
        "state",
        "tier",
        "owner",
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

    # --- list ---------------------------------------------------------------------

    def get_queryset(self, request):
        return ticket_list_queryset()

    @admin.display(description="reference", ordering="pk")
    def reference(self, obj: Ticket) -> str:
        return obj.reference

    @admin.display(description="customer", ordering="customer__name")
    def customer_card(self, obj: Ticket):
        c = obj.customer
        return format_html(
            "{}<br><small>{}{}</small>", c.name, c.get_plan_display(), " · VIP" if c.is_vip else ""
        )

    @admin.display(description="SLA", ordering="sla_rank")
    def sla(self, obj: Ticket):
        status = getattr(obj, "sla_status", SlaStatus.NONE)
        if status == SlaStatus.NONE:
            return "-"
        label = SlaStatus(status).label
        if status == SlaStatus.PAUSED:
            return format_html('<span class="sla sla-paused">{}</span>', label)
        left = obj.sla_due_at - timezone.now()
        when = f"{span(left)} overdue" if status == SlaStatus.BREACHED else f"{span(left)} left"
        return format_html(
            '<span class="sla sla-{}"><strong>{}</strong> · {}</span>', status, label, when
        )

    @admin.display(description="what happened")
    def timeline(self, obj: Ticket):
        rows = [
            (timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.kind, e.who, e.text)
            for e in ticket_timeline(obj)
        ]
        return format_html(
            '<table class="timeline"><thead><tr><th>When</th><th>What</th><th>Who</th>'
            "<th>Details</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="route now")
    def routing_now(self, obj: Ticket):
        """The contact directory's answer for this ticket at this moment."""
        r = ticket_route(obj)
        how = f"{r.channel.get_kind_display()}: {r.channel.value}" if r.channel else "no channel"
        if r.on_call:
            how = f"on call: {r.on_call.person} {r.on_call.phone}".strip() + f" (or {how})"
        return format_html(
            "<strong>{}</strong> · {}<br>{}<br>Copy: {}",
            r.department,
            how,
            r.reason,
            ", ".join(r.copies) or "-",
        )

    @admin.display(description="SLA clocks")
    def sla_clocks(self, obj: Ticket):
        """Every target: due, paused, and (once stopped) business/calendar/paused time and met."""
        rows = [
            (
                c.get_kind_display(),
                c.cycle,
                timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M"),
                "paused" if c.is_paused else ("running" if c.is_running else "stopped"),
                "-" if c.met is None else ("met" if c.met else "missed"),
                span(c.business_taken),
                span(c.calendar_taken),
                span(c.paused_calendar),
                c.policy_version or "-",
            )
            for c in clocks_for(obj)
        ]
        if not rows:
            return "-"
        head = (
            "Target",
            "Cycle",
            "Due",
            "State",
            "Result",
            "Business",
            "Calendar",
            "Paused",
            "Policy v",
        )
        return format_html(
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<th>{}</th>", ((h,) for h in head)),
            format_html_join("", "<tr>" + "<td>{}</td>" * len(head) + "</tr>", rows),
        )

    @admin.display(description="age", ordering="created_at")
    def age(self, obj: Ticket) -> str:
        return timesince(obj.created_at, depth=1)

    def get_search_results(self, request, queryset, search_term):
        return ticket_search(queryset, search_term), False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        for flag in ("can_add_related", "can_change_related", "can_delete_related"):
            if hasattr(widget, flag):  # edit categories and customers on their own pages
                setattr(widget, flag, False)
        return field

    # --- add and edit ---------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form = type(form.__name__, (form,), {"user": request.user})
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_form._meta.fields})]
        return [
            (None, {"fields": ["reference", "state", "customer", "owner", "tier"]}),
            ("Issue", {"fields": list(EDITABLE_FIELDS)}),
            ("Timeline", {"fields": ["timeline"]}),
            ("SLA", {"fields": ["sla_clocks"]}),
            ("Routing", {"fields": ["routing_now"]}),
            (
                "Dates and outcome",
                {
                    "fields": [
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
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not obj.is_active and obj.state != "resolved":
            return [*self.readonly_on_change, *EDITABLE_FIELDS]
        return self.readonly_on_change

    def save_model(self, request, obj, form, change):
        try:
            if change:
                changes = {
                    f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE_FIELDS
                }
                ticket_update(ticket=obj, actor=request.user, changes=changes)
            else:
                data = form.cleaned_data
                created = ticket_create(
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
                obj.pk = created.pk
                obj._state.adding = False
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- transition buttons ---------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.action_view),
                name="escalation_ticket_action",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if ticket is not None and self.has_change_permission(request, ticket):
            extra_context["ticket_actions"] = ticket_available_actions(ticket, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, object_id, action):
        """GET: the action's form; POST: run the service, then back to the ticket."""
        if action not in TICKET_ACTIONS:
            raise Http404("Unknown action.")
        ticket = self.get_object(request, unquote(object_id))
        if ticket is None:
            raise Http404("No such ticket.")
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        change_url = reverse("admin:escalation_ticket_change", args=[ticket.pk])
        message = refusal(ticket, request.user, action)
        if message:
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(change_url)
        result = run_ticket_action(request, ticket, action)
        if result.done:
            self.message_user(
                request, f"{ticket.reference} {TICKET_ACTIONS[action].verb}.", messages.SUCCESS
            )
            return HttpResponseRedirect(change_url)
        form, templates = result.form, result.templates
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": ticket,
            "title": f"{TICKET_ACTIONS[action].label}: {ticket}",
            "action": TICKET_ACTIONS[action],
            "form": form,
            "change_url": change_url,
            "templates": templates,
        }
        return TemplateResponse(request, "admin/action_form.html", context)


class ReadOnlyRecordAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    pass


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "__str__",
        "type",
        "trigger",
        "state",
        "requested_by",
        "requested_at",
        "accepted_by",
        "accepted_at",
    ]
    list_filter = ["state", "to_tier", "type", "trigger"]
    list_select_related = ["ticket", "requested_by", "accepted_by"]
    search_fields = ["summary", "why_escalating", "ticket__subject"]
    date_hierarchy = "requested_at"
    show_full_result_count = False


@admin.register(Communication)
class CommunicationAdmin(ReadOnlyRecordAdmin):
    list_display = ["ticket", "direction", "channel", "author", "created_at", "is_complaint"]
    list_filter = ["direction", "channel", "is_complaint", "threatened_to_leave"]
    list_select_related = ["ticket", "author"]
    search_fields = ["body"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(CommunicationTemplate)
class CommunicationTemplateAdmin(AuditedAdmin):
    """Leads edit templates; a template with an unknown placeholder is refused on save."""

    list_display = ["name", "code", "purpose", "is_active"]
    list_filter = ["purpose", "is_active"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(DepartmentRequest)
class DepartmentRequestAdmin(ReadOnlyRecordAdmin):
    list_display = [
        "__str__",
        "state",
        "external_reference",
        "created_at",
        "acknowledged_at",
        "answered_at",
        "response_time",
    ]
    list_filter = ["state", "department"]
    list_select_related = ["ticket", "department"]
    search_fields = ["needed", "external_reference", "ticket__subject"]
    change_form_template = "admin/escalation/departmentrequest/change_form.html"
    STEPS = {
        "acknowledge": (
            department_request_acknowledge,
            "external_reference",
            "Department's reference (e.g. Jira key)",
            False,
        ),
        "answer": (department_request_answer, "answer", "The department's answer", True),
        "close": (department_request_close, None, "", False),
        "cancel": (department_request_cancel, "reason", "Why cancel", True),
    }

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<slug:step>/",
                self.admin_site.admin_view(self.step_view),
                name="escalation_departmentrequest_step",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, object_id, step):
        """One button of the request's lifecycle: a small form, then the service."""
        if step not in self.STEPS:
            raise Http404("Unknown step.")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such request.")
        if not request.user.has_perm("escalation.change_ticket"):
            raise PermissionDenied
        service, field, label, required = self.STEPS[step]
        fields = (
            {
                field: forms.CharField(
                    label=label,
                    required=required,
                    # the reference column holds 100 characters; answers are free text
                    max_length=100 if field == "external_reference" else None,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            }
            if field
            else {}
        )
        form = type("StepForm", (forms.Form,), fields)(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(request=obj, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{obj}: {step} recorded.")
                return HttpResponseRedirect(
                    reverse("admin:escalation_departmentrequest_change", args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{step.capitalize()}: {obj}",
            "form": form,
            "action": {"label": step.capitalize()},
            "change_url": reverse("admin:escalation_departmentrequest_change", args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/action_form.html", context)


class MajorIncidentForm(forms.ModelForm):
    class Meta:
        model = MajorIncident
        fields = ["title", "affected_service", "holding_message"]

    def clean_holding_message(self):
        text = self.cleaned_data["holding_message"]
        problem = incident_message_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text


@admin.register(MajorIncident)
class MajorIncidentAdmin(AuditedAdmin):
    form = MajorIncidentForm
    list_display = [
        "__str__",
        "affected_service",
        "state",
        "declared_by",
        "declared_at",
        "ticket_count",
        "customer_count",
    ]
    list_filter = ["state"]
    fields = ["title", "affected_service", "holding_message"]
    change_form_template = "admin/escalation/majorincident/change_form.html"

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .select_related("declared_by")
            .annotate(
                n_tickets=Count("tickets", distinct=True),
                n_customers=Count("tickets__customer", distinct=True),
            )
        )

    @admin.display(description="tickets", ordering="n_tickets")
    def ticket_count(self, obj):
        return obj.n_tickets

    @admin.display(description="affected customers", ordering="n_customers")
    def customer_count(self, obj):
        return obj.n_customers

    def get_changeform_initial_data(self, request):
        template = CommunicationTemplate.objects.filter(code="major-incident-holding").first()
        return {"holding_message": template.body if template else ""}

    def get_readonly_fields(self, request, obj=None):
        return (
            ["title", "affected_service", "holding_message", "state", "resolution_message"]
            if obj
            else []
        )

    def get_fields(self, request, obj=None):
        return [*self.fields, "state", "resolution_message"] if obj else self.fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = incident_declare(
                actor=request.user, **{f: form.cleaned_data[f] for f in self.fields}
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            obj.pk = created.pk
            obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<slug:step>/",
                self.admin_site.admin_view(self.step_view),
                name="escalation_majorincident_step",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, object_id, step):
        incident = self.get_object(request, unquote(object_id))
        if incident is None or step not in ("identify", "monitor", "resolve"):
            raise Http404("No such incident or step.")
        if not request.user.has_perm("escalation.change_majorincident"):
            raise PermissionDenied
        fields = (
            {
                "message": forms.CharField(
                    label="Message to every linked customer",
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            }
            if step == "resolve"
            else {}
        )
        form = type("StepForm", (forms.Form,), fields)(request.POST or None)
        change_url = reverse("admin:escalation_majorincident_change", args=[incident.pk])
        if request.method == "POST" and form.is_valid():
            try:
                incident_advance(
                    incident=incident,
                    actor=request.user,
                    step=step,
                    message=form.cleaned_data.get("message", ""),
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"{incident}: {step} recorded.")
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": incident,
                "title": f"{step.capitalize()}: {incident}",
                "form": form,
                "action": {"label": step.capitalize()},
                "change_url": change_url,
            },
        )
