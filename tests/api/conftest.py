import pytest
from rest_framework.test import APIClient

from api.services import token_issue


@pytest.fixture
def token_for(lead):
    """An integration token of a role, issued by the lead: `token_for("Agent", "Zendesk")`."""

    def issue(role: str, name: str | None = None):
        token, raw = token_issue(name=name or f"{role} system", role=role, actor=lead)
        return token, raw

    return issue


@pytest.fixture
def api_as(token_for):
    """An API client signed in with a new token of `role`; `.account` is its user."""

    def client(role: str, name: str | None = None) -> APIClient:
        token, raw = token_for(role, name)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        api.account = token.account
        return api

    return client
