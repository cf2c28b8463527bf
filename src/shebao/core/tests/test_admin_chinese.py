"""The admin's own frame is in Chinese too: its title, and the table headers read out by screen readers."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db


def test_admin_index_has_no_english_left(client, staff):
    client.force_login(staff("admin"))
    html = client.get("/admin/").content.decode()
    assert "<title>系统管理 | 社保办事通 系统管理</title>" in html
    text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)))
    for english in ("Model name", "Add link", "Change or view list link", "Django"):
        assert english not in text, english
    assert "模型名称" in html and "修改或查看列表链接" in html
