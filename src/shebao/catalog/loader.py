"""Reading and validating a catalog YAML file (no database access)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from shebao.catalog.schema import Catalog


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. Under YAML 1.1 an item's ``no:`` key would become False."""


_Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str):
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass


class CatalogFileError(Exception):
    """A catalog file that cannot be used; ``problems`` name file, item and field in Chinese."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "；".join(problems))


@dataclass(frozen=True)
class LoadedCatalog:
    path: str
    catalog: Catalog
    data: dict
    checksum: str


def checksum_of(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _locate(data: dict, loc: tuple) -> str:
    """Say where an error is in words: 事项 16 › material_groups[2] › materials[0] › name."""
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        if i == 1 and loc[0] == "items" and isinstance(key, int) and isinstance(node, list) and key < len(node):
            no = node[key].get("no") if isinstance(node[key], dict) else None
            parts[-1] = f"事项 {no}" if no is not None else f"items[{key}]"
        elif isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key}]" if parts else f"[{key}]"
        else:
            parts.append(str(key))
        if isinstance(node, dict | list):
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                node = None
    return " › ".join(parts)


def parse_catalog(path: str | Path) -> LoadedCatalog:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogFileError(str(path), ["文件不存在"]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogFileError(str(path), ["文件不是 UTF-8 编码"]) from exc
    try:
        data = load_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise CatalogFileError(str(path), [f"YAML 语法错误 {where}：{getattr(exc, 'problem', exc)}"]) from exc
    return validate_catalog_data(data, path=str(path))


def validate_catalog_data(data, *, path: str = "<data>") -> LoadedCatalog:
    if not isinstance(data, dict):
        raise CatalogFileError(path, ["顶层应为映射（county、items 等字段）"])
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _locate(data, tuple(err["loc"])) or "顶层"
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{where}：{msg}")
        raise CatalogFileError(path, problems) from exc
    normalised = catalog.model_dump(mode="json")
    return LoadedCatalog(path=path, catalog=catalog, data=normalised, checksum=checksum_of(normalised))
