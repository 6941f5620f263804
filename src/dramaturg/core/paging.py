"""One way to cut a growing list into pages: Django's `Paginator`, page links that keep the
list's filters, and a bad `?page=` that lands on a real page instead of an error.

`Paginator.get_page` already turns a page number that is not a number into the first page
and one past the end into the last; `paginate` adds the query string of the other
parameters (so a filter or search survives a page link) and a short window of page numbers
for `includes/pagination.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Page numbers shown on each side of the current page; the first and last are always shown.
WINDOW = 2


@dataclass(frozen=True)
class Paged:
    page: Page
    query: str  # the request's other parameters, url-encoded, without `page`
    numbers: list[int | None]  # page numbers to link, None for a gap ("…")

    @property
    def object_list(self) -> Any:
        return self.page.object_list


def page_numbers(number: int, last: int, window: int = WINDOW) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and a window around the current page."""
    shown = sorted({1, last, *range(max(1, number - window), min(last, number + window) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def paginate(request: HttpRequest, items: Any, per_page: int) -> Paged:
    """The page of `items` the request asks for (`?page=`), never an error."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(page, query.urlencode(), page_numbers(page.number, page.paginator.num_pages))
