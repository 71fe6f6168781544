"""A customer's name in the summary export is never run as a formula (issue 13, defect 7:
a tab or CR before '=' slipped past the old check)."""

import pytest
import time_machine
from django.urls import reverse

from escalation.models import Customer
from tests.escalation.metrics.pages import csv_rows
from tests.escalation.sla.conftest import ny


@pytest.mark.parametrize("name", ['\t=HYPERLINK("http://x.example")', "\r=1+1", "@SUM(A1)"])
def test_a_formula_in_a_customer_name_is_exported_as_text(client_as, lead, week, name):
    Customer.objects.filter(name="Bolt Enterprise").update(name=name)
    with time_machine.travel(ny(2026, 11, 20, 12), tick=False):
        export = client_as(lead).get(
            reverse("metrics:customers"),
            {**week.params, "plan": "enterprise", "export": "customers"},
        )
    [_, row] = csv_rows(export)
    assert row[0] == "'" + name
