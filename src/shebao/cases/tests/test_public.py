"""Citizen side: progress query (rate-limited), 好差评 and follow-up; PDFs; notifications; audit verify."""

from __future__ import annotations

import subprocess

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from shebao.cases import services
from shebao.cases.models import Case, Notification, PublicAttempt, Rating
from shebao.cases.notifications import LoggingSmsBackend, Message
from shebao.cases.tests.conftest import applicant_for, intake_payload, materials_of
from shebao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _accept(staff, county, item_no=36, *, missing=(), tolerance=False, email="", kind=None):
    kind = kind or ("unit" if item_no == 36 else "person")
    a = applicant_for(kind)
    if email:
        a["email"] = email
    return services.intake_case(
        user=staff("clerk", "SY" if item_no == 36 else "CJ"), item_no=item_no, scenario=None,
        applicant=services.Applicant(**a),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, item_no, missing=missing)],
        tolerance=tolerance,
    )


def _finish(staff, case, dept="SY"):
    case = services.perform_action(user=staff("reviewer", dept), case_no=case.case_no, action="advance",
                                   version=case.version)
    return services.perform_action(user=staff("approver", dept), case_no=case.case_no, action="finish",
                                   version=case.version, result="准予登记")


def test_track_by_id_suffix_and_query_code(api, staff, county):
    case = _accept(staff, county, missing=("社会保险登记表",), tolerance=True)
    anon = api(None)
    r = anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert r.status_code == 200, r.content.decode()
    body = r.json()
    assert body["status"] == "in_progress" and body["current_step"] == "审核"
    assert body["missing"] == ["社会保险登记表"] and body["supplement_due"]
    assert body["promised_due"] and body["can_rate"] is False
    assert case.applicant_id not in r.content.decode()
    r = anon.get("/api/v1/track", {"case_no": case.case_no.lower(), "id_suffix": case.query_code})
    assert r.status_code == 200


def test_track_refused_case_lists_everything_missing(staff, county):
    case = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**applicant_for("unit")),
        materials=[services.MaterialEntry(m["name"], m["status"])
                   for m in materials_of(county, 36, missing=("营业执照复印件", "用工备案表"))],
        refuse=True, refusal_reasons=["材料不全"],
    )
    result = services.track_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:], ip="1.2.3.4")
    assert result.status == "not_accepted" and set(result.missing) == {"营业执照复印件", "用工备案表"}


def test_track_rate_limited_after_ten_failures(api, staff, county):
    case = _accept(staff, county)
    anon = api(None)
    for i in range(10):
        r = anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": f"00000{i}"})
        assert r.status_code == 404
        assert "不正确" in r.json()["detail"]
    # the 11th is refused even with the right suffix
    r = anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]})
    assert r.status_code == 429 and "次数过多" in r.json()["detail"]
    # another client is not affected
    other = anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:]},
                     REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200
    assert PublicAttempt.objects.filter(ip="127.0.0.1").count() == 10


def test_a_shared_terminal_is_not_locked_out_by_mistakes_its_users_correct(api, staff, county, settings):
    """A village assistant's terminal: one applicant mistypes twice then gets it right, another
    mistypes the number itself then gets it right; their mistakes no longer count."""
    settings.SHEBAO_TRACK_MAX_FAILURES = 3
    first, second = _accept(staff, county), _accept(staff, county)
    anon = api(None)
    for suffix in ("000000", "111111"):
        assert anon.get("/api/v1/track", {"case_no": first.case_no, "id_suffix": suffix}).status_code == 404
    assert anon.get("/api/v1/track", {"case_no": first.case_no, "id_suffix": first.applicant_id[-6:]}).status_code == 200
    assert PublicAttempt.objects.count() == 0
    typo = second.case_no[:-1] + ("9" if second.case_no[-1] != "9" else "8")
    assert not Case.objects.filter(case_no=typo).exists()
    assert anon.get("/api/v1/track", {"case_no": typo, "id_suffix": second.applicant_id[-6:]}).status_code == 404
    assert anon.get("/api/v1/track", {"case_no": second.case_no, "id_suffix": "12345"}).status_code in (404, 422)
    r = anon.get("/api/v1/track", {"case_no": second.case_no, "id_suffix": second.applicant_id[-6:]})
    assert r.status_code == 200
    assert PublicAttempt.objects.count() == 0
    # Three real mistakes in a row still lock the terminal, as before.
    for suffix in ("000000", "111111", "222222"):
        anon.get("/api/v1/track", {"case_no": first.case_no, "id_suffix": suffix})
    r = anon.get("/api/v1/track", {"case_no": first.case_no, "id_suffix": first.applicant_id[-6:]})
    assert r.status_code == 429


def test_a_success_does_not_forgive_guesses_at_someone_elses_case(api, staff, county, settings):
    """Knowing one's own case proves nothing about another: guesses at it keep counting."""
    settings.SHEBAO_TRACK_MAX_FAILURES = 3
    mine, victim = _accept(staff, county), _accept(staff, county)
    anon = api(None)
    for suffix in ("000000", "111111"):
        assert anon.get("/api/v1/track", {"case_no": victim.case_no, "id_suffix": suffix}).status_code == 404
    assert anon.get("/api/v1/track", {"case_no": mine.case_no, "id_suffix": mine.applicant_id[-6:]}).status_code == 200
    assert list(PublicAttempt.objects.values_list("target", "target_exists")) == [(victim.case_no, True)] * 2
    assert anon.get("/api/v1/track", {"case_no": victim.case_no, "id_suffix": "222222"}).status_code == 404
    r = anon.get("/api/v1/track", {"case_no": victim.case_no, "id_suffix": victim.applicant_id[-6:]})
    assert r.status_code == 429
    # Another IP's failures are its own: a success here forgives nothing there.
    services.record_public_failure("10.1.1.1", "track", timezone.now(), target=mine.case_no)
    other = anon.get("/api/v1/track", {"case_no": mine.case_no, "id_suffix": mine.applicant_id[-6:]},
                     REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 200
    assert PublicAttempt.objects.filter(ip="10.1.1.1").count() == 1


def test_unknown_case_and_wrong_suffix_look_the_same(api, staff, county):
    case = _accept(staff, county)
    anon = api(None)
    a = anon.get("/api/v1/track", {"case_no": "SY-2026-999999", "id_suffix": case.applicant_id[-6:]})
    b = anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": "123456"})
    assert a.status_code == b.status_code == 404 and a.json() == b.json()


def test_rating_after_finish_and_bad_rating_follow_up(api, staff, county):
    case = _accept(staff, county)
    anon = api(None)
    payload = {"case_no": case.case_no, "id_suffix": case.applicant_id[-6:], "level": "不满意", "comment": "等太久"}
    r = anon.post("/api/v1/ratings", payload, content_type="application/json")
    assert r.status_code == 422 and "办结后" in r.json()["detail"]
    case = _finish(staff, case)
    assert anon.get("/api/v1/track", {"case_no": case.case_no, "id_suffix": case.query_code}).json()["can_rate"]
    r = anon.post("/api/v1/ratings", {**payload, "level": "很差"}, content_type="application/json")
    assert r.status_code == 422 and "评价等级无效" in r.json()["detail"]
    r = anon.post("/api/v1/ratings", {**payload, "level": " "}, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"].startswith("请选择评价等级")
    r = anon.post("/api/v1/ratings", {**payload, "id_suffix": "000000"}, content_type="application/json")
    assert r.status_code == 404
    r = anon.post("/api/v1/ratings", payload, content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    rating = r.json()
    assert rating["is_bad"] is True and rating["level"] == "dissatisfied"
    assert anon.post("/api/v1/ratings", payload, content_type="application/json").status_code == 409
    # listed for the department's section head and the director, nobody else
    assert [x["id"] for x in api("section_head", "SY").get("/api/v1/ratings/bad").json()] == [rating["id"]]
    assert [x["id"] for x in api("director").get("/api/v1/ratings/bad").json()] == [rating["id"]]
    assert api("section_head", "QY").get("/api/v1/ratings/bad").json() == []
    for role, dept in (("clerk", "SY"), ("reviewer", "SY"), ("approver", "SY"), ("admin", None)):
        assert api(role, dept).get("/api/v1/ratings/bad").status_code == 403
    url = f"/api/v1/ratings/{rating['id']}/follow-up"
    body = {"text": "已电话回访，说明了审批环节所需时间"}
    for role, dept in (("approver", "SY"), ("section_head", "QY"), ("director", None), ("admin", None)):
        assert api(role, dept).post(url, body, content_type="application/json").status_code == 403
    assert api("section_head", "SY").post(url, {"text": " "}, content_type="application/json").status_code == 422
    r = api("section_head", "SY").post(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["follow_up"] == body["text"]
    assert api("section_head", "SY").get("/api/v1/ratings/bad?pending=true").json() == []
    detail = api("clerk", "SY").get(f"/api/v1/cases/{case.case_no}").json()
    assert detail["rating"]["level_label"] == "不满意"


def test_good_rating_needs_no_follow_up(staff, county):
    case = _finish(staff, _accept(staff, county))
    rating = services.rate_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:], level="非常满意", ip="x")
    assert rating.is_bad is False
    with pytest.raises(Exception) as exc:
        services.record_rating_follow_up(user=staff("section_head", "SY"), rating_id=rating.pk, text="x")
    assert "差评" in str(exc.value)
    assert Rating.objects.count() == 1


def test_receipt_and_notice_pdfs(api, staff, county):
    case = _accept(staff, county, missing=("社会保险登记表",), tolerance=True)
    client = api("clerk", "SY")
    receipt = client.get(f"/api/v1/cases/{case.case_no}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert b"ShebaoCJK" in receipt.content or b"FontFile2" in receipt.content  # the CJK font is embedded
    notice = client.get(f"/api/v1/cases/{case.case_no}/notice.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    complete = _accept(staff, county)
    assert client.get(f"/api/v1/cases/{complete.case_no}/notice.pdf").status_code == 422


def test_receipt_text(staff, county, tmp_path):
    from shebao.cases.pdfs import receipt_pdf, track_url

    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0:
        pytest.skip("pdftotext (poppler-utils) not installed")
    case = _accept(staff, county, missing=("社会保险登记表",), tolerance=True)
    path = tmp_path / "r.pdf"
    path.write_bytes(receipt_pdf(case, base_url="http://shebao.example/"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    compact = text.replace(" ", "").replace("\n", "")
    for needle in (case.case_no, "受理回执", "失业保险用人单位新参保", case.query_code, "社会保险登记表", "容缺后补"):
        assert needle in compact, needle
    assert case.applicant_id not in compact and case.masked_applicant_id in compact
    assert track_url(case, base_url="http://shebao.example/") == f"http://shebao.example/track/?case_no={case.case_no}"


def test_notifications_are_recorded_pending_and_sent_by_the_outbox(staff, county):
    LoggingSmsBackend.outbox.clear()
    by_mail = _accept(staff, county, email="hr@example.com")
    by_sms = _accept(staff, county)
    # Nothing is sent inside the intake: the gateway is never on the clerk's request.
    assert len(mail.outbox) == 0 and len(LoggingSmsBackend.outbox) == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert services.send_outbox(holder="test") == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hr@example.com"]
    assert "受理" in mail.outbox[0].subject and by_mail.case_no in mail.outbox[0].body
    assert len(LoggingSmsBackend.outbox) == 1 and by_sms.case_no in LoggingSmsBackend.outbox[0].body
    assert Notification.objects.filter(status="sent", attempts=1, sent_at__isnull=False).count() == 2
    n = Notification.objects.get(case=by_sms)
    assert n.channel == "sms" and "*" in n.masked_recipient
    assert services.send_outbox(holder="test") == 0  # each message goes out once
    assert len(LoggingSmsBackend.outbox) == 1


def test_the_outbox_sends_nothing_while_another_process_holds_it(staff, county):
    LoggingSmsBackend.outbox.clear()
    _accept(staff, county)
    assert services.acquire_lease(name="cases.outbox", holder="machine-a", seconds=60)
    assert services.send_outbox(holder="machine-b") is None
    assert services.deliver_pending(holder="machine-b") == 0
    note = Notification.objects.get()
    assert services.deliver_notification(notification_id=note.pk, holder="machine-b") == "pending"
    assert len(LoggingSmsBackend.outbox) == 0
    services.release_lease(name="cases.outbox", holder="machine-a")
    assert services.send_outbox(holder="machine-b") == 1
    assert len(LoggingSmsBackend.outbox) == 1


def test_the_outbox_sends_the_oldest_first_in_bounded_batches(staff, county):
    LoggingSmsBackend.outbox.clear()
    cases = [_accept(staff, county) for _ in range(3)]
    assert services.send_outbox(holder="test", limit=2) == 2
    assert [m.body for m in LoggingSmsBackend.outbox] == [
        Notification.objects.get(case=c).body for c in cases[:2]]
    assert Notification.objects.get(case=cases[2]).status == "pending"
    assert services.send_outbox(holder="test", limit=2) == 1


def test_failed_notification_is_retried_by_tick(staff, county, settings):
    settings.SHEBAO_NOTIFICATION_BACKENDS = {"sms": "shebao.cases.tests.test_public.BrokenSms"}
    case = _accept(staff, county)
    n = Notification.objects.get(case=case)
    assert n.status == "pending"  # the intake only records it
    assert services.deliver_notification(notification_id=n.pk) == "failed"
    n.refresh_from_db()
    assert n.attempts == 1 and "gateway down" in n.error
    settings.SHEBAO_NOTIFICATION_BACKENDS = {}
    LoggingSmsBackend.outbox.clear()
    assert services.run_tick()["notifications_sent"] == 1
    n.refresh_from_db()
    assert n.status == "sent"


class BrokenSms:
    channel = "sms"

    def send(self, message):
        raise RuntimeError("gateway down")


def test_audit_verify_detects_edit_and_delete(staff, county, capsys):
    case = _finish(staff, _accept(staff, county))
    call_command("audit", "verify")
    assert "完整" in capsys.readouterr().out
    event = AuditEvent.objects.filter(object_id=case.case_no).order_by("id")[1]
    AuditEvent.objects.filter(pk=event.pk).update(summary="篡改后的摘要")
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1
    assert f"事件 #{event.pk}" in capsys.readouterr().err
    original = AuditEvent.objects.get(pk=event.pk)
    # restore the edit, then delete another event
    from shebao.core.audit import _digest, _hashed_fields

    original.summary = event.summary
    assert _digest(prev_hash=original.prev_hash, fields=_hashed_fields(original)) == original.hash
    AuditEvent.objects.filter(pk=event.pk).update(summary=event.summary)
    call_command("audit", "verify")
    victim = AuditEvent.objects.filter(object_id=case.case_no).order_by("id")[1]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    following = AuditEvent.objects.filter(pk__gt=victim.pk).order_by("id").first()
    assert f"事件 #{following.pk}" in err and "删除" in err


def test_every_action_writes_an_audit_event(staff, county):
    case = _accept(staff, county)
    count = AuditEvent.objects.filter(object_id=case.case_no).count()
    case = services.perform_action(user=staff("reviewer", "SY"), case_no=case.case_no, action="suspend",
                                   version=case.version, reason="公示")
    case = services.perform_action(user=staff("reviewer", "SY"), case_no=case.case_no, action="resume",
                                   version=case.version)
    events = list(AuditEvent.objects.filter(object_id=case.case_no).order_by("id"))
    assert len(events) == count + 2
    assert events[-2].before["status"] == "in_progress" and events[-2].after["status"] == "suspended"
    assert events[-1].actor.username == "reviewer_sy"


def test_openapi_lists_case_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/cases", "/api/v1/cases/{case_no}", "/api/v1/cases/{case_no}/actions", "/api/v1/track",
                 "/api/v1/ratings", "/api/v1/cases/{case_no}/receipt.pdf", "/api/v1/cases/{case_no}/notice.pdf"):
        assert path in schema["paths"], path
    assert "intake_payload" not in str(schema)


def test_intake_payload_helper_uses_catalog(county):
    assert intake_payload(county, 36)["materials"]


def test_intake_checklist_for_the_form(staff, county):
    from shebao.cases import selectors
    from shebao.core.errors import PermissionDenied

    form = selectors.intake_checklist(user=staff("clerk", "SY"), item_no=36)
    tolerable = {m["name"] for m in form["materials"] if m["tolerable"]}
    assert tolerable == {"社会保险登记表", "开户许可证复印件", "法人身份证复印件"}
    # 36's 缴费申报承诺书 is a declaration, not a 证明事项告知承诺书; item 9 carries one
    assert form["promise_allowed"] is False and form["steps"][0]["kind"] == "intake"
    assert selectors.intake_checklist(user=staff("clerk", "QY"), item_no=9)["promise_allowed"] is True
    form = selectors.intake_checklist(user=staff("clerk", "SBK"), item_no=40)
    assert {s["code"] for s in form["scenarios"]} == {"adult", "minor"} and form["scenario_problems"]
    assert selectors.intake_checklist(user=staff("clerk", "SBK"), item_no=40, scenario="minor")["materials"]
    with pytest.raises(PermissionDenied):
        selectors.intake_checklist(user=staff("clerk", "QY"), item_no=36)


def test_recompute_command(staff, county, capsys):
    call_command("cases", "recompute")
    assert "已重算 0 件" in capsys.readouterr().out


def test_the_logging_sms_backend_keeps_only_the_latest_messages():
    # A server left on the development SMS backend must not grow without bound.
    LoggingSmsBackend.outbox.clear()
    backend = LoggingSmsBackend()
    for i in range(LoggingSmsBackend.OUTBOX_SIZE + 50):
        backend.send(Message("sms", "13900000000", f"主题{i}", "正文"))
    assert len(LoggingSmsBackend.outbox) == LoggingSmsBackend.OUTBOX_SIZE
    assert LoggingSmsBackend.outbox[0].subject == "主题50"
    assert LoggingSmsBackend.outbox[-1].subject == f"主题{LoggingSmsBackend.OUTBOX_SIZE + 49}"
    LoggingSmsBackend.outbox.clear()


def test_an_unanswering_mail_server_holds_neither_the_intake_nor_the_sender_past_the_timeout(
        staff, county, settings):
    # A server that takes the connection and never greets: the intake only records the message; the
    # sender's SMTP client waits for EMAIL_TIMEOUT, records the message as failed (the tick retries it).
    import socket
    import time

    silent = socket.create_server(("127.0.0.1", 0))
    default = socket.getdefaulttimeout()
    socket.setdefaulttimeout(8)  # without EMAIL_TIMEOUT the client would wait this long and fail the test
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.5
        started = time.monotonic()
        case = _accept(staff, county, email="hr@example.com")
        assert time.monotonic() - started < 0.5  # the intake does not talk to the mail server at all
        started = time.monotonic()
        assert services.send_outbox(holder="test") == 1
        assert time.monotonic() - started < 5
    finally:
        socket.setdefaulttimeout(default)
        silent.close()
    n = Notification.objects.get(case=case)
    assert n.status == "failed" and n.attempts == 1 and n.error


def test_the_mail_timeout_has_a_default_and_comes_from_the_environment():
    from django.conf import settings as live

    assert 0 < live.EMAIL_TIMEOUT <= 10
    code = "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT)"
    from shebao.ops.testing import base_env, shebao

    env = base_env(EMAIL_HOST="smtp.example.gov.cn", EMAIL_PORT="587", EMAIL_USE_TLS="1", EMAIL_TIMEOUT="8")
    out = shebao("shell", "--no-imports", "-c", code, env=env, timeout=120).stdout.split()
    assert out[-4:] == ["smtp.example.gov.cn", "587", "True", "8.0"]
    env = base_env(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    proc = shebao("shell", "--no-imports", "-c", code, env=env, timeout=120, check=False)
    assert proc.returncode != 0 and "EMAIL_USE_TLS" in proc.stderr


def _track_page(client, case, suffix=None):
    r = client.post("/track/", {"case_no": case.case_no, "id_suffix": suffix or case.applicant_id[-6:]})
    assert r.status_code == 200, r.content.decode()[:500]
    return r.content.decode()


def test_track_page_of_a_refused_case_shows_the_reasons_and_no_procedure(client, staff, county):
    case = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**applicant_for("unit")),
        materials=[services.MaterialEntry(m["name"], m["status"])
                   for m in materials_of(county, 36, missing=("营业执照复印件",))],
        refuse=True, refusal_reasons=["缺少营业执照复印件"],
    )
    html = _track_page(client, case)
    assert 'id="track-refusal">缺少营业执照复印件<' in html
    assert "申请时间" in html and "不予受理时间" in html and "受理时间</dt>" not in html.replace("不予受理时间</dt>", "")
    assert "承诺办结日期" not in html and "无固定办结时限" not in html
    assert 'class="wb-steps"' not in html  # never entered the procedure: no 申报（已完成）/受理（未开始）
    assert "营业执照复印件" in html and "重新申请" in html
    result = services.track_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:])
    assert result.refusal_reasons == ["缺少营业执照复印件"] and result.promised_due is None and result.steps == []


def test_track_page_of_a_case_refused_after_acceptance_points_to_the_written_decision(client, staff, county):
    case = _accept(staff, county)
    case = services.perform_action(user=staff("section_head", "SY"), case_no=case.case_no, action="refuse",
                                   version=case.version, reason="该单位已在外县参保")
    html = _track_page(client, case)
    assert "不予办理的理由：</strong>该单位已在外县参保" in html
    assert 'id="track-decision"' in html and "《不予办理决定书》可到失业保险股窗口领取" in html
    assert "行政复议" in html and "行政诉讼" in html
    finished_html = _track_page(client, _accept(staff, county))
    assert 'id="track-decision"' not in finished_html


def test_track_marks_the_shown_date_provisional_only_while_it_may_move(client, staff, county):
    import datetime as dt
    from zoneinfo import ZoneInfo

    def take_in(day):
        return services.intake_case(
            user=staff("clerk", "SY"), item_no=37, scenario=None, applicant=services.Applicant(**applicant_for("person")),
            materials=[services.MaterialEntry(m["name"], m["status"]) for m in materials_of(county, 37)],
            now=dt.datetime(*day, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        )

    # Item 37: promised 7, statutory 10 working days. Received Mon 2026-12-21 the promised date is
    # Wed 12-30 (certain), while the statutory limit reaches into 2027, whose holiday arrangement is
    # not published: the case carries the flag, but the date the applicant sees will not move.
    case = take_in((2026, 12, 21))
    assert case.provisional
    result = services.track_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:])
    assert result.promised_due == dt.date(2026, 12, 30) and result.provisional is False
    assert "暂定" not in _track_page(client, case)
    # Received Tue 12-29 the promised date itself lies in 2027: 暂定 while the case is open…
    case = take_in((2026, 12, 29))
    result = services.track_case(case_no=case.case_no, id_suffix=case.applicant_id[-6:])
    assert result.promised_due.year == 2027 and result.provisional is True
    assert '<span class="tag prov">暂定</span>' in _track_page(client, case)
    # …and no longer once it is closed.
    case = _finish(staff, case)
    assert case.status == "finished"
    assert "暂定" not in _track_page(client, case)


def test_track_reads_full_width_input_as_typed(client, api, staff, county):
    case = _accept(staff, county)
    full_width = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"} | {ord("-"): "－"}
    wide_no, wide_suffix = case.case_no.translate(full_width), case.applicant_id[-6:].translate(full_width)
    assert wide_no != case.case_no
    r = client.post("/track/", {"case_no": wide_no, "id_suffix": wide_suffix})
    assert r.status_code == 200 and f'id="result-h">办件 {case.case_no}' in r.content.decode()
    r = api(None).get("/api/v1/track", {"case_no": wide_no, "id_suffix": wide_suffix})
    assert r.status_code == 200 and r.json()["case_no"] == case.case_no


@pytest.mark.parametrize("typed", ["{p}{y}{n}", "{p} {y} {n}", "{lp}-{y}-{n}", "{p}—{y}—{n}", "{p}_{y}_{n}"])
def test_track_reads_a_number_typed_without_dashes_or_in_lower_case(client, staff, county, typed):
    case = _accept(staff, county)
    p, y, n = case.case_no.split("-")
    r = client.post("/track/", {"case_no": typed.format(p=p, lp=p.lower(), y=y, n=n),
                                "id_suffix": case.applicant_id[-6:]})
    assert r.status_code == 200 and f'id="result-h">办件 {case.case_no}' in r.content.decode()


def test_track_says_what_is_wrong_with_the_form_before_any_look_up(client, staff, county):
    case = _accept(staff, county)
    cases = [
        ({"case_no": "YJS-2026-000001", "id_suffix": "123456"}, "YJS 开头的是“一件事”编号"),
        ({"case_no": case.case_no, "id_suffix": "12"}, "您填写了 2 位"),
        ({"case_no": case.case_no, "id_suffix": ""}, "请填写申请人证件号码后六位"),
        ({"case_no": "", "id_suffix": "123456"}, "请填写办件编号"),
    ]
    for form, message in cases:
        r = client.post("/track/", form)
        assert r.status_code == 400 and message in r.content.decode(), form
    assert PublicAttempt.objects.count() == 0  # none of these is a guess


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return text.replace(" ", "").replace("\n", "")


def test_the_api_gives_the_written_decision_the_workbench_prints(api, staff, county, tmp_path):
    case = _accept(staff, county)
    case = services.perform_action(user=staff("section_head", "SY"), case_no=case.case_no, action="refuse",
                                   version=case.version, reason="该单位已在外县参保，不能重复登记")
    r = api("clerk", "SY").get(f"/api/v1/cases/{case.case_no}/notice.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = _pdf_text(r.content, tmp_path)
    assert "不予办理决定书" in text and "该单位已在外县参保，不能重复登记" in text


def test_a_refusal_notice_dates_the_application_not_an_acceptance(staff, county, tmp_path):
    from shebao.cases.pdfs import notice_pdf

    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0:
        pytest.skip("pdftotext (poppler-utils) not installed")
    a = applicant_for("unit")
    refused = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**a),
        materials=[services.MaterialEntry(m["name"], m["status"])
                   for m in materials_of(county, 36, missing=("社会保险登记表",))],
        refuse=True, refusal_reasons=["材料不齐"])
    text = _pdf_text(notice_pdf(refused), tmp_path)
    assert "不予受理通知书" in text and "申请时间" in text and "受理时间" not in text
