"""移交: the 综合受理窗口 hands the cases it took in over to their departments.

Until then the front-desk clerk may read those cases (to print the receipt or the 一次性告知 and
to pass the paper materials on); afterwards only the department (and the director) sees them.
A department acting on a case that was not handed over explicitly takes it over implicitly
(``perform_action`` sets ``handed_over_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from shebao.accounts.permissions import intakes_everywhere
from shebao.cases.models import Case
from shebao.cases.services import common
from shebao.cases.services.actions import load_case
from shebao.core.errors import Conflict, DomainError, NotFound, PermissionDenied


def hand_over_cases(*, user, case_nos: Sequence[str], now: dt.datetime | None = None) -> list[Case]:
    """Mark the front-desk clerk's cases ``case_nos`` as handed over to their departments.

    All or nothing. 403 for anyone but the 综合受理窗口, or a case this clerk did not take in;
    404 an unknown case; 409 a case already handed over (or taken over by its department).
    """
    now = common.now_or(now)
    profile = common.require_profile(user)
    if not intakes_everywhere(profile):
        raise PermissionDenied("只有综合受理窗口需要把受理的办件移交股室；股室受理的办件无需移交。")
    numbers = list(dict.fromkeys((n or "").strip().upper() for n in case_nos if (n or "").strip()))
    if not numbers:
        raise DomainError("请选择要移交的办件。")
    out = []
    with transaction.atomic():
        for no in numbers:
            try:
                case = load_case(case_no=no, for_update=True)
            except NotFound:
                raise NotFound(f"未找到办件 {no}。") from None
            if case.county_id != profile.county_id or case.created_by_id != user.pk:
                raise PermissionDenied(f"办件 {case.case_no} 不是您受理的，不能移交。")
            if case.handed_over_at is not None:
                raise Conflict(
                    f"办件 {case.case_no} 已于 {common.today_of(case.handed_over_at).isoformat()} 移交"
                    f"{case.department.short_name}，不能重复移交。"
                )
            # No version bump: who holds the case changes, not its handling (open forms stay valid).
            updated = Case.objects.filter(pk=case.pk, handed_over_at__isnull=True).update(handed_over_at=now)
            if updated != 1:  # pragma: no cover - the row is locked above
                raise Conflict(common.STALE_MESSAGE)
            case.handed_over_at = now
            common.add_timeline(case, action="handover", actor=user, now=now, step_before=case.current_step,
                                status_before=case.status, reason=f"移交{case.department.short_name}",
                                detail={"department": case.department.code})
            common.audit(case, action="handover", actor=user,
                         summary=f"综合受理窗口移交 {case.case_no} 至{case.department.short_name}",
                         after={"handed_over_at": now, "department": case.department.code})
            out.append(case)
    return out
