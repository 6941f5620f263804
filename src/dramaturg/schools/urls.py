from django.urls import path

from dramaturg.schools import views

app_name = "schools"
urlpatterns = [
    path("s/<slug:school_slug>/", views.school_home, name="home"),
    path("s/<slug:school_slug>/staff/", views.staff_list, name="staff"),
    path("s/<slug:school_slug>/teams/new/", views.team_create, name="team_create"),
    path(
        "s/<slug:school_slug>/staff/<int:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("b/<slug:board_slug>/", views.board_home, name="board_home"),
    path("b/<slug:board_slug>/schools/new/", views.school_create, name="school_create"),
]
