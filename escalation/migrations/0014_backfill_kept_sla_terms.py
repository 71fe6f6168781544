"""Back-fill what each ticket keeps of its SLA policy version (update cadence, pause while
waiting on the customer) from that version, so a policy edited since does not reach it.

The cadence a ticket ran under is its latest customer-update clock's target, when it has
one (already scaled for enterprise customers). Otherwise, and for the pause setting, the
ticket's version (its latest resolution clock's) is looked up in the policy's history: the
last row at that version; a version the history does not hold (a policy never saved since
the seed) is taken as the current one. Enterprise cadences are scaled as
`sla.services.targets_for` scales them.
"""

from django.db import migrations

CHUNK = 500


def backfill(apps, schema_editor):
    Ticket = apps.get_model("escalation", "Ticket")
    Clock = apps.get_model("sla", "Clock")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    HistoricalSlaPolicy = apps.get_model("sla", "HistoricalSlaPolicy")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ticket_type = ContentType.objects.filter(app_label="escalation", model="ticket").first()
    versions, cadences = {}, {}
    if ticket_type is not None:
        clocks = Clock.objects.filter(subject_type=ticket_type).order_by("subject_id", "cycle")
        for subject_id, version in clocks.filter(kind="resolution").values_list(
            "subject_id", "policy_version"
        ):
            versions[subject_id] = version
        for subject_id, target in clocks.filter(kind="next_update").values_list(
            "subject_id", "target"
        ):
            cadences[subject_id] = target
    current = {p.priority: p for p in SlaPolicy.objects.all()}
    terms_cache = {}

    def terms(priority, version, enterprise):
        key = (priority, version, enterprise)
        if key not in terms_cache:
            policy = (
                HistoricalSlaPolicy.objects.filter(priority=priority, version=version)
                .order_by("-history_date", "-history_id")
                .first()
            ) or current.get(priority)
            if policy is None:
                terms_cache[key] = (None, True)
            else:
                every = policy.update_every
                if enterprise and every is not None:
                    every = every * (policy.enterprise_percent / 100)
                terms_cache[key] = (every, policy.pause_when_waiting_on_customer)
        return terms_cache[key]

    groups = {}
    for pk, priority, plan in Ticket.objects.values_list("pk", "priority", "customer__plan"):
        version = versions.get(pk) or getattr(current.get(priority), "version", None)
        every, pause = terms(priority, version, plan == "enterprise")
        groups.setdefault((cadences.get(pk, every), pause), []).append(pk)
    for (every, pause), pks in groups.items():
        for start in range(0, len(pks), CHUNK):
            Ticket.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                sla_update_every=every, sla_pause_when_waiting=pause
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("escalation", "0013_copies_kept_sla_terms_refusals"),
        ("sla", "0006_holidays_through"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
