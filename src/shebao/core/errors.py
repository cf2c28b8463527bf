"""Errors that carry a Chinese message for the person who caused them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the domain refuses; ``status`` is the HTTP status the API answers with."""

    def __init__(self, message: str, *, status: int = 422, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.problems = problems or []


def join_sentences(parts) -> str:
    """“A；B。” from sentences that may each end in 。 (joined as they are they would read “A。；B。”)."""
    return "；".join(p.rstrip("。") for p in parts if p) + "。"


def problems_message(lead: str, problems: list[str]) -> str:
    """“受理信息有误，共 2 处：A；B。” — each problem is a sentence of its own (ending in 。)."""
    return f"{lead}，共 {len(problems)} 处：" + join_sentences(problems)


class NotFound(DomainError):
    def __init__(self, message: str):
        super().__init__(message, status=404)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "您没有执行此操作的权限。"):
        super().__init__(message, status=403)


class Conflict(DomainError):
    def __init__(self, message: str):
        super().__init__(message, status=409)


_TYPE_MESSAGES = {
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601，如 2026-11-30T09:00:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，如 2026-11-30T09:00:00+08:00",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短或为空",
    "string_type": "应为文本",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "value_error": "取值无效",
    "string_pattern_mismatch": "格式不正确",
}

_LOCATION_NAMES = {"query": "查询参数", "body": "请求体", "path": "路径参数", "form": "表单"}


def describe_validation_errors(errors: list[dict[str, Any]]) -> list[str]:
    """Turn pydantic/ninja error dicts into short Chinese sentences naming the field."""
    out: list[str] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        where = _LOCATION_NAMES.get(loc[0], loc[0]) if loc else ""
        field = ".".join(p for p in loc[1:] if p not in ("payload",)) or where
        kind = err.get("type", "")
        msg = _TYPE_MESSAGES.get(kind)
        if kind == "value_error" and err.get("msg"):
            # Our own validators raise ValueError with a Chinese message already.
            msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{field}：{msg or '取值无效'}")
    return out or ["请求格式不正确"]
