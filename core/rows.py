"""Many rows in one statement, without `bulk_create`'s cost per value.

Bulk work (the SLA sweep's thousands of messages, notifications and breach facts, the
demo seed's half a million rows) spent most of its time in `bulk_create`, which
prepares each value through three layers of field methods and compiles the SQL per
batch. Here each column's conversion is chosen once per field, rows are plain lists,
and the statement is built once. The values written are the ones `bulk_create` writes:
every column falls back to the field's own `get_db_prep_save` unless it is a plain
string, number, boolean, aware instant or duration. No model signals run, as with
`bulk_create`.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DurationField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    SmallAutoField,
    TextField,
)
from django.db.models.constants import OnConflict
from django.utils import timezone

Convert = Callable[[Any], Any]
# Values per statement: below SQLite's (32,766) and PostgreSQL's (65,535) limits.
MAX_PARAMS = 30_000
MAX_ROWS = 1_000
# Rows per executemany on PostgreSQL (SQLite's executemany streams them anyway).
CHUNK = 2000


def insert_returning_ids(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert unsaved `objs` of `model` and give each its new id, as `bulk_create` does
    (multi-row INSERT ... RETURNING, on SQLite 3.35+ and PostgreSQL)."""
    if not objs:
        return
    fields = [f for f in insertable(model) if not isinstance(f, AUTO)]
    _link(fields, objs)
    pre_save(fields, objs)
    rows = prepared(fields, ([getattr(o, f.attname) for f in fields] for o in objs))
    for obj, new_id in zip(objs, _insert_returning(model, fields, rows), strict=True):
        obj.pk = new_id
    _saved(objs)


def insert_values(model: type[Model], columns: Sequence[str], rows: Sequence[list]) -> list[int]:
    """Insert rows given as plain values of `columns` (attnames, e.g. `clock_id`) and
    return their new ids in order; the model's other columns take their defaults, the
    same for every row. For volume where no model object is needed afterwards: making
    one per row (and reading its values back) was half the cost of loading clocks."""
    if not rows:
        return []
    fields = {f.attname: f for f in insertable(model) if not isinstance(f, AUTO)}
    unknown = [name for name in columns if name not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}.")
    given = [fields.pop(name) for name in columns]
    for field in fields.values():
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{model.__name__}.{field.name} fills itself: give its value.")
    rest = list(fields.values())
    defaults = prepared(rest, [[f.get_default() for f in rest]])[0]
    values = [row + defaults for row in prepared(given, [list(row) for row in rows])]
    return _insert_returning(model, given + rest, values)


def _insert_returning(model: type[Model], fields: list[Field], rows: list[list]) -> list[int]:
    """Prepared rows written in as few statements as the database takes well; their new
    ids in order.

    SQLite: multi-row INSERT ... RETURNING, up to MAX_ROWS rows a statement. PostgreSQL:
    the ids drawn from the table's sequence first, then one prepared INSERT per row sent
    in a pipeline (`executemany`). A multi-row statement there has thousands of
    placeholders, too many for psycopg's statement cache, so each was parsed again in
    Python: 130-200 ms per 1,000 clocks, against 20-30 ms this way.
    """
    if connection.vendor == "postgresql":
        pk = model._meta.pk
        if pk is None:
            raise ValueError(f"{model.__name__} has no primary key column.")
        ids = _reserve_ids(model, len(rows))
        with_ids = [[new_id, *row] for new_id, row in zip(ids, rows, strict=True)]
        _execute_prepared(model, [pk, *fields], with_ids)
        return ids
    head, one = _statement(model, fields)
    per = _rows_per_statement(fields)
    returning = f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            cursor.execute(
                head + ", ".join([one] * len(chunk)) + returning,
                [value for row in chunk for value in row],
            )
            ids.extend(new_id for (new_id,) in cursor.fetchall())
    return ids


def insert_ignoring_conflicts(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert unsaved `objs`, skipping any that a unique constraint already holds (the
    ids are not read back: use it for rows nothing refers to in the same step)."""
    if not objs:
        return
    fields = [f for f in insertable(model) if not isinstance(f, AUTO)]
    _link(fields, objs)
    pre_save(fields, objs)
    rows = prepared(fields, ([getattr(o, f.attname) for f in fields] for o in objs))
    head, one = _statement(model, fields, on_conflict=OnConflict.IGNORE)
    suffix = connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    with connection.cursor() as cursor:
        cursor.executemany(f"{head}{one} {suffix}".rstrip(), rows)


AUTO = (AutoField, BigAutoField, SmallAutoField)


def insert_reserving_ids(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert unsaved `objs` of `model` and give each its id, as `bulk_create` does, with
    the ids reserved first (`_reserve_ids`) so rows planned together can refer to each
    other before any is written. Only where this transaction is the only writer (the
    demo seed, which holds SQLite's write lock); elsewhere use insert_returning_ids."""
    if not objs:
        return
    fields = insertable(model)
    if objs[0].pk is None:
        for obj, new_id in zip(objs, _reserve_ids(model, len(objs)), strict=True):
            obj.pk = new_id
    _link(fields, objs)
    pre_save(fields, objs)
    attnames = [f.attname for f in fields]
    _execute(model, fields, ([getattr(o, a) for a in attnames] for o in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_history(
    model: type[Model], objs: Sequence[Model], *, user_id: int | None, reason: str
) -> None:
    """The "created" history row of each of `objs` (saved already), as
    `bulk_create_with_history` writes it: the tracked columns, now, the user and why."""
    if not objs:
        return
    history = model.history.model  # type: ignore[attr-defined]
    fields = insertable(history)
    tracked = {f.attname for f in history.tracked_fields}
    ids = iter(_reserve_ids(history, len(objs)))
    fixed: dict[str, Any] = {
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user_id,
    }
    relation = "history_relation_id" if hasattr(history, "history_relation") else None
    pk_name = history._meta.pk.attname if history._meta.pk else "history_id"

    def source(name: str, field: Field) -> Callable[[Model], Any]:
        """Where one history column's value comes from, chosen once per column."""
        if name == pk_name:
            return lambda obj: next(ids)
        if name in tracked:
            return attrgetter(name)
        if name == "history_date":
            return lambda obj: timezone.now()
        if name == relation:
            return attrgetter("pk")
        value = fixed[name] if name in fixed else field.get_default()
        return lambda obj: value

    sources = [source(f.attname, f) for f in fields]
    _execute(history, fields, ([get(o) for get in sources] for o in objs))


def _link(fields: list[Field], objs: Sequence[Model]) -> None:
    """A row planned with an object saved since (a hand-off and its ticket) takes the
    object's id, as `bulk_create` does; an object still unsaved is an error, as there."""
    relations = [f for f in fields if isinstance(f, ForeignKey)]
    for obj in objs:
        for field in relations:
            if getattr(obj, field.attname) is not None or not field.is_cached(obj):
                continue
            related = field.get_cached_value(obj)
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(f"{field.name} of a {model_name(obj)} row is not saved yet.")
            # Through the relation, as bulk_create does: setting only the id column would
            # drop the cached object, and each later `obj.ticket` would be a query (at
            # 100,000 demo tickets, tens of thousands of round trips on PostgreSQL).
            setattr(obj, field.name, related)


def model_name(obj: Model) -> str:
    return obj._meta.model_name or type(obj).__name__


def _execute(model: type[Model], fields: list[Field], rows: Iterable[list]) -> None:
    _execute_prepared(model, fields, prepared(fields, rows))


def _execute_prepared(model: type[Model], fields: list[Field], rows: list[list]) -> None:
    """Rows already in the driver's values, one prepared INSERT each (`executemany`)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model metadata
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` ids nobody else will take. SQLite: after the highest ever used (the seed's
    transaction holds the only write lock); PostgreSQL: drawn from the table's sequence."""
    table = model._meta.db_table
    column = model._meta.pk.column if model._meta.pk else "id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 - ditto
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            highest = max(highest, used[0] if used else 0)
    return list(range(highest + 1, highest + 1 + count))


def insertable(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def pre_save(fields: list[Field], objs: Sequence[Model]) -> None:
    """What `bulk_create` asks of fields that fill themselves (auto_now and the like)."""
    for field in fields:
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        custom = type(field).pre_save is not Field.pre_save and not isinstance(field, DateField)
        if automatic or custom:
            for obj in objs:
                field.pre_save(obj, True)


def prepared(fields: list[Field], rows: Iterable[list]) -> list[list]:
    """Rows of Python values made the driver's, each column by its field's converter."""
    converters = list(enumerate(converter(f) for f in fields))
    out = []
    for values in rows:
        for i, convert in converters:
            values[i] = convert(values[i])
        out.append(values)
    return out


def _statement(
    model: type[Model], fields: list[Field], on_conflict: OnConflict | None = None
) -> tuple[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    insert = connection.ops.insert_statement(on_conflict=on_conflict)
    head = f"{insert} {quote(model._meta.db_table)} ({columns}) VALUES "
    return head, "(" + ", ".join(["%s"] * len(fields)) + ")"


def _rows_per_statement(fields: list[Field]) -> int:
    return max(1, min(MAX_ROWS, MAX_PARAMS // max(1, len(fields))))


def _saved(objs: Sequence[Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def converter(field: Field) -> Convert:
    """How a value of `field` reaches the driver: as `get_db_prep_save` makes it, with the
    common cases (a plain str, int, bool, aware instant, duration) done without it."""
    if isinstance(field, ForeignKey):
        return converter(field.target_field)
    prepare = field.get_db_prep_save

    def slow(value: Any) -> Any:
        return prepare(value, connection)

    if isinstance(field, DateTimeField):
        return _instant(slow)
    if isinstance(field, DurationField):
        return _duration(slow)
    if isinstance(field, CharField | TextField):
        return _plain(str, slow)
    if isinstance(field, BooleanField):
        return _plain(bool, slow)
    if isinstance(field, IntegerField):
        return _whole(slow)
    return slow


def _plain(kind: type, slow: Convert) -> Convert:
    """A str goes as it is (choices members too, as Django passes them), a bool too."""
    if kind is str:
        return lambda value: value if value is None or isinstance(value, str) else slow(value)
    plain = kind
    return lambda value: value if value is None or type(value) is plain else slow(value)


def _whole(slow: Convert) -> Convert:
    """An int, or a member of integer choices made a plain int (`IntegerField` does)."""

    def convert(value: Any) -> Any:
        if value is None or type(value) is int:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        return slow(value)

    return convert


def _instant(slow: Convert) -> Convert:
    if not settings.USE_TZ:
        return slow
    if connection.vendor != "sqlite":

        def native(value: Any) -> Any:
            if value is None or (type(value) is datetime and value.tzinfo is not None):
                return value
            return slow(value)

        return native
    zone = connection.timezone  # as Django's adapt_datetimefield_value writes it

    def text(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is datetime:
            if value.tzinfo is zone:  # most are: made from timezone.now()
                return str(value.replace(tzinfo=None))
            if value.tzinfo is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
        return slow(value)

    return text


def _duration(slow: Convert) -> Convert:
    if connection.features.has_native_duration_field:
        return lambda value: value if value is None or type(value) is timedelta else slow(value)

    def microseconds(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is timedelta:
            return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        return slow(value)

    return microseconds
