"""URLs for reading and editing cards, all under /s/<school_slug>/ (namespace "cards")."""

from django.urls import path

from dramaturg.cards.views import content, editing

S = "s/<slug:school_slug>/"
CARD = S + "cards/<int:card_id>/"

urlpatterns = [
    path(S + "stages/<str:stage>/", content.stage_page, name="stage"),
    path(S + "cards/", content.card_list, name="list"),
    path(S + "cards/new/", content.card_create, name="create"),
    path(CARD, content.card_detail, name="detail"),
    path(CARD + "edit/<str:kind>/<int:item_id>/", editing.edit_item, name="edit_item"),
    path(CARD + "add/<str:kind>/", editing.add_item, name="add_item"),
    path(CARD + "remove/<str:kind>/<int:item_id>/", editing.remove_item, name="remove_item"),
    path(
        CARD + "move/<str:kind>/<int:item_id>/<str:direction>/",
        editing.move_item,
        name="move_item",
    ),
    path(CARD + "discuss/", editing.open_discussion, name="open_discussion"),
    path(CARD + "new-draft/", editing.new_draft, name="new_draft"),
    path(CARD + "archive/", editing.archive, name="archive"),
]
