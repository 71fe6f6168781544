"""django-q2 tasks of the outbox: they take IDs and call one service."""

from . import services
from .delivery import deliver


def deliver_outbox_message(message_id: int) -> None:
    services.outbox_deliver(message_id=message_id)


def deliver_outbox_messages(message_ids: list[int]) -> None:
    """A batch; what the time budget left unclaimed goes back on the queue."""
    left = deliver(message_ids)
    if left:
        services.queue_delivery(left)


def retry_due_outbox_messages() -> int:
    """Every minute: queue what is due, including messages whose first task was lost."""
    return services.outbox_drain()
