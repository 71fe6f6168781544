"""Leads add helpdesk sources in the admin (through the service), see the URL and secret
to paste into the helpdesk and the delivery log; the pages cost fixed queries."""

import pytest
from django.urls import reverse

from api.models import DeliveryOutcome, HelpdeskSource, InboundDelivery
from tests.factories import category
from tests.fixtures.helpdesk.senders import add_source

ADD = "admin:api_helpdesksource_add"


def _form(agent, **changes) -> dict:
    return {
        "name": "Support Zendesk",
        "kind": "generic",
        "slug": "",
        "default_category": category().pk,
        "default_owner": agent.pk,
        "is_active": "on",
        "new_secret": "",
        **changes,
    }


def test_a_lead_adds_a_source_and_gets_an_account_and_a_secret(client_as, lead, agent):
    response = client_as(lead).post(reverse(ADD), _form(agent))
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = HelpdeskSource.objects.get()
    assert source.slug == "support-zendesk" and source.secret.startswith("whsec_")
    assert source.account.groups.get().name == "Helpdesk integration"
    assert not source.account.has_usable_password()
    assert source.history.get().history_user == lead


def test_a_zendesk_source_needs_the_signing_secret_pasted(client_as, lead, agent):
    response = client_as(lead).post(reverse(ADD), _form(agent, kind="zendesk"))
    assert response.status_code == 200
    assert "signing secret" in response.content.decode()
    assert not HelpdeskSource.objects.exists()


def test_the_page_shows_the_url_the_secret_and_the_log(client_as, lead, agent):
    source = add_source("freshdesk", lead=lead, owner=agent)
    InboundDelivery.objects.create(
        source=source, outcome=DeliveryOutcome.REJECTED, detail="Bad basic auth"
    )
    page = client_as(lead).get(reverse("admin:api_helpdesksource_change", args=[source.pk]))
    text = page.content.decode()
    assert "http://testserver/api/v1/inbound/freshdesk-main/" in text
    assert source.secret in text and "Bad basic auth" in text


def test_a_new_secret_replaces_the_old_and_stays_out_of_the_history(client_as, lead, agent):
    source = add_source("freshdesk", lead=lead, owner=agent)
    url = reverse("admin:api_helpdesksource_change", args=[source.pk])
    data = _form(agent, name="Freshdesk", slug=source.slug, new_secret="s3cret-from-freshdesk")
    response = client_as(lead).post(url, data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.secret == "s3cret-from-freshdesk" and source.kind == "freshdesk"
    assert "s3cret" not in str(list(source.history.values()))


@pytest.mark.parametrize("who", ["agent", "auditor"])
def test_only_leads_add_sources(request, client_as, agent, who):
    response = client_as(request.getfixturevalue(who)).post(reverse(ADD), _form(agent))
    assert response.status_code == 403 and not HelpdeskSource.objects.exists()


def _deliveries(source, n: int) -> None:
    InboundDelivery.objects.bulk_create(
        InboundDelivery(source=source, outcome=DeliveryOutcome.UNCHANGED, detail=f"#{i}")
        for i in range(n)
    )


def test_the_list_and_the_page_cost_the_same_queries_for_few_and_many_rows(
    client_as, lead, agent, django_assert_max_num_queries
):
    client = client_as(lead)
    first = add_source("generic", lead=lead, owner=agent)
    _deliveries(first, 2)
    pages = [
        reverse("admin:api_helpdesksource_changelist"),
        reverse("admin:api_helpdesksource_change", args=[first.pk]),
    ]
    counts = []
    for page in pages:
        client.get(page)  # warm caches
        with django_assert_max_num_queries(40) as few:
            client.get(page)
        counts.append(len(few.captured_queries))
    for i in range(5):
        add_source("generic", lead=lead, owner=agent, name=f"More {i}", slug=f"more-{i}")
    _deliveries(first, 80)
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            response = client.get(page)
        assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == 50  # the newest 50 deliveries


def test_an_auditor_reads_the_source_but_never_its_secret(client_as, lead, agent, auditor):
    """The secret forges deliveries; auditors read the page and the log, not the secret."""
    source = add_source("freshdesk", lead=lead, owner=agent)
    page = client_as(auditor).get(reverse("admin:api_helpdesksource_change", args=[source.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "/api/v1/inbound/freshdesk-main/" in text and source.secret not in text
