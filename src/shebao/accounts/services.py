"""Writers of staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from shebao.accounts.models import ApiToken, Role, StaffProfile
from shebao.accounts.permissions import assignment_problem
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
    problem = assignment_problem(role=role, county_id=county.pk, department_id=getattr(department, "pk", None),
                                 department_county_id=getattr(department, "county_id", None))
    if problem:
        raise DomainError(problem)
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
