"""The one HistoricalRecords every audited model uses, and the one save that fills it."""

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone
from django_fsm import ConcurrentTransition
from simple_history.models import HistoricalRecords

from .errors import ConcurrentChange


class AuditedHistory(HistoricalRecords):
    """simple_history, plus an index for "everything this person changed, newest first",
    which the audit trail's user filter reads a page of at a time (keyset order)."""

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        opts = model._meta
        meta["indexes"] = (
            *meta.get("indexes", ()),
            models.Index(
                fields=["history_user", "-history_date", "-history_id"],
                name=f"h_{opts.app_label[:4]}_{opts.model_name[:16]}_user",
            ),
        )
        return meta


def save_audited(
    obj: models.Model,
    *,
    actor,
    reason: str = "",
    update_fields: Iterable[str] | None = None,
    conflict: str = "",
) -> None:
    """Save `obj` so its history row names who did it and why; the one place that does.

    simple_history reads `_history_user` and `_change_reason` off the instance and would
    reuse a stale reason on the next save, so both are cleared afterwards. A state-machine
    row that another writer moved first (`ConcurrentTransition`) becomes `ConcurrentChange`
    with `conflict` (or a generic sentence) as the message the user sees.
    """
    obj._history_user = actor  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason[:2000]  # type: ignore[attr-defined]
    try:
        obj.save(update_fields=sorted(set(update_fields)) if update_fields is not None else None)
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            conflict or f"{obj} was changed by someone else meanwhile; reload and try again."
        ) from exc
    finally:
        obj.__dict__.pop("_change_reason", None)
        obj.__dict__.pop("_history_user", None)


def history_of_created(
    model: type[models.Model], ids: Iterable[int], *, actor, reason: str
) -> None:
    """The "created" history rows of rows just inserted in bulk, copied by the database.

    The same rows `bulk_create_with_history` writes (every tracked column, now, who and
    why, type "+"), but one INSERT ... SELECT per 500 rows instead of a model instance
    and a prepared value per column per row in Python: the SLA sweep records thousands
    of messages at once. Only for rows inserted in this transaction, not yet changed.
    """
    history = model.history.model  # type: ignore[attr-defined]
    columns = [f.column for f in history.tracked_fields]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    user_id = getattr(actor, "pk", None)
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, "  # noqa: S608 - names from the models
                f"history_change_reason, history_type, history_user_id) "
                f"SELECT {listed}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                [now, reason, user_id, *chunk],
            )
