"""A real browser walks the desk: an agent finds a ticket, logs a contact and escalates it
with a complete hand-off; the senior agent accepts it from their queue. Screenshots of
each page go to var/screenshots/ (git-ignored).

Playwright drives Debian's Chromium (`make test` installs it when it can); no browser is
downloaded. Without /usr/bin/chromium the test is skipped and says why.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Debian's chromium (make test installs it as root)"
)


@pytest.fixture
def browser(monkeypatch):
    # The ORM runs beside Playwright's event loop; only for this test, never deployments.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def login(browser, base, username, password="pw"):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{base}/admin/login/?next=/desk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/desk/")
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_agent_escalates_and_senior_accepts_in_a_real_browser(
    browser, live_server, make_ticket, agent, senior
):
    from escalation.models import Escalation, Ticket, TicketState

    SHOTS.mkdir(parents=True, exist_ok=True)
    ticket = make_ticket(
        code="core-functionality-bug", state="open", subject="Sync stops after 10 minutes"
    )
    base = live_server.url

    page = login(browser, base, agent.username)
    page.screenshot(path=SHOTS / "1-agent-queue.png")
    page.click("text=Search")
    page.fill("#q", ticket.reference)
    page.click(".desk-search button")
    page.screenshot(path=SHOTS / "2-search.png")
    page.click(f"text={ticket.reference}")
    page.screenshot(path=SHOTS / "3-ticket.png", full_page=True)

    page.click("text=Log contact or note")
    page.select_option("#id_direction", "outbound")
    page.fill("#id_body", "We are looking into the sync problem.")
    page.click(".desk-form button[type=submit]")
    # An email to the customer is sent through the outbox, and the desk says where.
    assert "updated: the message is emailed to" in page.locator(".messagelist").inner_text()

    page.click("a.button:text('Escalate')")
    for name, value in [
        ("summary", "Sync stops after 10 minutes"),
        ("impact", "12 users see stale data"),
        ("troubleshooting", "Reconnected: error E-42. Cleared cache: no change."),
        ("reason", "Needs database access"),
        ("questions", "Is the worker stuck?"),
        ("customer_expectation", "Fixed by tomorrow"),
        ("business_impact", "Sales blocked"),
        ("info_diagnostics", "Logs attached, request id 7f3"),
    ]:
        page.fill(f"#id_{name}", value)
    page.screenshot(path=SHOTS / "4-escalate-form.png", full_page=True)
    page.click(".desk-form button[type=submit]")
    assert "escalated." in page.locator(".messagelist").inner_text()
    page.context.close()

    page = login(browser, base, senior.username)
    assert ticket.reference in page.content()
    page.screenshot(path=SHOTS / "5-senior-queue.png", full_page=True)
    page.click(f".desk-table >> text={ticket.reference}")
    page.click("text=Accept escalation")
    page.click(".desk-form button[type=submit]")
    assert "accepted." in page.locator(".messagelist").inner_text()
    page.screenshot(path=SHOTS / "6-accepted.png", full_page=True)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.state, ticket.owner) == (TicketState.OPEN, senior)
    assert Escalation.objects.get(ticket=ticket).accepted_by == senior
