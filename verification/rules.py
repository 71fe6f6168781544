"""Which factors satisfy which risk level (003 "Identity Verification Requirements")."""

from dataclasses import dataclass

from core.choices import RiskLevel

from .models import FactorKind as F


@dataclass(frozen=True)
class Rule:
    accepted: frozenset[str]
    needed: int  # how many distinct accepted factors must match
    approval: bool = False

    def describe(self) -> str:
        names = ", ".join(F(k).label.lower() for k in sorted(self.accepted))
        if self.needed == len(self.accepted):
            text = f"all of: {names}"
        else:
            text = f"{self.needed} of: {names}"
        return text + (", plus management approval" if self.approval else "")


RULES = {
    RiskLevel.LOW: Rule(frozenset({F.EMAIL_CONTROL, F.USERNAME_ACTIVITY}), 1),
    RiskLevel.MEDIUM: Rule(
        frozenset(
            {
                F.EMAIL_CONTROL,
                F.PAYMENT_LAST4,
                F.RECENT_TRANSACTION,
                F.CREATION_DATE,
                F.WORKSPACE_NAMES,
            }
        ),
        2,
    ),
    RiskLevel.HIGH: Rule(frozenset({F.EMAIL_CONTROL, F.PAYMENT_LAST4, F.PHOTO_ID}), 3, True),
}


def is_satisfied(level: str, matched_kinds: set[str]) -> bool:
    rule = RULES[RiskLevel(level)]
    return len(matched_kinds & rule.accepted) >= rule.needed
