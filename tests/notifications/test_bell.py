"""The bell: its count and list over htmx, the inbox, marking read, and what it costs."""

import re
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from core.middleware import LAST_SEEN
from notifications.models import Kind, Notification
from notifications.services import notify

BELL = reverse("notifications:bell")
INBOX = reverse("notifications:inbox")
READ_ALL = reverse("notifications:read_all")
HTMX = {"HTTP_HX_REQUEST": "true"}
POLL = {**HTMX, "HTTP_X_DESK_POLL": "1"}


def tell(user, n, kind=Kind.SLA_BREACHED, start=0):
    for i in range(start, start + n):
        notify(
            recipients=[user],
            kind=kind,
            text=f"ESC-{i:06d}: first response target missed",
            link=f"/desk/ticket/{i}/",
            key=f"test:{i}",
        )


def test_the_bell_shows_my_unread_count_and_my_newest_notifications(client_as, agent, agent2):
    tell(agent, 3)
    tell(agent2, 5, start=100)
    Notification.objects.filter(recipient=agent, key="test:0").update(read_at=timezone.now())
    response = client_as(agent).get(BELL, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span id="bell-count" class="bell-count unread" hx-swap-oob="true">2 unread</span>' in (
        page
    )
    assert page.count("first response target missed") == 3  # mine only, read ones too
    assert "ESC-000100" not in page
    assert page.count(">New</span>") == 2  # unread in words, not only in bold
    assert response["Vary"].count("HX-Request") == 1


def test_with_nothing_unread_the_bell_says_so(client_as, agent):
    page = client_as(agent).get(BELL, **HTMX).content.decode()
    assert ">none unread</span>" in page and "Nothing new." in page


def test_a_plain_visit_to_the_bell_goes_to_the_inbox(client_as, agent):
    response = client_as(agent).get(BELL)
    assert response.status_code == 302 and response["Location"] == INBOX


@pytest.mark.parametrize("count", [3, 30])
def test_the_bell_costs_the_same_queries_for_3_or_30_notifications(
    client_as, agent, count, django_assert_max_num_queries
):
    tell(agent, count)
    client = client_as(agent)
    # session, user, the unread count, the newest few
    with django_assert_max_num_queries(4):
        assert client.get(BELL, **HTMX).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_inbox_costs_the_same_queries_for_3_or_30_notifications(
    client_as, agent, count, django_assert_max_num_queries
):
    tell(agent, count)
    client = client_as(agent)
    with django_assert_max_num_queries(5):
        page = client.get(INBOX).content.decode()
    assert page.count("first response target missed") == count
    assert f"{count} unread." in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(client_as, agent):
    tell(agent, 2)
    note = Notification.objects.get(key="test:1")
    client = client_as(agent)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/desk/ticket/1/"
    note.refresh_from_db()
    first_read = note.read_at
    assert first_read is not None
    assert Notification.objects.get(key="test:0").read_at is None
    client.post(reverse("notifications:read", args=[note.pk]))  # again: nothing changes
    note.refresh_from_db()
    assert note.read_at == first_read
    assert ">1 unread</span>" in client.get(BELL, **HTMX).content.decode()


def test_opening_is_a_post_a_get_changes_nothing(client_as, agent):
    tell(agent, 1)
    note = Notification.objects.get()
    response = client_as(agent).get(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_nobody_opens_someone_elses_notification(client_as, agent, agent2):
    tell(agent, 1)
    note = Notification.objects.get()
    response = client_as(agent2).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_as_read_reads_only_mine(client_as, agent, agent2):
    tell(agent, 3)
    tell(agent2, 2, start=10)
    response = client_as(agent).post(READ_ALL)
    assert response.status_code == 302 and response["Location"] == INBOX
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=agent2, read_at__isnull=True).count() == 2


def test_auditors_and_directory_admins_have_an_empty_bell_and_write_nothing(
    client_as, agent, auditor, directory_admin
):
    tell(agent, 1)
    note = Notification.objects.get()
    for user in (auditor, directory_admin):
        client = client_as(user)
        assert ">none unread</span>" in client.get(BELL, **HTMX).content.decode()
        assert client.get(INBOX).status_code == 200
        assert client.post(READ_ALL).status_code == 403
        assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_a_stranger_is_asked_to_sign_in(client):
    response = client.get(BELL, **HTMX)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_desk_header_polls_the_bell_every_30_seconds_without_inline_script(client_as, lead):
    response = client_as(lead).get(reverse("desk:queue"))
    page = response.content.decode()
    bell = re.search(r'<div id="bell-panel"[^>]*>', page, re.S).group(0)
    assert f'hx-get="{BELL}"' in bell and "every 30s" in bell and "data-poll" in bell
    assert f'href="{INBOX}"' in page  # without JavaScript: a link to the inbox
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert '"allowEval": false' in page  # htmx never evaluates code from attributes


def test_htmx_is_served_from_this_site_with_its_licence():
    assert finders.find("vendor/htmx-2.0.11/htmx.min.js")
    licence = finders.find("vendor/htmx-2.0.11/LICENSE")
    assert licence and "Zero-Clause BSD" in open(licence).read()
    assert finders.find("desk/poll.js")


def test_a_poll_does_not_keep_an_idle_session_alive(client_as, agent):
    """The idle timeout counts from the last request a person made, not from the last poll."""
    client = client_as(agent)
    with time_machine.travel(time.time(), tick=False) as clock:
        client.get(INBOX)
        seen = client.session[LAST_SEEN]
        clock.shift(300)
        assert client.get(BELL, **POLL).status_code == 200
        assert client.session[LAST_SEEN] == seen
        clock.shift(300)
        client.get(INBOX)  # a person at work renews it
        assert client.session[LAST_SEEN] == seen + 600


def test_a_session_that_ended_while_polling_is_signed_out(client_as, agent):
    client = client_as(agent)
    with time_machine.travel(time.time(), tick=False) as clock:
        client.get(INBOX)
        for _ in range(settings.SESSION_COOKIE_AGE // 1800 + 1):
            clock.shift(1800)
            client.get(BELL, **POLL)
        response = client.get(BELL, **POLL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
