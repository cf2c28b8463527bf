"""Forms of the self-check pages. Labels and errors in plain Chinese; the rules live in shebao.domain."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils import timezone

from shebao.domain import retirement as R

YES_NO = [("yes", "是"), ("no", "否")]
MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-年./]\s*(\d{1,2})\s*月?\s*$")
#: Digits only, as a phone's number pad types them: 197104, or the ID card's 19710415.
DIGITS_MONTH_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})?\s*$")


def yes_no(label: str, *, required: bool = True, help_text: str = "", initial: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, required=required, help_text=help_text, initial=initial,
        error_messages={"required": "请选择“是”或“否”。"},
    )


class BirthMonthField(forms.CharField):
    """出生年月: ``1971-04``, ``1971年4月``, ``1971.4``, ``197104`` → ``1971-04``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "出生年月")
        kwargs.setdefault("help_text", "按身份证上的出生年月填写，例如 1966-05 或 196605")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": "请填写出生年月。"})
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "placeholder": "例如 1966-05", "autocomplete": "bday"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        # Chinese input methods type full-width digits and dashes (１９６６－０５).
        value = unicodedata.normalize("NFKC", value).strip()
        m = MONTH_RE.match(value) or DIGITS_MONTH_RE.match(value)
        if m:
            value = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        try:
            y, mo = R.parse_year_month(value)
        except R.RetirementError as exc:
            raise forms.ValidationError(str(exc)) from None
        today = timezone.localdate()
        if (y, mo) > (today.year, today.month):
            raise forms.ValidationError(f"出生年月 {y:04d}-{mo:02d} 晚于本月，请按身份证上的出生年月填写。")
        return f"{y:04d}-{mo:02d}"


class PlainDecimalField(forms.DecimalField):
    """A number as people write it: “1e3” or “Infinity” is refused with the field's own message
    (Python's Decimal would read them as 1000 and ∞), and a value too long to hold says so in the
    field's own words instead of Django's digit counts."""

    def to_python(self, value):
        text = str(value or "").strip()
        if text and not all(ch.isdigit() or ch in ".,-+ " for ch in text.replace("，", ",")):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as exc:
            # max_value says it in words; the digit counts only repeat it
            codes = {e.code for e in exc.error_list}
            if "max_value" in codes or "min_value" in codes:
                raise forms.ValidationError(
                    [e for e in exc.error_list if e.code not in ("max_digits", "max_whole_digits")]) from None
            raise


def years_field(label: str, *, required: bool = False, help_text: str = "", max_value: int = 60) -> forms.DecimalField:
    field = PlainDecimalField(
        label=label, required=required, min_value=0, max_value=max_value, decimal_places=1, max_digits=4,
        help_text=help_text,
        error_messages={
            "required": f"请填写{label}。",
            "invalid": "请填写数字，例如 15 或 15.5。",
            "min_value": "不能为负数。",
            "max_value": f"不能超过 {max_value} 年，请核对。",
            "max_decimal_places": "最多保留一位小数，例如 15.5。",
            "max_digits": "数字太长，请核对。",
        },
    )
    field.widget.attrs.update({"inputmode": "decimal", "step": "0.5"})
    return field


GROUP_CHOICES = [
    ("male", "男职工（原来 60 周岁退休）"),
    ("female55", "女职工，管理或技术岗位（原来 55 周岁退休）"),
    ("female50", "女职工，生产或工人岗位（原来 50 周岁退休）"),
]


class RetirementForm(forms.Form):
    birth = BirthMonthField()
    group = forms.ChoiceField(
        label="人员类别", choices=GROUP_CHOICES, widget=forms.RadioSelect,
        help_text="按改革前的原法定退休年龄选择，不按现在的职务", error_messages={"required": "请选择人员类别。"},
    )
    contribution_years = years_field(
        "累计缴费年限（含视同缴费年限）", help_text="可不填；填写后同时判断缴费年限是否够领养老金，例如 12.5"
    )
    still_contributing = yes_no("现在还在继续缴费吗？", required=False, initial="yes")


class ResidentPensionForm(forms.Form):
    birth = BirthMonthField()
    contribution_years = years_field(
        "城乡居民基本养老保险累计缴费年限", required=True, help_text="看缴费证或缴费台账，例如 15", max_value=80
    )
    still_contributing = yes_no("现在还在逐年缴费吗？", required=False, initial="yes")
    receiving_other_pension = yes_no(
        "是否已经领取职工养老金、机关事业单位养老金等其他基本养老保险待遇？", initial="no"
    )
    supplementary = yes_no("是否参加了城乡居民补充养老保险？", required=False, initial="no",
                           help_text="参加了的，同时判断 65 周岁领取补充养老金的条件")
    supplementary_years = years_field("补充养老保险累计缴费年限", help_text="参加了补充养老保险才需要填", max_value=80)
    receiving_basic = yes_no("是否已经在领取本县城乡居民基本养老金？", required=False, initial="no")

    def clean(self):
        data = super().clean()
        if data.get("supplementary") == "yes" and data.get("supplementary_years") is None:
            self.add_error("supplementary_years", "参加了补充养老保险的，请填写补充养老保险累计缴费年限。")
        return data


SEX_CHOICES = [("male", "男"), ("female", "女")]
ROUTE_CHOICES = [("special_work", "特殊工种提前退休（第5项）"), ("illness", "因病提前退休（第6项）")]
WORK_TYPE_CHOICES = [("", "请选择工种类别")] + [
    (k, f"{name}（需累计满 {years} 年）") for k, (name, years) in R.SPECIAL_WORK_TYPES.items()
]


class EarlyRetirementForm(forms.Form):
    route = forms.ChoiceField(label="提前退休类型", choices=ROUTE_CHOICES, widget=forms.RadioSelect,
                              error_messages={"required": "请选择提前退休类型。"})
    sex = forms.ChoiceField(label="性别", choices=SEX_CHOICES, widget=forms.RadioSelect,
                            error_messages={"required": "请选择性别。"})
    birth = BirthMonthField()
    contribution_years = years_field("养老保险累计缴费年限（含视同缴费年限）", required=True, help_text="例如 18")
    still_contributing = yes_no("现在还在继续缴费吗？", required=False, initial="yes")
    special_work_type = forms.ChoiceField(label="特殊工种类别", choices=WORK_TYPE_CHOICES, required=False,
                                         help_text="特殊工种提前退休才需要填")
    special_work_years = years_field("从事该特殊工种累计年限", help_text="特殊工种提前退休才需要填")
    continuous_service_years = years_field("连续工龄", help_text="因病提前退休才需要填")
    labour_capacity_lost = yes_no(
        "是否已经劳动能力鉴定委员会确认完全丧失劳动能力？", required=False, initial="no",
        help_text="因病提前退休才需要填；鉴定为一至四级",
    )

    def clean(self):
        data = super().clean()
        if data.get("route") == "special_work":
            if not data.get("special_work_type"):
                self.add_error("special_work_type", "特殊工种提前退休，请选择工种类别。")
            if data.get("special_work_years") is None:
                self.add_error("special_work_years", "特殊工种提前退休，请填写从事该工种的累计年限。")
        if data.get("route") == "illness" and data.get("continuous_service_years") is None:
            self.add_error("continuous_service_years", "因病提前退休，请填写连续工龄。")
        return data


class UnemploymentForm(forms.Form):
    contribution_years = forms.IntegerField(
        label="失业保险累计缴费：年", min_value=0, max_value=60, initial=0,
        error_messages={"required": "请填写缴费年数（没有整年填 0）。", "invalid": "请填写整数。",
                        "min_value": "不能为负数。", "max_value": "不能超过 60 年。"},
    )
    contribution_months = forms.IntegerField(
        label="再加：月", min_value=0, max_value=11, required=False, initial=0,
        help_text="不满一年的月数，0 到 11",
        error_messages={"invalid": "请填写整数。", "min_value": "不能为负数。", "max_value": "月数应在 0 到 11 之间。"},
    )
    involuntary = yes_no("是否属于非本人意愿中断就业？", help_text="如单位解除或终止劳动合同、单位破产；主动辞职选“否”", initial="yes")
    registered = yes_no("是否已经办理失业登记并有求职要求？", initial="yes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contribution_years", "contribution_months"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})


BENEFIT_KINDS = [
    ("enterprise", "企业职工养老金"),
    ("resident", "城乡居民养老金"),
    ("injury", "工伤伤残待遇"),
    ("death", "工亡待遇"),
]


def money_field(label: str, *, required: bool = True, help_text: str = "", max_value: int = 100_000_000) -> forms.DecimalField:
    field = PlainDecimalField(
        label=label, required=required, min_value=0, max_value=max_value, decimal_places=2, max_digits=12,
        help_text=help_text,
        error_messages={"required": f"请填写{label}。", "invalid": "请填写数字（元）。", "min_value": "不能为负数。",
                        "max_value": "数字太大，请核对。", "max_decimal_places": "最多两位小数。"},
    )
    field.widget.attrs.update({"inputmode": "decimal"})
    return field


class EnterprisePensionForm(forms.Form):
    contribution_years = years_field("累计缴费年限（含视同缴费年限）", required=True)
    account_balance = money_field("个人账户储存额（元）", help_text="可在民生山西APP或掌上12333查询")
    retirement_age_years = forms.IntegerField(label="退休时年龄（周岁）", min_value=40, max_value=70,
                                              error_messages={"required": "请填写退休时的年龄。", "invalid": "请填写整数。",
                                                              "min_value": "不能小于 40 岁。", "max_value": "不能大于 70 岁。"})
    contribution_index = PlainDecimalField(
        label="平均缴费指数", min_value=0, max_value=3, decimal_places=2, max_digits=4, initial=1,
        help_text="按社会平均工资缴费为 1，按最低档缴费为 0.6，最高 3", error_messages={"invalid": "请填写数字，例如 1 或 0.6。",
                                                                      "max_value": "最高为 3。", "min_value": "不能为负数。",
                                                                      "required": "请填写平均缴费指数。"},
    )
    average_wage = money_field("计发基数（上年度在岗职工月平均工资，元）", required=False,
                               help_text="后台未录入时请自行填写；按您填写的数计算")


class ResidentEstimateForm(forms.Form):
    account_balance = money_field("个人账户储存额（元）", help_text="可在缴费台账或民生山西APP查询")


class InjuryForm(forms.Form):
    grade = forms.TypedChoiceField(label="伤残等级", coerce=int, choices=[(i, f"{i} 级") for i in range(1, 11)],
                                   error_messages={"required": "请选择伤残等级。"})
    monthly_wage = money_field("本人工资（元/月）", help_text="受伤前 12 个月平均月缴费工资")


class DeathForm(forms.Form):
    deceased_wage = money_field("工亡职工本人工资（元/月）", required=False, help_text="计算供养亲属抚恤金时需要")
    spouse = forms.TypedChoiceField(label="供养的配偶", coerce=int, choices=[(0, "无"), (1, "有")], initial=0,
                                    widget=forms.RadioSelect)
    other_dependants = forms.IntegerField(label="其他供养亲属人数", min_value=0, max_value=20, initial=0, required=False,
                                          error_messages={"invalid": "请填写整数。", "min_value": "不能为负数。",
                                                          "max_value": "人数过多，请核对。"})
    orphans_or_lone_elderly = forms.IntegerField(label="其中孤寡老人或孤儿人数", min_value=0, max_value=20, initial=0,
                                                 required=False,
                                                 error_messages={"invalid": "请填写整数。", "min_value": "不能为负数。",
                                                                 "max_value": "人数过多，请核对。"})

    def clean(self):
        data = super().clean()
        if (data.get("spouse") or data.get("other_dependants")) and data.get("deceased_wage") is None:
            self.add_error("deceased_wage", "有供养亲属的，请填写工亡职工本人工资。")
        return data
