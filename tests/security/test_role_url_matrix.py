"""Every role against every URL of the product, GET and POST, with every table
fingerprinted around each request (issue 13: agents wrote in the admin where the desk
refused them; the auditor's writes were refused by luck; junk gave 500s).

The rules checked, for each of 6 roles and every named URL (from the resolver and the
admin registry, with real ids):
- no request is ever a 500;
- a GET changes nothing;
- a POST by someone the admin is read-only for (agents, auditors) to the admin is a 403
  and changes nothing; an auditor's POST anywhere is refused and changes nothing;
- an L1 or L2 agent cannot reach an L3 engineer's ticket on the desk (404), by GET or POST.
"""

import pytest

from tests.security.conftest import TRIED
from tests.security.world import ROLES, build_world, changed, fingerprint, product_urls

OPEN_TO_ALL = ("/admin/login/", "/admin/password_change/", "/admin/jsi18n/")


def _problem(role: str, method: str, url: str, status: int, touched: list[str], world) -> str:
    """What is wrong with this response, or '' when it follows the rules."""
    if status >= 500:
        return f"{status}"
    admin_write = url.startswith("/admin/") and not url.startswith(OPEN_TO_ALL)
    read_only = role in ("agent", "senior", "engineer", "auditor")
    if method == "GET" and touched:
        return f"a GET changed {touched}"
    if method == "POST" and admin_write and read_only:
        if status != 403:
            return f"admin write answered {status}, not 403"
        if touched:
            return f"refused admin write changed {touched}"
    if method == "POST" and role == "auditor" and not url.startswith(OPEN_TO_ALL):
        if status not in (403, 405):
            return f"auditor's write answered {status}"
        if touched:
            return f"auditor's write changed {touched}"
    victim_page = url.startswith(f"/desk/ticket/{world.victim.pk}/")
    if victim_page and role in ("agent", "senior") and (status != 404 or touched):
        return f"another tier's ticket answered {status}, changed {touched}"
    return ""


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_on_every_url(client, role, django_capture_on_commit_callbacks):
    world = build_world()
    user = world.users[role]
    client.force_login(user)
    client.raise_request_exception = False
    urls = product_urls(world)
    problems = []
    before = fingerprint()
    for url in urls:
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            after = fingerprint()
            touched = changed(before, after)
            problem = _problem(role, method, url, response.status_code, touched, world)
            if problem:
                problems.append(f"{role} {method} {url}: {problem}")
            before = after
            if not user.is_authenticated or "_auth_user_id" not in client.session:
                client.force_login(user)  # a page that signed us out (password change)
    TRIED["URLs per role"] = len(urls)
    TRIED["role x URL x method requests"] += 2 * len(urls)
    assert not problems, "\n".join(problems)
