"""``shebao token create USER``: a bearer token for the API, shown once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shebao.accounts.services import create_token


class Command(BaseCommand):
    help = "为工作人员创建 API 令牌（只显示一次）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("create")
        c.add_argument("username")
        c.add_argument("--name", default="")

    def handle(self, *args, action, username, name, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        self.stdout.write(create_token(user=user, name=name))
