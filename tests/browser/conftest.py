"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every page a browser test opens is checked with axe-core: call `check_a11y(page)` after each
navigation (or use `visit(page, path)`, which does both). The `a11y_guard` fixture, used by
every browser test, records each page the browser lands on and fails the test if one was not
checked. Paths are relative: the browser's base URL is the live server.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Frame, Page, Response

# axe's impact levels that fail a test; "moderate" and "minor" are reported by axe only.
BLOCKING_IMPACTS = {"serious", "critical"}
DEFAULT_TIMEOUT_MS = 10_000

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's chromium (no browser download is possible here), quiet and offline."""
    return {
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": [
            "--no-sandbox",  # the tests run as root in a container
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _allow_django_inside_playwrights_event_loop() -> Iterator[None]:
    """Let Django use the database in a thread where Playwright's event loop runs.

    Playwright's sync API drives the browser from an asyncio event loop that it starts in the
    test thread and keeps running (behind greenlets) until the session ends. Django refuses
    database calls from a thread with a running event loop (SynchronousOnlyOperation), because
    in an async server such a call would block every other request. Nothing here is
    async: the loop only waits for the browser, and the test's own queries (creating data,
    `transactional_db`'s flush) cannot block anyone. So we switch the guard off, only once a
    browser test is run; it stays off for the rest of the session because the loop does too.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright gives every browser context this base URL: the live server."""
    return live_server.url


def check_a11y(page: Page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    page.wait_for_load_state()
    if _guard is not None and _guard.is_scriptless(page.context):
        results = _axe_on_a_copy(page)
    else:
        results = _axe.run(page)
    if _guard is not None:
        _guard.checked(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"axe found {len(blocking)} serious or critical problem(s) on {page.url}:"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = ", ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def _axe_on_a_copy(page: Page) -> AxeResults:
    """Check a page of a context without JavaScript, where axe itself cannot run.

    axe works asynchronously, and its promise never settles in a page whose scripts are
    off. So the page's HTML is served, at the same address (so our CSS loads the same way),
    to a page of a scratch context with scripts on, and axe runs there.
    """
    html, url = page.content(), page.url
    browser = page.context.browser
    assert browser is not None
    scratch = browser.new_context()
    try:
        copy = scratch.new_page()
        copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        copy.goto(url)
        return _axe.run(copy)
    finally:
        scratch.close()


def visit(page: Page, path: str) -> Response:
    """Open `path` on the live server, expect success, and check the page with axe."""
    response = page.goto(path)
    assert response is not None
    assert response.ok, f"{path} answered {response.status}"
    check_a11y(page)
    return response


@dataclass
class Landing:
    page: Page
    url: str
    checked: bool = False


class A11yGuard:
    """Records every page the browser lands on, to prove each one was checked with axe."""

    def __init__(self) -> None:
        self.landings: list[Landing] = []
        self.scriptless: list[BrowserContext] = []

    def watch(self, context: BrowserContext, *, scripts: bool) -> None:
        context.on("page", self._watch_page)
        if not scripts:
            self.scriptless.append(context)

    def is_scriptless(self, context: BrowserContext) -> bool:
        return any(context is other for other in self.scriptless)

    def _watch_page(self, page: Page) -> None:
        def landed(frame: Frame) -> None:
            if frame == page.main_frame and frame.url != "about:blank":
                self.landings.append(Landing(page, frame.url))

        page.on("framenavigated", landed)

    def checked(self, page: Page) -> None:
        """Mark the page's latest landing as checked."""
        for landing in reversed(self.landings):
            if landing.page is page:
                landing.checked = True
                return

    def unchecked(self) -> list[str]:
        return [landing.url for landing in self.landings if not landing.checked]


_guard: A11yGuard | None = None


@pytest.fixture
def a11y_guard() -> Iterator[A11yGuard]:
    """Active in every browser test (the context factory below needs it)."""
    global _guard
    _guard = A11yGuard()
    yield _guard
    unchecked, _guard = _guard.unchecked(), None
    if unchecked:
        pytest.fail(
            "pages opened without an accessibility check (call check_a11y after each "
            f"navigation): {', '.join(unchecked)}",
            pytrace=False,
        )


@pytest.fixture
def new_context(new_context, a11y_guard: A11yGuard) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory, with the guard and shorter timeouts."""

    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        a11y_guard.watch(context, scripts=kwargs.get("java_script_enabled", True))
        return context

    return make
