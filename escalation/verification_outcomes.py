"""A decided identity verification is written on the customer's record (003 "Document
verification results"); connected to `verification.signals.verification_decided`, since
verification sits below escalation and cannot call it."""

from core.actors import Actor, system_user
from verification.models import VerificationRequest

from . import events
from .models import Customer
from .services import customer_document_verification


def document_on_customer(
    sender: object, request: VerificationRequest, actor: Actor | None, **kwargs: object
) -> None:
    if request.subject_type.model_class() is Customer:
        customer_document_verification(request=request, actor=actor or system_user())
    events.verification_decided.send(VerificationRequest, request=request, actor=actor)
