"""``shebao calendar add|between|day|years|load``: the official working-day calendar.

    shebao calendar add 2026-09-28 20
    shebao calendar between 2026-09-28 2026-10-30
    shebao calendar day 2026-10-10
    shebao calendar years
    shebao calendar load schedule-2027.yaml
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from shebao.core.errors import DomainError
from shebao.domain.workdays import CalendarError, add_working_days_explained, provisional_note
from shebao.rules import selectors, services
from shebao.rules.schedule_file import ScheduleFileError, read_schedule_file


def _day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{what}“{value}”不是有效日期，格式应为 YYYY-MM-DD。") from None


def recompute_cases(actor=None, years=()):
    """Ask the cases context to recompute the due dates the loaded years move, if it provides the hook."""
    try:
        from shebao.cases.services import recompute_provisional_cases
    except (ImportError, AttributeError):
        return None
    return recompute_provisional_cases(actor=actor, years=years)


class Command(BaseCommand):
    help = "工作日历：计算第 N 个工作日（add）、两日之间的工作日数（between）、查询某日（day）、已知年份（years）、加载年度放假安排（load）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        a = sub.add_parser("add", help="起算日后第 N 个工作日（起算日不计入）")
        a.add_argument("start")
        a.add_argument("days", type=int)
        b = sub.add_parser("between", help="(start, end] 内的工作日数")
        b.add_argument("start")
        b.add_argument("end")
        d = sub.add_parser("day", help="某日是工作日还是休息日")
        d.add_argument("date")
        sub.add_parser("years", help="已知放假安排的年份")
        lo = sub.add_parser("load", help="加载年度放假安排 YAML（格式见 data/calendar/schedule-2027.example.yaml）")
        lo.add_argument("path")
        lo.add_argument("--allow-example", action="store_true", help="允许加载标记为示例的文件（仅用于测试）")
        lo.add_argument("--actor", default="命令行", help="记入审计日志的操作人")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"_{action}")(**opts)
        except (CalendarError, ScheduleFileError) as exc:
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _add(self, start, days, **_):
        if days < 0:
            raise CommandError("工作日数不能为负数。")
        ans = add_working_days_explained(selectors.get_calendar(), _day(start, "起算日期"), days)
        flag = "（暂定）" if ans.provisional else ""
        self.stdout.write(f"{ans.due.isoformat()}{flag}")
        self.stdout.write(ans.explanation)

    def _between(self, start, end, **_):
        cal = selectors.get_calendar()
        a, b = _day(start, "开始日期"), _day(end, "结束日期")
        n = cal.working_days_between(a, b)
        self.stdout.write(str(n))
        note = provisional_note(cal.provisional_years(a, b))
        self.stdout.write(f"{a.isoformat()}（不含）至 {b.isoformat()}（含）共 {n} 个工作日。{note}")

    def _day(self, date, **_):
        info = selectors.get_calendar().day_info(_day(date, "日期"))
        flag = "（暂定）" if info.provisional else ""
        self.stdout.write(f"{info.date.isoformat()} {info.kind_label}{flag}，来源：{info.source}")

    def _years(self, **_):
        cal = selectors.get_calendar()
        known = sorted(cal.known_years)
        self.stdout.write(f"已知放假安排：{known[0]}–{known[-1]} 年" if known else "没有已知年份。")
        for y in sorted(cal.loaded_years):
            self.stdout.write(f"  {y}（管理员录入）：{cal.source_for(y)}")
        self.stdout.write(f"{known[-1] + 1} 年起暂定：已扣除法定节假日和周六、周日，补假、调休待公布后录入。" if known else "")

    def _load(self, path, allow_example=False, actor="命令行", **_):
        entries = read_schedule_file(path, allow_example=allow_example)
        for entry in entries:
            result = services.load_year_schedule(
                year=entry.year, holidays=entry.holidays, workdays=entry.workdays, source=entry.source, actor=actor
            )
            self.stdout.write(result.describe())
        report = recompute_cases(actor=None, years=[entry.year for entry in entries])
        if report is None:
            self.stdout.write("（办件模块尚未提供重算接口，未重算办件期限。）")
            return
        changed = getattr(report, "changed", report)
        if isinstance(changed, (list, tuple)):
            if not changed:
                self.stdout.write("依赖暂定工作日的办件期限均无变化。")
            for row in changed:
                self.stdout.write(f"  期限已变化：{row}")
        else:
            self.stdout.write(f"已重算依赖暂定工作日的办件：{report}")
