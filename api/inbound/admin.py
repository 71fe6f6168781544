"""Leads add helpdesk sources here and read each one's delivery log; the page shows the
address and the secret to paste into the helpdesk."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import AuditedAdmin
from core.admin_steps import ServiceAdminMixin
from escalation.models import Category, Ticket
from escalation.selectors import support_staff

from ..models import HelpdeskKind, HelpdeskSource, InboundDelivery
from ..services import helpdesk_source_save

LOG_ROWS = 50
SIGNING_HELP = (
    "Zendesk: paste the webhook's signing secret. Freshdesk and generic: leave empty to get "
    "a new random one. On an existing source, a value here replaces the secret."
)


class HelpdeskSourceForm(forms.ModelForm):
    new_secret = forms.CharField(
        label="secret", required=False, max_length=200, strip=True, help_text=SIGNING_HELP
    )

    class Meta:
        model = HelpdeskSource
        fields = ["name", "kind", "slug", "default_category", "default_owner", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "default_category" in self.fields:
            self.fields["default_category"].queryset = Category.objects.filter(is_active=True)
        if "default_owner" in self.fields:
            self.fields["default_owner"].queryset = support_staff()
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "In the URL; default: from the name."

    def clean(self):
        """Zendesk's secret is made by Zendesk: asked for here, on its field (the service
        checks it again)."""
        data = super().clean()
        adding = self.instance.pk is None
        if adding and data.get("kind") == HelpdeskKind.ZENDESK and not data.get("new_secret"):
            self.add_error("new_secret", "Paste the webhook's signing secret from Zendesk.")
        return data


@admin.register(HelpdeskSource)
class HelpdeskSourceAdmin(ServiceAdminMixin, AuditedAdmin):
    form = HelpdeskSourceForm
    list_display = ["name", "kind", "slug", "default_category", "is_active", "created_at"]
    list_select_related = ["default_category"]
    list_filter = ["kind", "is_active"]
    shown = ["address", "secret", "account", "created_at", "deliveries"]
    readonly_fields = ["kind", *shown]

    def get_fields(self, request, obj=None):
        editable = ["name", "slug", "default_category", "default_owner", "is_active", "new_secret"]
        if obj is None:
            return ["name", "kind", *editable[1:]]
        # The secret forges deliveries: only those who may change the source see it.
        shown = (
            self.shown
            if self.has_change_permission(request, obj)
            else [f for f in self.shown if f != "secret"]
        )
        return [*editable[:1], "kind", *editable[1:], *shown]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_object(self, request, object_id, from_field=None):
        """The record, knowing this site's address (for the URL to paste)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.site = request.build_absolute_uri("/").rstrip("/")
        return obj

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its tickets and history name its account

    @admin.display(description="URL to paste into the helpdesk")
    def address(self, obj: HelpdeskSource) -> str:
        path = reverse("api:inbound:receive", kwargs={"slug": obj.slug})
        return format_html("<code>{}{}</code>", getattr(obj, "site", ""), path)

    @admin.display(description="recent deliveries (newest 50)")
    def deliveries(self, obj: HelpdeskSource) -> str:
        rows = list(obj.deliveries.all()[:LOG_ROWS])
        if not rows:
            return "Nothing received yet."
        lines = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{d.received_at:%Y-%m-%d %H:%M:%S}",
                    d.get_outcome_display(),
                    _ticket_link(d),
                    d.external_id or "—",
                    d.detail,
                )
                for d in rows
            ),
        )
        return format_html(
            "<table><thead><tr><th>Received</th><th>Outcome</th><th>Ticket</th>"
            "<th>Delivery id</th><th>Detail</th></tr></thead><tbody>{}</tbody></table>",
            lines,
        )

    def save_with_service(self, request, form, obj):
        adding = obj is None
        source = helpdesk_source_save(
            source=form.instance, actor=request.user, secret=form.cleaned_data["new_secret"]
        )
        if adding:
            self.message_user(
                request,
                "Added. Its page shows the URL and the secret to enter in the helpdesk.",
                messages.INFO,
            )
        return source


def _ticket_link(delivery: InboundDelivery) -> str:
    if delivery.ticket_id is None:
        return "—"
    url = reverse("admin:escalation_ticket_change", args=[delivery.ticket_id])
    return format_html('<a href="{}">{}</a>', url, Ticket(pk=delivery.ticket_id).reference)
