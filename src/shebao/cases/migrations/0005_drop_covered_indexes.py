"""Drop the case's single-column indexes on ``status`` and ``county`` that composite indexes cover
((status, warning); (county, department, status), (county, received_at), (county, closed_at)):
every intake wrote one B-tree page more for each.

Dropped by name rather than through AlterField, which on SQLite would copy the whole case table
twice. The names are the ones Django gave them on both databases; ``_like`` is PostgreSQL's
pattern index of a text column (for LIKE), which a column compared only for equality does not need.
"""

from django.db import migrations, models

import django.db.models.deletion

DROPPED = [
    ("cases_case_status_95787cb3", "status"),
    ("cases_case_status_95787cb3_like", None),
    ("cases_case_county_id_d5bd0d0c", "county_id"),
    # PostgreSQL only: the warning is compared for equality, never with LIKE.
    ("cases_case_warning_672c43aa_like", None),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_notification_outbox"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="county",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="cases", to="core.county"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="status",
                    field=models.CharField(
                        choices=[("in_progress", "办理中"), ("suspended", "已挂起"), ("finished", "已办结"),
                                 ("refused", "不予办理"), ("not_accepted", "不予受理"), ("terminated", "已终止")],
                        max_length=20, verbose_name="状态"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "cases_case" ("{column}")' if column else "",
                )
                for name, column in DROPPED
            ],
        ),
    ]
