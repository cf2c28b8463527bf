"""Text normalisation shared by the index and the queries (plain Python, no Django).

Everything the engine compares goes through :func:`normalize` first: full-width forms become
half-width (NFKC), Latin letters lower-case, punctuation a space, Chinese numerals in front of a
unit (岁, 年, 级 …) Arabic digits, and 周岁 plain 岁, so that 年满六十周岁 and 60岁 meet.
"""

from __future__ import annotations

import re
import unicodedata

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_HAN_RE = re.compile(f"[{HAN}]")
_PUNCT_RE = re.compile(rf"[^0-9a-z{HAN}]+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER_RE = re.compile(r"[零〇一二两三四五六七八九十百]+(?=周岁|岁|年|级|了|多岁)")
# A bare number that reads as an age: 今年60了, 满60, 到65还能 …
_AGE_RE = re.compile(r"(?<![0-9])(1[6-9]|[2-9][0-9]|100)(?=了|$|\s|还|能|可|的人|多了|以上|以后|之后)")


def _cn_to_int(text: str) -> int | None:
    """Read 十五, 六十, 六十五, 一百 … (up to 999); None when it is not a plain number."""
    if not text:
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _replace_cn_number(match: re.Match) -> str:
    text = match.group(0)
    if len(text) == 1 and text in "一两":  # 一年, 两年 … read fine as they are and are rarely ages
        return text
    value = _cn_to_int(text)
    return str(value) if value is not None else text


def normalize(text: str) -> str:
    """The canonical form of a query or an item text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _PUNCT_RE.sub(" ", text)
    text = _CN_NUMBER_RE.sub(_replace_cn_number, text)
    text = text.replace("周岁", "岁")
    text = _AGE_RE.sub(lambda m: m.group(0) + "岁", text)
    return " ".join(text.split())


def has_han(text: str) -> bool:
    return bool(_HAN_RE.search(text))


_RUN_RE = re.compile(rf"[a-z]+|[0-9{HAN}]+")


def runs(text: str) -> list[tuple[str, str]]:
    """Split normalised text into ("latin", …) and ("han", …) runs (digits travel with Han)."""
    out: list[tuple[str, str]] = []
    for m in _RUN_RE.finditer(text):
        chunk = m.group(0)
        kind = "latin" if chunk[0].isascii() and chunk[0].isalpha() else "han"
        if out and out[-1][0] == kind == "latin":
            out[-1] = (kind, out[-1][1] + " " + chunk)
        else:
            out.append((kind, chunk))
    return out


def is_han(text: str) -> bool:
    return bool(text) and all(_HAN_RE.match(ch) for ch in text)
