"""Pages of the portal context: home, item guide, 情形 wizard and 一次性告知单, self-checks.

Everything is server-rendered; htmx only swaps fragments (live search results, the wizard's
questions). Rules (working days, deadlines, retirement, eligibility) come from ``shebao.domain``
through the rules context; this module only presents them.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from shebao.catalog import selectors as catalog
from shebao.core.errors import DomainError, NotFound
from shebao.domain import deadlines
from shebao.portal import notice as notice_mod

#: Channel kinds, self-service first; labels as a citizen would say them.
CHANNEL_KINDS = [
    ("app", "手机APP"),
    ("mini_program", "支付宝、微信"),
    ("website", "网站"),
    ("village", "村协办员"),
    ("bank", "银行网点"),
    ("home_visit", "上门服务"),
    ("window", "政务中心窗口"),
]
SELF_SERVICE_KINDS = {"app", "mini_program", "website"}
KIND_ORDER = {k: i for i, (k, _) in enumerate(CHANNEL_KINDS)}
KIND_LABEL = dict(CHANNEL_KINDS)

#: Self-check pages related to items (shown on the item page).
SELF_CHECKS = {
    "retirement": ("退休时间自查（2024年延迟退休改革后）", "portal:check-retirement"),
    "resident": ("城乡居民养老金领取条件自查（60周岁/65周岁）", "portal:check-resident"),
    "early": ("提前退休条件自查（特殊工种、因病）", "portal:check-early"),
    "unemployment": ("失业保险金领取期限自查", "portal:check-unemployment"),
    "benefits": ("待遇估算（养老金、失业金、工伤）", "portal:check-benefits"),
}
ITEM_CHECKS = {
    4: ["retirement"], 5: ["early", "retirement"], 6: ["early", "retirement"], 7: ["retirement", "benefits"],
    28: ["retirement", "benefits"], 18: ["resident", "benefits"], 19: ["resident"], 20: ["resident"],
    37: ["unemployment", "benefits"], 34: ["benefits"], 8: ["benefits"], 9: ["benefits"],
}  # fmt: skip

MAX_QUERY = 100


# --------------------------------------------------------------------------------------------
# Seams to the other engineers' services
# --------------------------------------------------------------------------------------------


def get_calendar():
    """The official working-day calendar (rules context), built once per loaded schedule set."""
    try:
        from shebao.rules.selectors import get_calendar as rules_calendar
    except ImportError:  # the rules context has not landed yet
        rules_calendar = None
    if rules_calendar is not None:
        return rules_calendar()
    from shebao.domain.workdays import WorkCalendar

    global _FALLBACK_CAL
    if _FALLBACK_CAL is None:
        _FALLBACK_CAL = WorkCalendar()
    return _FALLBACK_CAL


_FALLBACK_CAL = None


def search_items(query: str, *, county) -> dict:
    """Search with the portal search engine (``selectors_search.search``), shaped for the templates.

    Returns ``{"results": [{"no", "name", "score", "summary", "matched", "name_html", "summary_html"}…],
    "out_of_scope": bool, "scope_hint": str, "unsure": bool, "suggestions": [{"no", "name"}…],
    "understood": [...]}``. An empty or over-long query raises ``DomainError`` (422, Chinese).
    """
    from shebao.portal import selectors_search

    return _normalise_search(selectors_search.search(query, county=county), county=county)


def _field(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _highlight(text: str, words) -> str:
    """``text`` escaped, with every occurrence of the matched words wrapped in <mark>."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    words = sorted({w for w in words if w and len(w) >= 1 and w in text}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def _normalise_search(answer, *, county) -> dict:
    if not isinstance(answer, dict) and not hasattr(answer, "results"):
        answer = {"results": list(answer)}
    items = {i.no: i for i in catalog.list_items(county=county)}
    results = []
    for r in _field(answer, "results", None) or []:
        item = items.get(_field(r, "no"))
        if item is None:
            continue
        matched = list(_field(r, "matched", None) or _field(r, "highlights", None) or [])
        summary = item.data.get("summary", "")
        results.append(
            {
                "no": item.no,
                "name": item.name,
                "score": _field(r, "score"),
                "summary": summary,
                "matched": matched,
                "name_html": _highlight(item.name, matched),
                "summary_html": _highlight(summary, matched),
            }
        )
    suggestions = []
    for s in _field(answer, "suggestions", None) or []:
        item = items.get(_field(s, "no"))
        if item is not None:
            suggestions.append({"no": item.no, "name": item.name})
    hint = _field(answer, "out_of_scope_hint", None) or _field(answer, "scope_hint", None) or ""
    if suggestions:  # shown first, as the 1–3 best guesses; the rest below them
        shown = {s["no"] for s in suggestions}
        results = [r for r in results if r["no"] not in shown]
    return {
        "results": results,
        "out_of_scope": bool(_field(answer, "out_of_scope", False)),
        "scope_hint": hint,
        "unsure": bool(_field(answer, "unsure", False)) or bool(suggestions),
        "suggestions": suggestions,
        "understood": list(_field(answer, "understood", None) or []),
    }


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return deadlines.local_date(timezone.now())


def _county(request):
    from shebao.core.selectors import current_county

    county = current_county(request)
    if county is None:
        raise Http404("系统尚未加载事项库，请联系管理员运行 shebao catalog load。")
    return county


def _get_item(request, no: int):
    try:
        return catalog.get_item(county=_county(request), no=no)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _channels(county) -> dict[str, dict]:
    return {
        c.code: {"code": c.code, "name": c.name, "kind": c.kind, "url": c.url, "description": c.description,
                 "kind_label": KIND_LABEL.get(c.kind, c.kind), "self_service": c.kind in SELF_SERVICE_KINDS}
        for c in catalog.list_channels(county=county)
    }


def _sorted_channels(codes, channels: dict[str, dict]) -> list[dict]:
    found = [channels[c] for c in dict.fromkeys(codes) if c in channels]
    return sorted(found, key=lambda c: KIND_ORDER.get(c["kind"], 99))


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _clean_query(request) -> tuple[str, str]:
    """(query, error) — the query trimmed; an over-long query is refused with a message."""
    q = (request.GET.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        return q[:MAX_QUERY], f"问题太长了（{len(q)} 个字），请用 {MAX_QUERY} 个字以内说清楚要办的事。"
    return q, ""


# --------------------------------------------------------------------------------------------
# Home and search
# --------------------------------------------------------------------------------------------


@require_GET
def home(request):
    county = _county(request)
    channels = _channels(county)
    areas = []
    for cat in catalog.list_categories(county=county):
        items = sorted((i for i in cat.items.all() if i.is_active), key=lambda i: i.no)
        codes = [c for i in items for c in i.data.get("channels", [])]
        ways = _sorted_channels(codes, channels)
        # Group the ways by kind so the page says "手机APP：民生山西、老来网 …".
        by_kind: dict[str, list[dict]] = {}
        for w in ways:
            by_kind.setdefault(w["kind"], []).append(w)
        areas.append(
            {
                "code": cat.code,
                "name": cat.name,
                "path_title": cat.path_title,
                "items": [{"no": i.no, "name": i.name, "online": i.data.get("online", False)} for i in items],
                "ways": [{"kind": k, "label": KIND_LABEL.get(k, k), "channels": v} for k, v in by_kind.items()],
            }
        )
    q, error = _clean_query(request)
    return render(
        request,
        "portal/home.html",
        {"areas": areas, "q": q, "examples": ["社保卡丢了怎么办", "我爸去世了账户里的钱怎么领", "失业金怎么领", "刷脸认证"]},
    )


@require_GET
def search(request):
    county = _county(request)
    q, error = _clean_query(request)
    answer = {"results": [], "out_of_scope": False, "scope_hint": "", "unsure": False, "suggestions": []}
    status = 200
    if error:
        status = 422
    elif q:
        try:
            answer = search_items(q, county=county)
        except DomainError as exc:
            error, status = exc.message, exc.status
    ctx = {"q": q, "error": error, **answer}
    template = "portal/_search_results.html" if _is_htmx(request) else "portal/search.html"
    # htmx swaps only 2xx responses; the fragment carries the error itself.
    return render(request, template, ctx, status=200 if _is_htmx(request) else status)


# --------------------------------------------------------------------------------------------
# Item page
# --------------------------------------------------------------------------------------------


def _deadline_context(item_data: dict, today: dt.date) -> dict:
    cal = get_calendar()
    try:
        answers = deadlines.item_deadlines(cal, item_data, today)
    except deadlines.DeadlineError as exc:
        return {"promise_sentence": "", "deadline_error": str(exc), "schedules": [], "promised": None}
    return {
        "promised": answers.promised,
        "statutory": answers.statutory,
        "promise_sentence": notice_mod.promise_sentence(answers.promised, today),
        "schedules": answers.schedules,
        "provisional": answers.provisional,
    }


@require_GET
def item_detail(request, no: int):
    item = _get_item(request, no)
    d = item.data
    channels = _channels(item.county)
    ways = _sorted_channels(d.get("channels", []), channels)
    self_service = [w for w in ways if w["self_service"]]
    offline = [w for w in ways if not w["self_service"]]
    routes = []
    for r in d["procedure"].get("routes", []):
        ch = channels.get(r.get("channel") or "")
        routes.append({**r, "channel_obj": ch})
    today = _today()
    groups = d.get("material_groups") or []
    ctx = {
        "item": item,
        "d": d,
        "groups": groups,
        "scenarios": notice_mod.scenarios(d),
        "needs_wizard": notice_mod.needs_wizard(d),
        "self_service": self_service,
        "offline": offline,
        "online_first": d.get("online") and bool(self_service),
        "routes": routes,
        "phone": notice_mod.phone_display(d.get("phone")),
        "phone_digits": notice_mod.phone_digits(d.get("phone")),
        "hours": notice_mod.HOURS_TEXT,
        "today": today,
        "today_cn": notice_mod.cn_date(today),
        "checks": [SELF_CHECKS[c] for c in ITEM_CHECKS.get(item.no, [])],
        "tolerance_count": sum(1 for g in groups for m in g["materials"] if m.get("tolerance")),
        **_deadline_context(d, today),
    }
    return render(request, "portal/item.html", ctx)


# --------------------------------------------------------------------------------------------
# 情形 wizard, 一次性告知单 (HTML and PDF)
# --------------------------------------------------------------------------------------------


def _answers(request) -> dict[str, str]:
    return {k: v for k, v in request.GET.items() if k.startswith("q") and k[1:].isdigit()}


def _notice_query(notice: notice_mod.Notice) -> str:
    params = {}
    if notice.scenario:
        params["scenario"] = notice.scenario.code
    for q in notice.questions:
        if q.answer is not None:
            params[q.key] = "yes" if q.answer else "no"
    return urlencode(params)


def _error_page(request, item, exc: notice_mod.NoticeError):
    return render(
        request,
        "portal/notice_error.html",
        {"item": item, "message": exc.message, "choices": exc.choices},
        status=exc.status,
    )


def _build(request, item, scenario):
    return notice_mod.build_notice(
        item.data,
        item_no=item.no,
        department=item.department.name,
        scenario=scenario,
        answers=_answers(request),
        cal=get_calendar(),
        today=_today(),
        channels=_channels(item.county),
    )


@require_GET
def notice(request, no: int):
    """The wizard: choose the 情形 → answer the yes/no questions → the 一次性告知单.

    Stages by query: no ``scenario`` (item has several) → choose; ``scenario`` with unanswered
    questions and no ``step=notice`` → questions; otherwise the notice.
    """
    item = _get_item(request, no)
    d = item.data
    choices = notice_mod.scenarios(d)
    scenario = request.GET.get("scenario")
    ctx = {"item": item, "d": d, "choices": choices}
    if choices and not scenario:
        template = "portal/_wizard_questions.html" if _is_htmx(request) else "portal/wizard.html"
        return render(request, template, {**ctx, "stage": "choose"})
    try:
        chosen, group = notice_mod.resolve_group(d, scenario)
    except notice_mod.NoticeError as exc:
        return _error_page(request, item, exc)
    qs = notice_mod.questions(group, _answers(request))
    if _is_htmx(request) and request.GET.get("partial") == "questions":
        return render(request, "portal/_wizard_questions.html", {**ctx, "stage": "questions", "chosen": chosen,
                                                                   "questions": qs})
    if qs and request.GET.get("step") != "notice" and any(q.answer is None for q in qs):
        return render(request, "portal/wizard.html", {**ctx, "stage": "questions", "chosen": chosen, "questions": qs})
    n = _build(request, item, scenario)
    query = _notice_query(n)
    ctx.update(
        {
            "notice": n,
            "today_cn": notice_mod.cn_date(n.today),
            "pdf_url": reverse("portal:notice-pdf", args=[item.no]) + (f"?{query}" if query else ""),
            "edit_url": reverse("portal:notice", args=[item.no]) + (f"?scenario={n.scenario.code}" if n.scenario else ""),
            "item_url": request.build_absolute_uri(reverse("portal:item", args=[item.no])),
        }
    )
    ctx["qr_data_uri"] = _qr_data_uri(ctx["item_url"])
    return render(request, "portal/notice.html", ctx)


def _qr_data_uri(url: str) -> str:
    import base64
    import io

    import qrcode

    buf = io.BytesIO()
    qrcode.make(url, border=2).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@require_GET
def notice_pdf(request, no: int):
    item = _get_item(request, no)
    try:
        n = _build(request, item, request.GET.get("scenario"))
    except notice_mod.NoticeError as exc:
        return _error_page(request, item, exc)
    url = request.build_absolute_uri(reverse("portal:item", args=[item.no]))
    body = notice_mod.render_notice_pdf(n, url=url, agency=item.county.agency)
    response = HttpResponse(body, content_type="application/pdf")
    suffix = f"-{n.scenario.code}" if n.scenario else ""
    response["Content-Disposition"] = f'attachment; filename="notice-{item.no}{suffix}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------------------------
# Eligibility self-checks (rules from shebao.domain.eligibility / retirement / benefits)
# --------------------------------------------------------------------------------------------

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
        return _verdict_view(E.check(no, facts, today=_today())), ""
    except E.EligibilityError as exc:
        return None, str(exc)


def _yes(value) -> bool:
    return value == "yes"


def _years(value) -> float | None:
    return None if value is None else float(value)


def _self_check_render(request, template: str, ctx: dict, *, status: int = 200):
    ctx.setdefault("estimate_notice", ESTIMATE_NOTICE)
    ctx.setdefault("today_cn", notice_mod.cn_date(_today()))
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


def _param(key: str, label: str, unit: str = "元/月", override=None):
    from shebao.domain.benefits import Param

    if override is not None:
        return Param(key, label, override, None, "您填写的数值", False, unit)
    try:
        from shebao.rules.selectors import get_parameter
    except ImportError:  # pragma: no cover - rules context not installed
        return Param(key, label, None, None, "", False, unit)
    return get_parameter(key, on=_today()) or Param(key, label, None, None, "", False, unit)


def _optional_param(key: str):
    try:
        from shebao.rules.selectors import get_parameter
    except ImportError:  # pragma: no cover
        return None
    return get_parameter(key, on=_today())


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
