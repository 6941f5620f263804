"""Answering a round: who may answer, the steps of the form, and the one-transaction submit.

The form is stateless between steps: the answers so far travel in an encrypted hidden field,
so nothing is stored until the respondent submits (or, for staff, saves a sealed draft).
A submit validates every value, then uses up the link or code and stores the sealed answers
in one transaction — either all of it is stored, or nothing; the answers become a response
when their batch is released (`release.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from dramaturg.surveys import answer_sql, release
from dramaturg.surveys.instruments import Instrument, Item, Scale
from dramaturg.surveys.models import (
    Participation,
    Round,
    RoundInstrument,
    RoundTarget,
    StudentCode,
)
from dramaturg.surveys.secrets import (
    hash_secret,
    new_token,
    normalise_code,
    open_state,
    seal_draft,
    seal_state,
)
from dramaturg.surveys.services import RoundError

Answers = list[int | None]


class AnswerError(RoundError):
    """Why a respondent cannot answer (now); the page explains it in their language."""

    status = 400


class UnknownLink(AnswerError):
    status = 404


class AlreadyAnswered(AnswerError):
    status = 200


class RoundNotOpen(AnswerError):
    status = 410


class BadAnswers(AnswerError):
    status = 400


@dataclass(frozen=True)
class Step:
    number: int
    instrument: Instrument
    scale: Scale
    offset: int  # where this scale's items start in the answer array

    @property
    def fields(self) -> list[tuple[str, Item]]:
        return [(f"q{self.offset + i}", item) for i, item in enumerate(self.scale.items)]

    def allowed(self) -> set[int]:
        values = set(range(1, self.instrument.option_count + 1))
        return values | {0} if self.instrument.dont_know else values


@dataclass
class Access:
    """A respondent's way in: a personal link, a class code or a single-use code."""

    round: Round
    target: RoundTarget
    secret: str
    participation: Participation | None = None
    code: StudentCode | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.participation is not None:
            return "staff"
        return "code" if self.code is not None else "class"

    @property
    def item_count(self) -> int:
        return sum(len(step.scale.items) for step in self.steps)


class _NoSteps(Exception):
    """A round without instruments yet: nothing to remember (exceptions are never cached)."""


def round_steps(round_: Round) -> list[Step]:
    """The round's scales in answer-array order, with where each starts: the layout that the
    answering pages and the results both follow."""
    try:
        return list(_round_steps(round_.pk, round_.created_at))
    except _NoSteps:
        return []


@lru_cache(maxsize=256)
def _round_steps(round_pk: int, created_at: dt.datetime) -> tuple[Step, ...]:
    """A round's instruments are written with the round and never change, so neither do its
    steps: read them once per process instead of on every request. The creation time is part
    of the key because SQLite reuses the primary key of a deleted round."""
    steps: list[Step] = []
    offset = 0
    # By position alone: the default ordering would join and sort by the round's dates.
    for round_instrument in RoundInstrument.objects.filter(round_id=round_pk).order_by("position"):
        instrument = round_instrument.instrument
        for scale in instrument.scales:
            steps.append(Step(len(steps) + 1, instrument, scale, offset))
            offset += len(scale.items)
    if not steps:
        raise _NoSteps
    return tuple(steps)


def _check_open(round_: Round) -> None:
    status = round_.status()
    if status == "scheduled":
        raise RoundNotOpen(
            _("This questionnaire opens on %(date)s.")
            % {"date": round_.opens_on.strftime("%d-%m-%Y")}
        )
    if status == "closed":
        raise RoundNotOpen(_("This questionnaire is closed. Thank you for your interest."))


def _finish(access: Access) -> Access:
    _check_open(access.round)
    access.steps = round_steps(access.round)
    return access


def staff_access(token: str) -> Access:
    participation = (
        Participation.objects.select_related("target__round__school", "target__team", "user")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if participation is None:
        raise UnknownLink(
            _("This link is unknown. Perhaps a newer link was sent to you: use the latest mail.")
        )
    if participation.answered:
        raise AlreadyAnswered(_("You have already answered. Thank you!"))
    target = participation.target
    return _finish(Access(target.round, target, token, participation=participation))


def student_access(typed: str, *, submitting: bool = False) -> Access:
    """A class code (many students) or a single-use code (one student). A submit shows no
    page, so it skips what only a page shows (the school's and the class's names)."""
    code = normalise_code(typed)
    names = not submitting
    found = slip = None
    if code:
        # Class codes have 6 characters and single-use codes 8 ("K7PQ-4XTM"), so no string is
        # both: a code of slip length is looked up as a slip first, which spares the class
        # query on every single-use submit. Either way the other table is still tried.
        slip = answer_sql.slip(code, names=names) if len(code) == 9 else None
        found = None if slip is not None else answer_sql.class_target(code, names=names)
        if found is None and slip is None and len(code) != 9:
            slip = answer_sql.slip(code, names=names)
    if found is not None:
        return _finish(Access(found.round, found, code))
    if slip is None:
        raise UnknownLink(_("This code is unknown. Check the code and try again."))
    if slip.used:
        raise AlreadyAnswered(_("This code has already been used."))
    return _finish(Access(slip.target.round, slip.target, code, code=slip))


# --- the hidden state that carries answers between steps ---


def new_state(access: Access, answers: Answers | None = None) -> dict[str, Any]:
    return {"answers": answers or [None] * access.item_count, "key": new_token()}


def dump_state(access: Access, state: dict[str, Any]) -> str:
    """The state for the hidden field: encrypted, not only signed, and bound to the link or
    code (`secrets.seal_state`)."""
    return seal_state(access.secret, state)


def load_state(access: Access, raw: str) -> dict[str, Any]:
    """The carried answers, verified: a tampered or foreign state is refused outright."""
    state = open_state(access.secret, raw)
    if state is None:
        raise BadAnswers(
            _("The form was changed or belongs to another questionnaire. Please start again.")
        )
    answers = state.get("answers") if isinstance(state, dict) else None
    if not isinstance(answers, list) or len(answers) != access.item_count:
        raise BadAnswers(_("The form does not fit this questionnaire. Please start again."))
    return state


def read_step(step: Step, data: Any) -> tuple[dict[int, int], list[str]]:
    """The values posted for one step, and the field names left unanswered."""
    values, missing = {}, []
    allowed = step.allowed()
    for name, _item in step.fields:
        raw = data.get(name, "")
        if raw == "":
            missing.append(name)
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError) as error:
            raise BadAnswers(_("An answer has a value that does not exist.")) from error
        if value not in allowed:
            raise BadAnswers(_("An answer has a value that does not exist."))
        values[int(name[1:])] = value
    return values, missing


def validate_complete(access: Access, answers: Answers) -> list[int]:
    for step in access.steps:
        allowed = step.allowed()
        for index in range(step.offset, step.offset + len(step.scale.items)):
            if not isinstance(answers[index], int) or answers[index] not in allowed:
                raise BadAnswers(_("Some questions have no valid answer yet."))
    return [int(a) for a in answers if a is not None]


# --- writes ---


def save_draft(access: Access, answers: Answers) -> None:
    if access.participation is None:
        raise AnswerError(_("Only a personal link can save answers for later."))
    Participation.objects.filter(pk=access.participation.pk, answered=False).update(
        sealed_draft=seal_draft(access.secret, answers)
    )


def submit(access: Access, state: dict[str, Any]) -> None:
    """Accept the answers once, or nothing.

    A second submit of the same form stores nothing more. With a personal link or a
    single-use code, the link or code is used up in the same transaction, so a second submit
    finds it used and gets the "already answered" page. A class code is shared by the whole
    class, so there the form's one-time key in `Submission` tells a double click apart from
    the next student: a second insert of the key fails and the answers are already stored.

    The answers are stored sealed, waiting for release (`release.py`): a readable response
    is written only together with at least the threshold of its team or class, by the
    submit that completes the batch.
    """
    answers = validate_complete(access, state["answers"])
    # The round was read moments ago in this request (`_finish`); checking it again here
    # covers a submit that crosses midnight, without reading the round a second time.
    _check_open(access.round)
    round_ = access.round
    try:
        with transaction.atomic(), answer_sql.Writes() as db:
            if access.kind == "class":
                db.insert_submission(hash_secret(str(state["key"])), round_.pk)
            _claim(access, db)
            release.accept(db, round_, access.target.pk, answers)
    except IntegrityError:
        return  # the same form was submitted before: its answers are already stored


def _claim(access: Access, db: answer_sql.Writes) -> None:
    """Use up the way in (the row stays locked until the commit); refuse when it is spent."""
    if access.participation is not None:
        if not db.claim_participation(access.participation.pk):
            raise AlreadyAnswered(_("You have already answered. Thank you!"))
    elif access.code is not None:
        if not db.claim_code(access.code.pk):
            raise AlreadyAnswered(_("This code has already been used."))
    elif db.class_room(access.target.pk) <= 0:
        raise AnswerError(_("This class has already given as many answers as it has students."))
