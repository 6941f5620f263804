"""Cut the link that responses stored before version 0.2 still carry.

Until 0.2 a submit used up the link or code and wrote the response in one transaction, so on
PostgreSQL each response shared its transaction id (`xmin`) with the used-up participation or
code, and on SQLite the hidden `rowid` of responses followed the order of submission. This
migration writes every existing response again, in a random order per round and with new
random keys, inside the migration's own transaction: afterwards all of them share one
transaction id and their physical order says nothing. The answers, rounds and teams are
carried over unchanged; the week of submission becomes the week the round opened, as for
every response from now on (a week of submission, beside the reminder dates, can date a
person). Migration 0005 then clears the old rows out of the table files. (Backups made
before the upgrade still hold the old rows: see docs/anonymity.md.)
"""

import datetime as dt
import random
import uuid

from django.db import migrations


def monday(day):
    return day - dt.timedelta(days=day.weekday())


def reshuffle(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    Round = apps.get_model("surveys", "Round")
    shuffle = random.SystemRandom().shuffle
    round_ids = Response.objects.values_list("round_id", flat=True).distinct().order_by()
    for round_id in sorted(set(round_ids)):
        week = monday(Round.objects.get(pk=round_id).opens_on)
        rows = list(Response.objects.filter(round_id=round_id).values_list("target_id", "answers"))
        shuffle(rows)
        Response.objects.filter(round_id=round_id).delete()
        Response.objects.bulk_create(
            Response(id=uuid.uuid4(), round_id=round_id, target_id=t, answers=a, week=week)
            for t, a in rows
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_pending_responses")]

    operations = [migrations.RunPython(reshuffle, migrations.RunPython.noop, elidable=True)]
