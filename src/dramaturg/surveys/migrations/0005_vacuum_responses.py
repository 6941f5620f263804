"""Clear the rows that migration 0003 replaced out of the table files.

A deleted row stays in the table file until it is vacuumed: on PostgreSQL with its old
transaction id and answers, on SQLite in a free page. Both would keep the link 0003 cut.
`VACUUM FULL` (PostgreSQL) rewrites the response table; `VACUUM` (SQLite) rewrites the whole
database file. Neither may run inside a transaction, hence `atomic = False`. The database's
write-ahead log and backups made before the upgrade are beyond a migration: see
docs/anonymity.md.
"""

from django.db import migrations


def vacuum(apps, schema_editor):
    connection = schema_editor.connection
    table = connection.ops.quote_name(apps.get_model("surveys", "Response")._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM FULL {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("surveys", "0004_group_disputes")]

    operations = [migrations.RunPython(vacuum, migrations.RunPython.noop, elidable=True)]
