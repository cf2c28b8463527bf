"""Default benefit parameters from ../shared/reference/rules.md §2.

[secondary] figures carry their source and ``confirmed=True``; [unconfirmed] ones keep an empty
source and ``confirmed=False`` (the estimates label them 估算参数); figures nobody has found yet
are rows with no value, for an administrator to fill in.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SECONDARY = "（rules.md 标注 [secondary]：多个公开来源一致转引官方文件）"

DEFAULTS = [
    # key, label, value, unit, effective_from, source, confirmed, note
    (
        "resident_basic_pension_national_min", "城乡居民基础养老金全国最低标准", Decimal("143"), "元/月",
        datetime.date(2025, 1, 1), "国家城乡居民基础养老金最低标准 2025 年 143 元" + SECONDARY, True, "",
    ),
    (
        "resident_basic_pension_national_min", "城乡居民基础养老金全国最低标准", Decimal("163"), "元/月",
        datetime.date(2026, 1, 1), "国家城乡居民基础养老金最低标准 2026 年 163 元" + SECONDARY, True, "",
    ),
    (
        "resident_basic_pension_local_topup", "山西省及阳城县加发的基础养老金", None, "元/月",
        datetime.date(2026, 1, 1), "", False, "省、县提高的部分未经确认，请管理员查证后填写数值与出处。",
    ),
    (
        "national_urban_disposable_income", "上年度全国城镇居民人均可支配收入", Decimal("56502"), "元/年",
        datetime.date(2026, 1, 1), "2025 年全国城镇居民人均可支配收入 56502 元（一次性工亡补助金 2026 年 1130040 元）" + SECONDARY,
        True, "用于一次性工亡补助金（《工伤保险条例》第三十九条）。",
    ),
    (
        "shanxi_average_monthly_wage", "山西省上年度在岗职工月平均工资（养老金计发基数）", None, "元/月",
        datetime.date(2026, 1, 1), "", False, "未经确认，请管理员按山西省人社厅公布的计发基数填写。",
    ),
    (
        "area_average_monthly_wage", "统筹地区上年度职工月平均工资", None, "元/月",
        datetime.date(2026, 1, 1), "", False, "用于丧葬补助金（6 个月）；未经确认。",
    ),
    (
        "shanxi_minimum_wage", "山西省月最低工资标准（阳城县所在档）", None, "元/月",
        datetime.date(2026, 1, 1), "", False, "用于失业保险金估算；未经确认。",
    ),
    (
        "unemployment_benefit_rate", "失业保险金占最低工资标准的比例", None, "比例",
        datetime.date(2026, 1, 1), "", False, "山西省比例未经确认（rules.md：Shanxi % unconfirmed）。",
    ),
    (
        "injury_dependant_spouse_rate", "工亡供养亲属抚恤金：配偶比例", Decimal("0.40"), "比例",
        datetime.date(2011, 1, 1), "", False, "rules.md 标注 [unconfirmed]。",
    ),
    (
        "injury_dependant_other_rate", "工亡供养亲属抚恤金：其他亲属每人比例", Decimal("0.30"), "比例",
        datetime.date(2011, 1, 1), "", False, "rules.md 标注 [unconfirmed]。",
    ),
    (
        "injury_dependant_extra_rate", "工亡供养亲属抚恤金：孤寡老人或孤儿加发比例", Decimal("0.10"), "比例",
        datetime.date(2011, 1, 1), "", False, "rules.md 标注 [unconfirmed]。",
    ),
]


def seed(apps, schema_editor):
    BenefitParameter = apps.get_model("rules", "BenefitParameter")
    for key, label, value, unit, since, source, confirmed, note in DEFAULTS:
        BenefitParameter.objects.get_or_create(
            key=key,
            effective_from=since,
            defaults={"label": label, "value": value, "unit": unit, "source": source, "confirmed": confirmed, "note": note},
        )


def unseed(apps, schema_editor):
    BenefitParameter = apps.get_model("rules", "BenefitParameter")
    for key, _label, _value, _unit, since, *_ in DEFAULTS:
        BenefitParameter.objects.filter(key=key, effective_from=since).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
