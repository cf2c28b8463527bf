"""Named leases: only one worker or machine runs a periodic job (the tick, the outbox) at a time."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from shebao.cases.models import JobLease
from shebao.cases.services import common

LEASE_SECONDS = 300


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire_lease(*, name: str, holder: str, seconds: int = LEASE_SECONDS, now: dt.datetime | None = None) -> bool:
    """Take (or renew) the named lease unless someone else holds an unexpired one. Atomic."""
    now = common.now_or(now)
    until = now + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        taken = JobLease.objects.filter(name=name).filter(Q(expires_at__lte=now) | Q(holder=holder)).update(
            holder=holder, acquired_at=now, expires_at=until
        )
        if taken:
            return True
        if JobLease.objects.filter(name=name).exists():
            return False
        try:
            with transaction.atomic():
                JobLease.objects.create(name=name, holder=holder, acquired_at=now, expires_at=until)
        except IntegrityError:
            return False
    return True


def release_lease(*, name: str, holder: str) -> None:
    JobLease.objects.filter(name=name, holder=holder).update(expires_at=timezone.now())
