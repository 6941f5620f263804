"""Downloads of a school's objects, one URL per kind of object; and exports prepared in the
background, which belong to whoever asked for them."""

from django.urls import path

from dramaturg.reports import views, views_board, views_dashboard

app_name = "reports"

urlpatterns = [
    path("s/<slug:school_slug>/dashboard/", views_dashboard.school_dashboard, name="dashboard"),
    path(
        "s/<slug:school_slug>/teams/<int:team_id>/results/",
        views_dashboard.team_results,
        name="team_results",
    ),
    path(
        "s/<slug:school_slug>/rounds/<int:round_id>/export/<str:key>/",
        views.round_export,
        name="round_export",
    ),
    path(
        "s/<slug:school_slug>/cards/<int:card_id>/export/<str:key>/",
        views.card_export,
        name="card_export",
    ),
    path(
        "s/<slug:school_slug>/cases/<int:case_id>/export/<str:key>/",
        views.case_export,
        name="case_export",
    ),
    path("s/<slug:school_slug>/exports/", views.exports, name="exports"),
    path("s/<slug:school_slug>/exports/<int:job_id>/", views.export_job, name="export_job"),
    path(
        "s/<slug:school_slug>/exports/<int:job_id>/download/",
        views.export_download,
        name="export_download",
    ),
    path("b/<slug:board_slug>/overview/", views_board.overview, name="board_overview"),
]
