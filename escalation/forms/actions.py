"""One small form per ticket button: it validates input and names the service's arguments.

The admin's step pages and the desk build them the same way (`escalation.actions`).
"""

from collections.abc import Sequence
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import Department
from core.choices import Tier

from ..models import (
    AUTOMATIC_TRIGGERS,
    Channel,
    CommunicationTemplate,
    Direction,
    EscalationType,
    HandoffInfo,
    Sentiment,
    Ticket,
    Trigger,
)
from ..selectors import support_staff
from ..services import REQUIRED_TEXT


class ActionForm(forms.Form):
    """A button's form: no fields of its own; subclasses add them and name the arguments
    of the service (`service_kwargs`)."""

    # Communication templates the page offers to fill the form from (the contact form's).
    templates: Sequence[CommunicationTemplate] = ()

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(ActionForm):
    """A button with an optional note, kept in the history's change reason."""

    reason = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class ReasonRequiredForm(NoteForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(ReasonRequiredForm):
    """The hand-off (001/003), prefilled from what the ticket already knows."""

    field_order = [
        "to_tier",
        "escalation_type",
        "trigger",
        "target_team",
        "summary",
        "impact",
        "ongoing_since",
        "troubleshooting",
        "reason",
        "questions",
        "customer_expectation",
        "customer_blocked",
        "business_impact",
        "sentiment",
    ]

    to_tier = forms.TypedChoiceField(label="Escalate to", coerce=int)
    escalation_type = forms.ChoiceField(label="Type", choices=EscalationType.choices)
    trigger = forms.ChoiceField(
        label="Trigger", choices=[c for c in Trigger.choices if c[0] not in AUTOMATIC_TRIGGERS]
    )
    target_team = forms.ModelChoiceField(
        label="Target team", queryset=Department.objects.all(), required=False
    )
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    impact = forms.CharField(label="Impact (what is affected)", required=False)
    ongoing_since = forms.CharField(
        label="How long has it been going on", required=False, max_length=100
    )
    troubleshooting = forms.CharField(
        label="Troubleshooting steps taken",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Each step, its result and any error message or code.",
    )
    reason = forms.CharField(label="Why escalating", widget=forms.Textarea(attrs={"rows": 2}))
    questions = forms.CharField(
        label="Specific questions for the next tier",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    customer_expectation = forms.CharField(label="Customer's expectation", required=False)
    customer_blocked = forms.BooleanField(label="Customer is blocked from working", required=False)
    business_impact = forms.CharField(label="Business impact", required=False)
    sentiment = forms.ChoiceField(label="Customer sentiment", choices=Sentiment.choices)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        to_tier = cast(forms.TypedChoiceField, self.fields["to_tier"])
        to_tier.choices = [(t.value, t.label) for t in Tier if t > ticket.tier]
        self.fields["target_team"].initial = ticket.category.route_to_id
        self.fields["summary"].initial = ticket.subject
        self.fields["sentiment"].initial = ticket.sentiment
        self.fields[
            "ongoing_since"
        ].initial = f"Since {timezone.localtime(ticket.created_at):%a %d %b %H:%M}"
        for code in ticket.category.required_info:
            if code == HandoffInfo.VERIFICATION_DETAILS:
                continue  # filled from the identity verification, never typed
            self.fields[f"info_{code}"] = forms.CharField(
                label=HandoffInfo(code).label,
                required=False,
                help_text=f"Required for {ticket.category}.",
            )
        if not ticket.category.troubleshooting_required or ticket.priority == "critical":
            self.fields["troubleshooting"].help_text += " Optional for this (critical) issue."

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        handoff = {f: data[f] for f in REQUIRED_TEXT if f in data and f != "why_escalating"}
        handoff.update(
            troubleshooting=data["troubleshooting"],
            customer_blocked=data["customer_blocked"],
            why_escalating=data["reason"],
        )
        handoff["required_info"] = {
            name[5:]: value for name, value in data.items() if name.startswith("info_")
        }
        return {
            "reason": data["reason"],
            "to_tier": data["to_tier"],
            "escalation_type": data["escalation_type"],
            "trigger": data["trigger"],
            "target_team": data["target_team"],
            "handoff": handoff,
        }


CONFIRMATION = [
    ("yes", "The customer confirmed it is resolved"),
    ("no", "Asked the customer; no confirmation yet (attempt recorded)"),
]


class ResolveForm(ActionForm):
    summary = forms.CharField(label="Resolution summary", widget=forms.Textarea(attrs={"rows": 4}))
    customer_confirmed = forms.TypedChoiceField(
        label="Customer confirmation",
        choices=CONFIRMATION,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def service_kwargs(self) -> dict:
        return {
            "summary": self.cleaned_data["summary"],
            "customer_confirmed": self.cleaned_data["customer_confirmed"],
        }


class CloseForm(NoteForm):
    YES_NO = [("yes", "Yes"), ("no", "No")]
    resolved_by_specialist = forms.TypedChoiceField(
        label="Did the specialised team resolve it?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        required=False,
        widget=forms.RadioSelect,
    )
    first_level_possible = forms.TypedChoiceField(
        label="Could it have been resolved at the first level?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        if ticket.tier == 1:  # never escalated: nothing to record
            del self.fields["resolved_by_specialist"], self.fields["first_level_possible"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = super().service_kwargs()
        for field in ("resolved_by_specialist", "first_level_possible"):
            if field in data:
                kwargs[field] = data[field] if data[field] != "" else None
        return kwargs


class RcaForm(ActionForm):
    root_cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    contributing_factors = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    preventive_actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    knowledge_base_updated = forms.BooleanField(label="Knowledge base updated", required=False)


class ReassignForm(ReasonRequiredForm):
    owner = forms.ModelChoiceField(label="New owner", queryset=get_user_model().objects.none())

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = support_staff().exclude(pk=ticket.owner_id)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "owner": self.cleaned_data["owner"]}


class CsatForm(ActionForm):
    score = forms.TypedChoiceField(
        label="CSAT score", coerce=int, choices=[(i, str(i)) for i in range(1, 6)]
    )

    def service_kwargs(self) -> dict:
        return {"score": self.cleaned_data["score"]}


def sending_note(email: str) -> str:
    """What saving the contact form does, said plainly (only email to the customer sends)."""
    emailed = (
        f"This is emailed to {email} when it goes to the customer by Email."
        if email
        else "The customer has no email address: nothing can be emailed to them; choose "
        "how you told them."
    )
    return (
        f"{emailed} Any other channel, a message from the customer or an internal note is "
        "only recorded on the ticket: nothing is sent."
    )


class CommunicationForm(ActionForm):
    """A contact or note; a chosen template is rendered into the body, editable before saving."""

    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.OUTBOUND)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.EMAIL)
    template = forms.ModelChoiceField(
        queryset=CommunicationTemplate.objects.filter(is_active=True),
        required=False,
        help_text="Choose one and press 'Fill from template' to start from it.",
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    is_complaint = forms.BooleanField(label="Customer complained", required=False)
    asked_for_manager = forms.BooleanField(required=False)
    threatened_to_leave = forms.BooleanField(required=False)
    public_review = forms.BooleanField(label="Posted a negative public review", required=False)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["body"].help_text = sending_note(ticket.customer.email)

    def service_kwargs(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in (
                "direction",
                "channel",
                "body",
                "template",
                "is_complaint",
                "asked_for_manager",
                "threatened_to_leave",
                "public_review",
            )
        }


class DepartmentRequestForm(ActionForm):
    department = forms.ModelChoiceField(queryset=Department.objects.all())
    needed = forms.CharField(
        label="Action or information needed", widget=forms.Textarea(attrs={"rows": 3})
    )
    customer_impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label="Support findings", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        self.fields["department"].initial = ticket.category.route_to_id

    def service_kwargs(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in ("department", "needed", "customer_impact", "findings")
        }


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "open": NoteForm,
    "escalate": EscalateForm,
    "accept_escalation": NoteForm,
    "return_escalation": ReasonRequiredForm,
    "wait_on_customer": ReasonRequiredForm,
    "wait_on_department": ReasonRequiredForm,
    "resume": NoteForm,
    "resolve": ResolveForm,
    "reopen": ReasonRequiredForm,
    "close": CloseForm,
    "cancel": ReasonRequiredForm,
    "reassign": ReassignForm,
    "record_csat": CsatForm,
    "log_contact": CommunicationForm,
    "request_department": DepartmentRequestForm,
    "reapply_sla": NoteForm,
    "pause_sla": ReasonRequiredForm,
    "resume_sla": NoteForm,
    "record_rca": RcaForm,
}
