"""Forms of the verification screens: choices only, so no secret can be typed in."""

from typing import cast

from django import forms

from core.choices import RiskLevel

from .models import CheckMethod, FactorKind, SensitiveAction, VerificationRequest
from .rules import METHODS_FOR_FACTOR, RULES, method_refusal


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
    method = forms.ChoiceField(
        label="How it was checked",
        choices=CheckMethod.choices,
        help_text="Listed under the factors each can prove; only those count.",
    )

    def __init__(self, *args, request: VerificationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        rule = RULES[RiskLevel(request.risk_level)]
        kinds = [c for c in FactorKind.choices if c[0] in rule.accepted]
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = kinds
        kind.help_text = f"Verify {rule.describe()}."
        method = cast(forms.ChoiceField, self.fields["method"])
        method.choices = method_groups([k for k, _ in kinds])

    def clean(self):
        """The service refuses an unfit pair too; checking it here puts the refusal on the
        method field before anything is called. A method the list did not offer gets the
        same sentence rather than Django's bare "not one of the available choices"."""
        cleaned = super().clean()
        kind, method = cleaned.get("kind"), self["method"].data
        if kind and method in CheckMethod.values:
            unfit = method_refusal(kind, method)
            if unfit:
                self.errors.pop("method", None)
                self.add_error("method", unfit)
        return cleaned


def method_groups(kinds: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The methods that fit `kinds`, one optgroup per set of factors they prove.

    Factors proved the same way share a group ("Last 4 digits ...; Account creation
    date"), so each method is listed once and no method fitting none of them is offered.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for kind in kinds:
        groups.setdefault(METHODS_FOR_FACTOR[kind], []).append(FactorKind(kind).label)
    return [
        ("; ".join(labels), [(m, CheckMethod(m).label) for m in methods])
        for methods, labels in groups.items()
    ]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=300
    )
