"""The life-event pages (questions → merged notice → PDF; tracking; window intake) and the API."""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest

from shebao.cases.services import Applicant
from shebao.lifeevents import services
from shebao.lifeevents.models import Bundle
from shebao.lifeevents.services import PartIntake
from shebao.lifeevents.tests.conftest import all_received, pdftotext_available, person_id
from shebao.testing.factories import at, credit_code

pytestmark = pytest.mark.django_db

RETIREMENT = {"unit": "enterprise", "route": "normal"}


# -- public pages ---------------------------------------------------------------------------------


def test_index_lists_the_bundles(client):
    r = client.get("/life-events/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("退休一件事", "身后一件事", "企业开办·员工录用一件事", "失业一件事"):
        assert name in html
    assert 'href="/life-events/retirement/"' in html
    # Each item once, and no separator left at the end (身后一件事 lists item 34 in two steps).
    listed = re.findall(r"涉及事项：([^<]*)</p>", html)
    assert listed and all(t and not t.endswith("、") for t in listed)
    assert all(len(t.split("、")) == len(set(t.split("、"))) for t in listed)


def test_questions_reveal_follow_ups_and_lead_to_the_notice(client):
    r = client.get("/life-events/after_death/")
    html = r.content.decode()
    assert r.status_code == 200 and "逝者生前是哪类参保人员？" in html and "是否因工死亡" not in html
    # htmx re-render after the first answer: the follow-up questions appear.
    r = client.get("/life-events/after_death/", {"status": "public_employee"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "<html" not in html and "是否因工死亡" in html and "供养亲属" not in html
    r = client.get("/life-events/after_death/", {"status": "public_employee", "work_related": "yes"},
                   HTTP_HX_REQUEST="true")
    assert "供养亲属" in r.content.decode() and "遗体是否已火化" in r.content.decode()
    # Without JavaScript: "下一步" with complete answers redirects to the notice.
    r = client.get("/life-events/retirement/", {**RETIREMENT, "go": "1"})
    assert r.status_code == 302 and r["Location"].startswith("/life-events/retirement/notice/?")
    # Incomplete: the page stays, with the next question shown.
    r = client.get("/life-events/retirement/", {"unit": "enterprise", "go": "1"})
    assert r.status_code == 200 and "按哪种情况退休？" in r.content.decode()


def test_unknown_event_is_404(client):
    assert client.get("/life-events/no_such_event/").status_code == 404
    assert client.get("/life-events/no_such_event/notice/").status_code == 404


def test_bad_answers_go_back_to_the_questions(client):
    r = client.get("/life-events/retirement/notice/", {"unit": "army"})
    assert r.status_code == 302 and r["Location"].startswith("/life-events/retirement/?")
    r = client.get(r["Location"])
    assert "没有“army”这个选项" in r.content.decode()


def test_merged_notice_page(client):
    r = client.get("/life-events/retirement/notice/", RETIREMENT)
    assert r.status_code == 200
    html = r.content.decode()
    assert "一次性告知单" in html and "退休一件事" in html
    # One entry for the photo, with both items and the summed count the guide allows.
    assert html.count('<span class="mname">1寸彩照</span>') == 1
    assert "共3张（事项4：1张；事项7：2张）" in html
    assert "第 1 站：阳城县政务中心四楼企业保险办公室" in html and "第 2 站：阳城县政务中心四楼企业保险窗口" in html
    assert "0356-4223292" in html and "0356-3201058" in html
    assert "本人完全丧失劳动能力结论证明" in html  # listed as not needed
    assert "data:image/png;base64," in html  # the QR code
    assert "/life-events/retirement/notice.pdf?unit=enterprise&amp;route=normal" in html
    assert "窗口受理这件事" not in html  # only for staff


def test_empty_plan_page(client):
    r = client.get("/life-events/unemployment/notice/", {"claim": "no", "transfer": "no"})
    assert r.status_code == 200 and "不需要到社保中心办理任何事项" in r.content.decode()


def test_notice_pdf(client, tmp_path):
    r = client.get("/life-events/after_death/notice.pdf",
                   {"status": "resident", "supplementary": "yes", "receiving": "no"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    if not pdftotext_available():
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "n.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    flat = unicodedata.normalize("NFKC", "".join(text.split()))
    for phrase in ("一次性告知单", "身后一件事", "继承人关系证明", "事项21", "事项22", "共6种",
                   "第1站", "0356-3201060", "扫码查看本告知单", "2026年", "http://testserver/life-events/after_death/"):
        assert phrase in flat, phrase
    bad = client.get("/life-events/after_death/notice.pdf", {"status": "nobody"})
    assert bad.status_code == 302


# -- tracking page -------------------------------------------------------------------------------


@pytest.fixture
def retirement_bundle(staff, county):
    return services.start_bundle(
        user=staff("clerk", "QY"), code="retirement", answers=RETIREMENT,
        applicant=Applicant(kind="person", name="李建国", id_number=person_id(321), phone="13900001111"),
        parts=[PartIntake(1, all_received(county, 4))], now=at(2026, 3, 2),
    )


def test_track_page(client, retirement_bundle):
    r = client.get("/life-events/track/")
    assert r.status_code == 200 and "一件事进度查询" in r.content.decode()
    r = client.post("/life-events/track/", {"number": retirement_bundle.number, "id_suffix": person_id(321)[-6:]})
    html = r.content.decode()
    assert r.status_code == 200 and retirement_bundle.number in html and "部分受理" in html
    assert retirement_bundle.parts.get(order=1).case.case_no in html
    assert "待第 1 项办结后受理" in html and "第 1 项办结后，请到" in html
    assert person_id(321) not in html and "李建国" not in html
    r = client.post("/life-events/track/", {"number": retirement_bundle.number, "id_suffix": "000000"})
    assert r.status_code == 404 and "不正确" in r.content.decode()
    # Full-width number and suffix from a Chinese input method read as typed, as on /track/.
    wide = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
    r = client.post("/life-events/track/", {"number": retirement_bundle.number.translate(wide),
                                             "id_suffix": person_id(321)[-6:].translate(wide)})
    assert r.status_code == 200 and retirement_bundle.number in r.content.decode()
    r = client.post("/life-events/track/", {"number": "", "id_suffix": ""})
    assert r.status_code == 400
    # Lower case and no dashes read as typed; a single case's number is sent to /track/.
    r = client.post("/life-events/track/", {"number": retirement_bundle.number.replace("-", "").lower(),
                                             "id_suffix": person_id(321)[-6:]})
    assert r.status_code == 200 and retirement_bundle.number in r.content.decode()
    case_no = retirement_bundle.parts.get(order=1).case.case_no
    r = client.post("/life-events/track/", {"number": case_no, "id_suffix": person_id(321)[-6:]})
    assert r.status_code == 400 and "单个办件的编号" in r.content.decode() and "/track/" in r.content.decode()


# -- staff pages ---------------------------------------------------------------------------------


def test_staff_start_and_accept_through_the_pages(client, staff, county):
    answers = {"status": "public_employee", "work_related": "yes", "dependants": "no", "cremated": "yes"}
    client.force_login(staff("clerk", "JG"))
    r = client.get("/life-events/after_death/notice/", answers)
    assert "窗口受理这件事" in r.content.decode()
    r = client.get("/life-events/after_death/start/", answers)
    html = r.content.decode()
    assert r.status_code == 200 and "第 1 项" in html and "由其他窗口受理" in html and "工伤保险股" in html
    form = {"applicant_kind": "person", "applicant_name": "王秀英", "applicant_id": person_id(654, "19700505"),
            "phone": "13900002222", "p1_accept": "1"}
    for i, _m in enumerate(all_received(county, 27)):
        form[f"p1_m{i}"] = "received"
    r = client.post("/life-events/after_death/start/?" + "&".join(f"{k}={v}" for k, v in answers.items()), form)
    assert r.status_code == 302, r.content.decode()
    assert r["Location"].startswith("/life-events/staff/YJS-")
    bundle = Bundle.objects.get()
    assert r["Location"] == f"/life-events/staff/{bundle.number}/"
    r = client.get(r["Location"])
    assert "部分受理" in r.content.decode() and "受理第 2 项" not in r.content.decode()

    client.force_login(staff("clerk", "GS"))
    r = client.get("/life-events/staff/")
    assert bundle.number in r.content.decode()
    r = client.get(f"/life-events/staff/{bundle.number}/")
    assert "受理第 2 项" in r.content.decode()
    from shebao.lifeevents.tests.conftest import group_materials

    form = {"order": "2"}
    for i, m in enumerate(group_materials(county, 34, "death_benefits")):
        form[f"p2_m{i}"] = "missing" if m.get("optional_when") else "received"
    r = client.post(f"/life-events/staff/{bundle.number}/", form)
    assert r.status_code == 302
    r = client.get(f"/life-events/staff/{bundle.number}/")
    assert "办理中" in r.content.decode()


def test_staff_start_errors_are_shown(client, staff):
    client.force_login(staff("clerk", "QY"))
    r = client.post("/life-events/retirement/start/?unit=enterprise&route=normal",
                    {"applicant_kind": "person", "applicant_name": "李", "applicant_id": "123", "phone": "1",
                     "p1_accept": "1"})
    assert r.status_code == 422 and "身份证号码无效" in r.content.decode()
    assert Bundle.objects.count() == 0


def test_staff_pages_need_login(client):
    r = client.get("/life-events/staff/")
    assert r.status_code == 302 and "/accounts/login" in r["Location"]


# -- API -------------------------------------------------------------------------------------------


def test_api_list_and_definition(client):
    r = client.get("/api/v1/life-events")
    assert r.status_code == 200
    assert [e["code"] for e in r.json()] == ["retirement", "after_death", "employer_registration", "unemployment"]
    r = client.get("/api/v1/life-events/after_death")
    body = r.json()
    assert [q["code"] for q in body["questions"]][:2] == ["status", "work_related"]
    assert body["questions"][1]["when"] == {"status": ["enterprise_employee", "public_employee"]}
    assert body["steps"][0]["item_no"] == 8 and body["steps"][0]["department"] == "阳城县社保中心企业保险股"
    assert client.get("/api/v1/life-events/nothing").status_code == 404


def test_api_notice(client):
    r = client.post("/api/v1/life-events/retirement/notice", {"answers": RETIREMENT}, content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert [s["item_no"] for s in body["steps"]] == [4, 7, 3]
    photo = next(m for m in body["materials"] if m["name"] == "1寸彩照")
    assert photo["items"] == ["事项4", "事项7"] and photo["copies_total"] == 3 and photo["copies_unit"] == "张"
    archive = next(m for m in body["materials"] if m["name"] == "个人档案")
    assert archive["copies_total"] is None
    assert [st["steps"] for st in body["stops"]] == [[1], [2, 3]]
    first, pension, _ = body["steps"]
    assert first["after_previous"] is False and first["counted_from"] is None
    assert pension["after_previous"] is True and pension["counted_from"] == first["promised_due"]
    assert pension["promised_text"].startswith("须在事项4办结后申请")
    assert body["latest_due"] == body["steps"][1]["promised_due"]
    r = client.post("/api/v1/life-events/retirement/notice", {"answers": {"unit": "enterprise"}},
                    content_type="application/json")
    assert r.status_code == 400 and "请回答" in r.json()["detail"]
    r = client.post("/api/v1/life-events/retirement/notice", {"answers": {**RETIREMENT, "x": "1"}},
                    content_type="application/json")
    assert r.status_code == 400 and "没有这些问题" in r.json()["detail"]


def test_api_applications_and_tracking(api, county):
    unit_id = credit_code()
    payload = {
        "answers": {"purpose": "new_unit", "unit_type": "enterprise"},
        "applicant": {"kind": "unit", "name": "阳城县示例煤业有限公司", "credit_code": unit_id, "phone": "13800000000"},
        "parts": [{"order": 1, "materials": [{"name": m.name, "status": m.status} for m in all_received(county, 1)]}],
    }
    r = api(None).post("/api/v1/life-events/employer_registration/applications", payload,
                       content_type="application/json")
    assert r.status_code == 401
    r = api("clerk", "QY").post("/api/v1/life-events/employer_registration/applications", payload,
                                content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    number = body["number"]
    assert body["status"] == "partly_accepted" and body["next_part"] == 2
    assert [p["state"] for p in body["parts"]] == ["open", "pending", "pending", "pending"]

    r = api("clerk", "QY").post(f"/api/v1/life-events/applications/{number}/parts/2", {"materials": []},
                                content_type="application/json")
    assert r.status_code == 403
    mats = [{"name": m.name, "status": m.status} for m in all_received(county, 30, "general_enterprise")]
    r = api("clerk", "GS").post(f"/api/v1/life-events/applications/{number}/parts/2", {"materials": mats},
                                content_type="application/json")
    assert r.status_code == 200 and r.json()["parts"][1]["state"] == "open"

    r = api("clerk", "SY").get(f"/api/v1/life-events/applications/{number}")
    assert r.status_code == 200 and r.json()["number"] == number

    r = api(None).get("/api/v1/life-events/track", {"number": number, "id_suffix": unit_id[-6:]})
    assert r.status_code == 200
    body = r.json()
    assert body["status_label"] == "部分受理" and body["parts"][0]["case_no"].startswith("QY-")
    assert body["applicant"] == "阳城县示例煤业有限公司"
    r = api(None).get("/api/v1/life-events/track", {"number": number, "id_suffix": "ABCDEF"})
    assert r.status_code == 404 and "不正确" in r.json()["detail"]


def test_openapi_documents_the_life_event_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/life-events", "/api/v1/life-events/{code}", "/api/v1/life-events/{code}/notice",
              "/api/v1/life-events/{code}/applications", "/api/v1/life-events/track",
              "/api/v1/life-events/applications/{number}", "/api/v1/life-events/applications/{number}/parts/{order}"):
        assert p in paths, p
    assert paths["/api/v1/life-events/track"]["get"]["summary"].startswith("一件事进度查询")


def test_online_channels_of_a_stop_are_listed_after_one_colon(client):
    html = client.get("/life-events/retirement/notice/", {"unit": "enterprise", "route": "normal"}).content.decode()
    tags = re.findall(r'<span class="tag online">(.*?)</span>', html)
    assert tags, "the enterprise retirement plan has steps that can be done online"
    for tag in tags:
        assert tag.count("：") <= 1 and "、：" not in tag, tag
