"""The queries of a student's way in and of every submit, in plain SQL.

A school's students answer in the same lesson hour, so a submit must carry hundreds per
second on a small server (issue 4, docs/benchmarks.md). Through the ORM each query cost
1.5–4 ms of Python to build (compiling the SQL and its joins) against 0.2–0.3 ms to run it.
Here the SQL is written once per process, and the ORM's own pieces keep the results the
same: rows become model instances with Django's value converters (dates, times, booleans as
the ORM gives them), and every value written goes through its field's `get_db_prep_save`
(UUIDs, JSON and dates stored exactly as the ORM stores them). `%s` placeholders through
Django's cursor work on SQLite and PostgreSQL alike. Nothing here decides anything: the rules
stay in `answering.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from dramaturg.schools.models import School, StudentGroup
from dramaturg.surveys.models import (
    Participation,
    PendingResponse,
    Response,
    Round,
    RoundTarget,
    StudentCode,
    Submission,
)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(field: Field[Any, Any]) -> str:
    """The quoted column of a concrete field (`Field.column` is None only without one)."""
    assert field.column is not None
    return _quote(field.column)


def _concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a model's own field, not a reverse relation
    return field


class _Rows:
    """All columns of one model in a SELECT, and the instance built back from them."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model, self.alias = model, alias
        self.fields = model._meta.concrete_fields
        self.width = len(self.fields)
        # Every concrete field in order, as the ORM passes them: `from_db` defers none.
        self.names = [field.attname for field in self.fields]
        # What the ORM would apply to each column on this database (SQLite returns times as
        # naive strings, for one); computed once, like the SQL.
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))

    @property
    def columns(self) -> str:
        return ", ".join(f"{self.alias}.{_column(field)}" for field in self.fields)

    def build(self, row: Sequence[Any], start: int) -> Any:
        values = list(row[start : start + self.width])
        if values[0] is None:  # the primary key (the first field): an outer join found nothing
            return None
        for index, converters, column in self.converters:
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


class _TargetLookup:
    """A slip's or a class code's target with its round, in one query: what select_related()
    fetched, without building the SQL each time. A page also shows the school and the class;
    a submit shows none, and joining them would more than double PostgreSQL's planning time
    (when a submit does show a page after all, they load on their own)."""

    def __init__(self, slip: bool, names: bool) -> None:
        parts = [_Rows(RoundTarget, "t"), _Rows(Round, "r")]
        source = f"{_table(RoundTarget)} t"
        if slip:
            parts.insert(0, _Rows(StudentCode, "c"))
            source = f"{_table(StudentCode)} c JOIN {source} ON t.id = c.target_id"
        sql = [f"FROM {source} JOIN {_table(Round)} r ON r.id = t.round_id"]
        if names:
            parts += [_Rows(School, "s"), _Rows(StudentGroup, "g")]
            sql.append(f"JOIN {_table(School)} s ON s.id = r.school_id")
            sql.append(f"LEFT JOIN {_table(StudentGroup)} g ON g.id = t.student_group_id")
        sql.append("WHERE c.code = %s" if slip else "WHERE t.class_code = %s")
        self.parts = parts
        self.sql = f"SELECT {', '.join(part.columns for part in parts)} {' '.join(sql)}"

    def fetch(self, code: str) -> tuple[StudentCode | None, RoundTarget] | None:
        """(the slip or None, the target) for a code, or None when it is unknown."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [code])
            row = cursor.fetchone()
        if row is None:
            return None
        found, start = {}, 0
        for part in self.parts:
            found[part.alias] = part.build(row, start)
            start += part.width
        target = found["t"]
        target.round = found["r"]
        if "s" in found:
            target.round.school = found["s"]
            target.student_group = found["g"]
        if "c" in found:
            found["c"].target = target
        return found.get("c"), target


@cache
def _lookup(slip: bool, names: bool, vendor: str) -> _TargetLookup:
    # Per database vendor: the quoting and the converters depend on it.
    return _TargetLookup(slip, names)


def slip(code: str, *, names: bool = True) -> StudentCode | None:
    """The single-use code with its target and round (and school and class: `names`)."""
    found = _lookup(True, names, connection.vendor).fetch(code)
    return found[0] if found else None


def class_target(code: str, *, names: bool = True) -> RoundTarget | None:
    """The class code's target with its round (and school and class: `names`)."""
    found = _lookup(False, names, connection.vendor).fetch(code)
    return found[1] if found else None


# --- the writes of a submit ---


class Writes:
    """The statements of a submit on one cursor; the caller holds the transaction.

    with transaction.atomic(), answer_sql.Writes() as db: ...
    """

    def __enter__(self) -> Writes:
        self.cursor = connection.cursor()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()

    def _execute(self, sql: str, params: list[Any]) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def _insert_sql(self, model: type[Model], **values: Any) -> tuple[str, list[Any]]:
        fields = [_concrete_field(model, name) for name in values]
        columns = ", ".join(_column(field) for field in fields)
        prepared = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values.values(), strict=True)
        ]
        placeholders = ", ".join(["%s"] * len(fields))
        return f"INSERT INTO {_table(model)} ({columns}) VALUES ({placeholders})", prepared

    def _insert(self, model: type[Model], **values: Any) -> None:
        self._execute(*self._insert_sql(model, **values))

    def claim_participation(self, pk: int) -> bool:
        """Mark a personal link answered and drop its draft; False when it already was."""
        sql = f"UPDATE {_table(Participation)} SET answered = %s, sealed_draft = %s"
        return bool(self._execute(sql + " WHERE id = %s AND answered = %s", [True, "", pk, False]))

    def claim_code(self, pk: int) -> bool:
        """Mark a single-use code used; False when it already was."""
        sql = f"UPDATE {_table(StudentCode)} SET used = %s WHERE id = %s AND used = %s"
        return bool(self._execute(sql, [True, pk, False]))

    def class_room(self, target_pk: int) -> int:
        """How many more answers a class code accepts. Locks the class's target row first (on
        PostgreSQL), so two students cannot both take the last place: the count is a second
        statement, so it sees what the other committed while this one waited."""
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        self._execute(f"SELECT invited FROM {_table(RoundTarget)} WHERE id = %s{lock}", [target_pk])
        (invited,) = self.cursor.fetchone()
        return invited - self._count(Response, target_pk) - self._count(PendingResponse, target_pk)

    def _count(self, model: type[Model], target_pk: int) -> int:
        self._execute(f"SELECT COUNT(*) FROM {_table(model)} WHERE target_id = %s", [target_pk])
        (count,) = self.cursor.fetchone()
        return int(count)

    def insert_submission(self, key_hash: str, round_pk: int) -> None:
        """The form's one-time key; a second insert of the same key raises IntegrityError."""
        self._insert(Submission, key_hash=key_hash, round=round_pk)

    # --- the release of waiting answers (`release.py`) ---

    def take_waiting(self, target_pk: int) -> list[tuple[Any, int, str]]:
        """(id, round, sealed) of a team's or class's waiting answers, locked; rows another
        release holds are skipped (PostgreSQL; SQLite has one writer at a time)."""
        lock = (
            " FOR UPDATE SKIP LOCKED"
            if connection.features.has_select_for_update_skip_locked
            else ""
        )
        sql = f"SELECT id, round_id, sealed FROM {_table(PendingResponse)} WHERE target_id = %s"
        self._execute(sql + lock, [target_pk])
        return list(self.cursor.fetchall())

    def delete_pending(self, ids: list[Any]) -> None:
        """Delete released rows by the ids exactly as `take_waiting` read them."""
        placeholders = ", ".join(["%s"] * len(ids))
        self._execute(f"DELETE FROM {_table(PendingResponse)} WHERE id IN ({placeholders})", ids)

    def insert_responses(self, round_pk: int, target_pk: int, batch: list[Any], week: Any) -> None:
        """One statement for a released batch, its rows in the order given (shuffled)."""
        names = ("id", "round", "target", "answers", "week")
        fields = [_concrete_field(Response, name) for name in names]
        values: list[Any] = []
        for answers in batch:
            # The primary key is random (see models.py): the field's default makes it.
            row = (fields[0].get_default(), round_pk, target_pk, answers, week)
            values += [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
        columns = ", ".join(_column(field) for field in fields)
        rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(batch))
        self._execute(f"INSERT INTO {_table(Response)} ({columns}) VALUES {rows}", values)

    def insert_pending(self, round_pk: int, target_pk: int, sealed: str) -> int:
        """Store a sealed answer; returns how many others of its team or class were waiting.

        On PostgreSQL one statement does both (the count does not see the row the same
        statement inserts): a submit is benchmarked, and a round trip is a good share of it."""
        # The primary key is random (see models.py): the field's default makes it.
        pk = PendingResponse._meta.pk.get_default()  # type: ignore[union-attr]
        insert, params = self._insert_sql(
            PendingResponse, id=pk, round=round_pk, target=target_pk, sealed=sealed
        )
        count = f"SELECT COUNT(*) FROM {_table(PendingResponse)} WHERE target_id = %s"
        if connection.vendor == "postgresql":
            self._execute(f"WITH stored AS ({insert} RETURNING 1) {count}", [*params, target_pk])
            (others,) = self.cursor.fetchone()
            return int(others)
        self._execute(insert, params)
        return self._count(PendingResponse, target_pk) - 1
