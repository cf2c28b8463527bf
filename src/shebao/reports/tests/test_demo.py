"""``shebao demo generate``: labelled demo cases in a separate database, never the default one."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Count

from shebao.cases import workflow as wf
from shebao.cases.models import Case, CaseCounter, CaseMaterial, Rating
from shebao.core.errors import DomainError
from shebao.core.models import County
from shebao.reports import demo
from shebao.reports import selectors as sel
from shebao.reports.models import WorkdayIndex
from shebao.reports.tests.conftest import DEMO_TEST_ALIAS

pytestmark = pytest.mark.django_db(databases=["default", DEMO_TEST_ALIAS])
END = dt.date(2026, 11, 28)


@pytest.fixture
def alias():
    return DEMO_TEST_ALIAS


def test_generate_writes_labelled_realistic_cases(alias):
    n = demo.generate(count=400, database=alias, end=END, days=60)
    assert n == 400
    cases = Case.objects.using(alias)
    assert cases.count() == 400
    # clearly labelled: one county, 演示县, every applicant 演示…
    assert list(County.objects.using(alias).values_list("name", "agency")) == [("演示县", "演示县社会保险中心（演示数据）")]
    assert not cases.exclude(applicant_name__startswith="演示").exists()
    assert not cases.exclude(result="").exclude(result__contains="演示数据").exists()
    assert cases.values("case_no").distinct().count() == 400
    # received within the 60 days up to END, in order of case id
    first, last = cases.order_by("received_at").first(), cases.order_by("received_at").last()
    assert first.received_at.date() >= END - dt.timedelta(days=60) and last.received_at.date() <= END
    # a realistic mix
    by_status = dict(cases.values_list("status").annotate(c=Count("id")).order_by())
    assert by_status[wf.FINISHED] > 300 and by_status.get(wf.NOT_ACCEPTED, 0) >= 1
    assert set(by_status) <= set(wf.STATUS_LABELS)
    assert not cases.filter(status=wf.FINISHED, closed_at__isnull=True).exists()
    assert not cases.filter(status__in=wf.OPEN_STATUSES, closed_at__isnull=False).exists()
    assert not cases.filter(closed_at__lt=models_f("received_at")).exists()
    assert Rating.objects.using(alias).count() > 50
    assert not CaseMaterial.objects.using(alias).exclude(case__tolerance=True).exists()
    # items of every department, the popular ones more often
    depts = set(cases.values_list("department__code", flat=True))
    assert {"QY", "CJ", "SBK"} <= depts
    # the working-day index is built, and the dashboard reads the demo database
    assert WorkdayIndex.objects.using(alias).count() > 30000
    county = County.objects.using(alias).get()
    scope = sel.make_scope(county=county, start=END - dt.timedelta(days=60), end=END, using=alias)
    d = sel.Dashboard(scope, today=END)
    assert d.volume_total.applications == 400
    assert d.timeliness_total.finished == d.volume_total.finished_in_period > 0
    assert 0.8 < d.timeliness_total.promised_rate <= 1.0


def models_f(name):
    from django.db.models import F

    return F(name)


def test_generate_again_continues_the_numbers(alias):
    demo.generate(count=50, database=alias, end=END, days=30)
    demo.generate(count=70, database=alias, end=END, days=30, seed=7)
    cases = Case.objects.using(alias)
    assert cases.count() == 120 and cases.values("case_no").distinct().count() == 120
    for counter in CaseCounter.objects.using(alias):
        prefix = f"{counter.department.code}-{counter.year}-"
        assert cases.filter(case_no__startswith=prefix).count() == counter.last
    # the id sequence is right after the explicit ids: a normal insert still works
    c = cases.first()
    c.pk, c.case_no = None, "DEMO-NEW-1"
    c.save(using=alias)
    assert c.pk == 121


def test_refuses_the_default_database(county):
    with pytest.raises(DomainError, match="拒绝向默认数据库写入演示数据"):
        demo.generate(count=10, database="default")
    # nor an alias that is the default database under another name
    demo.add_alias("same", dict(connections.settings["default"]))
    try:
        with pytest.raises(DomainError, match="拒绝向默认数据库"):
            demo.generate(count=10, database="same")
    finally:
        demo.remove_alias("same")
    assert not Case.objects.exists()


def test_default_database_explicitly_demo_but_with_real_cases(world, settings):
    settings.SHEBAO_DATABASE_IS_DEMO = True
    with pytest.raises(DomainError, match="已有真实县（区）的办件"):
        demo.generate(count=10, database="default")
    assert not Case.objects.filter(county__code=demo.DEMO_COUNTY["code"]).exists()


def test_unknown_alias_and_bad_count(county):
    with pytest.raises(DomainError, match="未配置数据库别名"):
        demo.generate(count=10, database="nowhere")
    with pytest.raises(DomainError, match="数量"):
        demo.generate(count=0, database="nowhere")


def test_demo_command(alias):
    out = StringIO()
    call_command("demo", "generate", "--cases", "30", "--database", alias, stdout=out)
    assert "已生成 30 件演示办件" in out.getvalue()
    assert Case.objects.using(alias).count() == 30


def test_demo_command_refuses_the_default_database_with_a_message(county):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="拒绝向默认数据库写入演示数据"):
        call_command("demo", "generate", "--cases", "5", "--database", "default")


def test_demo_alias_from_environment(monkeypatch, tmp_path):
    from shebao.reports.dbsettings import demo_database

    monkeypatch.setenv("SHEBAO_DEMO_DATABASE_URL", f"sqlite:///{tmp_path / 'env-demo.sqlite3'}")
    db = demo_database(tmp_path)
    assert str(db["NAME"]).endswith("env-demo.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    monkeypatch.delenv("SHEBAO_DEMO_DATABASE_URL")
    assert str(demo_database(tmp_path)["NAME"]) == str(tmp_path / "demo.sqlite3")
