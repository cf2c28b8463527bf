"""The tables every intake writes carry no index that another index already covers: each index is
one more B-tree page written by every intake, under SQLite's single write lock."""

import pytest
from django.db import connection

INTAKE_TABLES = ["cases_case", "cases_casematerial", "cases_caseaction", "cases_notification", "core_auditevent"]


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items()
            if c["index"] and not c["unique"] and not c["primary_key"]}


@pytest.mark.django_db
@pytest.mark.parametrize("table", INTAKE_TABLES)
def test_no_single_column_index_repeats_the_first_column_of_another_index(table):
    indexes = _indexes(table)
    leading = {cols[0]: name for name, cols in indexes.items() if len(cols) > 1}
    covered = [f"{name} ({cols[0]}) is covered by {leading[cols[0]]}"
               for name, cols in indexes.items() if len(cols) == 1 and cols[0] in leading]
    assert not covered


@pytest.mark.django_db
def test_the_covering_indexes_are_there():
    case = {tuple(cols) for cols in _indexes("cases_case").values()}
    assert {("county_id", "department_id", "status"), ("status", "warning"),
            ("county_id", "received_at"), ("county_id", "closed_at")} <= case
    assert ("object_type", "object_id", "id") in {tuple(c) for c in _indexes("core_auditevent").values()}
