from django import forms
from django.contrib import admin

from core.admin import AuditedAdmin
from core.admin_steps import ServiceAdminMixin
from escalation.selectors import support_staff

from .models import ChatIdentity
from .services import chat_identity_save


class ChatIdentityForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = support_staff()

    class Meta:
        model = ChatIdentity
        fields = ["user", "slack_user_id"]


@admin.register(ChatIdentity)
class ChatIdentityAdmin(ServiceAdminMixin, AuditedAdmin):
    """Which Slack member is which staff account: a button acts as that person."""

    form = ChatIdentityForm
    list_display = ["user", "slack_user_id"]
    list_select_related = ["user"]
    search_fields = ["user__username", "slack_user_id"]

    def save_with_service(self, request, form, obj):
        return chat_identity_save(identity=form.instance, actor=request.user)
