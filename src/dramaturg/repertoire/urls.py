"""Repertoire URLs, all under /s/<school_slug>/: moments, cases and repertoire entries."""

from dramaturg.repertoire.views import urls_cases, urls_entries, urls_moments, urls_starter

app_name = "repertoire"
urlpatterns = [
    *urls_moments.urlpatterns,
    *urls_cases.urlpatterns,
    *urls_entries.urlpatterns,
    *urls_starter.urlpatterns,
]
