"""Fixtures for the 一件事 tests: applicants born in 1965 (old enough to retire) and checklists.

Staff per role and department (``staff``), bearer-token clients (``api``) and the browser
(``page``, ``live_url``) come from the plugins of ``shebao.testing``.
"""

from __future__ import annotations

import shutil

import pytest

from shebao.testing import factories


def person_id(seq: int = 123, birth: str = "19650101") -> str:
    return factories.person_id(seq, birth)


@pytest.fixture(autouse=True)
def _fast_passwords(fast_passwords):
    pass


def group_materials(county, item_no: int, scenario: str | None = None) -> list[dict]:
    return factories.checklist(item_no, scenario, county=county)


def all_received(county, item_no: int, scenario: str | None = None, *, missing=()) -> list:
    """Every required material of the item's (scenario's) checklist as received, except ``missing``."""
    return factories.received(item_no, scenario, county=county, missing=missing)


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None
