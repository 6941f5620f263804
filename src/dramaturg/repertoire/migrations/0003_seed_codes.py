"""Give every existing school the default list of codes (new schools get it on creation)."""

from django.db import migrations

DEFAULT_CODES = (
    ("face_honour", "gezicht en eer", "face and honour"),
    ("authority", "gezag", "authority"),
    ("directness", "directheid", "directness"),
    ("group_loyalty", "loyaliteit aan de groep", "loyalty to the group"),
    ("not_telling", "niet verklikken", "not telling on others"),
    ("respect_manners", "respect en omgangsvormen", "respect and manners"),
    ("standing_up", "voor jezelf opkomen", "standing up for yourself"),
    ("family_duty", "plichten thuis", "duties at home"),
)


def seed(apps, schema_editor):
    School = apps.get_model("schools", "School")
    CodeTag = apps.get_model("repertoire", "CodeTag")
    for school in School.objects.all():
        have = set(CodeTag.objects.filter(school=school).values_list("key", flat=True))
        CodeTag.objects.bulk_create(
            CodeTag(school=school, key=key, name_nl=nl, name_en=en, position=position)
            for position, (key, nl, en) in enumerate(DEFAULT_CODES)
            if key not in have
        )


class Migration(migrations.Migration):
    dependencies = [("repertoire", "0002_entry_copied_from"), ("schools", "0006_mark_primary_teams")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
