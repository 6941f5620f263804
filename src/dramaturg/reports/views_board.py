"""The board overview: what a board admin sees of the board's schools, one school year and
one page of schools at a time (a national board has eighty schools and years of rounds)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dramaturg.core.paging import paginate
from dramaturg.reports import charts
from dramaturg.reports.board import board_overview, default_year, held_years
from dramaturg.schools.models import School
from dramaturg.schools.tenancy import board_view
from dramaturg.schools.turnover import HIGH_TURNOVER_PERCENT

SCHOOLS_PER_PAGE = 20


def _chosen_year(request: HttpRequest, years: list[int], board: object) -> int:
    """`?year=` when it is one of the selector's years; otherwise (absent, not a number, a
    year without rounds) the default year, never an error."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked)
    return default_year(years, board)  # type: ignore[arg-type]


@board_view()
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    board = request.board  # type: ignore[attr-defined]
    years = held_years(board)
    year = _chosen_year(request, years, board)
    paged = paginate(request, School.objects.filter(board=board).order_by("name"), SCHOOLS_PER_PAGE)
    with charts.deferred():  # stored figures only: what is missing, the worker prepares
        context = {
            "board": board,
            "year": year,
            "years": [(start, f"{start}–{start + 1}") for start in years],
            "paged": paged,
            "schools": board_overview(board, year=year, schools=list(paged.object_list)),
            "threshold": HIGH_TURNOVER_PERCENT,
        }
    return render(request, "reports/board_overview.html", context)
