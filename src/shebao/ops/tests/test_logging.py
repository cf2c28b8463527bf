"""Logs carry no personal data: ID numbers, credit codes and phone numbers are masked."""

from __future__ import annotations

import json
import logging

import pytest

from shebao.core.logging import JsonFormatter, PersonalDataFilter, scrub

ID = "14052219800101123X"
CREDIT = "91140522MA0K12345Q"
PHONE = "13812345678"


def test_scrub_masks_ids_credit_codes_and_phones():
    text = scrub(f"申请人 {ID}，单位 {CREDIT}，电话 {PHONE} / +86 {PHONE}")
    assert ID not in text and CREDIT not in text and PHONE not in text
    assert "1405**********123X" in text
    assert "138****5678" in text


def test_scrub_leaves_ordinary_text_alone():
    for text in ("QY-2026-000123", "事项 36 已办结", "GET /api/v1/items/12 200 3.1ms", "2026-11-30T09:00:00+08:00",
                 "c5272258d6a4e1f0aa"):
        assert scrub(text) == text


def _record(msg, *args, exc_info=None, **extra):
    record = logging.LogRecord("shebao.test", logging.ERROR, __file__, 1, msg, args, exc_info)
    for k, v in extra.items():
        setattr(record, k, v)
    return record


def test_json_formatter_masks_message_args_extra_and_traceback():
    try:
        raise ValueError(f"bad id {ID}")
    except ValueError:
        import sys

        record = _record("受理 %s 电话 %s", ID, PHONE, exc_info=sys.exc_info(), path=f"/x/{ID}")
    assert PersonalDataFilter().filter(record)
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert ID not in line and PHONE not in line
    assert data["level"] == "ERROR" and data["logger"] == "shebao.test"
    assert "ValueError" in data["exc"]
    assert data["path"].endswith("123X")


@pytest.mark.django_db
def test_request_log_has_route_and_status_but_no_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="shebao.request")
    client.get(f"/api/v1/items/1?id_suffix={ID[-6:]}&phone={PHONE}")
    records = [r for r in caplog.records if r.name == "shebao.request"]
    assert records, "no request log line"
    rec = records[-1]
    assert rec.status == 200 and rec.method == "GET" and rec.path == "/api/v1/items/1"
    assert "id_suffix" not in rec.getMessage() and PHONE not in rec.getMessage()
