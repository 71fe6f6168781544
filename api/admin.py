"""Leads issue and revoke integration tokens here; the token is shown once, on issue.
Helpdesk sources (inbound webhooks) have their admin in api.inbound.admin, registered by
the import below."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string

from core.admin import AuditedAdmin
from core.admin_steps import ServiceAdminMixin
from core.errors import ApplicationError
from outbox.models import OutboxMessage

from .inbound import admin as inbound_admin  # noqa: F401 - registers HelpdeskSourceAdmin
from .models import IntegrationToken, WebhookEvent, WebhookSubscriber
from .services import ROLES, token_issue, token_revoke, webhook_subscriber_save


class TokenIssueForm(forms.ModelForm):
    role = forms.ChoiceField(
        choices=[(r, r) for r in ROLES],
        help_text="The integration is scoped and refused like a person of this role.",
    )

    class Meta:
        model = IntegrationToken
        fields = ["name"]


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(ServiceAdminMixin, AuditedAdmin):
    list_display = ["name", "account", "prefix", "created_at", "last_used_at", "state"]
    readonly_fields = [
        "account",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]
    add_form = TokenIssueForm

    @admin.display(description="state")
    def state(self, obj: IntegrationToken) -> str:
        return "active" if obj.is_active else f"revoked {obj.revoked_at:%Y-%m-%d %H:%M}"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "role"] if obj is None else ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["name", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token's history stays

    def save_with_service(self, request, form, obj):
        """Issue through the service and show the token once; it is never shown again."""
        if obj is not None:
            return obj  # nothing on a token is edited; revoke it instead
        token, raw = token_issue(
            name=form.cleaned_data["name"], role=form.cleaned_data["role"], actor=request.user
        )
        self.message_user(
            request,
            f"Token for {token.name}: {raw} (copy it now: it is stored only as a hash and "
            "will not be shown again).",
            messages.WARNING,
        )
        return token

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            try:
                token_revoke(token=token, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
        self.message_user(request, f"{queryset.count()} token(s) revoked.")


class WebhookSubscriberForm(forms.ModelForm):
    url = forms.URLField(max_length=254, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscriber
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(ServiceAdminMixin, AuditedAdmin):
    form = WebhookSubscriberForm
    list_display = ["name", "url", "is_active", "created_at"]
    readonly_fields = ["secret", "deliveries"]

    def get_fields(self, request, obj=None):
        base = ["name", "url", "events", "is_active"]
        if obj is None:
            return base
        # The secret signs our events: only those who may change the subscriber see it.
        secret = ["secret"] if self.has_change_permission(request, obj) else []
        return [*base, *secret, "deliveries"]

    @admin.display(description="recent deliveries")
    def deliveries(self, obj: WebhookSubscriber) -> str:
        """The delivery log: the outbox's messages to this subscriber (re-send them there)."""
        sent = OutboxMessage.objects.filter(recipient=obj.recipient).order_by("-pk")[:20]
        return render_to_string("admin/api/_deliveries.html", {"messages": sent})

    def save_with_service(self, request, form, obj):
        return webhook_subscriber_save(subscriber=form.instance, actor=request.user)
