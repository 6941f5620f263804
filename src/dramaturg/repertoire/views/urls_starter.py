"""URLs of the repertoire's starter set, under /s/<school_slug>/repertoire/starter/."""

from django.urls import URLPattern, path

from dramaturg.repertoire.views import starter

STARTER = "s/<slug:school_slug>/repertoire/starter/"

urlpatterns: list[URLPattern] = [
    path(STARTER, starter.starter_list, name="starter"),
    path(STARTER + "<slug:key>/copy/", starter.starter_copy, name="starter_copy"),
]
