"""Test data shared by the apps' tests: valid identifiers, staff per role and department, clients
logged in as them (session or bearer token), checklists and applicants for intake.

A pytest plugin, registered once by the root ``conftest.py``. Its fixtures:

* ``staff``: ``staff(role, dept)`` → a user of that role (and department), created once per test.
* ``login``: ``login(role, dept)`` → a test client logged in as that user; ``login(None)`` anonymous.
* ``api``: ``api(role, dept)`` → a test client sending that user's bearer token; ``api(None)`` anonymous.
* ``fast_passwords``: MD5 password hashing (an app's ``conftest.py`` makes it autouse for its tests).

The plain functions build payloads: ``person_id``, ``credit_code``, ``checklist``, ``received``,
``applicant_data``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shebao.domain.identifiers import id_check_char, uscc_check_char

BJ = ZoneInfo("Asia/Shanghai")
PASSWORD = "pw-for-tests-1"

#: item → (department, applicant kind, 情形) for one item of each department (item family).
FAMILIES = {
    1: ("QY", "unit", None),
    18: ("CJ", "person", None),
    24: ("JG", "person", "registration"),
    34: ("GS", "person", "medical_expenses"),
    36: ("SY", "unit", None),
    40: ("SBK", "person", "adult"),
}


# -- identifiers, times ---------------------------------------------------------------------------
def person_id(seq: int = 123, birth: str = "19800101") -> str:
    """A valid resident ID number of 阳城县 (140522) with that birth date and sequence number."""
    first17 = f"140522{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def credit_code(body: str = "MA0K1234") -> str:
    """A valid unified social credit code of 阳城县 with that body."""
    first17 = ("91140522" + body + "5")[:17]
    return first17 + uscc_check_char(first17)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """A Beijing time."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=BJ)


# -- intake payloads ------------------------------------------------------------------------------
def checklist(item_no: int, scenario: str | None = None, *, county=None) -> list[dict]:
    """The materials of the item's (scenario's) group in the loaded catalog (the first group when
    no group has that scenario)."""
    from shebao.catalog.selectors import get_item

    groups = get_item(county=county, no=item_no).data.get("material_groups") or []
    group = next((g for g in groups if g.get("scenario_code") == scenario), groups[0] if groups else None)
    return list((group or {}).get("materials") or [])


def received(item_no: int, scenario: str | None = None, *, county=None, missing=()) -> list:
    """Every required material of the checklist as received (``MaterialEntry``), except ``missing``."""
    from shebao.cases.services import MaterialEntry

    return [MaterialEntry(m["name"], "missing" if m["name"] in missing else "received")
            for m in checklist(item_no, scenario, county=county) if not m.get("optional_when")]


def applicant_data(kind: str, seq: int = 123) -> dict:
    """A person (``seq`` picks the ID number) or a unit with its agent, as intake takes them."""
    if kind == "unit":
        return {"kind": "unit", "name": "阳城县示例煤业有限公司", "credit_code": credit_code(),
                "phone": "13800000000", "agent_name": "王经办", "agent_id_number": person_id(seq + 1)}
    return {"kind": "person", "name": "张三丰", "id_number": person_id(seq), "phone": "13900000000"}


# -- staff and clients ----------------------------------------------------------------------------
def role_value(role) -> str:
    return getattr(role, "value", role)


def staff_factory(county, *, display_name: bool = False):
    """``make(role, dept)`` → a user of that role (and department) named ``{role}_{dept}``, made once
    per factory; ``display_name`` gives each one a name like ``QYclerk``."""
    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department

    made: dict = {}

    def make(role: str, dept: str | None = None):
        key = (role, dept)
        if key not in made:
            department = Department.objects.get(county=county, code=dept) if dept else None
            extra = {"display_name": f"{dept or ''}{role_value(role)}"} if display_name else {}
            made[key] = accounts.create_staff(
                username=f"{role_value(role)}_{dept or 'all'}".lower(), password=PASSWORD, county=county,
                role=role, department=department, **extra,
            )
        return made[key]

    return make


def logged_in(user) -> Client:
    """A test client with ``user``'s session; anonymous for ``None``."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def bearer(user) -> Client:
    """A test client sending a new bearer token of ``user``; anonymous for ``None``."""
    from shebao.accounts.services import create_token

    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user)}")


def client_factory(staff, make_client, *, once: bool = True):
    """``make(role, dept)`` → ``make_client`` of that staff user (``None``: anonymous); with
    ``once`` the same client for the same user for the whole test."""
    clients: dict = {}

    def make(role: str | None, dept: str | None = None) -> Client:
        key = (role, dept)
        if not once or key not in clients:
            clients[key] = make_client(staff(role, dept) if role is not None else None)
        return clients[key]

    return make


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(county):
    """``staff(role, dept)`` → a user of that role (and department), created once per test."""
    return staff_factory(county)


@pytest.fixture
def login(staff):
    """``login(role, dept)`` → a test client logged in as that user; ``login(None)`` anonymous."""
    return client_factory(staff, logged_in)


@pytest.fixture
def api(staff):
    """``api(role, dept)`` → a test client sending that user's bearer token; ``api(None)`` anonymous."""
    return client_factory(staff, bearer)
