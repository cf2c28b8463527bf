"""Fixtures for the case tests: staff of every role and department, tokens, valid identifiers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from shebao.accounts.models import Role
from shebao.domain.identifiers import id_check_char, uscc_check_char

BJ = ZoneInfo("Asia/Shanghai")
DEPARTMENTS = ("QY", "CJ", "JG", "GS", "SY", "SBK")
DEPT_ROLES = (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SECTION_HEAD)


def person_id(seq: int = 123, birth: str = "19800101") -> str:
    first17 = f"140522{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def credit_code(body: str = "MA0K1234") -> str:
    first17 = ("91140522" + body + "5")[:17]
    return first17 + uscc_check_char(first17)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BJ)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(county):
    """``staff(role, dept)`` → a user of that role (and department), created once per test."""
    from shebao.accounts import services as accounts
    from shebao.catalog.models import Department

    made: dict = {}

    def make(role: str, dept: str | None = None):
        key = (role, dept)
        if key not in made:
            department = Department.objects.get(county=county, code=dept) if dept else None
            made[key] = accounts.create_staff(
                username=f"{getattr(role, 'value', role)}_{dept or 'all'}".lower(), password="pw-for-tests-1", county=county,
                role=role, department=department,
            )
        return made[key]

    return make


@pytest.fixture
def api(staff):
    """``api(role, dept)`` → a test client sending that user's bearer token; ``api(None)`` anonymous."""
    from shebao.accounts.services import create_token

    clients: dict = {}

    def make(role: str | None, dept: str | None = None) -> Client:
        key = (role, dept)
        if key not in clients:
            if role is None:
                clients[key] = Client()
            else:
                token = create_token(user=staff(role, dept))
                clients[key] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        return clients[key]

    return make


def materials_of(county, item_no: int, scenario: str | None = None, *, missing=(), promised=()) -> list:
    """Every material of the item's (scenario's) checklist as received, except those named."""
    from shebao.catalog.selectors import get_item

    data = get_item(county=county, no=item_no).data
    groups = data["material_groups"]
    group = next((g for g in groups if g.get("scenario_code") == scenario), groups[0] if groups else None)
    out = []
    for m in (group or {}).get("materials", []):
        status = "missing" if m["name"] in missing else ("promised" if m["name"] in promised else "received")
        out.append({"name": m["name"], "status": status})
    return out


#: item → (department, applicant kind, scenario) for one item of each department.
FAMILIES = {
    1: ("QY", "unit", None),
    18: ("CJ", "person", None),
    24: ("JG", "person", "registration"),
    34: ("GS", "person", "medical_expenses"),
    36: ("SY", "unit", None),
    40: ("SBK", "person", "adult"),
}


def applicant_for(kind: str, seq: int = 123) -> dict:
    if kind == "unit":
        return {"kind": "unit", "name": "阳城县示例煤业有限公司", "credit_code": credit_code(),
                "phone": "13800000000", "agent_name": "王经办", "agent_id_number": person_id(seq + 1)}
    return {"kind": "person", "name": "张三丰", "id_number": person_id(seq), "phone": "13900000000"}


def intake_payload(county, item_no: int, **overrides) -> dict:
    dept, kind, scenario = FAMILIES.get(item_no, (None, "person", None))
    payload = {
        "item_no": item_no,
        "scenario": scenario,
        "applicant": applicant_for(kind),
        "materials": materials_of(county, item_no, scenario),
        "tolerance": False,
    }
    payload.update(overrides)
    return payload
