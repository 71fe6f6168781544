"""The rules of 003 "Identity Verification Requirements", in one place.

Which factors satisfy which risk level (`RULES`), and which check methods can prove which
factor (`METHODS_FOR_FACTOR`): a one-time code proves control of the email, not a photo ID.
The services enforce both on every surface; the forms only offer what these allow.
"""

from dataclasses import dataclass

from core.choices import RiskLevel
from core.errors import InvalidInput

from .models import CheckMethod as M
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


# 003: control of the email is shown by being logged in or by receiving a code; the
# knowledge factors (username and activity, card digits, a transaction, the creation date,
# workspace names) by asking and comparing with the record; a photo ID only by seeing it,
# on a video call or in the secure upload portal. Being logged in proves no knowledge
# factor: a logged-in customer can read them all from their account.
METHODS_FOR_FACTOR: dict[str, tuple[str, ...]] = {
    F.EMAIL_CONTROL: (M.CODE_SENT, M.LOGGED_IN),
    F.USERNAME_ACTIVITY: (M.ASKED_AND_COMPARED,),
    F.PAYMENT_LAST4: (M.ASKED_AND_COMPARED,),
    F.RECENT_TRANSACTION: (M.ASKED_AND_COMPARED,),
    F.CREATION_DATE: (M.ASKED_AND_COMPARED,),
    F.WORKSPACE_NAMES: (M.ASKED_AND_COMPARED,),
    F.PHOTO_ID: (M.ID_ON_VIDEO, M.ID_UPLOAD_PORTAL),
}


class MethodDoesNotFit(InvalidInput):
    """The check method cannot prove the factor (an email code says nothing of a photo ID),
    so the factor would count as verified without having been."""


def method_fits(kind: str, method: str) -> bool:
    return method in METHODS_FOR_FACTOR.get(kind, ())


def method_refusal(kind: str, method: str) -> str | None:
    """Why `method` cannot check `kind` (one sentence naming the ones that can), or None.

    Both must be known values (the callers check them first). The form and the service
    show the same words, whichever surface refused."""
    if method_fits(kind, method):
        return None
    fitting = " or ".join(f"“{M(m).label}”" for m in METHODS_FOR_FACTOR[kind])
    return f"{F(kind).label} cannot be checked by “{M(method).label}”: use {fitting}."
