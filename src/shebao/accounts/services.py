"""Writers of staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from shebao.accounts.models import ApiToken, Role, StaffProfile
from shebao.core.audit import record_event
from shebao.core.errors import DomainError
from shebao.core.models import County


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_staff(
    *, username: str, password: str, county: County, role: str, department=None,
    display_name: str = "", actor=None,
):
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}")
    if role in (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SECTION_HEAD) and department is None:
        raise DomainError("窗口、审核、审批人员和股长必须属于一个股室。")
    if role == Role.FRONT_DESK and department is not None:
        raise DomainError("综合受理窗口为各股室受理，不属于任何股室。")
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password=password, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN
    )
    StaffProfile.objects.create(
        user=user, county=county, department=department, role=role, display_name=display_name
    )
    record_event(action="accounts.staff.create", object_type="user", object_id=user.pk, actor=actor,
                 county=county, summary=f"创建工作人员 {username}（{Role(role).label}）",
                 after={"username": username, "role": role,
                        "department": department.code if department else None})
    return user


@transaction.atomic
def create_token(*, user, name: str = "", actor=None) -> str:
    token = "sb_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(token), prefix=token[:8])
    record_event(action="accounts.token.create", object_type="user", object_id=user.pk, actor=actor,
                 summary=f"为 {user.get_username()} 创建 API 令牌 {token[:8]}…")
    return token
