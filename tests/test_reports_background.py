"""Exports prepared in the background: the real queue, the real worker, the real file.

Nothing is mocked. A request queues `reports.tasks.run_export` in the database
(django-tasks-db); `run_worker` runs the real `db_worker` command in this process in batch
mode, which works through the queue and exits. The tests are transactional: the job is
queued on commit, as in production.

No shipped exporter is a background one yet, so a fixture registers one that builds the
real results workbook through `results_xlsx`, and takes it away again afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from dramaturg.reports import exporters, services
from dramaturg.reports.models import ExportJob
from dramaturg.reports.tasks import run_export
from dramaturg.schools.models import Membership
from dramaturg.schools.roles import Role
from dramaturg.surveys.models import Round
from tests.helpers import english
from tests.personas import join, make_user
from tests.survey_helpers import staff_round

pytestmark = pytest.mark.django_db(transaction=True)

BACKGROUND_KEY = "test_background_xlsx"
FAILING_KEY = "test_failing_pdf"
SECRET = "details that belong in the log only"


class BackgroundWorkbook(exporters.Exporter):
    key = BACKGROUND_KEY
    label = "Results, prepared in the background"
    kind = exporters.ROUND
    format_name = "Excel"
    content_type = exporters.XLSX
    extension = "xlsx"
    background = True

    def build(self, round_):
        return exporters.EXPORTERS["results_xlsx"].build(round_)


class FailingReport(exporters.Exporter):
    key = FAILING_KEY
    label = "A report that cannot be made"
    kind = exporters.ROUND
    format_name = "PDF"
    content_type = "application/pdf"
    extension = "pdf"
    background = True

    def build(self, round_):
        raise RuntimeError(SECRET)


@pytest.fixture(autouse=True)
def background_exporters():
    registered = [exporters.register(BackgroundWorkbook()), exporters.register(FailingReport())]
    yield
    for exporter in registered:
        exporters.EXPORTERS.pop(exporter.key)


def run_worker() -> None:
    """The real database worker, in this process: run every queued task, then stop."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:  # the worker installs its own Ctrl-C handling; give pytest its own back
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def export_tasks():
    """The queue's rows of export tasks (a round made also queues its summary)."""
    return DBTaskResult.objects.filter(task_path="dramaturg.reports.tasks.run_export")


def state_text(state: str, language: str = "nl") -> str:
    with translation.override(language):
        return str(ExportJob.State(state).label).capitalize()


def error_text(error: str, language: str = "nl") -> str:
    with translation.override(language):
        return str(ExportJob.Error(error).label)


def job_url(job, name="export_job"):
    return reverse(f"reports:{name}", args=[job.school.slug, job.pk])


def request_export(client, round_, key=BACKGROUND_KEY):
    url = reverse("reports:exports", args=[round_.school.slug])
    response = client.post(url, {"kind": "round", "object_id": round_.pk, "key": key})
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    return job


def workbook_values(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_worker_prepares_the_file_and_only_then_offers_it(world, client_for):
    round_ = staff_round(world, [world.team_a], instruments=("collective_efficacy",))
    leader = client_for(world.leader)
    job = request_export(leader, round_)
    assert (job.requested_by, job.school, job.language) == (world.leader, world.school, "nl")
    task = export_tasks().get()
    assert job.__class__.objects.get(pk=job.pk).task_result_id == str(task.id)
    assert task.task_path == run_export.module_path

    page = leader.get(job_url(job)).content.decode()
    assert state_text("queued") in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert job_url(job, "export_download") not in page
    assert leader.get(job_url(job, "export_download")).status_code == 404

    run_worker()

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert job.finished_at is not None
    assert export_tasks().get().status == "SUCCESSFUL"
    page = leader.get(job_url(job)).content.decode()
    assert state_text("done") in page
    assert 'http-equiv="refresh"' not in page
    assert job_url(job, "export_download") in page

    response = leader.get(job_url(job, "export_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == exporters.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="{}"'.format(
        BackgroundWorkbook().filename(round_, "nl")
    )
    direct = exporters.EXPORTERS["results_xlsx"].render(round_, "nl")
    assert workbook_values(response.content) == workbook_values(direct)
    with translation.override("nl"):
        assert load_workbook(io.BytesIO(response.content)).sheetnames[-1] == gettext("Codebook")

    listing = leader.get(reverse("reports:exports", args=[world.school.slug])).content.decode()
    assert job_url(job) in listing
    assert job_url(job, "export_download") in listing


def test_the_file_is_in_the_language_of_the_request(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = english(client_for(world.leader))
    job = request_export(leader, round_)
    assert job.language == "en"
    assert state_text("queued", "en") in leader.get(job_url(job)).content.decode()
    run_worker()
    content = leader.get(job_url(job, "export_download")).content
    assert load_workbook(io.BytesIO(content)).sheetnames[-2:] == ["Response rate", "Codebook"]


def test_a_direct_exporter_can_be_queued_too_through_the_service(world):
    round_ = staff_round(world, [world.team_a])
    exporter = exporters.EXPORTERS["results_xlsx"]
    assert not exporter.background
    job = services.request_export(world.leader, world.school, "round", round_, exporter, "nl")
    run_worker()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert job.filename == exporter.filename(round_, "nl")
    assert workbook_values(services.job_content(job)) == workbook_values(
        exporter.render(round_, "nl")
    )


def test_the_round_page_offers_a_button_for_background_exporters(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    page = leader.get(reverse("surveys:round_detail", args=[world.school.slug, round_.pk]))
    html = page.content.decode()
    direct = reverse("reports:round_export", args=[world.school.slug, round_.pk, "results_xlsx"])
    background = reverse("reports:round_export", args=[world.school.slug, round_.pk, FAILING_KEY])
    assert f'href="{direct}"' in html
    assert background not in html
    assert f'action="{reverse("reports:exports", args=[world.school.slug])}"' in html
    assert f'name="key" value="{BACKGROUND_KEY}"' in html
    with translation.override("nl"):
        assert gettext("Prepare %(format)s") % {"format": "PDF"} in html

    # An old or typed link to a background exporter builds nothing: it offers the button.
    response = leader.get(background)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f'name="key" value="{FAILING_KEY}"' in response.content.decode()
    assert not ExportJob.objects.exists()


def test_htmx_asks_for_the_status_until_it_changes(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    job = request_export(leader, round_)
    htmx = {"HTTP_HX_REQUEST": "true"}
    page = leader.get(job_url(job)).content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert leader.get(job_url(job), {"since": "queued"}, **htmx).status_code == 204
    run_worker()
    fragment = leader.get(job_url(job), {"since": "queued"}, **htmx)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert job_url(job, "export_download") in html
    assert "hx-trigger" not in html  # done: the polling stops


def test_a_failing_export_shows_a_friendly_message_and_logs_the_rest(world, client_for, caplog):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    job = request_export(leader, round_, key=FAILING_KEY)
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.error, job.content) == ("failed", "failed", None)
    html = leader.get(job_url(job)).content.decode()
    assert state_text("failed") in html
    assert error_text("failed").replace("'", "&#x27;") in html
    assert SECRET not in html
    assert "Traceback" not in html
    assert "RuntimeError" not in html
    assert leader.get(job_url(job, "export_download")).status_code == 404
    logged = [r for r in caplog.records if r.name == "dramaturg.reports.tasks"]
    assert len(logged) == 1
    assert SECRET in str(logged[0].exc_info[1])


def test_a_round_deleted_before_the_worker_runs_fails_gracefully(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    job = request_export(leader, round_)
    Round.objects.filter(pk=round_.pk).delete()
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "gone")
    html = leader.get(job_url(job)).content.decode()
    assert error_text("gone") in html
    assert job.title in html  # the page still says what it was


def test_only_the_requester_sees_the_job(world, client_for):
    round_ = staff_round(world, [world.team_a])
    job = request_export(client_for(world.leader), round_)
    run_worker()
    other_leader = make_user("leider2@vuurtoren.test", "Lotte Tweede")
    join(other_leader, world.school, Role.LEADER)
    urls = [job_url(job), job_url(job, "export_download")]
    for user in (other_leader, world.culture_carrier, world.outsider):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, f"{user} {url}"
        listing = client.get(reverse("reports:exports", args=[world.school.slug]))
        assert job_url(job) not in listing.content.decode()
    anonymous = client_for(world.leader)
    anonymous.logout()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    # The requester who no longer facilitates, or left the school, loses the file too.
    leader = client_for(world.leader)
    assert leader.get(urls[1]).status_code == 200
    membership = Membership.objects.get(user=world.leader, school=world.school)
    membership.role = Role.MEMBER
    membership.save()
    assert [leader.get(url).status_code for url in urls] == [404, 404]
    assert (
        job_url(job)
        not in leader.get(reverse("reports:exports", args=[world.school.slug])).content.decode()
    )


def test_who_may_not_export_a_round_may_not_queue_one(world, client_for):
    round_ = staff_round(world, [world.team_a])
    url = reverse("reports:exports", args=[world.school.slug])
    data = {"kind": "round", "object_id": round_.pk, "key": BACKGROUND_KEY}
    assert client_for(world.teacher).post(url, data).status_code == 403
    leader = client_for(world.leader)
    for bad in ({"key": "nonsense"}, {"kind": "nonsense"}, {"object_id": "x"}, {"object_id": 0}):
        assert leader.post(url, {**data, **bad}).status_code == 404, bad
    other_round = staff_round(world, [world.team_a])
    Round.objects.filter(pk=other_round.pk).update(school=world.other_school)
    assert leader.post(url, {**data, "object_id": other_round.pk}).status_code == 404
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert not ExportJob.objects.exists()
    assert not export_tasks().exists()


def test_old_exports_are_pruned(world, client_for):
    round_ = staff_round(world, [world.team_a])
    leader = client_for(world.leader)
    old, recent = request_export(leader, round_), request_export(leader, round_)
    run_worker()
    now = timezone.now()
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=7, hours=1))
    ExportJob.objects.filter(pk=recent.pk).update(created_at=now - dt.timedelta(days=6))
    export_tasks().update(finished_at=now - dt.timedelta(days=8))
    call_command("prune_exports", verbosity=0)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not export_tasks().exists()
    assert leader.get(job_url(old)).status_code == 404

    # The task prunes as it goes, too.
    ExportJob.objects.filter(pk=recent.pk).update(created_at=now - dt.timedelta(days=8))
    newest = request_export(leader, round_)
    run_worker()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [newest.pk]
