import pytest

from verification import services
from verification.models import SensitiveAction


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
    def record(request, kind, matched=True, method="asked_and_compared", actor=None):
        return services.verification_record_factor(
            request=request, actor=actor or agent, kind=kind, matched=matched, method=method
        )

    return record
