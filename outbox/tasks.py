"""django-q2 tasks of the outbox: they take IDs and call one service."""

from . import services


def deliver_outbox_message(message_id: int) -> None:
    services.outbox_deliver(message_id=message_id)


def deliver_outbox_messages(message_ids: list[int]) -> None:
    for message_id in message_ids:
        services.outbox_deliver(message_id=message_id)


def retry_due_outbox_messages() -> int:
    """Every minute: deliver what is due, including messages whose first task was lost."""
    ids = services.outbox_due_ids()
    for message_id in ids:
        services.outbox_deliver(message_id=message_id)
    return len(ids)
