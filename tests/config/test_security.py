"""Security that holds for every page (issue 13, defects 6 and 8): throttled logins with
lockouts in the audit trail and unlock by a lead, a Content-Security-Policy, sessions that
end when idle, NUL bytes refused, and no way to serve production on development settings."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AccessEvent, AccessKind
from core.middleware import LAST_SEEN

ROOT = Path(__file__).resolve().parents[2]
LOGIN = reverse("admin:login")


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def test_thirty_wrong_passwords_then_the_right_one_is_still_refused(client, agent, settings):
    """Defect 8: 30 wrong passwords in 10 s, then the right one, used to be accepted."""
    agent.set_password("right-password-123")
    agent.save()
    for _ in range(30):
        sign_in(client, agent.username, "wrong")
    response = sign_in(client, agent.username, "right-password-123")
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_in_the_audit_trail_and_a_lead_unlocks_it(client, agent, lead, settings):
    agent.set_password("right-password-123")
    agent.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, agent.username, "wrong")
    lockout = AccessEvent.objects.get(kind=AccessKind.LOCKOUT)
    assert lockout.username == agent.username and lockout.ip_address == "127.0.0.1"

    client.force_login(lead)
    attempts = AccessAttempt.objects.filter(username=agent.username)
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=agent.username).exists()
    unlock = AccessEvent.objects.get(kind=AccessKind.UNLOCK)
    assert (unlock.username, unlock.actor) == (agent.username, lead)
    client.logout()
    assert sign_in(client, agent.username, "right-password-123").status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_an_agent_cannot_unlock_sign_ins(client_as, agent):
    response = client_as(agent).get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def test_every_page_carries_a_content_security_policy(client_as, agent):
    response = client_as(agent).get(reverse("desk:queue"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy


def test_an_idle_session_ends_and_an_active_one_is_renewed(client_as, agent, settings):
    client = client_as(agent)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 120  # last request two minutes ago
    session.save()
    before = session.get_expiry_date()
    assert client.get(reverse("desk:queue")).status_code == 200
    assert client.session.get_expiry_date() > before  # renewed: the idle clock restarts
    assert settings.SESSION_COOKIE_AGE == 60 * 60  # one idle hour by default


@pytest.mark.parametrize(
    "url",
    ["/desk/search/?q=a%00b", "/desk/directory/?q=%00", "/admin/escalation/ticket/?state=%00"],
)
def test_a_nul_byte_anywhere_is_refused_with_a_clear_message(client_as, lead, url):
    """Defect 6: NUL bytes in a search or filter were a 500 on PostgreSQL."""
    response = client_as(lead).get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_nul_byte_in_a_form_changes_nothing(client_as, lead, customer):
    response = client_as(lead).post(
        reverse("admin:escalation_customer_change", args=[customer.pk]),
        {"name": "Evil\x00Corp", "email": customer.email},
    )
    assert response.status_code == 400
    customer.refresh_from_db()
    assert "\x00" not in customer.name


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_wsgi_entry_point_never_starts_on_development_settings():
    """No SECRET_KEY: production settings refuse to start rather than use a known key."""
    result = _python("import config.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_wsgi_entry_point_serves_production_settings():
    result = _python(
        "import config.wsgi; from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x7!Qm2#pZ9@kL4$wR8^tY6&uI1*oP3(aS5)dF0_gH-jK+lZ=xC?vB/nM.,<>;:",
        ALLOWED_HOSTS="escalations.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_procfile_runs_web_and_worker_on_production_settings():
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert len(lines) == 2
    assert all("DJANGO_SETTINGS_MODULE=config.production" in line for line in lines)
