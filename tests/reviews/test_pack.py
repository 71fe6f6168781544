"""What the monthly review pack shows (003 "Monthly escalation review meeting", 004
"Analyze data on escalations to identify common issues")."""

from datetime import date

import pytest
import time_machine

from core.errors import InvalidInput
from escalation.models import Category
from reviews.pack import parse_month, review_pack
from reviews.services import preventive_action_complete, preventive_action_create
from tests.factories import CustomerFactory

MARCH = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "no month 13"),
        ("2026-00", "no month 00"),
        ("0000-01", "between 2000 and 2199"),
        ("10000-01", "YYYY-MM"),
        ("2200-01", "between 2000 and 2199"),
        ("2026-03\x00", "YYYY-MM"),
        ("March", "YYYY-MM"),
    ],
)
def test_a_month_nobody_means_is_refused_with_a_sentence(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_month(text)


def test_003_the_review_groups_the_months_root_causes_by_category_and_tier(record_rca):
    record_rca("2026-03-03", root_cause="Sync worker crashed")
    record_rca("2026-03-20", root_cause="  sync worker   CRASHED ")
    record_rca("2026-03-21", root_cause="Roadmap unclear", code="feature-request")
    record_rca("2026-04-01", root_cause="Next month, not counted")
    pack = review_pack(MARCH)
    assert pack.escalations == 3 and len(pack.root_causes) == 3
    bug, feature = pack.by_category
    assert (bug.label, bug.escalations, bug.root_causes, bug.share) == (
        Category.objects.get(code="core-functionality-bug").name,
        2,
        2,
        66.7,
    )
    assert bug.top_causes == [("Sync worker crashed", 2)]  # same words, any case or spacing
    assert (feature.root_causes, feature.share) == (1, 33.3)
    tiers = {g.label: (g.escalations, g.root_causes) for g in pack.by_tier}
    assert tiers == {"L2 senior": (3, 3), "L3 technical": (0, 0), "L4 management": (0, 0)}


def test_004_a_root_cause_seen_in_the_previous_three_months_is_flagged_as_a_repeat(record_rca):
    record_rca("2025-12-15", code="feature-request")  # Dec: 3 months before March
    record_rca("2025-11-15")  # Nov: 4 months before March, too old to count
    record_rca("2026-03-10", code="feature-request")
    record_rca("2026-03-11")
    causes = {c.rca.ticket.category.code: c for c in review_pack(MARCH).root_causes}
    assert causes["feature-request"].is_repeat
    assert "previous 3 months" in causes["feature-request"].repeat_reasons[0]
    assert not causes["core-functionality-bug"].is_repeat


def test_004_the_same_customer_with_several_root_causes_is_flagged(record_rca):
    acme = CustomerFactory(name="Acme")
    record_rca("2026-01-20", code="feature-request", customer=acme)
    rca = record_rca("2026-03-05", customer=acme)
    (cause,) = review_pack(MARCH).root_causes
    assert cause.rca == rca
    assert cause.repeat_reasons == ["2 root causes for Acme in 4 months"]


def test_003_open_actions_are_carried_over_until_done_and_overdue_ones_are_marked(
    lead, senior, record_rca
):
    category = Category.objects.get(code="feature-request")

    def action(title, due, month):
        return preventive_action_create(
            actor=lead,
            title=title,
            owner=senior,
            due_date=due,
            review_month=month,
            category=category,
        )

    with time_machine.travel("2026-02-10 10:00 -05:00", tick=False):
        still_open = action("Still open", date(2026, 3, 5), date(2026, 2, 1))
        done_in_feb = action("Done in February", date(2026, 2, 20), date(2026, 2, 1))
        done_in_march = action("Done in March", date(2026, 3, 31), date(2026, 2, 1))
        preventive_action_complete(action=done_in_feb, actor=lead, note="Done")
    with time_machine.travel("2026-03-10 10:00 -05:00", tick=False):
        preventive_action_complete(action=done_in_march, actor=lead, note="Done")
        new = action("New in March", date(2026, 4, 30), MARCH)
        rows = {r.action.title: r for r in review_pack(MARCH).actions}
    assert set(rows) == {still_open.title, done_in_march.title, new.title}
    assert rows["Still open"].carried_over and rows["Still open"].overdue
    assert not rows["New in March"].carried_over and not rows["New in March"].overdue
    assert not rows["Done in March"].overdue
