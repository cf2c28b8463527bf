"""``shebao catalog validate|load|export``."""

from __future__ import annotations

import json

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shebao.catalog import selectors, services
from shebao.catalog.loader import CatalogFileError, parse_catalog


class Command(BaseCommand):
    help = "事项库：校验（validate）、加载（load）、导出（export）县级事项库 YAML。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("validate", help="按规范校验 YAML，不写数据库")
        v.add_argument("path", nargs="?", default=str(settings.SHEBAO_CATALOG_FILE))
        v.add_argument("--seed", help="同时检查每段文字都出自指南原文（指南文本文件路径）")
        lo = sub.add_parser("load", help="加载（幂等）到数据库")
        lo.add_argument("path", nargs="?", default=str(settings.SHEBAO_CATALOG_FILE))
        ex = sub.add_parser("export", help="导出当前事项库")
        ex.add_argument("--format", choices=["json", "yaml"], default="yaml")
        ex.add_argument("--county", default=None)

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"_{action}")(**opts)
        except CatalogFileError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"事项库文件 {exc.path} 有 {len(exc.problems)} 处问题：\n{lines}") from exc

    def _validate(self, path, seed=None, **_):
        loaded = parse_catalog(path)
        cat = loaded.catalog
        self.stdout.write(
            f"{path}：校验通过。{cat.county.name}，版本 {cat.version}，{len(cat.items)} 个事项，"
            f"容缺清单 {len(cat.tolerance_list)} 条，校验和 {loaded.checksum[:12]}。"
        )
        if seed:
            from shebao.catalog.fidelity import missing_texts

            with open(seed, encoding="utf-8") as fh:
                missing = missing_texts(loaded.data, fh.read())
            for where, text in missing:
                self.stdout.write(f"  未在指南中找到：{where}：{text}")
            if missing:
                raise CommandError(f"{len(missing)} 段文字与指南原文不符。")
            self.stdout.write("所有文字均出自指南原文。")

    def _load(self, path, **_):
        report = services.load_catalog_file(path=path)
        self.stdout.write(report.summary())

    def _export(self, format, county, **_):
        c = selectors.resolve_county(county)
        version = c.catalog_versions.filter(is_current=True).first()
        if version is None:
            raise CommandError("该县尚未加载事项库。")
        data = dict(version.data)
        data["items"] = [i.data for i in selectors.list_items(county=c)]
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
