"""The Django admin speaks Chinese: app headings, field labels, and the case's timeline (操作, 状态
and the rows' titles as the workbench names them, not the codes the services store)."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from shebao.cases import services
from shebao.cases import workflow as wf
from shebao.cases.tests.conftest import intake_payload
from shebao.cases.workflow import TIMELINE_LABELS

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """The page's text as shown: no scripts, styles or tags, entities decoded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def english(text: str, words) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("admin"))
    return client


@pytest.fixture
def walked_case(staff, county):
    """An item-36 case taken in, suspended, resumed, extended, advanced, returned, advanced, finished."""
    p = intake_payload(county, 36)
    case = services.intake_case(
        user=staff("clerk", "SY"), item_no=36, scenario=None, applicant=services.Applicant(**p["applicant"]),
        materials=[services.MaterialEntry(m["name"], m["status"]) for m in p["materials"]],
    )
    head = staff("section_head", "SY")
    for action, kw in (("suspend", {"reason": "等待市局审批"}), ("resume", {}),
                       ("extend", {"reason": "需外调档案", "days": 5}), ("advance", {}),
                       ("return", {"reason": "补充说明", "target_step": 1}), ("advance", {}),
                       ("finish", {"result": "准予变更"})):
        case = services.perform_action(user=head, case_no=case.case_no, action=action, version=case.version, **kw)
    assert case.status == wf.FINISHED
    return case


def test_admin_index_names_every_app_in_chinese(admin_client):
    r = admin_client.get("/admin/")
    assert r.status_code == 200
    html = r.content.decode()
    headings = re.findall(r'class="section" title="[^"]*">([^<]+)</a>', html)
    assert headings, "no app headings found"
    for heading in headings:
        assert re.search(r"[\u4e00-\u9fff]", heading), heading
    for name in ("账号与权限", "办件", "事项库", "节假日与待遇参数"):
        assert name in headings, name
    assert english(visible_text(html), ("Accounts", "Cases", "Catalog", "Rules", "Core", "Ops")) == []


def test_every_app_has_a_chinese_name():
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("shebao."):
            assert re.search(r"[\u4e00-\u9fff]", str(config.verbose_name)), config.name


def test_case_page_labels_and_timeline_are_chinese(admin_client, walked_case):
    case = walked_case
    r = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert r.status_code == 200
    html = r.content.decode()
    text = visible_text(html)
    for label in ("县（区）:", "股室:", "事项:", "事项版本:"):
        assert label in text, label
    raw = ("County", "Department", "Item", "Item version", "accept", "advance", "return", "suspend", "resume",
           "extend", "finish", "in_progress", "suspended", "finished")
    assert english(text, raw) == []
    # The timeline: one row per action, titled and labelled as the workbench names it.
    actions = ["accept", "suspend", "resume", "extend", "advance", "return", "advance", "finish"]
    cells = re.findall(r'<td class="field-action_name">\s*<p>([^<]*)</p>', html)
    assert cells == [TIMELINE_LABELS[a] for a in actions]
    titles = [t.strip() for t in re.findall(r'<td class="original">\s*<p>\s*([^<]*)', html)]
    assert titles == [TIMELINE_LABELS[a] for a in actions]
    assert f"{case.pk} accept" not in html
    before = re.findall(r'<td class="field-status_before_name">\s*<p>([^<]*)</p>', html)
    after = re.findall(r'<td class="field-status_after_name">\s*<p>([^<]*)</p>', html)
    assert before[0] == "-"  # nothing before the intake
    assert set(before[1:] + after) == {wf.STATUS_LABELS[s] for s in (wf.IN_PROGRESS, wf.SUSPENDED, wf.FINISHED)}
    assert after[-1] == wf.STATUS_LABELS[wf.FINISHED]
