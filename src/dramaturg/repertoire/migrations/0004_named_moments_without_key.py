"""Author keys that give nothing away to whoever reads the database.

A named moment keeps no key: beside the author's name, the key would show which of the
unnamed moments are that person's too. An unnamed moment's key is now made per school: one
key for a person everywhere tied their moments at two schools together. The new key is
computed here for every current member of the moment's school (the old one cannot be
reversed); a moment of someone who has left keeps a key nobody matches, as before.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models
from django.utils.encoding import force_bytes


def _root():
    secret = force_bytes(settings.SECRET_KEY)
    return hmac.new(secret, b"dramaturg moment author", hashlib.sha256).digest()


def _old_key(root, user_id):
    return hmac.new(root, str(user_id).encode(), hashlib.sha256).hexdigest()


def _new_key(root, user_id, school_id):
    return hmac.new(root, f"{user_id}:{school_id}".encode(), hashlib.sha256).hexdigest()


def rekey(apps, schema_editor):
    Moment = apps.get_model("repertoire", "Moment")
    Membership = apps.get_model("schools", "Membership")
    Moment.objects.filter(author__isnull=False).update(author_key="")
    root = _root()
    schools = Moment.objects.exclude(author_key="").values_list("school_id", flat=True)
    for school_id in set(schools):
        users = Membership.objects.filter(school_id=school_id).values_list("user_id", flat=True)
        for user_id in set(users):
            Moment.objects.filter(school_id=school_id, author_key=_old_key(root, user_id)).update(
                author_key=_new_key(root, user_id, school_id)
            )


class Migration(migrations.Migration):
    dependencies = [("repertoire", "0003_seed_codes"), ("schools", "0006_mark_primary_teams")]

    operations = [
        migrations.AlterField(
            model_name="moment",
            name="author_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
