"""A named moment keeps no author key: beside the author's name, the key would show whoever
reads the database which of the unnamed moments are that person's too."""

from django.db import migrations, models


def drop_keys_of_named(apps, schema_editor):
    Moment = apps.get_model("repertoire", "Moment")
    Moment.objects.filter(author__isnull=False).update(author_key="")


class Migration(migrations.Migration):
    dependencies = [("repertoire", "0003_seed_codes")]

    operations = [
        migrations.AlterField(
            model_name="moment",
            name="author_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(drop_keys_of_named, migrations.RunPython.noop),
    ]
