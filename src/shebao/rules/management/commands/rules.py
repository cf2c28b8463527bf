"""``shebao rules retirement|eligibility|validate|params``.

    shebao rules retirement 1971-04 female55
    shebao rules eligibility 4 birth=1971-04 group=female55 contribution_years=12.75
    shebao rules validate id 11010519491231002X
    shebao rules params
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from shebao.domain import eligibility as E
from shebao.domain import identifiers as I
from shebao.domain import retirement as R
from shebao.rules import selectors

_VALIDATORS = {
    "id": I.validate_id_number,
    "credit": I.validate_credit_code,
    "phone": I.validate_phone,
}


def _value(text: str):
    lowered = text.lower()
    if lowered in ("true", "yes", "是"):
        return True
    if lowered in ("false", "no", "否"):
        return False
    try:
        return json.loads(text)
    except ValueError:
        return text


class Command(BaseCommand):
    help = "规则：法定退休年龄（retirement）、申请条件判断（eligibility）、证件号码校验（validate）、待遇参数（params）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("retirement", help="出生年月 + 人员类别 → 法定退休时间")
        r.add_argument("birth", help="YYYY-MM")
        r.add_argument("group", help="male | female55 | female50")
        r.add_argument("--json", action="store_true")
        e = sub.add_parser("eligibility", help="事项序号 + 情况（key=value …）→ 是否符合条件")
        e.add_argument("item", type=int)
        e.add_argument("facts", nargs="*", help="例如 birth=1971-04 group=female55 contribution_years=15")
        e.add_argument("--json", action="store_true")
        v = sub.add_parser("validate", help="校验身份证号码（id）、统一社会信用代码（credit）、电话（phone）")
        v.add_argument("kind", choices=sorted(_VALIDATORS))
        v.add_argument("value")
        sub.add_parser("params", help="列出待遇计算参数及出处")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"_{action}")(**opts)
        except (R.RetirementError, E.EligibilityError) as exc:
            raise CommandError(str(exc)) from None

    def _retirement(self, birth, group, json=False, **_):
        ans = R.retirement(birth, group)
        if json:
            self.stdout.write(_dumps(ans.as_dict()))
            return
        self.stdout.write(
            f"退休时间 {ans.retirement_month}，退休年龄 {ans.age_years} 岁 {ans.age_months} 个月（延迟 {ans.delay_months} 个月），"
            f"最低缴费年限 {ans.min_contribution_years:g} 年；弹性退休 {ans.earliest_month} 至 {ans.latest_month}。"
        )
        self.stdout.write(ans.explanation)

    def _eligibility(self, item, facts, json=False, **_):
        data = {}
        for pair in facts:
            if "=" not in pair:
                raise CommandError(f"情况“{pair}”应写成 key=value。")
            k, v = pair.split("=", 1)
            data[k.strip()] = _value(v.strip())
        verdict = E.check(item, data)
        if json:
            self.stdout.write(_dumps(verdict.as_dict()))
            return
        self.stdout.write(verdict.summary)
        for c in verdict.conditions:
            self.stdout.write(f"  [{'✓' if c.met else '✗'}] {c.text}")

    def _validate(self, kind, value, **_):
        check = _VALIDATORS[kind](value)
        self.stdout.write(("有效：" if check.valid else "无效：") + check.message)
        if not check.valid:
            raise CommandError("校验未通过。")

    def _params(self, **_):
        for p in selectors.list_parameters():
            param = selectors.to_param(p)
            value = "未录入" if p.value is None else f"{p.value.normalize():f} {p.unit}"
            tag = "估算参数" if param.estimated else "有出处"
            self.stdout.write(f"{p.key} {p.effective_from:%Y-%m-%d} 起：{p.label} = {value} [{tag}] {p.source}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
