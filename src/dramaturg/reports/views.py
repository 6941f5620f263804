"""Downloads: an object of the school through one of the registered exporters.

Thin: the tenancy decorator authorises, `get_in_school` scopes the object to the school,
the registry finds the exporter (an unknown key is a 404) and renders in the reader's
language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dramaturg.reports import exporters
from dramaturg.schools.roles import Perm
from dramaturg.schools.tenancy import get_in_school, school_view
from dramaturg.surveys.models import Round


@school_view(Perm.FACILITATE)
@require_safe
@never_cache
def round_export(request: HttpRequest, round_id: int, key: str) -> HttpResponse:
    exporter = exporters.get(exporters.ROUND, key)
    school = request.school  # type: ignore[attr-defined]
    round_ = get_in_school(Round.objects.select_related("school"), school, pk=round_id)
    return exporter.response(round_, translation.get_language() or "nl")
