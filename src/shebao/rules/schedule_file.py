"""Reading a year-schedule YAML (``shebao calendar load FILE``); format documented in
``data/calendar/schedule-2027.example.yaml``.

A file holds one year (``year``, ``source``, ``holidays``, ``workdays``) or several under
``schedules:``. A date entry is ``YYYY-MM-DD`` or a range ``{from: …, to: …, name: 春节}`` (both
ends included). A file marked ``example: true`` is refused unless explicitly allowed, so that the
shipped example can never be mistaken for an official schedule.

Every entry is checked as the service will check it (:func:`shebao.domain.workdays.make_year_schedule`
and :func:`~shebao.domain.workdays.check_entered_schedule`: no year already built in, every
statutory holiday of 《全国年节及纪念日放假办法》 art. 2 a rest day) before the file is returned, so
that a file with one bad year is refused whole instead of being loaded up to that year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from shebao.domain.workdays import CalendarError, check_entered_schedule, make_year_schedule, parse_date


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date gets our Chinese message, not PyYAML's."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ScheduleFileError(ValueError):
    """The file cannot be read; the message is in Chinese and names the file and the entry."""


@dataclass(frozen=True)
class ScheduleEntry:
    year: int
    source: str
    holidays: list[dt.date]
    workdays: list[dt.date]


def _day(value, where: str) -> dt.date:
    return parse_date(value, what=f"{where}：", error=ScheduleFileError)


def _dates(entries, where: str) -> list[dt.date]:
    out: list[dt.date] = []
    if entries is None:
        return out
    if not isinstance(entries, list):
        raise ScheduleFileError(f"{where} 应为日期列表。")
    for i, entry in enumerate(entries, 1):
        here = f"{where} 第 {i} 项"
        if isinstance(entry, dict):
            if "from" not in entry or "to" not in entry:
                raise ScheduleFileError(f"{here}：日期范围需要 from 和 to。")
            start, end = _day(entry["from"], here), _day(entry["to"], here)
            if end < start:
                raise ScheduleFileError(f"{here}：to 早于 from。")
            if (end - start).days > 31:
                raise ScheduleFileError(f"{here}：日期范围超过 31 天，请核对。")
            out.extend(start + dt.timedelta(days=k) for k in range((end - start).days + 1))
        else:
            out.append(_day(entry, here))
    return out


def _entry(data: dict, where: str) -> ScheduleEntry:
    if not isinstance(data, dict):
        raise ScheduleFileError(f"{where} 应为映射（year、source、holidays、workdays）。")
    unknown = set(data) - {"year", "source", "holidays", "workdays", "example", "note"}
    if unknown:
        raise ScheduleFileError(f"{where}：未知字段 {', '.join(sorted(map(str, unknown)))}。")
    year = data.get("year")
    if not isinstance(year, int):
        raise ScheduleFileError(f"{where}：缺少整数年份 year。")
    source = str(data.get("source") or "").strip()
    if not source:
        raise ScheduleFileError(f"{where}：缺少 source（国务院办公厅通知的名称与文号）。")
    entry = ScheduleEntry(
        year=year,
        source=source,
        holidays=_dates(data.get("holidays"), f"{where} holidays"),
        workdays=_dates(data.get("workdays"), f"{where} workdays"),
    )
    try:
        check_entered_schedule(make_year_schedule(entry.year, entry.holidays, entry.workdays, entry.source))
    except CalendarError as exc:
        raise ScheduleFileError(f"{where}：{exc}") from None
    return entry


def read_schedule_file(path: str | Path, *, allow_example: bool = False) -> list[ScheduleEntry]:
    p = Path(path)
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except FileNotFoundError:
        raise ScheduleFileError(f"找不到文件 {p}。") from None
    except yaml.YAMLError as exc:
        raise ScheduleFileError(f"{p} 不是合法的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise ScheduleFileError(f"{p} 的内容应为映射。")
    if data.get("example") and not allow_example:
        raise ScheduleFileError(
            f"{p} 标记为示例文件（example: true），不是官方放假安排，拒绝加载；"
            "请按国务院办公厅正式通知另建文件。测试时可加 --allow-example。"
        )
    if "schedules" in data:
        items = data["schedules"]
        if not isinstance(items, list) or not items:
            raise ScheduleFileError(f"{p}：schedules 应为非空列表。")
        entries = [
            _entry({**s, "example": data.get("example")} if isinstance(s, dict) else s, f"{p} schedules 第 {i} 项")
            for i, s in enumerate(items, 1)
        ]
        years = [e.year for e in entries]
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            raise ScheduleFileError(f"{p}：同一文件中重复出现年份 {'、'.join(map(str, repeated))}。")
        return entries
    return [_entry(data, str(p))]
