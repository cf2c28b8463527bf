"""``insert_rows`` writes exactly the row that ``save()`` would, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from shebao.cases.models import Case, CaseAction, CaseMaterial, Notification
from shebao.cases.services import Applicant, intake_case
from shebao.core import inserts
from shebao.core.inserts import insert_prepared, insert_rows, prepare_rows
from shebao.core.models import AuditEvent
from shebao.testing.factories import applicant_data, at, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff):
    clerk = staff("clerk", "QY")
    return intake_case(
        user=clerk,
        item_no=1,
        scenario=None,
        applicant=Applicant(**applicant_data("unit")),
        materials=received(1),
        now=at(2026, 11, 30),
    )


def _row(model, pk) -> dict:
    """Every column as the database returns it, through the ORM's own conversion."""
    obj = model.objects.get(pk=pk)
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}


def _twin(case: Case, suffix: str) -> Case:
    twin = Case.objects.get(pk=case.pk)
    twin.pk = None
    twin._state.adding = True
    twin.case_no = case.case_no + suffix
    # Every kind of column with a value in it: JSON with dates, dates, datetimes, NULLs, booleans.
    twin.clock_notes = {"due": dt.date(2027, 1, 4), "text": "春节后顺延", "days": [1, 2]}
    twin.refusal_reasons = ["材料不全", "签字缺失"]
    twin.suspended_at = at(2026, 12, 1, 9, 30)
    twin.extended_due = dt.date(2027, 2, 26)
    twin.supplement_due = None
    twin.provisional = True
    return twin


def test_a_row_written_by_insert_rows_equals_the_row_save_writes(case):
    by_orm = _twin(case, "-orm")
    by_orm.save(force_insert=True)
    by_insert = _twin(case, "-ins")
    insert_rows([by_insert])

    assert by_insert.pk is not None and by_insert.pk != by_orm.pk
    assert not by_insert._state.adding and by_insert._state.db == "default"
    orm_row, insert_row = _row(Case, by_orm.pk), _row(Case, by_insert.pk)
    for row in (orm_row, insert_row):
        row.pop("case_no")
        row.pop("updated_at")  # auto_now: set by each write, checked below
    assert insert_row == orm_row
    assert Case.objects.get(pk=by_insert.pk).updated_at == by_insert.updated_at
    assert by_insert.updated_at is not None and by_insert.updated_at.tzinfo is not None


def test_several_rows_get_their_own_keys_in_order_and_batches_split(case, monkeypatch):
    # Three rows per statement: seven rows take three statements and still map key to row.
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 3)
    rows = [CaseMaterial(case=case, order=100 + i, name=f"补充材料{i}", status="received", required=i % 2 == 0,
                         tolerance_days=i or None)
            for i in range(7)]
    insert_rows(rows)
    assert len({r.pk for r in rows}) == 7
    for r in rows:
        stored = CaseMaterial.objects.get(pk=r.pk)
        assert (stored.order, stored.name, stored.required, stored.tolerance_days) == \
            (r.order, r.name, r.required, r.tolerance_days)
    assert case.materials.filter(order__gte=100).count() == 7


def test_a_parent_saved_after_assignment_is_taken_by_its_key(case):
    # As with save(): an instance assigned before it had a key is read at insert time.
    twin = _twin(case, "-parent")
    entry = CaseAction(case=twin, action="accept", created_at=at(2026, 11, 30))
    insert_rows([twin])
    insert_rows([entry])
    assert CaseAction.objects.get(pk=entry.pk).case_id == twin.pk


def test_an_unsaved_parent_is_refused_like_save_refuses_it(case):
    twin = _twin(case, "-unsaved")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_rows([CaseAction(case=twin, action="accept", created_at=at(2026, 11, 30))])


def test_rows_with_and_without_keys_and_mixed_models_are_refused(case):
    a = CaseAction(case=case, action="accept", created_at=at(2026, 11, 30))
    b = CaseAction(pk=10_000_000, case=case, action="accept", created_at=at(2026, 11, 30))
    with pytest.raises(ValueError, match="every instance"):
        insert_rows([a, b])
    with pytest.raises(TypeError, match="same model"):
        insert_rows([a, CaseMaterial(case=case, order=1, name="x", status="received")])
    assert not CaseAction.objects.filter(pk=10_000_000).exists()


def test_a_row_with_its_own_key_keeps_it(case):
    entry = CaseAction(pk=10_000_001, case=case, action="accept", created_at=at(2026, 11, 30))
    insert_rows([entry])
    assert CaseAction.objects.get(pk=10_000_001).action == "accept"


def test_nothing_to_insert_runs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows([])


def test_the_statement_text_is_built_once_per_model_and_row_count(case, monkeypatch):
    inserts._SQL_CACHE.clear()
    insert_rows([CaseAction(case=case, action="accept", created_at=at(2026, 11, 30))])
    insert_rows([CaseAction(case=case, action="advance", created_at=at(2026, 11, 30))])
    assert len([k for k in inserts._SQL_CACHE if k[2] is CaseAction]) == 1


def _slow_params(objs) -> list:
    """The values the ORM's own field methods give, column by column (auto_now columns left out)."""
    fields = [f for f in type(objs[0])._meta.concrete_fields if not f.primary_key]
    return [None if getattr(f, "auto_now", False) else f.get_db_prep_save(f.pre_save(o, add=True), connection=connection)
            for o in objs for f in fields]


@pytest.mark.parametrize("model", [Case, CaseMaterial, CaseAction, Notification, AuditEvent])
def test_prepared_values_are_the_values_the_fields_themselves_give(case, model):
    # The shortcut for plain text, number, boolean and key columns must not change a single value.
    if model is AuditEvent:
        objs = list(AuditEvent.objects.filter(object_id=case.case_no))
    else:
        objs = list(model.objects.filter(case=case) if model is not Case else Case.objects.filter(pk=case.pk))
    assert objs
    for o in objs:
        o.pk = None
    prepared = prepare_rows(objs)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    auto_now = [i for i, f in enumerate(fields * len(objs)) if getattr(f, "auto_now", False)]
    got = [None if i in auto_now else _comparable(v) for i, v in enumerate(prepared.params)]
    want = [_comparable(v) for v in _slow_params(objs)]
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]


def _comparable(value):
    # psycopg's JSON wrapper has no equality of its own: compare what it wraps.
    return ("json", value.obj) if type(value).__name__ in ("Json", "Jsonb") else value


def test_rows_prepared_before_their_parent_is_saved_take_its_key_and_keep_it_cached(case, django_assert_num_queries):
    twin = _twin(case, "-prep")
    materials = [CaseMaterial(case=twin, order=i, name=f"材料{i}", status="received") for i in range(3)]
    entry = CaseAction(case=twin, action="accept", created_at=at(2026, 11, 30))
    prepared = [prepare_rows([twin]), prepare_rows(materials), prepare_rows([entry])]
    with django_assert_num_queries(3):
        for p in prepared:
            insert_prepared(p)
    assert {m.case_id for m in materials} == {twin.pk} and entry.case_id == twin.pk
    with django_assert_num_queries(0):
        assert materials[0].case is twin
    assert sorted(CaseMaterial.objects.filter(case_id=twin.pk).values_list("name", flat=True)) == ["材料0", "材料1", "材料2"]
    assert CaseAction.objects.get(pk=entry.pk).case_id == twin.pk


def test_rows_prepared_for_a_parent_that_is_never_saved_are_refused(case):
    twin = _twin(case, "-never")
    prepared = prepare_rows([CaseAction(case=twin, action="accept", created_at=at(2026, 11, 30))])
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_prepared(prepared)
    assert not CaseAction.objects.filter(case__case_no=twin.case_no).exists()


def test_a_key_changed_after_the_assignment_wins_over_the_assigned_instance(case):
    other = _twin(case, "-other")
    other.save(force_insert=True)
    entry = CaseAction(case=other, action="accept", created_at=at(2026, 11, 30))
    entry.case_id = case.pk
    insert_rows([entry])
    assert CaseAction.objects.get(pk=entry.pk).case_id == case.pk


def test_a_prepared_column_replaced_before_the_insert_is_written_with_its_new_value(case):
    first, second = _twin(case, "-r1"), _twin(case, "-r2")
    prepared = prepare_rows([first, second])
    prepared.replace(second, "case_no", "QY-2099-000001")
    prepared.replace(second, "suspended_at", at(2026, 12, 2, 8, 0))  # adapted as the field adapts it
    insert_prepared(prepared)
    assert second.case_no == "QY-2099-000001"
    assert Case.objects.get(pk=second.pk).case_no == "QY-2099-000001"
    assert Case.objects.get(pk=second.pk).suspended_at == at(2026, 12, 2, 8, 0)
    assert Case.objects.get(pk=first.pk).case_no == case.case_no + "-r1"  # its neighbour untouched
