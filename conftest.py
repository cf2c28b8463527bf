"""Test-wide fixtures: the test database gets the county catalog once per session; the shared
browser and test-data fixtures of ``shebao.testing`` are plugins of every test."""

from __future__ import annotations

import pytest
from django.conf import settings

pytest_plugins = ["shebao.testing.browser", "shebao.testing.factories"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shebao.catalog.services import load_catalog_file

    with django_db_blocker.unblock():
        load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))


@pytest.fixture
def county(db):
    from shebao.core.models import County

    return County.objects.get(code=settings.SHEBAO_DEFAULT_COUNTY)


@pytest.fixture
def seed_text() -> str:
    # A copy of ../shared/seeds/000_fd5a8d7080405767.txt, kept in the repository.
    with open(settings.DATA_DIR / "sources" / "banshi-buqiuren-zhinan.txt", encoding="utf-8") as fh:
        return fh.read()
