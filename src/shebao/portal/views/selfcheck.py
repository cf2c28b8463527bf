"""Eligibility self-checks and benefit estimates (rules from ``shebao.domain.eligibility`` /
``retirement`` / ``benefits``): the portal only presents the verdicts."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from shebao.portal import notice as notice_mod
from shebao.portal.views import common

ESTIMATE_NOTICE = "估算，仅供参考：结果根据您填写的情况按现行规定自动计算，不是经办机构的审核决定，以窗口审核为准。"


def _verdict_view(verdict) -> dict:
    """A verdict of ``shebao.domain.eligibility`` as the template shows it."""
    eligible_on = getattr(verdict, "eligible_on", None)
    return {
        "title": verdict.title,
        "verdict": verdict.verdict,
        "label": verdict.verdict_label,
        "summary": verdict.summary,
        "eligible_on": eligible_on,
        "eligible_on_cn": notice_mod.cn_date(eligible_on) if eligible_on else "",
        "conditions": [
            {
                "text": c.text,
                "state": "met" if c.met else "unmet",
                "mark": "已满足" if c.met else ("待满足" if c.can_be_met_later else "不满足"),
                "met_on": c.met_on,
            }
            for c in verdict.conditions
        ],
        "basis": verdict.basis,
        "extra": verdict.extra,
        "item_no": verdict.item_no,
    }


def _check(no: int, facts: dict):
    """Run the rules engineer's check ``no``; returns (verdict view, error message)."""
    from shebao.domain import eligibility as E

    try:
        return _verdict_view(E.check(no, facts, today=common.today())), ""
    except E.EligibilityError as exc:
        return None, str(exc)


def _yes(value) -> bool:
    return value == "yes"


def _years(value) -> float | None:
    return None if value is None else float(value)


def _self_check_render(request, template: str, ctx: dict, *, status: int = 200):
    ctx.setdefault("estimate_notice", ESTIMATE_NOTICE)
    ctx.setdefault("today_cn", notice_mod.cn_date(common.today()))
    return render(request, template, ctx, status=status)


def self_check_index(request):
    checks = [
        {"url": reverse("portal:check-retirement"), "title": "我哪年哪月退休？",
         "text": "2024 年延迟退休改革后的法定退休时间、弹性退休范围和最低缴费年限。", "items": [4]},
        {"url": reverse("portal:check-resident"), "title": "城乡居民养老金：我能领吗？",
         "text": "60 周岁领取城乡居民基本养老金、65 周岁领取补充养老金的条件。", "items": [18, 19]},
        {"url": reverse("portal:check-early"), "title": "我能提前退休吗？",
         "text": "特殊工种（井下、高空、高温、繁重体力、有害工种）和因病提前退休的条件。", "items": [5, 6]},
        {"url": reverse("portal:check-unemployment"), "title": "失业金能领几个月？",
         "text": "失业保险金的领取条件和最长领取期限。", "items": [37]},
        {"url": reverse("portal:check-benefits"), "title": "待遇估算",
         "text": "企业养老金、城乡居民养老金、工伤伤残待遇、工亡待遇的估算。", "items": [7, 18, 34]},
    ]
    return render(request, "portal/check/index.html", {"checks": checks, "estimate_notice": ESTIMATE_NOTICE})


def check_retirement(request):
    from shebao.portal.forms import RetirementForm

    form = RetirementForm(request.POST or None)
    ctx: dict = {"form": form, "title": "退休时间自查", "item_nos": [4, 7]}
    if request.method == "POST" and form.is_valid():
        from shebao.domain import retirement as R

        data = form.cleaned_data
        try:
            ctx["retirement"] = R.retirement(data["birth"], data["group"])
        except R.RetirementError as exc:
            form.add_error("birth", str(exc))
        else:
            if data.get("contribution_years") is not None:
                ctx["verdict"], error = _check(
                    4,
                    {"birth": data["birth"], "group": data["group"], "contribution_years": _years(data["contribution_years"]),
                     "still_contributing": _yes(data.get("still_contributing"))},
                )
                if error:
                    form.add_error(None, error)
    return _self_check_render(request, "portal/check/retirement.html", ctx, status=_status(request, form))


def _status(request, form) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def check_resident(request):
    from shebao.portal.forms import ResidentPensionForm

    form = ResidentPensionForm(request.POST or None)
    ctx: dict = {"form": form, "title": "城乡居民养老金领取条件自查", "item_nos": [18, 19]}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        verdicts = []
        v, error = _check(
            18,
            {"birth": data["birth"], "contribution_years": _years(data["contribution_years"]),
             "still_contributing": _yes(data.get("still_contributing")),
             "receiving_other_pension": _yes(data.get("receiving_other_pension"))},
        )
        if v:
            verdicts.append(v)
        if not error and data.get("supplementary") == "yes":
            v19, error = _check(
                19,
                {"birth": data["birth"], "contribution_years": _years(data["supplementary_years"]),
                 "still_contributing": _yes(data.get("still_contributing")),
                 "receiving_basic_resident_pension": _yes(data.get("receiving_basic"))},
            )
            if v19:
                verdicts.append(v19)
        if error:
            form.add_error(None, error)
        ctx["verdicts"] = verdicts
    return _self_check_render(request, "portal/check/resident.html", ctx, status=_status(request, form))


def check_early(request):
    from shebao.portal.forms import EarlyRetirementForm

    form = EarlyRetirementForm(request.POST or None)
    ctx: dict = {"form": form, "title": "提前退休条件自查", "item_nos": [5, 6]}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        facts = {"birth": data["birth"], "sex": data["sex"], "contribution_years": _years(data["contribution_years"]),
                 "still_contributing": _yes(data.get("still_contributing"))}
        if data["route"] == "special_work":
            no = 5
            facts.update(special_work_type=data["special_work_type"], special_work_years=_years(data["special_work_years"]))
        else:
            no = 6
            facts.update(continuous_service_years=_years(data["continuous_service_years"]),
                         labour_capacity_lost=_yes(data.get("labour_capacity_lost")))
        v, error = _check(no, facts)
        if error:
            form.add_error(None, error)
        ctx["verdicts"] = [v] if v else []
    return _self_check_render(request, "portal/check/early.html", ctx, status=_status(request, form))


def _optional_param(key: str):
    """The rules context's parameter ``key`` in force today, or ``None``."""
    try:
        from shebao.rules.selectors import get_parameter
    except ImportError:  # pragma: no cover - rules context not installed
        return None
    return get_parameter(key, on=common.today())


def _param(key: str, label: str, unit: str = "元/月", override=None):
    """The parameter ``key``: the user's ``override``, else the one in force, else an empty one."""
    from shebao.domain.benefits import Param

    if override is not None:
        return Param(key, label, override, None, "您填写的数值", False, unit)
    return _optional_param(key) or Param(key, label, None, None, "", False, unit)


def _estimate_view(estimate) -> dict:
    d = estimate.as_dict()
    d["params_view"] = [
        {**p, "estimated": not p["confirmed"]} for p in d["params"]
    ]
    return d


def check_unemployment(request):
    from shebao.domain import benefits as B
    from shebao.portal.forms import UnemploymentForm

    form = UnemploymentForm(request.POST or None)
    ctx: dict = {"form": form, "title": "失业保险金领取自查", "item_nos": [37]}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        months = data["contribution_years"] * 12 + (data.get("contribution_months") or 0)
        v, error = _check(
            37,
            {"contribution_months": months, "involuntary_unemployment": _yes(data["involuntary"]),
             "registered_unemployed": _yes(data["registered"])},
        )
        if error:
            form.add_error(None, error)
        ctx["verdicts"] = [v] if v else []
        try:
            ctx["estimate"] = _estimate_view(
                B.unemployment(contribution_months=months, minimum_wage=_optional_param("shanxi_minimum_wage"),
                               benefit_rate=_optional_param("unemployment_benefit_rate"))
            )
        except B.BenefitError as exc:
            form.add_error(None, str(exc))
    return _self_check_render(request, "portal/check/unemployment.html", ctx, status=_status(request, form))


def check_benefits(request):
    from shebao.domain import benefits as B
    from shebao.portal import forms as F

    kinds = dict(F.BENEFIT_KINDS)
    kind = request.POST.get("kind") or request.GET.get("kind") or "enterprise"
    if kind not in kinds:
        kind = "enterprise"
    form_cls = {"enterprise": F.EnterprisePensionForm, "resident": F.ResidentEstimateForm, "injury": F.InjuryForm,
                "death": F.DeathForm}[kind]
    form = form_cls(request.POST or None, prefix=kind)
    ctx: dict = {"form": form, "kind": kind, "kind_label": kinds[kind], "kinds": F.BENEFIT_KINDS,
                 "title": "待遇估算", "item_nos": {"enterprise": [7], "resident": [18], "injury": [34],
                                                   "death": [34]}[kind]}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "enterprise":
                est = B.enterprise_pension(
                    average_wage=_param("shanxi_average_monthly_wage", "上年度在岗职工月平均工资（计发基数）",
                                        override=data.get("average_wage")),
                    contribution_years=data["contribution_years"],
                    account_balance=data["account_balance"],
                    retirement_age_years=data["retirement_age_years"],
                    contribution_index=data["contribution_index"],
                )
            elif kind == "resident":
                est = B.resident_pension(
                    national_basic=_param("resident_basic_pension_national_min", "城乡居民基础养老金全国最低标准"),
                    account_balance=data["account_balance"],
                    local_topup=_optional_param("resident_basic_pension_local_topup"),
                )
            elif kind == "injury":
                est = B.work_injury_disability(grade=data["grade"], monthly_wage=data["monthly_wage"])
            else:
                est = B.work_injury_death(
                    disposable_income=_param("national_urban_disposable_income", "上年度全国城镇居民人均可支配收入", "元/年"),
                    area_average_wage=_optional_param("area_average_monthly_wage"),
                    deceased_wage=data.get("deceased_wage"),
                    spouse=data.get("spouse") or 0,
                    other_dependants=data.get("other_dependants") or 0,
                    orphans_or_lone_elderly=data.get("orphans_or_lone_elderly") or 0,
                    spouse_rate=_optional_param("injury_dependant_spouse_rate"),
                    other_rate=_optional_param("injury_dependant_other_rate"),
                    extra_rate=_optional_param("injury_dependant_extra_rate"),
                )
        except B.BenefitError as exc:
            form.add_error(None, str(exc))
        else:
            ctx["estimate"] = _estimate_view(est)
    return _self_check_render(request, "portal/check/benefits.html", ctx, status=_status(request, form))
