"""Writing many rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

`bulk_create` builds a model instance per row and one long INSERT per batch; for the hundreds
of thousands of responses of a national network PostgreSQL's COPY is several times faster.
Rows whose primary keys the generator needs next (schools, rounds, targets) go through
`bulk_create`, which returns them on PostgreSQL and on SQLite alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 2000


def create(model: type[models.Model], objects: Iterable[Any]) -> list[Any]:
    """`bulk_create` in batches; returns the objects with their primary keys."""
    return model._default_manager.bulk_create(list(objects), batch_size=BATCH)  # type: ignore[attr-defined]


def copy_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert plain value rows (in `fields` order, by field name); returns how many.

    JSON fields take Python values (lists, dicts) and are encoded here; foreign keys take the
    related primary key under their field name (`round`, not `round_id`)."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
    json_at = [
        n for n, name in enumerate(fields) if isinstance(meta.get_field(name), models.JSONField)
    ]
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(meta.db_table)
        names = ", ".join(connection.ops.quote_name(str(column)) for column in columns)
        sql = f"COPY {table} ({names}) FROM STDIN"
        # psycopg's own cursor (`cursor.cursor`): Django's wrapper has no copy().
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # type: ignore[attr-defined]
            for row in rows:
                values = list(row)
                for n in json_at:
                    values[n] = json.dumps(values[n], separators=(",", ":"))
                copy.write_row(values)
                count += 1
        return count
    attnames = [meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(attnames, row, strict=True))))
        if len(batch) >= BATCH:
            model._default_manager.bulk_create(batch)  # type: ignore[attr-defined]
            count += len(batch)
            batch = []
    if batch:
        model._default_manager.bulk_create(batch)  # type: ignore[attr-defined]
        count += len(batch)
    return count


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment on `day` in the project's time zone (the demo's habit: nine in the morning)."""
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())
