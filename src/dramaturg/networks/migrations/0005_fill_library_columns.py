"""Fill the library columns of every existing publication from its version's snapshot
(networks.library_search): the title in both languages, the searchable texts and a card's
stage. The functions read only the snapshot dictionary (and the card's stage when an old
snapshot has none), so they work on the historical models."""

from django.db import migrations

from dramaturg.networks.library_search import card_texts, columns, entry_texts

ENTRY_TEXTS = ("title", "we_do", "we_avoid", "why", "asks_of_us")
BATCH = 200


def fill(apps, schema_editor):
    PublishedCard = apps.get_model("networks", "PublishedCard")
    PublishedEntry = apps.get_model("networks", "PublishedEntry")
    fields = ["title_nl", "title_en", "search_text"]
    cards = PublishedCard.objects.select_related("version__card").order_by("pk")
    batch = []
    for publication in cards.iterator(chunk_size=BATCH):
        snapshot = publication.version.snapshot or {}
        for name, value in columns(snapshot, card_texts(snapshot)).items():
            setattr(publication, name, value)
        publication.stage = snapshot.get("stage") or publication.version.card.stage
        batch.append(publication)
    PublishedCard.objects.bulk_update(batch, [*fields, "stage"], batch_size=BATCH)
    batch = []
    entries = PublishedEntry.objects.select_related("version").order_by("pk")
    for publication in entries.iterator(chunk_size=BATCH):
        snapshot = publication.version.snapshot or {}
        for name, value in columns(snapshot, entry_texts(snapshot, ENTRY_TEXTS)).items():
            setattr(publication, name, value)
        batch.append(publication)
    PublishedEntry.objects.bulk_update(batch, fields, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("networks", "0004_library_columns")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
