"""The board overview: what a board admin sees of the board's schools."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dramaturg.reports import charts
from dramaturg.reports.board import board_overview
from dramaturg.schools.tenancy import board_view
from dramaturg.schools.turnover import HIGH_TURNOVER_PERCENT


@board_view()
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    board = request.board  # type: ignore[attr-defined]
    with charts.deferred():  # stored figures only: what is missing, the worker prepares
        context = {
            "board": board,
            "schools": board_overview(board),
            "threshold": HIGH_TURNOVER_PERCENT,
        }
    return render(request, "reports/board_overview.html", context)
