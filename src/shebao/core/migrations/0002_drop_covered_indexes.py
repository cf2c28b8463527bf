"""Drop the audit event's single-column index on ``object_type``: the (object_type, object_id, id)
index serves every lookup by it, and each audit event wrote one B-tree page more for it.

Dropped by name rather than through AlterField, which on SQLite would copy the whole audit table.
``_like`` is PostgreSQL's pattern index of a text column (for LIKE), which a column compared only
for equality does not need.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_type",
                    field=models.CharField(max_length=60, verbose_name="对象类型"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "core_auditevent_object_type_e0bee35e"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "core_auditevent_object_type_e0bee35e"'
                                ' ON "core_auditevent" ("object_type")',
                ),
                migrations.RunSQL('DROP INDEX IF EXISTS "core_auditevent_object_type_e0bee35e_like"', reverse_sql=""),
                # The hash is looked up by equality only; its unique index stays.
                migrations.RunSQL('DROP INDEX IF EXISTS "core_auditevent_hash_f08202aa_like"', reverse_sql=""),
            ],
        ),
    ]
