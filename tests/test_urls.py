"""Every tenant URL has an outsider test; every other URL is knowingly public or personal.

This walks the URL map. Add a new school or board page and this test fails until the
page is listed in OUTSIDER_CASES (tests/test_outsiders.py) — which proves it gives 404.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.test_outsiders import OUTSIDER_CASES

# Pages outside any tenant, on purpose: login, reset, invitations by token, the home.
NON_TENANT = {
    "schools:start",
    "core:set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "schools:accept_invitation",
    # Respondents have no account: a personal link or a code is the only way in, and an
    # unknown one is a 404 (tests/test_survey_answering.py).
    "answer:student",
    "answer:staff",
    "answer:group",
    "answer:thanks",
    # Personal pages: my networks (what networks_for() finds for me, tests/test_networks_core.py)
    # and starting a network, which any school leader may do.
    "networks:list",
    "networks:create",
}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue  # Django's admin: site staff only, guarded by Django itself
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", str(entry.pattern)


def test_every_tenant_page_has_an_outsider_test():
    missing = []
    for name, route in named_patterns():
        tenant = "<slug:school_slug>" in route or "<slug:board_slug>" in route
        if tenant and name not in OUTSIDER_CASES:
            missing.append(name)
        if not tenant and name not in NON_TENANT and name not in OUTSIDER_CASES:
            missing.append(f"{name} (not under /s/ or /b/: list it in NON_TENANT on purpose)")
    assert not missing, "pages without an outsider-gets-404 test:\n" + "\n".join(missing)
