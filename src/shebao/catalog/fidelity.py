"""Checking that catalog texts are the guide's own words.

Two texts are the same when they match after removing whitespace and folding full-width
punctuation to half-width (NFKC) — the only liberties the catalog may take with the guide.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

_WS = re.compile(r"\s+")
# Page artefacts of the PDF conversion that may split a sentence in the seed.
_ARTEFACTS = ("非会员水印",)

# Keys whose values are our structured reading of the text, not quotations of the guide.
DERIVED_KEYS = frozenset({
    "code", "kind", "days", "day_of_month", "holiday_deferral", "working_days", "forms", "promise",
    "steps", "channel", "channels", "online", "keywords", "summary", "notes", "scenario_code",
    "category", "department", "no", "item_no", "row", "day", "start", "end", "months", "url",
    "schema_version", "version", "source", "short_name", "description", "province", "city",
    "ask",  # the wizard's plain-words question for a condition; the guide's words stay in optional_when
    "life_events",  # 一件事 bundles: our own wording (questions, titles), not quoted from the guide
})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for artefact in _ARTEFACTS:
        text = text.replace(artefact, "")
    text = text.replace("—", "-").replace("–", "-").replace("－", "-")
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    text = text.replace("【", "[").replace("】", "]").replace("〔", "[").replace("〕", "]")
    return _WS.sub("", text).replace("-", "")


def quoted_texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (path, text) for every string in the catalog that must be quoted from the guide."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in DERIVED_KEYS:
                continue
            yield from quoted_texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from quoted_texts(value, f"{path}[{i}]")
    elif isinstance(node, str) and node.strip():
        yield path, node


def missing_texts(catalog_data: dict, seed_text: str) -> list[tuple[str, str]]:
    """The (path, text) pairs whose normalised text is not a substring of the normalised seed."""
    haystack = normalise(seed_text)
    return [(p, t) for p, t in quoted_texts(catalog_data) if normalise(t) not in haystack]
