"""Reads of staff accounts and tokens."""

from __future__ import annotations

from django.utils import timezone

from shebao.accounts.models import ApiToken, StaffProfile
from shebao.accounts.services import hash_token


def user_for_token(token: str):
    row = (
        ApiToken.objects.select_related("user", "user__staff_profile")
        .filter(key_hash=hash_token(token), revoked=False, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    # A coarse last-used stamp; one write per token per minute at most.
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def profile_of(user) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None
