"""The URL map. School pages live under /s/<school_slug>/, board pages under /b/<board_slug>/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # First, because it is the busiest by far (a class answering at once) and no other page
    # starts with answer/: Django tries the patterns in order, this spares ~50 per request.
    path("", include("dramaturg.surveys.urls_answer")),
    path("", include("dramaturg.core.urls")),
    path("accounts/", include("dramaturg.accounts.urls")),
    path("", include("dramaturg.schools.urls")),
    path("", include("dramaturg.cards.urls")),
    path("", include("dramaturg.repertoire.urls")),
    path("", include("dramaturg.sources.urls")),
    path("", include("dramaturg.surveys.urls")),
    path("", include("dramaturg.reports.urls")),
    path("", include("dramaturg.networks.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "dramaturg.core.views.bad_request"
handler403 = "dramaturg.core.views.permission_denied"
handler404 = "dramaturg.core.views.page_not_found"
handler500 = "dramaturg.core.views.server_error"
