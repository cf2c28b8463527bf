"""The statistics API under /api/v1/reports/ (bearer token; same access rules as the page)."""

from __future__ import annotations

import pytest

from shebao.accounts.models import Role

pytestmark = pytest.mark.django_db

NOV = "start=2026-11-01&end=2026-11-30"


def test_summary_for_the_director(world, api_for):
    r = api_for(Role.DIRECTOR).get(f"/api/v1/reports/summary?{NOV}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["scope"] == {"county": "阳城县", "department": None, "start": "2026-11-01", "end": "2026-11-30",
                             "label": "阳城县 · 全部股室 · 2026-11-01 至 2026-11-30"}
    assert body["volume"] == {"applications": 14, "received": 13, "not_accepted": 1, "in_progress": 4, "suspended": 1,
                              "finished": 6, "refused": 1, "terminated": 1, "finished_in_period": 8}
    t = body["timeliness"]
    assert (t["finished"], t["promised_counted"], t["promised_on_time"], t["statutory_counted"],
            t["statutory_on_time"]) == (8, 8, 5, 7, 6)
    assert t["promised_rate"] == pytest.approx(5 / 8) and t["statutory_rate"] == pytest.approx(6 / 7)
    assert t["average_working_days"] == 8.25 and t["p90_working_days"] == 24
    assert body["tolerance"] == {"total": 4, "in_time": 2, "late": 0, "pending": 1, "not_supplied": 1,
                                 "in_time_rate": pytest.approx(2 / 3)}
    assert body["ratings"]["by_level"] == {"very_satisfied": 2, "satisfied": 1, "basically_satisfied": 1,
                                           "dissatisfied": 1, "very_dissatisfied": 1}
    assert (body["ratings"]["bad"], body["ratings"]["followed_up"]) == (2, 1)
    assert body["now"] == {"in_progress": 6, "suspended": 1, "yellow": 3, "red": 2, "awaiting_supplement": 1,
                           "open_bad_ratings": 2}


def test_tables(world, api_for):
    c = api_for(Role.DIRECTOR)
    listed = c.get("/api/v1/reports/tables").json()
    assert [t["key"] for t in listed][:3] == ["summary", "by_period", "by_department"]
    body = c.get(f"/api/v1/reports/tables/by_department?{NOV}").json()
    assert body["title"] == "办件量按股室"
    assert [col["label"] for col in body["columns"]][:3] == ["股室", "收件", "受理"]
    assert body["rows"][0] == ["企业保险股", 5, 4, 1, 1, 1, 1, 1, 0, 3]
    assert body["total"] == ["合计", 14, 13, 1, 4, 1, 6, 1, 1, 8]
    body = c.get(f"/api/v1/reports/tables/warnings?{NOV}&limit=2").json()
    assert [r[0] for r in body["rows"]] == [world.no("S3"), world.no("Q5")]
    assert body["rows"][0][5] == "2026-11-10T10:00:00"
    body = c.get(f"/api/v1/reports/tables/by_period?{NOV}&period=month").json()
    assert body["period"] == "month" and body["rows"] == [["2026-11", 14, 13, 1, 4, 1, 6, 1, 1, 8]]


def test_section_head_is_limited_to_their_department(world, api_for):
    c = api_for(Role.SECTION_HEAD, "QY")
    body = c.get(f"/api/v1/reports/summary?{NOV}").json()
    assert body["scope"]["department"] == "QY" and body["volume"]["applications"] == 5
    r = c.get(f"/api/v1/reports/summary?{NOV}&department=SY")
    assert r.status_code == 403 and "本股室" in r.json()["detail"]


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN, Role.FRONT_DESK])
def test_other_roles_403(county, api_for, role):
    c = api_for(role, None if role in (Role.ADMIN, Role.FRONT_DESK) else "QY")
    for url in ("/api/v1/reports/summary", "/api/v1/reports/tables", "/api/v1/reports/tables/summary"):
        r = c.get(url)
        assert r.status_code == 403 and "仅供中心主任和股长" in r.json()["detail"]


def test_anonymous_401(county, api_for):
    r = api_for(None).get("/api/v1/reports/summary")
    assert r.status_code == 401


def test_errors(county, api_for):
    c = api_for(Role.DIRECTOR)
    r = c.get("/api/v1/reports/tables/nothing")
    assert r.status_code == 404 and "没有名为" in r.json()["detail"]
    r = c.get("/api/v1/reports/summary?start=2026-02-30")
    assert r.status_code == 422 and "格式不正确" in r.json()["detail"]
    r = c.get("/api/v1/reports/tables/summary?period=hour")
    assert r.status_code == 422
    r = c.get("/api/v1/reports/tables/warnings?limit=0")
    assert r.status_code == 422


def test_table_titles_match_the_builders():
    from shebao.reports.tables import BUILDERS, TABLE_TITLES

    assert list(TABLE_TITLES) == list(BUILDERS)
