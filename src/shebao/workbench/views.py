"""Pages of the workbench (工作台): the queue, intake, the case page, PDFs and the 差评 list.

Every write goes through ``shebao.cases.services`` and every read through ``shebao.cases.selectors``
(which apply the department and role rules); these views only parse forms, call them, and show
their Chinese messages. A service error never loses what the user typed: the page is rendered
again with the submitted values.
"""

from __future__ import annotations

import functools
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shebao.accounts.models import Role
from shebao.accounts.permissions import INTAKE_ROLES, intakes_everywhere
from shebao.accounts.selectors import profile_of
from shebao.cases import pdfs, services
from shebao.cases import selectors as case_selectors
from shebao.cases import workflow as wf
from shebao.cases.models import Rating
from shebao.core.errors import Conflict, DomainError, PermissionDenied, join_sentences
from shebao.core.web import is_htmx
from shebao.workbench import selectors
from shebao.workbench.forms import (
    MATERIAL_STATUSES,
    OUTCOMES,
    ActionForm,
    FollowUpForm,
    IntakeData,
    QueueFilterForm,
    problems_by_field,
)

PAGE_SIZE = 30


def denied(request, message: str, status: int = 403):
    return render(request, "workbench/denied.html", {"message": message, "status": status}, status=status)


def staff_page(view):
    """Logged in (else to the login page) and a staff member of the center (else 403)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = profile_of(request.user)
        if profile is None:
            return denied(request, "您不是本中心的工作人员，不能使用工作台。")
        request.profile = profile
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status in (403, 404):
                return denied(request, exc.message, exc.status)
            raise

    return wrapper


def _nav(profile) -> dict:
    return {
        "can_intake": profile.role in INTAKE_ROLES,
        "front_desk": intakes_everywhere(profile),
        "can_complaints": profile.role in (Role.SECTION_HEAD, Role.DIRECTOR),
        "profile": profile,
    }


# -- queue ------------------------------------------------------------------------------------------
@staff_page
@require_GET
def queue(request):
    profile = request.profile
    if profile.role == Role.ADMIN:
        raise PermissionDenied("系统管理员负责系统维护，不能查看办件（办件含个人信息）。")
    form = QueueFilterForm(request.GET or None, items=selectors.items_for(profile),
                           departments=selectors.departments_for(profile))
    filters = form.filters() if form.is_valid() else {"status": "open"}
    cases = selectors.queue(user=request.user, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        **_nav(profile),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "counts": selectors.warning_counts(user=request.user),
        "filtered": any(v for k, v in filters.items() if k != "status") or filters["status"] != "open",
    }
    if is_htmx(request):
        return render(request, "workbench/_queue_results.html", ctx)
    return render(request, "workbench/queue.html", ctx, status=200 if not form.errors else 400)


# -- intake -----------------------------------------------------------------------------------------
#: form field → the id of the control an error summary link jumps to
_FIELD_ANCHORS = {"item": "item", "kind": "kind-person", "name": "name", "id_number": "id_number",
                  "phone": "phone", "email": "email", "agent_name": "agent_name",
                  "agent_id_number": "agent_id_number", "reasons": "reasons", "scenario": "scenario",
                  "tolerance_consent": "tolerance_consent", "outcome": "outcome-accept"}


def _checklist(request, data: IntakeData) -> dict:
    """The 情形 choice and materials checklist of the chosen item (``selectors.intake_checklist``),
    with what the clerk had chosen for each material; ``item_error`` when the item cannot be taken."""
    if data.item_no is None:
        return {"checklist": None}
    try:
        cl = case_selectors.intake_checklist(user=request.user, item_no=data.item_no, scenario=data.scenario or None)
    except DomainError as exc:
        if exc.status == 403:
            return {"checklist": None, "item_error": f"事项 {data.item_no} 不由您受理：{exc.message}"}
        return {"checklist": None, "item_error": exc.message}
    rows = []
    for i, m in enumerate(cl["materials"]):
        default = wf.MISSING if not m["required"] else wf.RECEIVED
        rows.append({**m, "index": i, "text": m["text"] if m["text"] != m["name"] else "",
                     "status": data.statuses.get(m["name"], default)})
    return {"checklist": cl, "materials": rows, "tolerable": [r for r in rows if r["tolerable"]],
            "needs_scenario": bool(cl["scenarios"]) and not cl["scenario"]}


@staff_page
@require_http_methods(["GET", "POST"])
def intake(request):
    profile = request.profile
    if profile.role not in INTAKE_ROLES:
        raise PermissionDenied("受理只能由窗口受理员、股长或综合受理窗口办理，您的角色"
                               f"（{profile.get_role_display()}）无权受理。")
    items = selectors.intake_items(profile)
    if request.method == "POST":
        data = IntakeData.from_post(request.POST)
    else:
        data = IntakeData.from_post(request.GET)  # ?item=… preselects an item
    # One key per filled-in form, kept through corrections, so that a double click takes it in once.
    submission_key = (request.POST.get("submission_key") or "")[:64] or secrets.token_urlsafe(24)
    ctx = {**_nav(profile), "items": items, "data": data, "outcomes": OUTCOMES, "statuses": MATERIAL_STATUSES,
           "errors": {}, "general_errors": [], "several_departments": len({i.department_id for i in items}) > 1,
           "submission_key": submission_key}
    ctx.update(_checklist(request, data))
    reload = request.method == "GET" or request.POST.get("_reload")
    if reload:
        if ctx.get("item_error"):
            ctx["errors"] = {"item": [ctx["item_error"]]}
        if is_htmx(request):
            return render(request, "workbench/_checklist.html", ctx)
        return render(request, "workbench/intake.html", ctx)

    errors: dict[str, list[str]] = {}
    if data.item_no is None:
        errors["item"] = ["请选择办理事项。"]
    elif ctx.get("item_error"):
        errors["item"] = [ctx["item_error"]]
    if data.outcome == "tolerance" and not data.tolerance_consent:
        errors["tolerance_consent"] = ["容缺受理须经申请人同意：请勾选“申请人同意容缺受理”。"]
    if data.outcome == "tolerance" and ctx.get("checklist") and not ctx["needs_scenario"] and not ctx["tolerable"]:
        errors["outcome"] = ["本情形没有可容缺的材料，不能容缺受理。"]
    if not errors:
        try:
            case = services.intake_case(
                user=request.user, item_no=data.item_no, scenario=data.scenario or None,
                applicant=data.applicant(), materials=data.materials(),
                tolerance=data.outcome == "tolerance", refuse=data.outcome == "refuse",
                refusal_reasons=data.refusal_reasons(), submission_key=submission_key,
            )
        except DomainError as exc:
            names = [m["name"] for m in ctx.get("materials", [])]
            errors, general = problems_by_field(exc.problems or [exc.message], names)
            ctx["general_errors"] = general
            status = exc.status
        else:
            if case.is_replay:
                messages.info(request, f"这份受理表已经提交过，办件编号 {case.case_no}，没有重复登记。")
            elif case.status == wf.NOT_ACCEPTED:
                messages.success(request, f"已登记不予受理，编号 {case.case_no}。请打印不予受理通知书（一次性告知）交申请人。")
            elif case.awaiting_supplement:
                messages.success(request, f"已容缺受理，办件编号 {case.case_no}。请打印受理回执和补正告知书交申请人。")
            else:
                messages.success(request, f"已受理，办件编号 {case.case_no}。请打印受理回执交申请人。")
            return redirect("workbench:case", case_no=case.case_no)
    else:
        status = 400
        if data.item_no is not None and not ctx.get("item_error"):
            # The page's own checks failed: add what the service would say too, so one round of
            # corrections is enough (an invalid agent ID must not wait for the consent box).
            found = services.intake_problems(
                user=request.user, item_no=data.item_no, scenario=data.scenario or None,
                applicant=data.applicant(), materials=data.materials(), tolerance=data.outcome == "tolerance",
                refuse=data.outcome == "refuse", refusal_reasons=data.refusal_reasons(),
            )
            more, general = problems_by_field(found, [m["name"] for m in ctx.get("materials", [])])
            for key, msgs in more.items():
                errors.setdefault(key, []).extend(m for m in msgs if m not in errors.get(key, []))
            ctx["general_errors"] = general
    ctx["errors"] = errors
    anchors = dict(_FIELD_ANCHORS)
    for row in ctx.get("materials", []):
        row["errors"] = errors.get(f"material:{row['name']}", [])
        anchors[f"material:{row['name']}"] = f"m{row['index']}"
    ctx["error_links"] = [(msg, anchors.get(key, "intake-errors")) for key, msgs in errors.items() for msg in msgs]
    count = len(ctx["error_links"]) + len(ctx["general_errors"])
    ctx["error_summary"] = f"受理信息有误，共 {count} 处，请按提示修改："
    return render(request, "workbench/intake.html", ctx, status=status)


# -- case page --------------------------------------------------------------------------------------
def _case_context(request, case, *, posted: ActionForm | None = None, posted_action: str = "",
                  action_error: str = "", stale: bool = False) -> dict:
    user = request.user
    allowed = case_selectors.allowed_actions(user=user, case=case)
    pending = selectors.pending_supplements(case)
    rating = getattr(case, "rating", None) if hasattr(case, "rating") else None
    values = {}
    if posted is not None:
        values = {k: posted.data.get(k, "") for k in ("reason", "result", "days", "target_step")}
        values["materials"] = posted.data.getlist("materials") if hasattr(posted.data, "getlist") else []
    return {
        **_nav(request.profile),
        "case": case,
        "full": case_selectors.can_see_personal_data(user=user, case=case),
        "steps": selectors.step_views(case),
        "materials": list(case.materials.all()),
        "timeline": list(case_selectors.case_timeline(case=case)),
        "timeline_labels": selectors.TIMELINE_LABELS,
        "status_labels": wf.STATUS_LABELS,
        "notifications": list(case_selectors.case_notifications(case=case)),
        "suspensions": list(case.suspensions.all()),
        "extensions": list(case.extensions.all()),
        "rating": rating,
        "allowed": allowed,
        "step_actions_allowed": any(a in allowed for a in ("advance", "return", "refuse", "suspend", "resume",
                                                          "finish")),
        "action_labels": wf.ACTION_LABELS,
        "return_targets": selectors.return_targets(case) if "return" in allowed else [],
        "pending": pending,
        "material_labels": wf.MATERIAL_STATUS_LABELS,
        "can_receipt": case.status != wf.NOT_ACCEPTED,
        "can_notice": case.status in (wf.NOT_ACCEPTED, wf.REFUSED) or (case.tolerance and bool(pending)),
        "can_hand_over": intakes_everywhere(request.profile) and case.front_desk_holder_id == user.pk,
        "posted_action": posted_action,
        "values": values,
        "action_error": action_error,
        "stale": stale,
        "lost_text": bool(posted_action) and posted_action not in allowed and any(
            values.get(k) for k in ("reason", "result")),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def case_detail(request, case_no: str):
    case = case_selectors.get_case(user=request.user, case_no=case_no)
    if request.method == "GET":
        return render(request, "workbench/case.html", _case_context(request, case))

    form = ActionForm(request.POST, pending=[m.name for m in selectors.pending_supplements(case)])
    action = request.POST.get("action", "")
    if not form.is_valid():
        message = join_sentences(e for errs in form.errors.values() for e in errs)
        return render(request, "workbench/case.html",
                      _case_context(request, case, posted=form, posted_action=action, action_error=message),
                      status=400)
    d = form.cleaned_data
    try:
        case = services.perform_action(
            user=request.user, case_no=case.case_no, action=d["action"], version=d["version"],
            reason=d["reason"], result=d["result"], days=d["days"], target_step=d["target_step"],
            materials=d["materials"] if d["action"] == "supplement" else None,
        )
    except DomainError as exc:
        fresh = case_selectors.get_case(user=request.user, case_no=case.case_no)
        ctx = _case_context(request, fresh, posted=form, posted_action=action, action_error=exc.message,
                            stale=isinstance(exc, Conflict))
        return render(request, "workbench/case.html", ctx, status=exc.status)
    messages.success(request, f"{wf.ACTION_LABELS[d['action']]}：已完成。当前状态 {case.status_label}，"
                              f"当前环节 {case.current_step}。")
    return redirect("workbench:case", case_no=case.case_no)


@staff_page
@require_POST
def handover(request):
    """移交: the 综合受理窗口 hands the cases it took in over to their departments (queue or case page)."""
    try:
        cases = services.hand_over_cases(user=request.user, case_nos=request.POST.getlist("case_no"))
    except DomainError as exc:
        if not intakes_everywhere(request.profile):
            raise
        messages.error(request, exc.message)
        return redirect("workbench:queue")
    messages.success(request, "已移交股室：" + "、".join(f"{c.case_no}（{c.department.short_name}）" for c in cases)
                     + "。请将纸质材料一并转交。")
    return redirect("workbench:queue")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_page
@require_GET
def receipt_pdf(request, case_no: str):
    case = case_selectors.get_case(user=request.user, case_no=case_no)
    try:
        data = pdfs.receipt_pdf(case, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        return denied(request, exc.message, exc.status)
    return _pdf(data, f"receipt-{case.case_no}.pdf")


@staff_page
@require_GET
def notice_pdf(request, case_no: str):
    case = case_selectors.get_case(user=request.user, case_no=case_no)
    try:
        data = pdfs.written_notice_pdf(case)
    except DomainError as exc:
        return denied(request, exc.message, exc.status)
    return _pdf(data, f"notice-{case.case_no}.pdf")


# -- 差评 ----------------------------------------------------------------------------------------------
def _complaints_page(request, *, error_for: int | None = None, error: str = "", text: str = "", status=200):
    pending_only = request.GET.get("pending") == "1"
    ratings = case_selectors.list_bad_ratings(user=request.user, pending_only=pending_only)
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {**_nav(request.profile), "page": page, "pending_only": pending_only, "error_for": error_for,
           "error": error, "text": text, "can_follow_up": request.profile.role == Role.SECTION_HEAD,
           "levels": dict(Rating.Level.choices)}
    return render(request, "workbench/complaints.html", ctx, status=status)


@staff_page
@require_GET
def complaints(request):
    return _complaints_page(request)


@staff_page
@require_POST
def follow_up(request, rating_id: int):
    form = FollowUpForm(request.POST)
    text = (request.POST.get("text") or "")[:2000]
    if not form.is_valid():
        return _complaints_page(request, error_for=rating_id, error=form.errors["text"][0], text=text, status=400)
    try:
        rating = services.record_rating_follow_up(user=request.user, rating_id=rating_id,
                                                  text=form.cleaned_data["text"])
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _complaints_page(request, error_for=rating_id, error=exc.message, text=text, status=exc.status)
    messages.success(request, f"已登记办件 {rating.case.case_no} 的差评整改回访情况。")
    return redirect(reverse("workbench:complaints") + (f"?{request.GET.urlencode()}" if request.GET else ""))
