"""Staff accounts, demo accounts and API tokens."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shebao.accounts.models import ApiToken, Role, StaffProfile
from shebao.accounts.selectors import user_for_token
from shebao.accounts.services import create_staff, create_token
from shebao.catalog.models import Department
from shebao.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_demo_staff_one_per_role_passwords_printed_once(county, client):
    out = StringIO()
    call_command("demo", "staff", stdout=out)
    text = out.getvalue()
    assert {p.role for p in StaffProfile.objects.all()} == set(Role.values)
    front_desk = StaffProfile.objects.get(user__username="frontdesk")
    assert front_desk.role == Role.FRONT_DESK and front_desk.department is None
    assert "综合受理窗口" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("clerk"))
    password = line.split("密码：")[1].strip()
    assert client.login(username="clerk", password=password)
    out = StringIO()
    call_command("demo", "staff", stdout=out)
    assert "密码：" not in out.getvalue() and "已存在" in out.getvalue()
    out = StringIO()
    call_command("demo", "staff", "--reset", stdout=out)
    assert out.getvalue().count("密码：") == len(Role.values)


def test_demo_staff_refused_in_production(settings, county):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo", "staff")


def test_window_staff_need_a_department(county):
    with pytest.raises(DomainError):
        create_staff(username="x", password="pass-word-123", county=county, role=Role.CLERK)
    with pytest.raises(DomainError):
        create_staff(username="y", password="pass-word-123", county=county, role="boss")


def test_tokens_are_hashed_and_revocable(county):
    dept = Department.objects.get(county=county, code="QY")
    user = create_staff(username="t", password="pass-word-123", county=county, role=Role.CLERK, department=dept)
    token = create_token(user=user, name="test")
    row = ApiToken.objects.get(user=user)
    assert token not in row.key_hash and row.prefix == token[:8]
    assert user_for_token(token) == user
    assert user_for_token(token + "x") is None
    row.revoked = True
    row.save()
    assert user_for_token(token) is None


def test_token_command(county):
    dept = Department.objects.get(county=county, code="QY")
    create_staff(username="u", password="pass-word-123", county=county, role=Role.CLERK, department=dept)
    out = StringIO()
    call_command("token", "create", "u", stdout=out)
    assert user_for_token(out.getvalue().strip()).username == "u"
    with pytest.raises(CommandError):
        call_command("token", "create", "nobody")


def test_token_lookup_is_one_query_and_loads_the_staff_profile(county, django_assert_num_queries):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    dept = Department.objects.get(county=county, code="QY")
    user = create_staff(username="p", password="pass-word-123", county=county, role=Role.CLERK, department=dept)
    token = create_token(user=user)
    ApiToken.objects.filter(user=user).update(last_used_at=timezone.now())
    with django_assert_num_queries(1):
        found = user_for_token(token)
        assert found.staff_profile.department_id == dept.pk and found.staff_profile.role == Role.CLERK
        assert found.staff_profile.user is found and found.is_active is True
    assert found.pk == user.pk and found.username == "p" and found.date_joined == user.date_joined
    # A staff member without a profile still authenticates; the profile is simply absent.
    bare = get_user_model().objects.create_user(username="bare", password="pass-word-123")
    found = user_for_token(create_token(user=bare))
    assert found == bare and not hasattr(found, "staff_profile")
    # Deactivated users' tokens stop working at once.
    user.is_active = False
    user.save()
    assert user_for_token(token) is None


def test_token_last_used_is_stamped_at_most_once_a_minute(county):
    dept = Department.objects.get(county=county, code="QY")
    user = create_staff(username="s", password="pass-word-123", county=county, role=Role.CLERK, department=dept)
    token = create_token(user=user)
    assert ApiToken.objects.get(user=user).last_used_at is None
    user_for_token(token)
    first = ApiToken.objects.get(user=user).last_used_at
    assert first is not None
    user_for_token(token)
    assert ApiToken.objects.get(user=user).last_used_at == first
    # A stamp older than a minute is renewed (read back through the backend's converters).
    import datetime as dt

    from django.utils import timezone

    old = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(user=user).update(last_used_at=old)
    user_for_token(token)
    assert ApiToken.objects.get(user=user).last_used_at > old + dt.timedelta(minutes=1)


def test_the_admin_lists_tokens_but_makes_none(client, staff):
    client.force_login(staff("admin"))
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.post("/admin/accounts/apitoken/add/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_admin_refuses_a_window_clerk_without_a_department_and_keeps_the_form(client, staff, county):
    from django.contrib.auth import get_user_model

    client.force_login(staff("admin"))
    someone = get_user_model().objects.create_user(username="newclerk", password="pass-word-123")
    form = {"user": someone.pk, "county": county.pk, "department": "", "role": Role.CLERK, "display_name": "李四"}
    r = client.post("/admin/accounts/staffprofile/add/", form)
    assert r.status_code == 200  # the form again, with the reason at the 股室 field
    html = r.content.decode()
    assert "窗口受理员、审核员、审批员和股长必须属于一个股室。" in html and "李四" in html
    assert not StaffProfile.objects.filter(user=someone).exists()
    r = client.post("/admin/accounts/staffprofile/add/",
                    {**form, "role": Role.FRONT_DESK, "department": Department.objects.get(county=county, code="QY").pk})
    assert "综合受理窗口为各股室受理，不属于任何股室。" in r.content.decode()
    r = client.post("/admin/accounts/staffprofile/add/",
                    {**form, "department": Department.objects.get(county=county, code="QY").pk})
    assert r.status_code == 302
    assert StaffProfile.objects.get(user=someone).department.code == "QY"


def test_a_department_of_another_county_is_refused(county):
    from shebao.core.models import County

    other = County.objects.create(code="140581", name="高平市")
    foreign = Department.objects.create(county=other, code="QY", name="高平市企业保险股", short_name="企业保险股")
    with pytest.raises(DomainError, match="不属于该工作人员所在"):
        create_staff(username="z", password="pass-word-123", county=county, role=Role.CLERK, department=foreign)
