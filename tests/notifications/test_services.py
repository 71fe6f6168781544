"""notify() and mark_read(): one row per person and event, for active people only."""

import pytest

from core.actors import system_user
from core.errors import PermissionRefused
from notifications.models import Kind, Notification
from notifications.services import mark_all_read, mark_read, notify


def _notify(recipients, key="e:1", text="ESC-000001 waits for L2"):
    return notify(
        recipients=recipients, kind=Kind.HANDOFF_WAITING, text=text, link="/desk/", key=key
    )


def test_one_notification_per_person_and_event(agent, agent2):
    assert _notify([agent, agent2, agent, None]) == 2
    assert _notify([agent, agent2]) == 0  # the same event again
    assert _notify([agent], key="e:2") == 1
    assert Notification.objects.count() == 3


def test_the_system_actor_and_inactive_people_are_never_told(agent2):
    agent2.is_active = False
    agent2.save()
    assert _notify([system_user(), agent2]) == 0
    assert not Notification.objects.exists()


def test_long_or_multi_line_text_is_one_line_of_at_most_300_characters(agent):
    _notify([agent], text="line one\nline two " + "x" * 400)
    text = Notification.objects.get().text
    assert text.startswith("line one line two ") and len(text) == 300 and text.endswith("…")


def test_only_the_recipient_marks_a_notification_read(agent, agent2):
    _notify([agent])
    note = Notification.objects.get()
    with pytest.raises(PermissionRefused):
        mark_read(notification=note, actor=agent2)
    assert mark_read(notification=note, actor=agent).read_at is not None
    assert mark_all_read(actor=agent) == 0
