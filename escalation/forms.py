"""Forms of the ticket admin: they validate input; services decide and write."""

from django import forms

from core.choices import Tier

from .models import Category, HandoffInfo, Ticket
from .selectors import support_staff
from .services import EDITABLE_FIELDS, edit_refusal, ticket_input_errors


class TicketAddForm(forms.ModelForm):
    priority = forms.ChoiceField(
        choices=[("", "Category default")] + list(Ticket._meta.get_field("priority").choices),
        required=False,
        help_text="Leave empty to take the category's default priority.",
    )

    class Meta:
        model = Ticket
        fields = [
            "customer",
            "category",
            "owner",
            "subject",
            "description",
            "priority",
            "sentiment",
            "external_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["owner"].queryset = support_staff()
        self.fields["owner"].help_text = "The one person accountable for the ticket."

    def clean(self):
        data = super().clean()
        if not self.errors:
            errors = ticket_input_errors(
                customer=data.get("customer"),
                category=data.get("category"),
                owner=data.get("owner"),
            )
            for field, messages in errors.items():
                self.add_error(field, messages)
        return data


class TicketChangeForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = [
            "subject",
            "description",
            "priority",
            "category",
            "sentiment",
            "external_reference",
        ]

    user = None  # set by the admin's get_form: edits are checked for this user

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if self.user is not None and not self.errors:
            original = type(self.instance).objects.get(pk=self.instance.pk)
            changes = {
                f: data[f]
                for f in self.changed_data
                if f in EDITABLE_FIELDS and f in data and getattr(original, f) != data[f]
            }
            message = edit_refusal(original, self.user, changes)
            if message:
                raise forms.ValidationError(message)
        return data


class CategoryForm(forms.ModelForm):
    required_info = forms.MultipleChoiceField(
        label="Information the hand-off must contain",
        choices=HandoffInfo.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "group",
            "default_priority",
            "route_to",
            "copy_to",
            "required_info",
            "verification_level",
            "troubleshooting_required",
            "guidance",
            "is_active",
        ]


# --- one small form per ticket action -------------------------------------------------


class ActionForm(forms.Form):
    reason = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class ReasonRequiredForm(ActionForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(ReasonRequiredForm):
    to_tier = forms.TypedChoiceField(label="Escalate to", coerce=int)
    reason = forms.CharField(label="Why escalating", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["to_tier"].choices = [(t.value, t.label) for t in Tier if t > ticket.tier]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "to_tier": self.cleaned_data["to_tier"]}


class ResolveForm(ActionForm):
    reason = None
    summary = forms.CharField(label="Resolution summary", widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self) -> dict:
        return {"summary": self.cleaned_data["summary"]}


class ReassignForm(ReasonRequiredForm):
    owner = forms.ModelChoiceField(label="New owner", queryset=None)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["owner"].queryset = support_staff().exclude(pk=ticket.owner_id)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "owner": self.cleaned_data["owner"]}


class CsatForm(ActionForm):
    reason = None
    score = forms.TypedChoiceField(
        label="CSAT score", coerce=int, choices=[(i, str(i)) for i in range(1, 6)]
    )

    def service_kwargs(self) -> dict:
        return {"score": self.cleaned_data["score"]}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "open": ActionForm,
    "escalate": EscalateForm,
    "accept_escalation": ActionForm,
    "wait_on_customer": ReasonRequiredForm,
    "wait_on_department": ReasonRequiredForm,
    "resume": ActionForm,
    "resolve": ResolveForm,
    "reopen": ReasonRequiredForm,
    "close": ActionForm,
    "cancel": ReasonRequiredForm,
    "reassign": ReassignForm,
    "record_csat": CsatForm,
    "log_customer_update": ReasonRequiredForm,
    "reapply_sla": ActionForm,
}
