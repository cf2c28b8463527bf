"""Pages of the lifeevents context (一件事一次办).

Public: the list of life events, the questions (htmx re-renders them as answers change; plain
GET forms work without JavaScript), the ONE merged 一次性告知单 (HTML and PDF with a QR code),
and the progress query by bundle number + last 6 characters of the ID number.
Staff (window clerks): start a bundle from the answered questions, accept the parts of their
department, and see the bundles waiting at their window. The 综合受理窗口 accepts every part of
a bundle in one application, and hands the cases over to the departments afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shebao.accounts.permissions import INTAKE_ROLES, intakes_everywhere, may_intake
from shebao.cases.services import Applicant, MaterialEntry, read_number
from shebao.catalog.selectors import get_item
from shebao.core.errors import DomainError, NotFound
from shebao.core.web import county_or_404, is_htmx, qr_data_uri
from shebao.lifeevents import selectors, services
from shebao.lifeevents.plan import AnswerError, clean_answers, render_plan_pdf, visible_questions
from shebao.ops.throttle import client_ip
from shebao.portal.notice import cn_date

MATERIAL_STATUSES = (("received", "已收"), ("missing", "缺"), ("promised", "告知承诺"))


def _event(request, code: str):
    try:
        return selectors.get_life_event(code=code, county=county_or_404(request))
    except NotFound as exc:
        raise Http404(exc.message) from None


def _raw_answers(request, event) -> dict[str, str]:
    """The answers in the query string (forms that POST keep them in their action URL)."""
    return {q.code: request.GET.get(q.code, "") for q in event.questions if request.GET.get(q.code)}


def _query(answers: dict[str, str]) -> str:
    return urlencode(answers)


def _staff_profile(request):
    return getattr(request.user, "staff_profile", None) if request.user.is_authenticated else None


# --------------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------------


@require_GET
def index(request):
    events = selectors.list_life_events(county=county_or_404(request))
    return render(request, "lifeevents/index.html", {"events": events})


@require_GET
def questions(request, code: str):
    """The questions of one life event; complete answers lead on to the merged notice."""
    event = _event(request, code)
    raw = _raw_answers(request, event)
    asked = visible_questions(event, raw)
    error = ""
    try:
        answers = clean_answers(event, raw, complete=False)
    except AnswerError as exc:
        answers, error = {}, exc.message
    complete = all(q.answer for q in asked)
    ctx = {"event": event, "asked": asked, "error": error, "complete": complete,
           "notice_url": reverse("lifeevents:notice", args=[event.code]) + "?" + _query(answers)}
    if is_htmx(request):
        return render(request, "lifeevents/_questions.html", ctx)
    if complete and request.GET.get("go") and not error:
        return redirect(ctx["notice_url"])
    return render(request, "lifeevents/questions.html", ctx, status=400 if error else 200)


def _plan_or_redirect(request, event):
    raw = _raw_answers(request, event)
    try:
        return selectors.plan_for(code=event.code, answers=raw, county=county_or_404(request)), None
    except AnswerError as exc:
        messages.warning(request, exc.message)
        return None, redirect(reverse("lifeevents:questions", args=[event.code]) + "?" + _query(raw))


@require_GET
def notice(request, code: str):
    """The ONE merged 一次性告知单 of the event for the answers in the query string."""
    event = _event(request, code)
    plan, response = _plan_or_redirect(request, event)
    if response:
        return response
    query = _query(plan.answers)
    page_url = request.build_absolute_uri(reverse("lifeevents:notice", args=[event.code]) + "?" + query)
    profile = _staff_profile(request)
    ctx = {
        "event": event, "plan": plan, "query": query, "today_cn": cn_date(plan.today),
        "pdf_url": reverse("lifeevents:notice-pdf", args=[event.code]) + "?" + query,
        "edit_url": reverse("lifeevents:questions", args=[event.code]) + "?" + query,
        "page_url": page_url, "qr_data_uri": qr_data_uri(page_url),
        "can_start": _may_start(profile, plan),
        "start_url": reverse("lifeevents:start", args=[event.code]) + "?" + query,
    }
    return render(request, "lifeevents/notice.html", ctx)


def _may_start(profile, plan) -> bool:
    """May this staff member take in at least one step of the plan (so start the bundle)?"""
    if profile is None or profile.role not in INTAKE_ROLES or not plan.steps:
        return False
    return intakes_everywhere(profile) or any(
        s.department == getattr(profile.department, "name", None) for s in plan.steps)


@require_GET
def notice_pdf(request, code: str):
    event = _event(request, code)
    plan, response = _plan_or_redirect(request, event)
    if response:
        return response
    county = county_or_404(request)
    url = request.build_absolute_uri(reverse("lifeevents:notice", args=[event.code]) + "?" + _query(plan.answers))
    body = render_plan_pdf(plan, url=url, agency=county.agency)
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="life-event-{event.code}.pdf"'
    resp["Cache-Control"] = "no-store"
    return resp


@require_http_methods(["GET", "POST"])
def track(request):
    """Progress query: bundle number + last 6 characters of the ID number (POST, never in the URL)."""
    ctx: dict = {"number": (request.GET.get("number") or "").strip()[:20]}
    status = 200
    if request.method == "POST":
        number = read_number(request.POST.get("number") or "")[:20]
        suffix = unicodedata.normalize("NFKC", request.POST.get("id_suffix") or "").strip()[:6]
        ctx["number"] = number
        if not number or len(suffix) != 6:
            ctx["error"] = "请填写一件事编号和申请人证件号码的后六位。"
            status = 400
        elif not number.startswith("YJS-") and re.match(r"^[A-Z]{2,4}-\d{4}-\d{6}$", number):
            ctx["error"] = (f"{number} 是单个办件的编号，请到“办件进度查询”（/track/）查询；"
                            "这里查询“一件事”（编号以 YJS 开头）。")
            status = 400
        else:
            try:
                ctx["overview"] = services.track_bundle(number=number, id_suffix=suffix, ip=client_ip(request))
            except DomainError as exc:
                ctx["error"], status = exc.message, exc.status
    return render(request, "lifeevents/track.html", ctx, status=status)


# --------------------------------------------------------------------------------------------
# Staff pages
# --------------------------------------------------------------------------------------------


def _require_clerk(request):
    profile = _staff_profile(request)
    if profile is None:
        raise DomainError("只有本中心工作人员可以受理一件事。", status=403)
    return profile


def _group_materials(item_data: dict, scenario_code: str) -> list[dict]:
    groups = item_data.get("material_groups") or []
    if scenario_code:
        group = next((g for g in groups if g.get("scenario_code") == scenario_code), None)
    else:
        group = groups[0] if groups else None
    materials = list((group or {}).get("materials") or [])
    promise = any(m.get("promise") for m in materials)
    return [{**m, "index": i, "promise_ok": promise and not m.get("promise")} for i, m in enumerate(materials)]


def _part_intake_from_post(post, order: int, materials: list[dict]) -> services.PartIntake:
    entries = []
    for m in materials:
        status = post.get(f"p{order}_m{m['index']}", "missing")
        if status not in dict(MATERIAL_STATUSES):
            status = "missing"
        entries.append(MaterialEntry(m["name"], status))
    return services.PartIntake(order=order, materials=entries, tolerance=bool(post.get(f"p{order}_tolerance")))


def _applicant_from_post(post) -> Applicant:
    kind = post.get("applicant_kind", "person")
    ident = (post.get("applicant_id") or "").strip()
    return Applicant(
        kind=kind, name=(post.get("applicant_name") or "").strip(),
        id_number=ident if kind == "person" else "", credit_code=ident if kind == "unit" else "",
        phone=(post.get("phone") or "").strip(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """The first window: applicant, and the materials of this department's parts → bundle number."""
    event = _event(request, code)
    try:
        profile = _require_clerk(request)
    except DomainError as exc:
        return render(request, "lifeevents/error.html", {"message": exc.message}, status=403)
    plan, response = _plan_or_redirect(request, event)
    if response:
        return response
    county = profile.county
    own, others, later = [], [], []
    for s in plan.steps:
        item = get_item(county=county, no=s.item_no)
        row = {"step": s, "materials": _group_materials(item.data, s.scenario_code or "")}
        if s.after_previous:
            later.append(row)  # taken in once the previous part is finished, by its number
            continue
        mine = may_intake(profile, county_id=county.pk, department_id=item.department_id)
        (own if mine else others).append(row)
    ctx = {"event": event, "plan": plan, "own": own, "others": others, "later": later, "statuses": MATERIAL_STATUSES,
           "query": _query(plan.answers), "form": request.POST, "everywhere": intakes_everywhere(profile)}
    if request.method == "POST":
        chosen = [r for r in own if request.POST.get(f"p{r['step'].order}_accept")]
        try:
            bundle = services.start_bundle(
                user=request.user, code=event.code, answers=plan.answers, applicant=_applicant_from_post(request.POST),
                parts=[_part_intake_from_post(request.POST, r["step"].order, r["materials"]) for r in chosen],
            )
        except DomainError as exc:
            ctx["error"], ctx["problems"] = exc.message, exc.problems
            return render(request, "lifeevents/start.html", ctx, status=exc.status)
        overview = selectors.bundle_overview(bundle=bundle)
        if overview.ready:
            messages.success(request, f"已受理一件事 {bundle.number}，请把编号告知申请人，并引导其到下一个窗口。")
        elif overview.waiting:
            messages.success(request, f"已受理一件事 {bundle.number}，请把编号告知申请人：其余事项须在前一项办结后，"
                                      "凭这个编号再来办理。")
        else:
            messages.success(request, f"已受理一件事 {bundle.number}（全部事项），请把编号告知申请人。")
        return redirect("lifeevents:staff-bundle", number=bundle.number)
    return render(request, "lifeevents/start.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def staff_bundle(request, number: str):
    """A bundle seen from a window: every part, and an intake form for this department's waiting parts."""
    try:
        profile = _require_clerk(request)
        bundle = selectors.get_bundle_for(user=request.user, number=number)
    except DomainError as exc:
        return render(request, "lifeevents/error.html", {"message": exc.message}, status=exc.status)
    ctx: dict = {"statuses": MATERIAL_STATUSES, "form": request.POST}
    if request.method == "POST" and request.POST.get("handover"):
        try:
            handed = services.hand_over_bundle(user=request.user, number=bundle.number)
        except DomainError as exc:
            ctx["error"], ctx["problems"] = exc.message, exc.problems
        else:
            messages.success(request, f"已移交 {len(handed)} 件办件至各股室：{'、'.join(handed)}。")
            return redirect("lifeevents:staff-bundle", number=bundle.number)
    elif request.method == "POST":
        try:
            order = int(request.POST.get("order") or 0)
        except ValueError:
            order = 0
        part = bundle.parts.filter(order=order).first()
        if part is None:
            ctx["error"] = "请选择要受理的事项。"
        else:
            materials = _group_materials(get_item(county=bundle.county, no=part.item_no).data, part.scenario_code)
            try:
                services.accept_part(user=request.user, number=bundle.number, order=order,
                                     intake=_part_intake_from_post(request.POST, order, materials))
            except DomainError as exc:
                ctx["error"], ctx["problems"] = exc.message, exc.problems
            else:
                messages.success(request, f"已受理第 {order} 项。")
                return redirect("lifeevents:staff-bundle", number=bundle.number)
    overview = selectors.bundle_overview(bundle=bundle)
    forms = []
    for p in overview.ready:
        if may_intake(profile, county_id=bundle.county_id, department_id=p.department_id):
            item = get_item(county=bundle.county, no=p.item_no)
            part = bundle.parts.get(order=p.order)
            forms.append({"part": p, "materials": _group_materials(item.data, part.scenario_code)})
    held = selectors.held_case_numbers(bundle=bundle, user=request.user) if intakes_everywhere(profile) else []
    ctx.update({"overview": overview, "bundle": bundle, "forms": forms,
                "held": [p for p in overview.parts if p.case_no in held]})
    return render(request, "lifeevents/staff_bundle.html", ctx, status=400 if ctx.get("error") else 200)


_BUNDLE_NUMBER_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,19}")


@login_required
@require_GET
def staff_index(request):
    typed = (request.GET.get("number") or "").strip()
    number = read_number(typed)
    error = ""
    if number:
        # Only something shaped like a number can be part of the bundle page's address
        # (a “/” cannot); anything else is said to be wrong here, with what was typed kept.
        if _BUNDLE_NUMBER_RE.fullmatch(number):
            return redirect("lifeevents:staff-bundle", number=number)
        error = "一件事编号格式不对：编号形如 YJS-2026-000012（字母、年份、六位序号）。"
    waiting = selectors.bundles_waiting_for(user=request.user)
    profile = _staff_profile(request)
    return render(request, "lifeevents/staff_index.html", {
        "waiting": waiting, "held": selectors.bundles_held_by(user=request.user), "error": error,
        "typed": typed[:40], "everywhere": intakes_everywhere(profile), "now": timezone.now()},
        status=400 if error else 200)
