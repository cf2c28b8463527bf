"""What applicants do themselves: the progress query and 好差评; and the section head's follow-up.

An applicant proves who they are with the case number plus the last 6 characters of the ID number
or credit code (or the 8-character query code printed on the receipt). Failed attempts are counted
per client IP in the database, so the limit holds across every worker and machine.

A success forgives, for that IP, the failures it shows were mistakes rather than guesses: those
on the number just opened (whoever succeeds knows its secret: nothing was left to guess) and
those on numbers that named no case (no secret could have matched). A village assistant's or a
service hall's shared terminal is then not locked out by its users' typing errors, while the
budget of guesses at a case somebody else holds stays exactly what the limit says.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from shebao.accounts.models import Role
from shebao.accounts.permissions import act_denial
from shebao.cases import workflow as wf
from shebao.cases.models import Case, PublicAttempt, Rating
from shebao.cases.services import common
from shebao.core.errors import Conflict, DomainError, NotFound, PermissionDenied

BAD_MATCH = "办件编号或证件号码后六位（查询码）不正确，请核对后重试。"


#: The look-ups of a case (progress query, rating) share one budget of failures per client IP.
CASE_SCOPES = ("track", "rate")


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "SHEBAO_TRACK_MAX_FAILURES", 10)),
            int(getattr(settings, "SHEBAO_TRACK_WINDOW_SECONDS", 600)))


def check_public_rate(ip: str, now: dt.datetime, *, scopes=CASE_SCOPES, forgotten: str = "办件编号") -> None:
    """429 once ``ip`` has failed ``SHEBAO_TRACK_MAX_FAILURES`` public look-ups of ``scopes``
    within ``SHEBAO_TRACK_WINDOW_SECONDS``; ``forgotten`` names the number the applicant may have lost."""
    limit, window = _limits()
    since = now - dt.timedelta(seconds=window)
    if PublicAttempt.objects.filter(ip=ip, scope__in=scopes, created_at__gte=since).count() >= limit:
        raise DomainError(f"查询失败次数过多，请 {window // 60} 分钟后再试。如忘记{forgotten}，请携带证件到窗口查询。",
                          status=429)


def record_public_failure(ip: str, scope: str, now: dt.datetime, *, target: str = "",
                          target_exists: bool = True) -> None:
    """Count a failed public look-up of ``ip`` (the tick deletes the rows after a day).

    ``target`` is the number typed, ``target_exists`` whether it named a case (bundle): both only
    serve :func:`forgive_failures`; an attempt without a target is never forgiven."""
    PublicAttempt.objects.create(ip=ip, scope=scope, created_at=now, target=(target or "")[:40],
                                 target_exists=target_exists or not target)


def forgive_failures(ip: str, target: str, now: dt.datetime, *, scopes=CASE_SCOPES) -> None:
    """After ``ip`` opened ``target`` with its secret: drop that IP's failures of ``scopes`` in the
    window on ``target`` itself and on numbers that named nothing (see the module docstring)."""
    _, window = _limits()
    since = now - dt.timedelta(seconds=window)
    (PublicAttempt.objects.filter(ip=ip, scope__in=scopes, created_at__gte=since)
     .filter(Q(target=target) | Q(target_exists=False)).exclude(target="").delete())


_NUMBER_RE = re.compile(r"^([A-Z]{2,4})[-_ ]?(\d{4})[-_ ]?(\d{6})$")


def read_number(text: str) -> str:
    """A case or bundle number as people type it: full-width (NFKC), lower case, spaces, other
    dashes (—, －) or none at all (QY2026000001) → ``QY-2026-000001``; anything else as typed."""
    no = unicodedata.normalize("NFKC", text or "").strip().upper()
    no = re.sub(r"[\u2010-\u2015\u2212]", "-", no)
    m = _NUMBER_RE.match(no.replace(" ", ""))
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else no


def _authenticate(*, case_no: str, secret: str, ip: str, scope: str, now: dt.datetime) -> Case:
    """The case named by ``case_no`` if ``secret`` matches; failures are counted (outside any
    transaction, so that the count survives the error raised)."""
    ip = (ip or "unknown")[:64]
    check_public_rate(ip, now)
    # NFKC: full-width letters, digits and dashes from a Chinese input method read as typed.
    no = read_number(case_no)
    secret = unicodedata.normalize("NFKC", secret or "").strip().upper()
    case = (
        Case.objects.select_related("county", "department", "item_version").filter(case_no=no).first()
        if no and len(secret) >= 6 else None
    )
    ok = case is not None and (
        (len(secret) == 6 and case.applicant_id.upper().endswith(secret)) or secret == case.query_code
    )
    if not ok:
        # A secret too short to match anything is no guess: as if the number named nothing.
        record_public_failure(ip, scope, now, target=no, target_exists=case is not None)
        raise NotFound(BAD_MATCH)
    forgive_failures(ip, no, now)
    return case


@dataclass(frozen=True)
class TrackResult:
    case_no: str
    item_no: int
    item_name: str
    department: str
    status: str
    status_label: str
    current_step: str
    steps: list[dict]
    received_at: dt.datetime
    promised_due: dt.date | None
    provisional: bool
    suspended: bool
    missing: list[str]
    supplement_due: dt.date | None
    closed_at: dt.datetime | None
    result: str
    can_rate: bool
    rated: bool
    applicant: str = ""
    notes: list[str] = field(default_factory=list)
    refusal_reasons: list[str] = field(default_factory=list)


def track_case(*, case_no: str, id_suffix: str, ip: str = "", now: dt.datetime | None = None) -> TrackResult:
    """Public progress query: status, current step, promised date and what is still missing.

    Raises 404 when the number and suffix do not match, 429 after too many failures from ``ip``.
    """
    now = common.now_or(now)
    case = _authenticate(case_no=case_no, secret=id_suffix, ip=ip, scope="track", now=now)
    materials = list(case.materials.all())
    if case.status == wf.NOT_ACCEPTED:
        missing = [m.name for m in materials if m.status == wf.MISSING]
    else:
        missing = [m.name for m in materials if m.tolerated and m.supplied_at is None and m.status == wf.MISSING]
    done = case.status in wf.CLOSED_STATUSES
    refused = case.status == wf.NOT_ACCEPTED
    # A refused application never entered the procedure: it has neither steps nor a due date.
    steps = [] if refused else [{"name": s.name, "state": case.step_state(s.index)} for s in case.workflow_steps()]
    due = None if refused else case.effective_due
    # The date shown is 暂定 only while it may still move: the case is open and the working days up
    # to it run through a year whose holiday arrangement is not known yet (the case's own flag also
    # covers its other deadlines, such as a statutory limit reaching into the next year).
    provisional = bool(due and not done and common.get_calendar().provisional_years(common.today_of(case.received_at), due))
    rated = Rating.objects.filter(case=case).exists()
    return TrackResult(
        case_no=case.case_no,
        item_no=case.item.no if case.item_id else 0,
        item_name=case.item_name,
        department=case.department.short_name,
        status=case.status,
        status_label=case.status_label,
        current_step=case.current_step,
        steps=steps,
        received_at=case.received_at,
        promised_due=due,
        provisional=provisional,
        suspended=case.status == wf.SUSPENDED,
        missing=missing,
        supplement_due=case.supplement_due if case.awaiting_supplement else None,
        closed_at=case.closed_at,
        result=case.result if done else "",
        can_rate=case.status == wf.FINISHED and not rated,
        rated=rated,
        applicant=case.masked_applicant_name,
        refusal_reasons=list(case.refusal_reasons or []) if refused else [],
    )


LEVEL_ALIASES = {label: value for value, label in Rating.Level.choices}


def rate_case(*, case_no: str, id_suffix: str, level: str, comment: str = "", ip: str = "",
              now: dt.datetime | None = None) -> Rating:
    """好差评 by the applicant after 办结; 不满意/非常不满意 are 差评 for the section head."""
    now = common.now_or(now)
    value = LEVEL_ALIASES.get((level or "").strip(), (level or "").strip())
    if not value:
        raise DomainError("请选择评价等级：" + "、".join(Rating.Level.labels) + "。")
    if value not in Rating.Level.values:
        raise DomainError("评价等级无效，应为：" + "、".join(Rating.Level.labels) + "。")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise DomainError("评价意见过长（最多 1000 字）。")
    case = _authenticate(case_no=case_no, secret=id_suffix, ip=ip, scope="rate", now=now)
    if case.status != wf.FINISHED:
        raise DomainError(f"办件当前状态为“{case.status_label}”，办结后才能评价。")
    is_bad = value in Rating.BAD_LEVELS
    try:
        with transaction.atomic():
            rating = Rating.objects.create(case=case, level=value, comment=comment, is_bad=is_bad, created_at=now)
            common.audit(case, action="rating.create", actor="申请人",
                         summary=f"{case.case_no} 评价：{rating.get_level_display()}",
                         after={"level": value, "is_bad": is_bad, "comment_length": len(comment)})
    except IntegrityError:
        raise Conflict("该办件已经评价过，每件只能评价一次。") from None
    return rating


def record_rating_follow_up(*, user, rating_id: int, text: str, now: dt.datetime | None = None) -> Rating:
    """The section head records how a 差评 was followed up (回访/整改)."""
    now = common.now_or(now)
    profile = common.require_profile(user)
    rating = Rating.objects.select_related("case", "case__county").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(f"未找到评价 {rating_id}。")
    case = rating.case
    why = act_denial(profile, county_id=case.county_id, department_id=case.department_id,
                     action="rating_follow_up")
    if why:
        raise PermissionDenied(why if profile.role != Role.DIRECTOR else "差评整改由所在股室股长登记，中心主任只读。")
    if not rating.is_bad:
        raise DomainError("只有差评（不满意、非常不满意）需要登记整改回访。")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写整改回访情况。")
    with transaction.atomic():
        before = {"follow_up": rating.follow_up}
        Rating.objects.filter(pk=rating.pk).update(follow_up=text, follow_up_by=user, follow_up_at=now)
        rating.refresh_from_db()
        common.audit(case, action="rating.follow_up", actor=user, summary=f"{case.case_no} 差评整改回访",
                     before=before, after={"follow_up": text})
    return rating
