"""The default parameters' sources and notes in words a resident reads on the estimate pages.

0002 wrote our reference file's review marks into them ("rules.md 标注 [secondary]"); they are shown
on the public self-check pages. Only rows still holding 0002's exact text change, so a source an
administrator has since filled in is kept.
"""

from django.db import migrations

OLD_SECONDARY = "（rules.md 标注 [secondary]：多个公开来源一致转引官方文件）"
NEW_SECONDARY = "（多个公开来源一致转引的官方公布数）"
NOTES = {
    "山西省比例未经确认（rules.md：Shanxi % unconfirmed）。": "山西省的比例未经确认，请管理员查证后填写数值与出处。",
    "rules.md 标注 [unconfirmed]。": "比例见《工伤保险条例》第三十九条，尚未与原文核对，请管理员核对后填写出处。",
}


def forward(apps, schema_editor):
    _rewrite(apps, OLD_SECONDARY, NEW_SECONDARY, NOTES)


def backward(apps, schema_editor):
    _rewrite(apps, NEW_SECONDARY, OLD_SECONDARY, {new: old for old, new in NOTES.items()})


def _rewrite(apps, old_suffix, new_suffix, notes):
    BenefitParameter = apps.get_model("rules", "BenefitParameter")
    for row in BenefitParameter.objects.all():
        source = row.source.replace(old_suffix, new_suffix)
        note = notes.get(row.note, row.note)
        if (source, note) != (row.source, row.note):
            row.source, row.note = source, note
            row.save(update_fields=["source", "note"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_default_parameters")]
    operations = [migrations.RunPython(forward, backward)]
