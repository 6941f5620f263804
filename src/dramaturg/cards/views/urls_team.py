"""URLs for the team's work on a card: discussion, amendments, consent rounds, versions, and
the school's page of adopted agreements."""

from django.urls import path

from dramaturg.cards.views import consent, discussion, versions

CARD = "s/<slug:school_slug>/cards/<int:card_id>/"

urlpatterns = [
    path(f"{CARD}comments/", discussion.comment, name="comment"),
    path(f"{CARD}amendments/new/", discussion.propose, name="propose"),
    path(
        f"{CARD}amendments/<int:amendment_id>/accept/",
        discussion.amendment_accept,
        name="amendment_accept",
    ),
    path(
        f"{CARD}amendments/<int:amendment_id>/decline/",
        discussion.amendment_decline,
        name="amendment_decline",
    ),
    path(f"{CARD}rounds/open/", consent.round_open, name="round_open"),
    path(f"{CARD}rounds/<int:round_id>/", versions.round_detail, name="round_detail"),
    path(f"{CARD}rounds/<int:round_id>/answer/", consent.round_answer, name="round_answer"),
    path(f"{CARD}rounds/<int:round_id>/withdraw/", consent.round_withdraw, name="round_withdraw"),
    path(f"{CARD}rounds/<int:round_id>/close/", consent.round_close, name="round_close"),
    path(f"{CARD}versions/", versions.versions, name="versions"),
    path(f"{CARD}versions/<int:number>/", versions.version_detail, name="version_detail"),
    path(f"{CARD}compare/", versions.compare_view, name="compare"),
    path("s/<slug:school_slug>/agreements/", versions.agreements, name="agreements"),
]
