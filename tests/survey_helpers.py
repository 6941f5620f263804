"""Building measurement rounds in tests, and answering them the way a browser does."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dramaturg.schools.models import StudentGroup
from dramaturg.schools.roles import Role
from dramaturg.surveys.models import Participation, Round
from dramaturg.surveys.secrets import hash_secret, new_token
from dramaturg.surveys.services import InstrumentChoice, RoundPlan, create_round
from tests.personas import join, make_user


def add_members(world, team, count: int, prefix: str = "lid") -> list:
    users = []
    for n in range(count):
        user = make_user(f"{prefix}{n}.{team.pk}@vuurtoren.test", f"{prefix.title()} {n}")
        join(user, world.school, Role.MEMBER, team)
        users.append(user)
    return users


def staff_round(world, teams, instruments=("collective_efficacy",), **changes) -> Round:
    today = timezone.localdate()
    plan = RoundPlan(
        title=changes.pop("title", "Najaarsmeting"),
        mode=Round.Mode.STAFF,
        opens_on=changes.pop("opens_on", today),
        closes_on=changes.pop("closes_on", today + dt.timedelta(days=14)),
        anonymity_threshold=changes.pop("threshold", 5),
        instruments=[
            c if isinstance(c, InstrumentChoice) else InstrumentChoice(c) for c in instruments
        ],
        teams=teams,
    )
    return create_round(world.leader, world.school, plan)


def student_round(world, sizes=(25,), access=Round.StudentAccess.CLASS_CODE, **changes) -> Round:
    today = timezone.localdate()
    prefix = changes.pop("class_prefix", "Groep")
    classes = [
        StudentGroup.objects.create(school=world.school, name=f"{prefix} {n + 6}", size=size)
        for n, size in enumerate(sizes)
    ]
    plan = RoundPlan(
        title=changes.pop("title", "Leerlingmeting"),
        mode=Round.Mode.STUDENTS,
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        anonymity_threshold=changes.pop("threshold", 5),
        instruments=[InstrumentChoice("student_self_efficacy")],
        classes=classes,
        student_access=access,
    )
    return create_round(world.leader, world.school, plan)


def personal_links(round_: Round) -> dict[int, str]:
    """Give every participant a known link (the mailed tokens are not stored): user pk → path."""
    links = {}
    for participation in Participation.objects.filter(target__round=round_):
        token = new_token()
        participation.token_hash = hash_secret(token)
        participation.save(update_fields=["token_hash"])
        links[participation.user_id] = reverse("answer:staff", args=[token])
    return links


STATE = re.compile(r'name="state" value="([^"]+)"')
FIELD = re.compile(r'name="(q\d+)"')


def form_state(response) -> str:
    match = STATE.search(response.content.decode())
    assert match, "the page carries no form state"
    return match.group(1)


def step_fields(response) -> list[str]:
    return list(dict.fromkeys(FIELD.findall(response.content.decode())))


def answer_all(client: Client, url: str, value: int = 4, extra: dict | None = None):
    """Walk a questionnaire from the introduction to the end, answering `value` everywhere.
    Returns the last response (a redirect to the thank-you page when all went well)."""
    page = client.get(url) if not extra else client.post(url, extra)
    step = 0
    while True:
        fields = step_fields(page)
        is_last = 'value="submit"' in page.content.decode()
        data = {
            "state": form_state(page),
            "step": str(step),
            "action": "submit" if is_last else "next",
            **{name: str(value) for name in fields},
            **(extra or {}),
        }
        page = client.post(url, data)
        if page.status_code != 200 or is_last:
            return page
        step += 1


def round_items(round_: Round) -> list:
    """Every (instrument, item) of the round in answer-array order."""
    return [(ri, item) for ri in round_.instruments.all() for item in ri.instrument.items]


def scale_score(instrument, scale, answers: list[int], offset: int):
    """One respondent's scale score worked out by hand, to check the engine's figures: the
    mean of the answered items after reverse keying, or None below the scale's minimum."""
    values = []
    for i, item in enumerate(scale.items):
        value = answers[offset + i]
        if value:  # 0 is "don't know": missing
            values.append(instrument.reverse_value(value) if item.reverse else value)
    return sum(values) / len(values) if len(values) >= scale.min_items else None


def accepted_answers(round_: Round | None = None) -> list[list]:
    """Every accepted answer array: released responses and the sealed ones still waiting for
    release, opened with the application's key (as only the release step and a test may)."""
    from dramaturg.surveys.models import PendingResponse, Response
    from dramaturg.surveys.release import unseal

    responses = Response.objects.all()
    pending = PendingResponse.objects.all()
    if round_ is not None:
        responses, pending = responses.filter(round=round_), pending.filter(round=round_)
    found = [list(answers) for answers in responses.values_list("answers", flat=True)]
    for round_pk, sealed in pending.values_list("round_id", "sealed"):
        found.append(unseal(round_pk, sealed))
    return found
