"""Everything the catalog says is shown to residents: no schema field names in its text."""

from __future__ import annotations

import re

import yaml
from django.conf import settings

#: The catalog schema's own names, which mean nothing to a reader of the item page.
FIELD_NAMES = re.compile(
    r"\b(null|none|true|false|doc_no|procedure\.\w+|materials_note|material_groups|route|routes|location|"
    r"promised_limit|statutory_limit|scenario\w*|tolerable|optional_when)\b"
)


def _strings(value, path):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _strings(inner, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def test_item_texts_use_plain_words_not_field_names():
    with open(settings.SHEBAO_CATALOG_FILE, encoding="utf-8") as fh:
        catalog = yaml.safe_load(fh)
    # Codes (scenario and material keys, kinds) are identifiers, not text; only prose is checked.
    prose_keys = {"notes", "text", "note", "detail", "materials_note", "summary", "label", "name"}
    found = [
        f"item {item['no']}{path}: {text[:80]}"
        for item in catalog["items"]
        for path, text in _strings(item, "")
        if path.rsplit(".", 1)[-1].split("[")[0] in prose_keys and FIELD_NAMES.search(text)
    ]
    assert not found, "\n".join(found)
