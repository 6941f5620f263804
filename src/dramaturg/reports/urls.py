"""Downloads of a school's objects, one URL per kind of object."""

from django.urls import path

from dramaturg.reports import views

app_name = "reports"

urlpatterns = [
    path(
        "s/<slug:school_slug>/rounds/<int:round_id>/export/<str:key>/",
        views.round_export,
        name="round_export",
    ),
]
