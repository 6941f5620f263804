"""URLs of the repertoire's moments and the school's codes, under /s/<school_slug>/."""

from django.urls import path

from dramaturg.repertoire.views import codes, moments

S = "s/<slug:school_slug>/moments/"
CODE = S + "codes/<int:code_id>/"

urlpatterns = [
    path(S, moments.moment_list, name="moment_list"),
    path(S + "new/", moments.moment_new, name="moment_new"),
    path(S + "mine/", moments.moment_mine, name="moment_mine"),
    path(S + "<int:moment_id>/delete/", moments.moment_delete, name="moment_delete"),
    path(S + "codes/", codes.code_list, name="codes"),
    path(CODE + "edit/", codes.code_edit, name="code_edit"),
    path(CODE + "move/<str:direction>/", codes.code_move, name="code_move"),
    path(CODE + "state/<str:action>/", codes.code_state, name="code_state"),
    path(CODE + "delete/", codes.code_delete, name="code_delete"),
]
