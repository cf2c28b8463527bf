"""Answers Django would give in its own words (CSRF failure, an empty 405) are in Chinese."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_stale_form_gets_a_chinese_page_and_a_way_back():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    r = client.post("/track/", {"case_no": "QY-2026-000001", "id_suffix": "123456"},
                    HTTP_REFERER="http://testserver/track/")
    assert r.status_code == 403
    html = r.content.decode()
    assert "页面已过期" in html and 'href="http://testserver/track/"' in html
    assert "DEBUG" not in html and "CSRF" not in html


def test_the_way_back_never_leads_off_the_site():
    client = Client(enforce_csrf_checks=True)
    r = client.post("/track/", {"case_no": "x"}, HTTP_REFERER="https://evil.example/")
    assert r.status_code == 403 and "evil.example" not in r.content.decode()


def test_a_json_client_gets_the_reason_as_json(rf):
    from shebao.core.views import csrf_failure

    r = csrf_failure(rf.post("/api/v1/cases/QY-2026-000001/actions"), reason="CSRF cookie not set.")
    assert r.status_code == 403 and "页面已过期" in json.loads(r.content)["detail"]


def test_a_post_only_address_opened_directly_says_so_in_chinese(client):
    r = client.get("/track/rate/")
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert "这个页面不能直接打开" in r.content.decode()
