"""What one intake writes and reads: numbering, the audit chain, the answer, the query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shebao.cases.models import Case, CaseCounter, Notification
from shebao.cases.services import intake as intake_module
from shebao.cases.tests.conftest import intake_payload
from shebao.core.audit import verify_chain
from shebao.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client, county, item_no=1, **overrides):
    return client.post("/api/v1/cases", intake_payload(county, item_no, **overrides),
                       content_type="application/json")


def test_the_answer_to_an_intake_is_the_case_as_read_back(api, county):
    client = api("clerk", "QY")
    created = _post(client, county)
    assert created.status_code == 201, created.content.decode()
    read = client.get(f"/api/v1/cases/{created.json()['case_no']}")
    assert read.status_code == 200
    assert created.json() == read.json()
    body = created.json()
    assert [t["action"] for t in body["timeline"]] == ["accept"]
    assert [n["kind"] for n in body["notifications"]] == ["accepted"]
    assert body["notifications"][0]["status"] == "pending"  # sent by the outbox, never inside the intake
    assert body["rating"] is None and body["materials"]


def test_an_intake_runs_a_bounded_number_of_queries(api, county):
    client = api("clerk", "QY")
    assert _post(client, county).status_code == 201  # warms the per-process item and calendar caches
    payload = intake_payload(county, 1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.post("/api/v1/cases", payload, content_type="application/json").status_code == 201
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    # token, item stamp, calendar stamp (twice: intake, and the notice's 暂定 test late in the year);
    # case, materials, timeline, counter, number, notification,
    # chain head (2) and event; BEGIN/COMMIT of the one transaction.
    assert len(ctx.captured_queries) <= 15, "\n".join(q["sql"][:120] for q in ctx.captured_queries)
    assert "SAVEPOINT" not in statements


def test_case_numbers_run_without_gaps_and_a_failed_intake_gives_its_number_back(api, county, monkeypatch):
    client = api("clerk", "QY")
    first = _post(client, county).json()["case_no"]

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(intake_module.common, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        _post(client, county)
    monkeypatch.undo()
    second = _post(client, county).json()["case_no"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    assert not Case.objects.filter(case_no__startswith="~").exists()
    assert Case.objects.count() == 2
    assert Notification.objects.count() == 2


def test_the_first_case_of_a_year_creates_its_counter(api, county):
    assert not CaseCounter.objects.exists()
    number = _post(api("clerk", "QY"), county).json()["case_no"]
    counter = CaseCounter.objects.get()
    assert counter.last == 1 and number.endswith("-000001") and number.startswith("QY-")


def test_the_audit_chain_starts_itself_and_verifies(api, county):
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    client = api("clerk", "QY")
    for _ in range(3):
        assert _post(client, county).status_code == 201
    head = AuditChainHead.objects.get()
    assert head.count == AuditEvent.objects.count() >= 3
    assert head.last_hash == AuditEvent.objects.order_by("-id").first().hash
    report = verify_chain()
    assert report.ok, report.problems


def test_an_intake_sees_an_item_edited_since_its_last_intake(api, county, staff):
    """The per-process item cache is checked against the item's version on every intake."""
    from shebao.catalog import services as catalog_services
    from shebao.catalog.models import Item

    client = api("clerk", "QY")
    assert _post(client, county, 1).status_code == 201
    item = Item.objects.get(county=county, no=1)
    data = dict(item.current_version.data)
    data["name"] = data["name"] + "（已修订）"
    catalog_services.update_item(item=item, data=data, actor=staff("admin"))
    body = _post(client, county, 1).json()
    assert body["item_name"].endswith("（已修订）")
    payload = intake_payload(county, 1)
    item.is_active = False
    item.save(update_fields=["is_active"])
    refused = client.post("/api/v1/cases", payload, content_type="application/json")
    assert refused.status_code == 422 and "未找到序号为 1 的服务事项" in refused.json()["detail"]


def test_intake_service_rolls_back_everything_it_wrote_when_the_chain_fails(staff, county, monkeypatch):
    from shebao.cases.tests.test_intake import _intake

    def broken(**kwargs):
        raise RuntimeError("chain head locked out")

    monkeypatch.setattr("shebao.cases.services.common.record_event", broken)
    with pytest.raises(RuntimeError):
        _intake(staff("clerk", "QY"), county, 1)
    assert not Case.objects.exists() and not Notification.objects.exists()
    assert not CaseCounter.objects.filter(last__gt=0).exists()


def test_the_timeline_names_staff_by_their_name_and_login(api, county, staff):
    from shebao.accounts.models import StaffProfile

    clerk = staff("clerk", "QY")
    StaffProfile.objects.filter(user=clerk).update(display_name="王芳")
    body = _post(api("clerk", "QY"), county).json()
    assert body["timeline"][0]["actor"] == f"王芳（{clerk.get_username()}）"
    StaffProfile.objects.filter(user=clerk).update(display_name="")
    body = _post(api("clerk", "QY"), county).json()
    assert body["timeline"][0]["actor"] == clerk.get_username()


def test_a_department_renamed_in_the_admin_numbers_the_next_case(api, county):
    from shebao.catalog.models import Department

    client = api("clerk", "QY")
    assert _post(client, county).json()["department_name"]
    Department.objects.filter(county=county, code="QY").update(short_name="企业养老股")
    assert _post(client, county).json()["department_name"] == "企业养老股"


def test_a_sender_that_cannot_record_its_attempt_leaves_the_message_pending_for_the_next_pass(
    api, county, monkeypatch
):
    from shebao.cases.services import notify

    created = _post(api("clerk", "QY"), county)
    assert created.status_code == 201
    note = Notification.objects.get(case__case_no=created.json()["case_no"])
    assert note.status == "pending"

    def busy(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("database is locked")

    monkeypatch.setattr(notify, "_record", busy)
    with pytest.raises(Exception, match="locked"):
        notify.send_outbox(holder="test")
    monkeypatch.undo()
    note.refresh_from_db()
    assert note.status == "pending" and note.attempts == 0
    assert notify.send_outbox(holder="test") == 1  # the lease was let go: the next pass sends it
    note.refresh_from_db()
    assert note.status == "sent" and note.attempts == 1


def test_the_outbox_makes_what_it_read_durable_before_it_sends_a_message(api, county, monkeypatch):
    """With group commit another worker's intake is visible a moment before its WAL is synced: no
    text may name a case number that a power cut could still take back."""
    from shebao.cases.services import notify

    assert _post(api("clerk", "QY"), county).status_code == 201
    events: list[str] = []
    real_send = notify._send
    monkeypatch.setattr(notify, "flush_commits", lambda: events.append("flush"))
    monkeypatch.setattr(notify, "_send", lambda notes: (events.append(f"send {len(notes)}"), real_send(notes))[1])
    assert notify.send_outbox(holder="test") == 1
    assert events == ["flush", "send 1"]


def test_the_case_list_pages_within_what_a_database_can_skip(api, county):
    client = api("clerk", "QY")
    first = _post(client, county).json()["case_no"]
    assert [c["case_no"] for c in client.get("/api/v1/cases", {"offset": 0, "limit": 5}).json()] == [first]
    assert client.get("/api/v1/cases", {"offset": 1_000_000_000}).json() == []
    # More than 64 bits used to reach the database as OFFSET and fail (500).
    r = client.get("/api/v1/cases", {"offset": "9" * 20})
    assert r.status_code == 422 and "请求参数有误" in r.json()["detail"]
