import pytest

from contacts.models import Department, JiraTarget
from escalation import services
from tests.servers.jira import FakeJira, serve

ASK = {
    "needed": "Refund the duplicate charge",
    "customer_impact": "Charged $80 twice",
    "findings": "Two captures, one order",
}


@pytest.fixture
def billing(db):
    return Department.objects.get(code="billing")


@pytest.fixture
def jira(settings, billing):
    """A fake Jira on 127.0.0.1 and an active target for Billing pointing at it (created
    as a plain row: the model's https-only check is for the admin's form)."""
    settings.JIRA_EMAIL, settings.JIRA_API_TOKEN = "bot@example.com", "jira-token-123"
    fake = FakeJira()
    stop = serve(fake)
    JiraTarget.objects.create(
        department=billing,
        site_url=fake.url,
        project_key="OPS",
        field_mapping={"priority": {"high": "Highest"}, "fields": {"labels": ["support"]}},
    )
    yield fake
    stop()


@pytest.fixture
def ask(django_capture_on_commit_callbacks, billing):
    """Open a request to Billing and run what waits for the commit (events, the outbox)."""

    def open_request(ticket, actor):
        with django_capture_on_commit_callbacks(execute=True):
            return services.department_request_open(
                ticket=ticket, actor=actor, department=billing, **ASK
            )

    return open_request
