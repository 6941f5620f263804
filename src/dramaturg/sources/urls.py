"""Sources library URLs, under /s/<school_slug>/sources/ (namespace "sources")."""

from django.urls import path

from dramaturg.sources import views

app_name = "sources"
urlpatterns = [
    path("s/<slug:school_slug>/sources/", views.source_list, name="list"),
    path("s/<slug:school_slug>/sources/new/", views.source_create, name="create"),
]
