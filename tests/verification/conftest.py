import pytest

from verification import services
from verification.models import SensitiveAction
from verification.rules import METHODS_FOR_FACTOR


def action(code):
    return SensitiveAction.objects.get(code=code)


@pytest.fixture
def start(customer, agent):
    def make(code="2fa-removal", actor=None, subject=None):
        return services.verification_start(
            subject=subject or customer, action=action(code), actor=actor or agent
        )

    return make


@pytest.fixture
def factor(agent):
    def record(request, kind, matched=True, method=None, actor=None):
        """Without a method, the first that fits the factor (the service refuses the rest)."""
        return services.verification_record_factor(
            request=request,
            actor=actor or agent,
            kind=kind,
            matched=matched,
            method=method or METHODS_FOR_FACTOR[kind][0],
        )

    return record
