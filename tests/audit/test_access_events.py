"""Sign-ins and changes of who may do what are in the trail, with whoever made them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from audit import signals
from audit.models import AccessEvent, AccessKind
from core import roles
from tests.audit.conftest import TRAIL
from tests.factories import UserFactory

LOGIN = reverse("admin:login")


def events(**filters) -> list[tuple]:
    """(kind, account, group, actor, detail) of matching events, oldest first."""
    return [
        (
            e.kind,
            e.username,
            e.group.name if e.group else None,
            e.actor.username if e.actor else None,
            e.detail,
        )
        for e in AccessEvent.objects.filter(**filters)
        .select_related("group", "actor")
        .order_by("at", "id")
    ]


def user_form(user, **changes) -> dict:
    """POST data of the admin's user change form, as it stands, with `changes`."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    flags = {"is_active": user.is_active, "is_staff": user.is_staff, "is_superuser": False}
    flags.update({k: changes.pop(k) for k in list(changes) if k in flags})
    data.update({k: "on" for k, on in flags.items() if on})
    data.update(changes)
    return data


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_login_logout_and_failed_login_are_recorded_without_the_password(client, agent):
    assert client.post(LOGIN, {"username": "agent1", "password": "pw"}).status_code == 302
    client.post(reverse("admin:logout"))
    response = client.post(LOGIN, {"username": "agent1", "password": "guess-Secret-77"})
    assert response.status_code == 200  # the form again
    client.post(LOGIN, {"username": "mallory", "password": "guess-Secret-78"})
    assert events(kind__in=["login", "logout", "login_failed"]) == [
        ("login", "agent1", None, "agent1", "signed in"),
        ("logout", "agent1", None, "agent1", "signed out"),
        ("login_failed", "agent1", None, None, "sign-in refused"),
        ("login_failed", "mallory", None, None, "sign-in refused (no such account)"),
    ]
    failed = AccessEvent.objects.get(kind="login_failed", username="agent1")
    assert failed.user == agent and failed.ip_address == "127.0.0.1"
    assert not AccessEvent.objects.filter(detail__contains="guess-Secret").exists()


def test_a_broken_audit_table_never_stops_anyone_signing_in(client, agent, monkeypatch):
    def explode(**fields):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(AccessEvent.objects, "create", explode)
    assert client.post(LOGIN, {"username": "agent1", "password": "pw"}).status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)
    index = client.get(reverse("admin:index"))
    assert index.context["user"] == agent and "<strong>agent1</strong>" in index.content.decode()
    client.post(reverse("admin:logout"))
    refused = client.post(LOGIN, {"username": "agent1", "password": "x"})
    assert "Please enter the correct username and password" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_group_membership_changes_in_the_admin_name_the_operator(client_as, operator, agent):
    client = client_as(operator)
    lead_group = Group.objects.get(name=roles.LEAD)
    url = reverse("admin:auth_user_change", args=[agent.pk])
    data = user_form(agent, groups=[lead_group.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert events(kind="permission_change", actor=operator) == [
        ("permission_change", "agent1", "Agent", "operator", "removed from group Agent"),
        ("permission_change", "agent1", "Lead", "operator", "added to group Lead"),
    ]
    assert AccessEvent.objects.filter(actor=operator).first().ip_address == "127.0.0.1"


def test_superuser_staff_and_active_flags_are_recorded(client_as, operator, agent):
    client = client_as(operator)
    url = reverse("admin:auth_user_change", args=[agent.pk])
    client.post(url, user_form(agent, is_superuser=True))
    client.post(url, user_form(agent, is_superuser=False, is_staff=False, is_active=False))
    assert [e[4] for e in events(actor=operator, kind="permission_change")] == [
        "superuser status granted",
        "superuser status revoked",
        "staff status revoked",
        "account deactivated",
    ]


def test_group_permission_changes_in_the_admin_name_the_operator(client_as, operator):
    group = Group.objects.get(name=roles.AGENT)
    kept = list(group.permissions.exclude(codename="change_ticket").values_list("pk", flat=True))
    data = {"name": group.name, "permissions": [*kept, perm("escalation.cancel_ticket").pk]}
    client = client_as(operator)
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), data)
    assert response.status_code == 302
    assert events(actor=operator, kind="permission_change") == [
        (
            "permission_change",
            "",
            "Agent",
            "operator",
            "permission escalation.change_ticket removed from group Agent",
        ),
        (
            "permission_change",
            "",
            "Agent",
            "operator",
            "permission escalation.cancel_ticket added to group Agent",
        ),
    ]
    trail = client.get(TRAIL, {"model": "auth.group", "object_id": group.pk})
    assert [e.reason for e in trail.context["entries"][:2]] == [
        "permission escalation.cancel_ticket added to group Agent (from 127.0.0.1)",
        "permission escalation.change_ticket removed from group Agent (from 127.0.0.1)",
    ]
    assert {e.who for e in trail.context["entries"][:2]} == {"operator"}


def test_both_sides_of_every_relation_are_recorded(db):
    user = UserFactory(username="dana")
    group = Group.objects.get(name=roles.SENIOR)
    cancel = perm("escalation.cancel_ticket")
    AccessEvent.objects.all().delete()
    group.user_set.add(user)  # reverse side of User.groups
    user.user_permissions.add(cancel)
    cancel.user_set.remove(user)  # reverse side of User.user_permissions
    cancel.group_set.add(group)  # reverse side of Group.permissions
    user.groups.clear()
    group.permissions.remove(cancel)
    assert [(e[1], e[2], e[4]) for e in events()] == [
        ("dana", "Senior agent", "added to group Senior agent"),
        ("dana", None, "permission escalation.cancel_ticket granted to the account"),
        ("dana", None, "permission escalation.cancel_ticket removed from the account"),
        ("", "Senior agent", "permission escalation.cancel_ticket added to group Senior agent"),
        ("dana", "Senior agent", "removed from group Senior agent"),
        ("", "Senior agent", "permission escalation.cancel_ticket removed from group Senior agent"),
    ]


def test_removing_what_was_never_there_records_nothing(db):
    user = UserFactory(username="erin")
    AccessEvent.objects.all().delete()
    user.groups.remove(Group.objects.get(name=roles.LEAD))
    user.groups.clear()
    Group.objects.get(name=roles.AUDITOR).user_set.clear()
    assert events() == []


def test_account_creation_password_changes_and_deletion(db):
    user = UserFactory(username="frank")
    user.set_password("Another-Long-Passw0rd")
    user.save()
    user.set_unusable_password()
    user.save()
    user.delete()
    assert [(e[1], e[4]) for e in events(username="frank", kind="account_change")] == [
        ("frank", "account created (staff)"),
        ("frank", "password changed"),  # the factory's
        ("frank", "password changed"),
        ("frank", "password disabled"),
        ("frank", "account deleted"),
    ]
    assert not AccessEvent.objects.filter(username="frank", user__isnull=False).exists()


def test_a_save_that_touches_no_access_column_costs_no_query(agent, django_assert_num_queries):
    agent.first_name = "Ann"
    with django_assert_num_queries(1):  # the UPDATE alone
        agent.save(update_fields=["first_name", "last_login"])


def test_the_access_event_admin_is_read_only_even_for_superusers(client_as, auditor, operator):
    Client().post(LOGIN, {"username": "auditor1", "password": "pw"})
    event = AccessEvent.objects.filter(kind="login").latest("at")
    for user in (auditor, operator):
        client = client_as(user)
        assert client.get(reverse("admin:audit_accessevent_changelist")).status_code == 200
        change = reverse("admin:audit_accessevent_change", args=[event.pk])
        assert client.get(change).status_code == 200
        assert client.post(change, {"detail": "edited"}).status_code == 403
        assert client.get(reverse("admin:audit_accessevent_add")).status_code == 403
        delete = reverse("admin:audit_accessevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.detail == "signed in"


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::1"])
def test_the_ip_address_is_kept_when_it_is_one(address):
    class Request:
        META = {"REMOTE_ADDR": address}

    assert signals._ip(Request()) == address


def test_a_malformed_remote_address_is_not_stored():
    class Request:
        META = {"REMOTE_ADDR": "unknown, 10.0.0.1"}

    assert signals._ip(Request()) is None


def test_access_events_are_in_the_same_stream_as_history(client_as, auditor, ticket_story):
    entries = client_as(auditor).get(TRAIL).context["entries"]
    assert any(e.kind == AccessKind.LOGIN and e.who == "auditor1" for e in entries)
    sources = {e.source for e in entries}
    assert {"audit.accessevent", "escalation.ticket"} <= sources
