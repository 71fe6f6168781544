from datetime import timedelta

import pytest
from django.utils import timezone

from core import roles
from core.history import save_audited
from tests.api.conftest import api_as, token_for  # noqa: F401  (the API's signed-in clients)
from tests.factories import UserFactory
from training.models import Trainee


@pytest.fixture
def mentor(db):
    return UserFactory(username="mentor1", role=roles.SENIOR)


@pytest.fixture
def make_trainee(agent, mentor):
    """The `agent` fixture in training, `days` after their start date (14: week 3)."""

    def make(*, days: int = 14, user=None):
        trainee = Trainee(
            user=user or agent,
            mentor=mentor,
            start_date=timezone.localdate() - timedelta(days=days),
        )
        save_audited(trainee, actor=mentor, reason="new hire")
        return trainee

    return make
