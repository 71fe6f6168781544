"""Integration tokens (issue 15): tied to a service account with a role, stored hashed,
shown once, revocable; every error is RFC 9457 problem details, never a 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import IntegrationToken
from api.services import digest, token_issue, token_revoke
from core.errors import PermissionRefused
from escalation.models import Ticket

TICKETS = "/api/v1/tickets/"


def test_a_token_is_shown_once_stored_only_as_a_hash_and_acts_as_its_role(lead):
    token, raw = token_issue(name="Zendesk", role="Agent", actor=lead)
    assert raw.startswith("esc_") and len(raw) > 40
    stored = IntegrationToken.objects.get()
    assert stored.key_hash == digest(raw) and raw not in str(stored.__dict__)
    assert token.account.groups.get().name == "Agent"
    assert not token.account.has_usable_password()
    assert token.history.get().history_user == lead


def test_only_leads_issue_tokens(agent, auditor):
    for who in (agent, auditor):
        with pytest.raises(PermissionRefused):
            token_issue(name="Mine", role="Lead", actor=who)
    assert not IntegrationToken.objects.exists()


@pytest.mark.parametrize(
    ("header", "title"),
    [
        (None, "Not signed in"),
        ("Bearer esc_nothing_here", "Token refused"),
        ("Bearer esc_abcdefgh_" + "x" * 40, "Token refused"),
    ],
)
def test_no_or_a_wrong_token_gets_401_problem_details(db, header, title):
    api = APIClient()
    if header:
        api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get(TICKETS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == title and response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working_at_once(lead):
    token, raw = token_issue(name="Freshdesk", role="Agent", actor=lead)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(TICKETS).status_code == 200
    token_revoke(token=token, actor=lead)
    assert api.get(TICKETS).status_code == 401


def test_a_lead_issues_a_token_in_the_admin_and_sees_it_once(client_as, lead):
    client = client_as(lead)
    page = client.post(
        reverse("admin:api_integrationtoken_add"), {"name": "Zendesk", "role": "Agent"}, follow=True
    )
    shown = [str(m) for m in page.context["messages"]]
    raw = next(w for m in shown for w in m.split() if w.startswith("esc_"))
    assert IntegrationToken.objects.get().key_hash == digest(raw)
    again = client.get(reverse("admin:api_integrationtoken_change", args=[1])).content.decode()
    assert raw not in again


def test_an_auditor_cannot_issue_a_token_in_the_admin(client_as, auditor):
    response = client_as(auditor).post(
        reverse("admin:api_integrationtoken_add"), {"name": "X", "role": "Lead"}
    )
    assert response.status_code == 403 and not IntegrationToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": None}, "subject"),
        ({"subject": ""}, "subject"),
        ({"subject": "Line\nbreak"}, "subject"),
        ({"subject": "NUL \x00 byte"}, "subject"),
        ({"subject": "x" * 10_000}, "subject"),
        ({"subject": "Fine", "category": "no-such-category"}, "category"),
        ({"subject": "Fine", "customer": {"email": "not an email"}}, "customer.email"),
        ({"subject": "Fine", "priority": "urgent!!"}, "priority"),
    ],
)
def test_bad_input_is_422_with_field_errors_and_changes_nothing(api_as, body, field):
    good = {
        "subject": "Sync stopped",
        "category": "core-functionality-bug",
        "customer": {"email": "ops@example.com", "name": "Ops"},
    }
    response = api_as("Agent").post(TICKETS, {**good, **body}, format="json")
    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["status"] == 422 and field in problem["errors"]
    assert not Ticket.objects.exists()


def test_malformed_json_is_a_400_problem_not_a_500(api_as):
    response = api_as("Agent").post(TICKETS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed request"


def test_an_unknown_reference_is_a_404_problem(api_as):
    for ref in ("ESC-999999", "nonsense", "ESC-" + "9" * 15):
        response = api_as("Agent", name=f"t-{ref}").get(f"{TICKETS}{ref}/")
        assert response.status_code == 404, ref
        assert response["Content-Type"] == "application/problem+json"


def test_the_schema_is_served_to_a_signed_in_integration(api_as):
    response = api_as("Agent").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/tickets/{reference}/actions/{code}/" in response.content.decode()


def test_an_auditor_integration_reads_but_its_writes_are_refused_before_validation(api_as):
    api = api_as("Auditor", "Compliance export")
    assert api.get(TICKETS).status_code == 200
    refused = api.post(TICKETS, {"subject": ""}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This account's role reads only; it may not change tickets."
