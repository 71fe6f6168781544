"""Issue 14: a factor counts only when checked by a method that can prove it (003 "Identity
Verification Requirements": control of the email is "already logged in or receive code"; a
photo ID is seen, never "matched" by an email code). The service refuses on every surface;
the desk and admin forms offer each factor only its methods and say why they refuse."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages

from core.errors import InvalidInput
from outbox.models import OutboxMessage
from tests.verification.test_verification_http import (
    desk_factor_url,
    desk_start_url,
    factor_url,
    post_factor,
    start_url,
)
from verification.models import (
    CheckMethod,
    FactorCheck,
    FactorKind,
    VerificationRequest,
    VerificationState,
)
from verification.rules import METHODS_FOR_FACTOR, MethodDoesNotFit, method_refusal

from .conftest import action

# The mapping as the seed reads, written out again so a change to it is a visible decision.
FITTING = {
    "email_control": {"code_sent", "logged_in"},
    "username_activity": {"asked_and_compared"},
    "payment_last4": {"asked_and_compared"},
    "recent_transaction": {"asked_and_compared"},
    "creation_date": {"asked_and_compared"},
    "workspace_names": {"asked_and_compared"},
    "photo_id": {"id_on_video", "id_upload_portal"},
}
EMAIL = "Control of account email"
CARD = "Last 4 digits of payment method"
PHOTO = "Photo ID matching the account name"


class _Options(HTMLParser):
    """The options of one <select>, by the label of the optgroup they sit in."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.group = name, False, ""
        self.groups: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "select":
            self.inside = attributes.get("name") == self.name
        elif self.inside and tag == "optgroup":
            self.group = attributes["label"] or ""
        elif self.inside and tag == "option":
            self.groups.setdefault(self.group, []).append(attributes["value"] or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False


def offered_methods(response) -> dict[str, list[str]]:
    parser = _Options("method")
    parser.feed(response.content.decode())
    return parser.groups


def test_every_factor_has_the_methods_that_prove_it_and_every_method_a_factor():
    assert {kind: set(methods) for kind, methods in METHODS_FOR_FACTOR.items()} == FITTING
    assert set(FITTING) == set(FactorKind.values)
    assert set().union(*FITTING.values()) == set(CheckMethod.values)


def test_an_unfit_method_is_refused_by_a_sentence_naming_the_methods_that_fit():
    for kind in FactorKind.values:
        for method in CheckMethod.values:
            refusal = method_refusal(kind, method)
            if method in FITTING[kind]:
                assert refusal is None, (kind, method)
            else:
                assert refusal is not None and refusal.startswith(FactorKind(kind).label)
                assert all(CheckMethod(m).label in refusal for m in FITTING[kind])
    assert method_refusal("photo_id", "code_sent") == (
        "Photo ID matching the account name cannot be checked by “One-time code sent to the "
        "account email”: use “Photo ID shown on a video call” or “Photo ID checked in the "
        "secure upload portal”."
    )


@pytest.mark.parametrize("matched", [True, False])
def test_the_service_refuses_an_email_code_for_a_photo_id_and_stores_nothing(
    start, factor, matched
):
    request = start("data-deletion")
    history, outbox = FactorCheck.history.count(), OutboxMessage.objects.count()
    with pytest.raises(MethodDoesNotFit, match="cannot be checked by") as refused:
        factor(request, "photo_id", matched=matched, method="code_sent")
    assert isinstance(refused.value, InvalidInput)  # every surface shows it as a refusal
    assert refused.value.field_errors == {"method": [method_refusal("photo_id", "code_sent")]}
    assert not FactorCheck.objects.exists()
    assert (FactorCheck.history.count(), OutboxMessage.objects.count()) == (history, outbox)
    request.refresh_from_db()
    assert request.state == VerificationState.COLLECTING


def test_unfit_failures_never_lock_the_request(start, factor):
    """Failed factors lock a request (possible takeover); an unfit one is no factor at all."""
    request = start("2fa-removal")
    for kind in ("payment_last4", "creation_date", "workspace_names"):
        with pytest.raises(MethodDoesNotFit):
            factor(request, kind, matched=False, method="logged_in")
    request.refresh_from_db()
    assert request.state == VerificationState.COLLECTING


def test_the_desk_form_refuses_a_mismatched_pair_and_changes_nothing(client_as, agent, make_ticket):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(desk_start_url(ticket), {"action": action("data-deletion").pk})
    request = VerificationRequest.objects.get()
    response = post_factor(client, desk_factor_url(request), "photo_id", "code_sent")
    assert response.status_code == 200
    refusal = method_refusal("photo_id", "code_sent")
    assert response.context["form"].errors == {"method": [refusal]}
    assert refusal in response.content.decode()
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert not request.factors.exists()
    request.refresh_from_db()
    assert request.state == VerificationState.COLLECTING


def test_a_method_the_list_does_not_offer_gets_the_same_sentence(client_as, agent, make_ticket):
    """A medium-risk list offers no photo-ID method; posting one for the card digits says
    which methods fit, not Django's bare "not one of the available choices"."""
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(desk_start_url(ticket), {"action": action("2fa-removal").pk})
    request = VerificationRequest.objects.get()
    response = post_factor(client, desk_factor_url(request), "payment_last4", "id_on_video")
    assert response.context["form"].errors == {
        "method": [method_refusal("payment_last4", "id_on_video")]
    }
    assert not request.factors.exists()


def test_the_admin_form_refuses_a_mismatched_pair_and_changes_nothing(client_as, lead, customer):
    client = client_as(lead)
    client.post(start_url(customer), {"action": action("data-deletion").pk}, follow=True)
    request = VerificationRequest.objects.get()
    response = post_factor(client, factor_url(request), "email_control", "id_upload_portal")
    assert response.status_code == 200
    refusal = method_refusal("email_control", "id_upload_portal")
    assert response.context["form"].errors == {"method": [refusal]}
    assert refusal in response.content.decode()
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert not request.factors.exists()


def test_the_forms_offer_each_factor_only_the_methods_that_fit_it(
    client_as, agent, lead, make_ticket
):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(desk_start_url(ticket), {"action": action("data-deletion").pk})
    high = VerificationRequest.objects.get()
    expected = {
        EMAIL: ["code_sent", "logged_in"],
        CARD: ["asked_and_compared"],
        PHOTO: ["id_on_video", "id_upload_portal"],
    }
    assert offered_methods(client.get(desk_factor_url(high))) == expected
    assert offered_methods(client_as(lead).get(factor_url(high))) == expected
    client.post(desk_start_url(ticket), {"action": action("2fa-removal").pk})
    medium = VerificationRequest.objects.exclude(pk=high.pk).get()
    asked = "; ".join(
        [CARD, "Recent transaction amount and date", "Account creation date"]
        + ["Workspace / team names"]
    )
    assert offered_methods(client.get(desk_factor_url(medium))) == {
        EMAIL: ["code_sent", "logged_in"],
        asked: ["asked_and_compared"],  # no photo-ID method: no factor here it could prove
    }


def test_fitting_pairs_still_verify_end_to_end(client_as, agent, lead, make_ticket, customer):
    ticket = make_ticket(state="open")
    client = client_as(agent)
    client.post(desk_start_url(ticket), {"action": action("2fa-removal").pk})
    request = VerificationRequest.objects.get()
    for kind, method in [("email_control", "logged_in"), ("workspace_names", "asked_and_compared")]:
        assert post_factor(client, desk_factor_url(request), kind, method).status_code == 302
    request.refresh_from_db()
    assert request.state == VerificationState.VERIFIED
    assert set(request.factors.values_list("kind", "method")) == {
        ("email_control", "logged_in"),
        ("workspace_names", "asked_and_compared"),
    }
    client = client_as(lead)
    client.post(start_url(customer), {"action": action("data-deletion").pk})
    high = VerificationRequest.objects.exclude(pk=request.pk).get()
    for kind, method in [
        ("email_control", "code_sent"),
        ("payment_last4", "asked_and_compared"),
        ("photo_id", "id_upload_portal"),
    ]:
        assert post_factor(client, factor_url(high), kind, method).status_code == 302
    high.refresh_from_db()
    assert high.state == VerificationState.AWAITING_APPROVAL
