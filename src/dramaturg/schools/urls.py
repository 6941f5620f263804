from django.urls import path

from dramaturg.schools import invitation_views, staff_import_views, team_views, views

app_name = "schools"
urlpatterns = [
    path("", views.home, name="start"),
    # Under accounts/ as before: the link in every invitation e-mail sent so far.
    path(
        "accounts/invitation/<str:token>/",
        invitation_views.accept_invitation,
        name="accept_invitation",
    ),
    path("s/<slug:school_slug>/", views.school_home, name="home"),
    path("s/<slug:school_slug>/staff/", views.staff_list, name="staff"),
    path("s/<slug:school_slug>/settings/", views.school_settings, name="settings"),
    path("s/<slug:school_slug>/teams/new/", views.team_create, name="team_create"),
    path("s/<slug:school_slug>/teams/<int:team_id>/", team_views.team_detail, name="team"),
    path(
        "s/<slug:school_slug>/teams/<int:team_id>/members/add/",
        team_views.team_add_member,
        name="team_add_member",
    ),
    path(
        "s/<slug:school_slug>/teams/<int:team_id>/members/<int:membership_id>/remove/",
        team_views.team_remove_member,
        name="team_remove_member",
    ),
    path(
        "s/<slug:school_slug>/teams/<int:team_id>/members/<int:membership_id>/primary/",
        team_views.team_make_primary,
        name="team_make_primary",
    ),
    path(
        "s/<slug:school_slug>/staff/<int:membership_id>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path(
        "s/<slug:school_slug>/staff/import/",
        staff_import_views.staff_import,
        name="staff_import",
    ),
    path(
        "s/<slug:school_slug>/staff/import/preview/",
        staff_import_views.staff_import_preview,
        name="staff_import_preview",
    ),
    path(
        "s/<slug:school_slug>/staff/import/confirm/",
        staff_import_views.staff_import_confirm,
        name="staff_import_confirm",
    ),
    path(
        "s/<slug:school_slug>/staff/import/example.csv",
        staff_import_views.staff_import_example,
        name="staff_import_example",
    ),
    path(
        "s/<slug:school_slug>/invitations/",
        invitation_views.invitation_list,
        name="invitations",
    ),
    path(
        "s/<slug:school_slug>/invitations/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("b/<slug:board_slug>/", views.board_home, name="board_home"),
    path(
        "b/<slug:board_slug>/invite-leader/", invitation_views.invite_leader, name="invite_leader"
    ),
    path("b/<slug:board_slug>/schools/new/", views.school_create, name="school_create"),
]
