"""Another writer records the same message between the outbox's check and its insert:
the batch falls back to saving one by one, keeps the other writer's row, and loses
none of its own (on PostgreSQL the batch's ids come from the sequence first)."""

from django.db import connection

from outbox.models import OutboxMessage
from outbox.services import Outgoing, outbox_enqueue_many


def test_a_message_another_writer_recorded_meanwhile_is_kept_once(db):
    table = OutboxMessage._meta.db_table
    raced: list[bool] = []

    def other_writer(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        checking = sql.lstrip().upper().startswith("SELECT") and table in sql
        if checking and "event_key" in sql and not raced:
            raced.append(True)  # once: the other writer's own statements pass through
            OutboxMessage.objects.create(
                event_key="race:1", recipient="lee@example.com", subject="theirs", body="x"
            )
        return result

    mine = [
        Outgoing(event_key=f"race:{n}", recipient="lee@example.com", subject="mine", body="y")
        for n in (1, 2, 3)
    ]
    with connection.execute_wrapper(other_writer):
        saved = outbox_enqueue_many(mine)
    assert raced
    assert sorted(m.event_key for m in saved) == ["race:2", "race:3"]
    rows = OutboxMessage.objects.filter(event_key__startswith="race:").order_by("event_key")
    assert [(m.event_key, m.subject) for m in rows] == [
        ("race:1", "theirs"),
        ("race:2", "mine"),
        ("race:3", "mine"),
    ]
    # Each of mine has its "queued" line in the audit history, as before the race.
    queued = OutboxMessage.history.filter(history_change_reason="queued", subject="mine")
    assert sorted(queued.values_list("event_key", flat=True)) == ["race:2", "race:3"]
