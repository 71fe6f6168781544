"""Customers upserted by external user ID over the API (issue 15 "customers"): added
once, kept current, the email never changed from here, junk refused."""

from escalation.models import Customer

CUSTOMERS = "/api/v1/customers/"
ADA = {"external_user_id": "zd-501", "email": "ada@calc.example", "name": "Ada L", "company": ""}


def test_a_customer_is_added_once_then_kept_current(api_as):
    api = api_as("Helpdesk integration", "Zendesk")
    added = api.post(CUSTOMERS, ADA, format="json")
    assert added.status_code == 201, added.json()
    again = api.post(
        CUSTOMERS, {**ADA, "name": "Ada Lovelace", "company": "Engines"}, format="json"
    )
    assert again.status_code == 200 and again.json()["name"] == "Ada Lovelace"
    customer = Customer.objects.get()
    assert (customer.name, customer.company) == ("Ada Lovelace", "Engines")
    assert customer.history.latest().history_user == api.account
    moved = api.post(CUSTOMERS, {**ADA, "email": "other@calc.example"}, format="json")
    assert moved.status_code == 200
    customer.refresh_from_db()
    assert customer.email == "ada@calc.example"  # where replies are matched: not from here


def test_an_existing_customer_found_by_email_gets_the_external_id(api_as, customer):
    Customer.objects.filter(pk=customer.pk).update(external_user_id="")
    api = api_as("Agent")
    body = {"external_user_id": "fd-9", "email": customer.email.upper(), "name": customer.name}
    assert api.post(CUSTOMERS, body, format="json").status_code == 200
    customer.refresh_from_db()
    assert customer.external_user_id == "fd-9" and Customer.objects.count() == 1


def test_junk_is_422_and_auditors_are_refused(api_as):
    api = api_as("Helpdesk integration")
    for junk in (
        {**ADA, "external_user_id": ""},
        {**ADA, "email": "not-an-address"},
        {**ADA, "name": "two\nlines"},
        {**ADA, "name": "x" * 5000},
        {**ADA, "external_user_id": "nul\x00"},
    ):
        assert api.post(CUSTOMERS, junk, format="json").status_code == 422, junk
    assert api_as("Auditor").post(CUSTOMERS, ADA, format="json").status_code == 403
    assert Customer.objects.count() == 0
