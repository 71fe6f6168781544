"""Junk into every filter, search and form of the product (issue 13, defect 6: NUL bytes,
unknown owners, dates past 9999, huge years and ids gave 500s).

The parameters are discovered, not listed: each page is fetched once as the role, and the
names in its filter links and form fields are what gets junk. Hypothesis draws the junk:
text with NUL, right-to-left marks and 100,000 characters, extreme numbers, dates past
year 9999, ids that do not exist. Rules: never a 500; a refused POST changes nothing.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import TRIED
from tests.security.world import build_world, changed, fingerprint, product_urls

EXAMPLES = 6  # per page and method: a bounded budget (about 3,000 requests in all)
SKIP_FIELDS = {"csrfmiddlewaretoken", "next", "_selected_action", "action", "select_across"}

JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            "zzz",
            "\x00",
            "a\x00b",
            "\u202eevil\u202c",
            "x" * 100_000,
            "9" * 40,
            "-1",
            "0",
            "1e309",
            "NaN",
            "9999-12-31",
            "9999-12-31 23:59",
            "10000-01-01",
            "0000-00-00",
            "31/12/9999",
            "999999999999999999999",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
        ]
    ),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)


class _Names(HTMLParser):
    """The parameter names a page offers: in its links' query strings and its forms."""

    def __init__(self) -> None:
        super().__init__()
        self.query: set[str] = set()
        self.post: set[str] = set()
        self._method: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and (attributes.get("href") or "").startswith("?"):
            self.query |= {k for k, _ in parse_qsl(attributes["href"][1:])}
        elif tag == "form":
            self._method = (attributes.get("method") or "get").lower()
        elif tag in ("input", "select", "textarea") and attributes.get("name"):
            (self.post if self._method == "post" else self.query).add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = None


def _names(html: str) -> tuple[set[str], set[str]]:
    parser = _Names()
    parser.feed(html)
    return parser.query - SKIP_FIELDS, parser.post - SKIP_FIELDS


def _attack(client, role: str, url: str, query: set[str], post: set[str], problems: list[str]):
    """A hypothesis test that sends junk to one page's filters (GET) and form (POST)."""
    path = urlsplit(url).path

    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        params=st.fixed_dictionaries({n: JUNK for n in sorted(query)}),
        data=st.fixed_dictionaries({n: JUNK for n in sorted(post)}),
    )
    def attack(params, data):
        if query:
            response = client.get(path, params)
            TRIED["junk requests"] += 1
            if response.status_code >= 500:
                problems.append(f"{role} GET {path} {sorted(params)}: {response.status_code}")
        if post:
            before = fingerprint()
            response = client.post(url, data)
            TRIED["junk requests"] += 1
            touched = changed(before, fingerprint())
            if response.status_code >= 500:
                problems.append(f"{role} POST {url}: {response.status_code}")
            elif response.status_code != 302 and touched:
                problems.append(f"{role} POST {url} refused but changed {touched}")

    return attack


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "agent", "directory"])
def test_junk_in_every_filter_search_and_form_is_never_a_500(client, role):
    world = build_world()
    client.force_login(world.users[role])
    client.raise_request_exception = False
    problems: list[str] = []
    pages = 0
    for url in product_urls(world):
        if "/delete/" in url or url.endswith(("/logout/", "/password_change/")):
            continue
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        query, post = _names(page.content.decode())
        if not query and not post:
            continue
        pages += 1
        _attack(client, role, url, query, post, problems)()
    TRIED["pages with inputs, per role"] = max(TRIED["pages with inputs, per role"], pages)
    assert not problems, "\n".join(sorted(set(problems))[:40])


KNOWN = [
    "/admin/escalation/ticket/?owner=zzz",
    "/admin/escalation/ticket/?owner__id__exact=zzz",
    "/admin/escalation/ticket/?created_at__year=99999",
    "/admin/escalation/ticket/?created_at__year=2026&created_at__month=13",
    "/admin/escalation/ticket/?created_at__year=2026&created_at__month=2&created_at__day=31",
    "/admin/escalation/ticket/?sla=zzz&metric=zzz",
    "/admin/escalation/ticket/99999999999999999999/change/",
    "/admin/escalation/ticket/-1/change/",
    "/admin/audit/accessevent/trail/?date_to=9999-12-31",
    "/admin/audit/accessevent/trail/csv/?date_to=9999-12-31",
    "/admin/audit/accessevent/trail/?date_from=0001-01-01&object_id=99999999999999999999",
    "/admin/verification/approvalqueue/1/history/1/",
    "/admin/autocomplete/?app_label=contacts&model_name=oncallshift&field_name=person&term=x",
    "/admin/autocomplete/?app_label=zzz&model_name=zzz&field_name=zzz",
    "/admin/metrics/?period=custom&date_from=9999-12-31&date_to=10000-01-01",
    "/desk/ticket/99999999999999999999/",
    "/desk/search/?q=" + "x" * 100_000,
    "/desk/directory/?q=%E2%80%AE",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", KNOWN)
def test_the_reported_junk_gets_a_clear_answer(client, url):
    """Each request reproduced a 500 when the product was attacked (issue 13, defect 6)."""
    world = build_world()
    client.force_login(world.users["lead"])
    client.raise_request_exception = False
    before = fingerprint()
    response = client.get(url)
    assert response.status_code in (200, 302, 400, 403, 404), response.status_code
    assert changed(before, fingerprint()) == []
