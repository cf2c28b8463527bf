"""Fixtures for the case tests: intake payloads as the JSON API takes them.

Staff per role and department (``staff``), bearer-token clients (``api``) and valid identifiers
come from ``shebao.testing.factories``.
"""

from __future__ import annotations

import pytest

from shebao.testing.factories import FAMILIES, applicant_data, checklist

#: The applicant as the JSON API takes it.
applicant_for = applicant_data


@pytest.fixture(autouse=True)
def _fast_passwords(fast_passwords):
    pass


def materials_of(county, item_no: int, scenario: str | None = None, *, missing=(), promised=()) -> list:
    """Every material of the item's (scenario's) checklist as received, except those named."""
    return [{"name": m["name"],
             "status": "missing" if m["name"] in missing else ("promised" if m["name"] in promised else "received")}
            for m in checklist(item_no, scenario, county=county)]


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


def intake_by_service(user, county, item_no: int):
    """A case taken in by ``user`` through the service (not the API), with the item's full checklist."""
    from shebao.cases import services

    p = intake_payload(county, item_no)
    return services.intake_case(
        user=user, item_no=item_no, scenario=p["scenario"], applicant=services.Applicant(**p["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in p["materials"]],
    )
