"""The audit trail page: one stream of every change, filtered, paged by keyset, exported."""

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from audit import views
from audit.models import AccessEvent, AccessKind
from audit.selectors import Cursor, TrailFilters, iter_trail, trail_page
from escalation import services
from tests.audit.conftest import TRAIL, TRAIL_CSV, csv_rows, rows
from tests.escalation.sla.conftest import ny
from tests.factories import CustomerFactory, category


def one_ticket(ticket) -> dict:
    return {"model": "escalation.ticket", "object_id": ticket.pk}


def test_auditor_sees_every_change_to_one_ticket_by_every_user_and_the_system(
    client_as, auditor, ticket_story
):
    response = client_as(auditor).get(TRAIL, one_ticket(ticket_story))
    assert response.status_code == 200
    ref = ticket_story.reference
    assert [r[:3] for r in rows(response)] == [
        ["2026-03-10 12:00:00", "system (System (automatic))", "Changed"],
        ["2026-03-10 10:05:00", "lead1", "Changed"],
        ["2026-03-10 10:00:00", "lead1", "Changed"],
        ["2026-03-10 09:40:00", "agent1", "Changed"],
        ["2026-03-10 09:30:00", "agent1", "Created"],
    ]
    entries = response.context["entries"]
    assert {(e.type_label, e.object_id) for e in entries} == {("Ticket", str(ticket_story.pk))}
    assert entries[0].object_label == f"{ref} Sync stopped for the whole team"
    assert entries[-1].object_label == f"{ref} Sync stopped"  # as it was then
    assert {"Tier: L1 frontline → L2 senior", "State: Open → Escalated"} <= {
        str(c) for c in entries[0].changes
    }
    assert entries[0].reason.startswith("Escalated: to L2 senior: automatic: time at L1")
    assert entries[1].changes_text == "Owner: agent1 → senior1"
    assert entries[1].reason == "Reassigned: to senior1: agent1 is off"  # in words
    assert entries[2].changes_text == "Subject: Sync stopped → Sync stopped for the whole team"
    opened = [str(c) for c in entries[3].changes]
    assert opened[:2] == ["State: New → Open", "First response at: — → March 10, 2026, 9:40 a.m."]
    created = {c.label: c.new for c in entries[4].changes}
    assert created["Priority"] == "High"  # choices by their label
    assert created["Owner"] == "agent1"  # foreign keys by name
    assert created["Churn risk"] == "No"  # booleans in words
    assert "Description" not in created  # empty at creation: not listed
    assert all(c.old == "—" for c in entries[4].changes)
    page = response.content.decode()
    assert "State: Open → Escalated" in page and "agent1 is off" in page
    change = reverse("admin:escalation_ticket_change", args=[ticket_story.pk])
    assert f'href="{change}"' in page  # auditors may view tickets: the object is linked


def test_the_trail_is_one_stream_newest_first_across_models(client_as, auditor, ticket_story):
    entries = client_as(auditor).get(TRAIL).context["entries"]
    keys = [(e.at, e.source, e.id) for e in entries]
    assert keys == sorted(keys, reverse=True)
    types = {e.type_label for e in entries}
    assert {"Ticket", "Escalation", "User account"} <= types


def test_filter_by_user(client_as, auditor, lead, ticket_story):
    entries = client_as(auditor).get(TRAIL, {"user": "lead1"}).context["entries"]
    assert [e.reason.split(":")[0] for e in entries] == ["Reassigned", "Edited"]
    assert {e.who for e in entries} == {"lead1"}


def test_filter_by_system_user_finds_the_background_changes(client_as, auditor, ticket_story):
    entries = client_as(auditor).get(TRAIL, {"user": "system"}).context["entries"]
    assert {e.type_label for e in entries} >= {"Ticket", "Escalation"}
    assert {e.who for e in entries} == {"system (System (automatic))"}


def test_filter_by_model(client_as, auditor, ticket_story):
    entries = client_as(auditor).get(TRAIL, {"model": "escalation.escalation"}).context["entries"]
    assert [(e.type_label, e.kind) for e in entries] == [("Escalation", "created")]
    assert entries[0].object_label.startswith(f"{ticket_story.reference}: L1 → L2")


def test_model_choices_are_named_by_verbose_name(client_as, auditor):
    form = client_as(auditor).get(TRAIL).context["form"]
    labels = dict(form.fields["model"].choices)
    assert labels["escalation.ticket"] == "Ticket"
    assert labels["escalation.escalation"] == "Escalation"
    assert labels["auth.user"] == "User account"
    # m2m through tables are not types of their own: they show inside their owner's diff
    assert not any("copy_to" in key or "members" in key for key in labels)


def test_filter_by_date_range_is_whole_local_days(client_as, auditor, make_ticket):
    for day in (9, 10, 11):
        with time_machine.travel(ny(2026, 3, day, 23, 30), tick=False):
            make_ticket(subject=f"day {day}")
    client = client_as(auditor)
    params = {"model": "escalation.ticket", "date_from": "2026-03-10", "date_to": "2026-03-10"}
    entries = client.get(TRAIL, params).context["entries"]
    assert [e.object_label.split(" ", 1)[1] for e in entries] == ["day 10"]
    params["date_to"] = "2026-03-11"
    entries = client.get(TRAIL, params).context["entries"]
    assert [e.object_label.split(" ", 1)[1] for e in entries] == ["day 11", "day 10"]


def test_filter_by_kind(client_as, auditor, ticket_story, agent):
    client = client_as(auditor)
    created = client.get(TRAIL, {"kind": "created", "model": "escalation.ticket"})
    assert [e.kind_label for e in created.context["entries"]] == ["Created"]
    changed = client.get(TRAIL, {"kind": "changed", **one_ticket(ticket_story)})
    assert len(changed.context["entries"]) == 4
    client.post(reverse("admin:login"), {"username": "agent1", "password": "wrong"})
    failed = client.get(TRAIL, {"kind": "login_failed"}).context["entries"]
    assert [(e.kind_label, e.object_label) for e in failed] == [("Failed login", "agent1")]
    permissions = client.get(TRAIL, {"kind": "permission_change"}).context["entries"]
    assert {e.reason for e in permissions} >= {"added to group Agent", "added to group Lead"}
    assert {e.kind for e in permissions} == {"permission_change"}


def test_keyset_pages_return_every_entry_once_when_timestamps_tie(
    client_as, auditor, agent, customer, monkeypatch
):
    with time_machine.travel(ny(2026, 3, 10, 9), tick=False):
        for n in range(4):
            services.ticket_create(
                actor=agent,
                customer=CustomerFactory(),
                category=category(),
                subject=f"tie {n}",
            )
        AccessEvent.objects.bulk_create(
            AccessEvent(kind=AccessKind.LOGIN, username="agent1", detail="signed in")
            for _ in range(3)
        )
    everything = trail_page(TrailFilters(), page_size=1000).entries
    assert len(everything) > 12 and len({e.at for e in everything}) < len(everything)
    for size in (1, 2, 3, 7):
        seen, before = [], None
        while True:
            page = trail_page(TrailFilters(), before=before, page_size=size)
            seen += [(e.source, e.id) for e in page.entries]
            if page.next_cursor is None:
                break
            before = page.next_cursor
        assert seen == [(e.source, e.id) for e in everything]  # same order, none twice
    # Through the page's links, too.
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client, url, seen = client_as(auditor), TRAIL, []
    while url:
        response = client.get(url)
        seen += [(e.source, e.id) for e in response.context["entries"]]
        url = response.context["next_url"] and TRAIL + response.context["next_url"]
    assert len(seen) == len(set(seen))
    # Logging the auditor in added one login event; the rest is the same stream.
    known = [(e.source, e.id) for e in everything]
    assert len([s for s in seen if s not in known]) == 1
    assert [s for s in seen if s in known] == known


def test_iterating_the_whole_trail_matches_one_big_page(ticket_story):
    everything = trail_page(TrailFilters(), page_size=1000).entries
    assert [e.cursor for e in iter_trail(TrailFilters(), chunk=2)] == [e.cursor for e in everything]


def test_the_cursor_reads_back_what_it_wrote(ticket_story):
    entry = trail_page(TrailFilters(), page_size=1).entries[0]
    assert Cursor.parse(str(entry.cursor)) == entry.cursor


def test_csv_export_matches_the_screen(client_as, auditor, ticket_story):
    client = client_as(auditor)
    for params in ({}, one_ticket(ticket_story), {"user": "lead1"}, {"kind": "created"}):
        screen = client.get(TRAIL, params)
        exported = csv_rows(client.get(TRAIL_CSV, params))
        assert exported[0] == views.COLUMNS
        assert exported[1:] == rows(screen)
    response = client.get(TRAIL_CSV, one_ticket(ticket_story))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    diffs = [r[6] for r in csv_rows(client.get(TRAIL_CSV, one_ticket(ticket_story)))[1:]]
    assert diffs[0].startswith("Tier: L1 frontline → L2 senior; State: Open → Escalated")


def test_csv_export_defuses_spreadsheet_formulas(client_as, auditor, make_ticket):
    make_ticket(subject='=HYPERLINK("http://evil.example")')
    exported = csv_rows(client_as(auditor).get(TRAIL_CSV, {"model": "escalation.ticket"}))
    assert exported[1][5].startswith("ESC-")  # the object label starts with the reference
    assert "Subject: — → =HYPERLINK" in exported[1][6]  # inside text: harmless, kept as is


def test_the_export_link_carries_the_filters(client_as, auditor, ticket_story):
    response = client_as(auditor).get(TRAIL, {"user": "lead1", "kind": "changed"})
    assert response.context["csv_url"] == TRAIL_CSV + "?user=lead1&kind=changed"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "Enter the start date as YYYY-MM-DD."),
        ({"date_to": "yesterday"}, "Enter the end date as YYYY-MM-DD."),
        ({"date_from": "2026-03-11", "date_to": "2026-03-10"}, "The start date is after"),
        ({"model": "escalation.nothing"}, "Unknown type of record: escalation.nothing."),
        ({"object_id": "12"}, "Choose the type of record the ID belongs to."),
        ({"model": "escalation.ticket", "object_id": "ESC-12x"}, "is not a valid record ID"),
        ({"model": "escalation.ticket", "object_id": "9" * 30}, "is not a valid record ID"),
        ({"user": "nobody"}, "There is no account with that username."),
        ({"kind": "exploded"}, "Unknown kind of change: exploded."),
    ],
)
def test_bad_filters_show_a_message_not_a_500(client_as, auditor, params, message):
    client = client_as(auditor)
    for url in (TRAIL, TRAIL_CSV):
        response = client.get(url, params)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert response.context["entries"] == []


def test_a_damaged_page_link_shows_the_newest_entries_with_a_message(client_as, auditor):
    response = client_as(auditor).get(TRAIL, {"before": "not-a-cursor"})
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This page link is damaged; showing the newest entries."
    ]
    assert response.context["entries"]


def test_day_bounds_cover_the_whole_last_day():
    since, until = TrailFilters.day_bounds(date(2026, 3, 8), date(2026, 3, 8))  # DST starts
    assert until.astimezone(UTC) - since.astimezone(UTC) == timedelta(hours=23)


def test_a_long_export_streams_in_chunks_and_misses_nothing(
    client_as, auditor, ticket_story, monkeypatch
):
    monkeypatch.setattr(views, "CSV_CHUNK", 3)
    client = client_as(auditor)
    everything = [views.entry_cells(e) for e in trail_page(TrailFilters(), page_size=1000).entries]
    exported = csv_rows(client.get(TRAIL_CSV))[1:]
    assert len(exported) > 9 and exported == everything


def test_the_benchmark_pages_answer(client, db):
    from django.core.management import call_command

    from tests.load.audit_bench import audit_pages

    call_command("seed_demo", tickets=10, verbosity=0)
    pages = audit_pages(client)
    assert [label for label, *_ in pages][0] == "audit trail, first page"
    for _label, url, params in pages:
        response = client.get(url, params)
        assert response.status_code == 200
        if url == TRAIL:
            assert response.context["entries"]
