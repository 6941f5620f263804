"""Derived figures are made by the background worker, never in the request (issue 15).

Transactional tests: the changes commit, the tasks are queued on commit as in production,
and the real `db_worker` runs them (`tests.worker.run_worker`). Nothing is mocked.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dramaturg.networks.models import BenchmarkSnapshot
from dramaturg.networks.services import create_network
from dramaturg.reports import derived, tasks
from dramaturg.reports.models import ChartImage, Derivation, RoundSummary
from dramaturg.reports.summaries import SCHEMA
from dramaturg.schools.models import Team
from tests.survey_helpers import add_members, staff_round
from tests.test_reports_dashboard import into_past
from tests.test_reports_results_excel import INSTRUMENTS, answer
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

PREPARED = {"nl": "worden voorbereid", "en": "being prepared"}


@pytest.fixture
def teams(world):
    middle = Team.objects.create(school=world.school, name="Middenbouw")
    add_members(world, world.team_b, 7)
    add_members(world, middle, 6, prefix="midden")
    return [world.team_a, middle, world.team_b]


def answered(world, teams, title="Meting"):
    round_ = staff_round(world, teams, instruments=INSTRUMENTS, title=title)
    for target in round_.targets.all():
        answer(round_, target, target.invited)
    return round_


def dashboard(client, world, language="nl") -> str:
    client.cookies["dramaturg_language"] = language
    response = client.get(reverse("reports:dashboard", args=[world.school.slug]))
    assert response.status_code == 200
    return response.content.decode()


def efficacy_part(html: str) -> str:
    start = html.index('id="efficacy-heading"')
    return html[start : html.index("</section>", html.index("</h2>", start) + 200)]


def test_closing_a_round_makes_its_figures_after_the_worker_ran_not_before(
    world, teams, client_for
):
    round_ = answered(world, teams, title="Najaarsmeting")
    run_worker()  # the open round's summary: every figure still hidden
    assert RoundSummary.objects.get(round=round_).data["closed"] is False
    client = client_for(world.leader)
    url = reverse("surveys:round_close", args=[world.school.slug, round_.pk])
    assert client.post(url).status_code in (200, 302)

    # Before the worker: the request did not compute; the page says so and shows the rest.
    assert RoundSummary.objects.get(round=round_).data["closed"] is False
    for language in ("nl", "en"):
        html = dashboard(client, world, language)
        assert PREPARED[language] in efficacy_part(html)
        assert "<svg" not in html
        assert 'id="stages-heading"' in html  # the rest of the page is there
    assert Derivation.objects.filter(kind=derived.SUMMARY, key=str(round_.pk)).exists()

    run_worker()
    summary = RoundSummary.objects.get(round=round_)
    assert summary.data["closed"] is True
    assert summary.schema == SCHEMA
    assert summary.inputs
    assert not Derivation.objects.exists()
    html = dashboard(client, world, "en")
    assert "measurement round are being prepared" not in html
    assert "This chart is being prepared" in html  # the trend's picture: asked, not drawn
    assert "Show as table" in html  # its numbers are there already
    run_worker()
    html = dashboard(client, world, "en")
    assert "This chart is being prepared" not in html
    assert 'id="trend-collective_efficacy"' in html
    assert "<svg" in html
    assert ChartImage.objects.exclude(svg="").exists()  # stored, for every server


def test_the_dashboard_only_reads_whatever_the_number_of_rounds(world, teams, client_for):
    client = client_for(world.leader)
    for weeks in (60, 40):
        into_past(answered(world, teams), weeks)
    dashboard(client, world)
    with CaptureQueriesContext(connection) as two:
        html = dashboard(client, world)
    assert "2 meetrondes worden voorbereid" in html
    for weeks in (30, 20, 10):
        into_past(answered(world, teams), weeks)
    dashboard(client, world)
    with CaptureQueriesContext(connection) as five:
        html = dashboard(client, world)
    assert "5 meetrondes worden voorbereid" in html
    assert len(five) == len(two)
    # Nothing was computed in a request: only the open rounds' summaries of the worker that
    # never ran are missing, and none is closed.
    assert not RoundSummary.objects.filter(data__closed=True).exists()
    assert DBTaskResult.objects.count() <= 5 + 2  # queued once per round, plus the pages'
    run_worker()
    assert RoundSummary.objects.filter(data__closed=True).count() == 5
    assert "meetrondes worden voorbereid" not in dashboard(client, world)


def test_a_summary_is_queued_once_and_never_computed_twice_at_once(world, teams):
    round_ = answered(world, teams)
    run_worker()
    key = str(round_.pk)
    queued = DBTaskResult.objects.count()
    assert derived.request_now(derived.SUMMARY, [key], tasks.compute_summaries) == 1
    assert derived.request_now(derived.SUMMARY, [key], tasks.compute_summaries) == 0
    assert DBTaskResult.objects.count() == queued + 1  # a thousand page views: one task

    # Another worker holds it: this one skips the key.
    Derivation.objects.filter(key=key).update(state=Derivation.State.RUNNING)
    calls: list[str] = []
    assert derived.run(derived.SUMMARY, [key], calls.append)["skipped"] == 1
    assert calls == []

    # A change while it runs (a batch released) makes the holder compute once more, and
    # queues no second task.
    Derivation.objects.filter(key=key).update(state=Derivation.State.QUEUED)

    def compute(k: str) -> None:
        calls.append(k)
        if len(calls) == 1:
            derived.request_now(derived.SUMMARY, [k], tasks.compute_summaries)

    assert derived.run(derived.SUMMARY, [key], compute) == {"done": 1, "skipped": 0, "failed": 0}
    assert calls == [key, key]
    assert DBTaskResult.objects.count() == queued + 1
    assert not Derivation.objects.exists()


def test_recompute_queues_every_summary_and_reports_progress(world, teams):
    rounds = [into_past(answered(world, teams), weeks) for weeks in (40, 20)]
    run_worker()
    RoundSummary.objects.update(schema=SCHEMA - 1)  # as after a change of the format
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 still waiting"):
        call_command(
            "recompute", "--summaries", "--wait", "--timeout=0.01", "--interval=0.01", stdout=out
        )
    assert "round summaries: 2 queued" in out.getvalue()
    assert "done 0 of 2" in out.getvalue()
    assert "charts" not in out.getvalue()
    run_worker()
    assert {s.round_id: s.schema for s in RoundSummary.objects.all()} == {
        r.pk: SCHEMA for r in rounds
    }
    out = io.StringIO()
    call_command("recompute", "--due", "--wait", stdout=out)  # nothing is missing any more
    assert "round summaries: 0 queued" in out.getvalue()
    assert "done 0 of 0" in out.getvalue()


def test_a_new_network_gets_its_benchmark_snapshot_from_the_worker(world):
    network = create_network(world.leader, world.school, "Leerkring")
    assert not BenchmarkSnapshot.objects.filter(network=network).exists()
    run_worker()
    assert BenchmarkSnapshot.objects.filter(network=network).count() == 1
