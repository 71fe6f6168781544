"""The migrations match the models, and their state models carry no state machines."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_fsm import FSMField

from escalation.models import Ticket


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits 1 on changes
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_migration_states_see_plain_charfields_and_the_models_keep_their_state_machines():
    # A state field in the migrations' models made each historical model run every
    # state field's class_prepared listener: a fresh database took twice as long.
    state = MigrationExecutor(connection).loader.project_state()
    fields = [f for m in state.apps.get_models() for f in m._meta.fields]
    assert fields and not [f for f in fields if isinstance(f, FSMField)]
    live = Ticket._meta.get_field("state")
    assert isinstance(live, FSMField) and live.protected
    assert live.clone().protected
