"""The staff and token pages of the Django admin: Chinese labels, and only their own filters."""

from __future__ import annotations

import pytest

from shebao.accounts.models import ApiToken
from shebao.accounts.services import create_token
from shebao.cases.tests.test_admin_labels import english, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("admin"))
    return client


def test_token_list_and_staff_form_are_labelled_in_chinese(admin_client, staff):
    create_token(user=staff("clerk", "QY"))
    text = visible_text(admin_client.get("/admin/accounts/apitoken/").content.decode())
    for header in ("账号", "用途", "令牌前缀", "创建时间", "最近使用时间", "已吊销"):
        assert header in text, header
    assert english(text, ("User", "Name", "Prefix", "Created at", "Last used at", "Revoked")) == []
    r = admin_client.get("/admin/accounts/staffprofile/add/")
    assert r.status_code == 200
    text = visible_text(r.content.decode())
    for label in ("登录账号:", "县（区）:", "股室:", "角色:"):
        assert label in text, label
    assert english(text, ("User", "County", "Department")) == []


def test_token_list_is_not_filtered_by_a_query_string_lookup(admin_client, staff):
    create_token(user=staff("clerk", "QY"))
    token = ApiToken.objects.get()
    assert admin_client.get("/admin/accounts/apitoken/").status_code == 200
    for params in ({"key_hash": token.key_hash}, {"key_hash__startswith": token.key_hash[:2]},
                   {"prefix__startswith": token.prefix[:2]}, {"user__username": "clerk_qy"}):
        assert admin_client.get("/admin/accounts/apitoken/", params).status_code == 400, params


def test_staff_list_filters_by_its_own_filters_only(admin_client, staff):
    clerk = staff("clerk", "QY")
    url = "/admin/accounts/staffprofile/"
    profile = clerk.staff_profile
    for params in ({"role__exact": "clerk"}, {"department__id__exact": profile.department_id},
                   {"county__id__exact": profile.county_id}):
        r = admin_client.get(url, params)
        assert r.status_code == 200 and "clerk_qy" in r.content.decode(), params
    for params in ({"display_name__startswith": "Q"}, {"user__username__startswith": "cl"},
                   {"user__email__contains": "@"}):
        assert admin_client.get(url, params).status_code == 400, params
