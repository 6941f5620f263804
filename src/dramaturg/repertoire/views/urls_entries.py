"""URLs of the repertoire's entries, under /s/<school_slug>/repertoire/ (namespace "repertoire")."""

from django.urls import path

from dramaturg.repertoire.views import entries, entry_rounds, in_the_moment

R = "s/<slug:school_slug>/repertoire/"
ENTRY = R + "entries/<int:entry_id>/"

urlpatterns = [
    path(R, in_the_moment.index, name="index"),
    path(R + "work/", entries.work, name="work"),
    path(R + "entries/new/", entries.create, name="entry_create"),
    path(ENTRY, entries.detail, name="entry_detail"),
    path(ENTRY + "edit/", entries.edit, name="entry_edit"),
    path(ENTRY + "comments/", entries.comment, name="entry_comment"),
    path(ENTRY + "discuss/", entries.discuss, name="entry_discuss"),
    path(ENTRY + "new-draft/", entries.new_draft, name="entry_new_draft"),
    path(ENTRY + "archive/", entries.archive, name="entry_archive"),
    path(ENTRY + "rounds/open/", entry_rounds.round_open, name="entry_round_open"),
    path(
        ENTRY + "rounds/<int:round_id>/answer/",
        entry_rounds.round_answer,
        name="entry_round_answer",
    ),
    path(
        ENTRY + "rounds/<int:round_id>/withdraw/",
        entry_rounds.round_withdraw,
        name="entry_round_withdraw",
    ),
    path(
        ENTRY + "rounds/<int:round_id>/close/",
        entry_rounds.round_close,
        name="entry_round_close",
    ),
    path(ENTRY + "versions/", entry_rounds.versions, name="entry_versions"),
    path(ENTRY + "versions/<int:number>/", entry_rounds.version_detail, name="entry_version"),
    path(ENTRY + "compare/", entry_rounds.compare_view, name="entry_compare"),
]
