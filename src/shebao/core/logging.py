"""Log lines for production: JSON on request, and never any personal data.

``PersonalDataFilter`` sits on the console handler and masks resident ID numbers, unified social
credit codes and mobile numbers wherever they appear in a message, its arguments or a traceback
(see ``shebao.domain.privacy`` for the masks). ``JsonFormatter`` writes one JSON object a line,
with the structured ``extra`` fields the request log adds (method, route, status, duration).
"""

from __future__ import annotations

import json
import logging
import os
import re

from shebao.domain.privacy import mask_id_number, mask_phone

# 18-character resident ID (17 digits + digit/X) and 15-digit first-generation IDs.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Unified social credit code: 18 characters from the GB 32100 alphabet, with at least one digit
# and one letter so that plain words and numbers are left alone.
_CREDIT_RE = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Z]*\d)(?=[0-9A-Z]*[A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86.
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d{9})(?!\d)")


def scrub(text: str) -> str:
    """Mask every ID number, credit code and mobile number in ``text``."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(1)), text)
    text = _CREDIT_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text)


class PersonalDataFilter(logging.Filter):
    """Rewrites the record in place so every handler and formatter sees the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        # The traceback is kept as masked text only; the exception object may hold raw values.
        record.exc_info = None
        return True


# Attributes every LogRecord has; anything else was passed through ``extra=`` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "pid": os.getpid(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in data:
                data[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            data["exc"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            data["exc"] = scrub(record.exc_text)
        return json.dumps(data, ensure_ascii=False, default=str)
