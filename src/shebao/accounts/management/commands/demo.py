"""``shebao demo staff``: one demo account per role, passwords printed once (never in production)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shebao.accounts import services
from shebao.accounts.models import Role
from shebao.catalog.models import Department
from shebao.catalog.selectors import resolve_county

# username, role, department code, display name (演示 marks them as demo accounts)
DEMO_STAFF = [
    ("clerk", Role.CLERK, "QY", "演示·企业窗口受理员"),
    ("frontdesk", Role.FRONT_DESK, None, "演示·综合受理窗口"),
    ("reviewer", Role.REVIEWER, "QY", "演示·企业股审核员"),
    ("approver", Role.APPROVER, "QY", "演示·企业股审批员"),
    ("head", Role.SECTION_HEAD, "QY", "演示·企业保险股股长"),
    ("director", Role.DIRECTOR, None, "演示·中心主任"),
    ("admin", Role.ADMIN, None, "演示·系统管理员"),
]


class Command(BaseCommand):
    help = "创建演示用工作人员账号（每个角色一个），仅用于开发和演示。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        staff = sub.add_parser("staff", help="创建演示工作人员账号")
        staff.add_argument("--reset", action="store_true", help="重置已存在演示账号的密码并重新打印")
        staff.add_argument("--county", default=None)
        generate = sub.add_parser("generate", help="生成演示办件数据（见 reports）")
        generate.add_argument("--cases", type=int, default=1000)
        generate.add_argument("--database", default="demo")

    def handle(self, *args, what, **opts):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不创建演示账号。")
        if what == "generate":
            try:
                from shebao.reports.services import generate_demo_cases
            except ImportError as exc:
                raise CommandError("演示数据生成尚未安装。") from exc
            n = generate_demo_cases(count=opts["cases"], database=opts["database"])
            self.stdout.write(f"已生成 {n} 件演示办件（标记为演示数据）。")
            return
        self._staff(reset=opts["reset"], county=opts["county"])

    @transaction.atomic
    def _staff(self, *, reset: bool, county):
        county = resolve_county(county)
        User = get_user_model()
        lines = []
        for username, role, dept_code, display in DEMO_STAFF:
            user = User.objects.filter(username=username).first()
            password = secrets.token_urlsafe(9)
            if user is None:
                dept = Department.objects.get(county=county, code=dept_code) if dept_code else None
                services.create_staff(username=username, password=password, county=county, role=role,
                                      department=dept, display_name=display)
            elif reset:
                user.set_password(password)
                user.save(update_fields=["password"])
            else:
                lines.append(f"  {username:<10} {Role(role).label:<8} （已存在；用 --reset 重置密码）")
                continue
            lines.append(f"  {username:<10} {Role(role).label:<8} 密码：{password}")
        self.stdout.write("演示工作人员账号（仅此一次显示密码）：\n" + "\n".join(lines))
