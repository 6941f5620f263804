"""The background worker in tests.

`run_worker()` runs the real `db_worker` command in batch mode: for transactional tests
(`django_db(transaction=True)`), where tasks are queued on commit as in production.

`run_background()` is for ordinary tests, which run inside one transaction that never
commits, so nothing is queued on commit: it queues what is due as the daily
`dramaturg recompute --due` does, then runs every queued task with the worker's own
`run_task` (the command itself would close the test's connection between tasks).
Either way the figures a page reads are made by the worker's code, never by the page.
"""

from __future__ import annotations

import io
import signal

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


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


def run_queued() -> int:
    """Every queued task, by the worker's own code, in this test's transaction."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def run_background() -> int:
    """Queue what is due (`recompute --due`) and run it; charts a page asked for come out
    of the second pass."""
    ran = 0
    for _pass in range(2):
        call_command("recompute", due=True, verbosity=0, stdout=io.StringIO())
        ran += run_queued()
    return ran


def get_ready(client, url: str, **extra):
    """The page as its reader sees it once the worker has made what it needs: the worker
    runs, the page is read (and asks for the charts it lacks), the worker draws them, the
    page is read again."""
    run_background()
    response = client.get(url, **extra)
    for _pass in range(3):
        if not run_background():
            break
        response = client.get(url, **extra)
    return response


def prepare_pages(user, *urls: str) -> None:
    """For transactional and browser tests: what a worker running beside the server would
    have done before the reader arrives. The daily queuing (`recompute --due`) and the
    worker; then each page is read once by `user`, so it asks for its charts, and the
    worker draws them."""
    from django.test import Client

    call_command("recompute", due=True, verbosity=0, stdout=io.StringIO())
    run_worker()
    client = Client()
    client.force_login(user)
    for url in urls:
        client.get(url)
    run_worker()
