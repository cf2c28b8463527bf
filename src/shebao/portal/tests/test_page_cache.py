"""Anonymous item pages are served from a per-worker cache that never goes stale."""

import copy

import pytest

from shebao.catalog.models import Item
from shebao.catalog.services import update_item

pytestmark = pytest.mark.django_db


def test_cached_page_follows_edits(client, county, django_assert_max_num_queries):
    first = client.get("/items/39/")
    assert first.status_code == 200 and "社会保障卡新申请办理" in first.content.decode()
    with django_assert_max_num_queries(3):
        again = client.get("/items/39/")
    assert again.content == first.content
    item = Item.objects.get(county=county, no=39)
    data = copy.deepcopy(item.data)
    data["fee"] = "不收费（已核实）"
    update_item(item=item, data=data, actor=None)
    assert "不收费（已核实）" in client.get("/items/39/").content.decode()


def test_unknown_item_is_404_and_staff_pages_are_not_shared(client, county, django_user_model):
    assert client.get("/items/41/").status_code == 404
    client.get("/items/40/")
    user = django_user_model.objects.create_user("someone", password="pass-word-123")
    client.force_login(user)
    page = client.get("/items/40/").content.decode()
    assert "退出" in page and "csrfmiddlewaretoken" in page
    client.logout()
    assert "csrfmiddlewaretoken" not in client.get("/items/40/").content.decode()
