"""URLs of the repertoire's cases, under /s/<school_slug>/."""

from django.urls import URLPattern, path

from dramaturg.repertoire.views import cases

urlpatterns: list[URLPattern] = [
    path("s/<slug:school_slug>/cases/", cases.case_list, name="cases"),
    path("s/<slug:school_slug>/cases/new/", cases.case_create, name="case_create"),
    path("s/<slug:school_slug>/cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("s/<slug:school_slug>/cases/<int:case_id>/edit/", cases.case_edit, name="case_edit"),
    path("s/<slug:school_slug>/cases/<int:case_id>/delete/", cases.case_delete, name="case_delete"),
    path(
        "s/<slug:school_slug>/cases/<int:case_id>/moments/",
        cases.case_add_moments,
        name="case_add_moments",
    ),
    path(
        "s/<slug:school_slug>/cases/<int:case_id>/moments/<int:moment_id>/remove/",
        cases.case_remove_moment,
        name="case_remove_moment",
    ),
]
