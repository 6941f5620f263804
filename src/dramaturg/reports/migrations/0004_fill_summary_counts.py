"""Fill the new columns of every stored round summary from its JSON (reports.summary_counts).

The logic is copied here rather than imported, so that this migration keeps doing what it
did when the module changes later. Rows are read and written in batches: a national network
holds tens of thousands of summaries.
"""

from django.db import migrations

COLLECTIVE = "collective_efficacy"
BATCH = 500


def _collective(data):
    if not data.get("closed", True):
        return None
    values = [
        (scale.get("total") or {}).get("mean")
        for scale in data.get("scales", [])
        if scale.get("instrument") == COLLECTIVE
    ]
    means = [float(value) for value in values if value is not None]
    if not means or len(means) < len(values):
        return None
    return sum(means) / len(means)


def fill(apps, schema_editor):
    RoundSummary = apps.get_model("reports", "RoundSummary")
    batch = []
    for summary in RoundSummary.objects.order_by("pk").iterator(chunk_size=BATCH):
        data = summary.data or {}
        summary.invited = data.get("invited") or 0
        summary.answered = data.get("answered")
        summary.collective_efficacy = _collective(data)
        batch.append(summary)
        if len(batch) == BATCH:
            RoundSummary.objects.bulk_update(batch, ["invited", "answered", "collective_efficacy"])
            batch = []
    if batch:
        RoundSummary.objects.bulk_update(batch, ["invited", "answered", "collective_efficacy"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_summary_counts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
