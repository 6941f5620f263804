"""The browser harness itself: axe failures and unchecked pages do fail a test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import A11yGuard, check_a11y, visit

pytestmark = pytest.mark.browser

INACCESSIBLE = """<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>
<p style="color:#bbb;background:#fff">Grey on white is hard to read.</p>
<img src="/static/css/dramaturg.css"><button></button></main></body></html>"""


def test_serious_axe_violations_fail_with_rule_and_target(page: Page, live_server):
    page.route(
        "**/bad-page/", lambda route: route.fulfill(body=INACCESSIBLE, content_type="text/html")
    )
    page.goto("/bad-page/")
    with pytest.raises(pytest.fail.Exception) as failure:
        check_a11y(page)
    report = str(failure.value)
    for rule in ("color-contrast", "image-alt", "button-name"):
        assert rule in report
    assert "at img" in report


def test_a_page_opened_without_a_check_is_noticed(page: Page, a11y_guard: A11yGuard):
    page.goto("/accounts/login/")
    assert a11y_guard.unchecked() == [page.url]
    check_a11y(page)
    assert a11y_guard.unchecked() == []
    visit(page, "/accounts/password/reset/")
    assert a11y_guard.unchecked() == []
