"""Network pages: see networks/urls.py. The shared card library lives under
/n/<network_slug>/library/; publishing starts from a school's adopted card version, so that
one page sits under the school (/s/<school_slug>/…) and follows the school's rules."""

from django.urls import path

from dramaturg.networks import views_library as views
from dramaturg.networks import views_library_entries as entry_views

LIBRARY = "n/<slug:network_slug>/library/"
PUBLICATION = LIBRARY + "<int:publication_id>/"
ENTRY = LIBRARY + "repertoire/<int:publication_id>/"

urlpatterns: list = [
    path(LIBRARY, views.library, name="library"),
    path(PUBLICATION, views.library_card, name="library_card"),
    path(PUBLICATION + "copy/", views.library_copy, name="library_copy"),
    path(PUBLICATION + "withdraw/", views.library_withdraw, name="library_withdraw"),
    path(
        "s/<slug:school_slug>/cards/<int:card_id>/versions/<int:number>/publish/",
        views.library_publish,
        name="library_publish",
    ),
    # Repertoire entries, beside the cards.
    path(ENTRY, entry_views.library_entry, name="library_entry"),
    path(ENTRY + "copy/", entry_views.library_entry_copy, name="library_entry_copy"),
    path(ENTRY + "withdraw/", entry_views.library_entry_withdraw, name="library_entry_withdraw"),
    path(
        "s/<slug:school_slug>/repertoire/entries/<int:entry_id>/versions/<int:number>/publish/",
        entry_views.library_entry_publish,
        name="library_entry_publish",
    ),
]
