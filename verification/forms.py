"""Forms of the verification screens: choices only, so no secret can be typed in."""

from typing import cast

from django import forms

from core.choices import RiskLevel

from .models import CheckMethod, FactorKind, SensitiveAction, VerificationRequest
from .rules import RULES


class StartForm(forms.Form):
    action = forms.ModelChoiceField(
        queryset=SensitiveAction.objects.filter(is_active=True),
        help_text="What the customer asked for; it sets the risk level.",
    )


class FactorForm(forms.Form):
    kind = forms.ChoiceField(label="Factor", choices=FactorKind.choices)
    matched = forms.TypedChoiceField(
        label="Result",
        choices=[("yes", "Matched"), ("no", "Did not match")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(label="How it was checked", choices=CheckMethod.choices)

    def __init__(self, *args, request: VerificationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        rule = RULES[RiskLevel(request.risk_level)]
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [c for c in FactorKind.choices if c[0] in rule.accepted]
        kind.help_text = f"Verify {rule.describe()}."


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=300
    )
