"""Benchmark of the portal search (prints figures, asserts nothing).

    .venv/bin/python bench/bench_search.py [--rounds N]

Runs every query of ``src/shebao/portal/tests/search_eval.yaml`` through the search service
(``shebao.portal.selectors_search.search``: county lookup, catalog-key check, engine) against a
throw-away SQLite database holding the county catalog, and through the engine alone, and prints
p50/p90/p99/max latency of each, plus the time to build the index cold and warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def report(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{label:<34} n={len(ms):<5} p50 {percentile(ms, 50):6.2f} ms   p90 {percentile(ms, 90):6.2f} ms   "
        f"p99 {percentile(ms, 99):6.2f} ms   max {max(ms):6.2f} ms   mean {statistics.fmean(ms):6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the eval queries (default 5)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="shebao-bench-search-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SHEBAO_VAR_DIR", tmp)
    os.environ.setdefault("SHEBAO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")

    import django

    django.setup()
    import yaml
    from django.conf import settings
    from django.core.management import call_command

    from shebao.catalog.services import load_catalog_file
    from shebao.portal import selectors_search
    from shebao.portal.search import SearchEngine, tokenize

    call_command("migrate", verbosity=0, interactive=False)
    load_catalog_file(path=str(settings.SHEBAO_CATALOG_FILE))

    with open(ROOT / "src/shebao/portal/tests/search_eval.yaml", encoding="utf-8") as fh:
        queries = [c["q"] for c in yaml.safe_load(fh)]

    t = time.perf_counter()
    tokenize.get_tokenizer()
    jieba_s = time.perf_counter() - t
    t = time.perf_counter()
    engine = selectors_search.get_engine()
    cold_s = time.perf_counter() - t
    selectors_search.forget_engines()
    t = time.perf_counter()
    selectors_search.get_engine()
    warm_s = time.perf_counter() - t
    print(f"jieba dictionary load              {jieba_s * 1000:8.1f} ms")
    print(f"index build, first in process      {cold_s * 1000:8.1f} ms (pinyin tables, jieba user words)")
    print(f"index build, again                 {warm_s * 1000:8.1f} ms")
    print(f"queries: {len(queries)} from search_eval.yaml x {args.rounds} rounds")

    for q in queries:  # warm the caches (pinyin of substrings, jieba) once
        selectors_search.search(q)

    service, engine_only = [], []
    engine = selectors_search.get_engine()
    assert isinstance(engine, SearchEngine)
    for _ in range(args.rounds):
        for q in queries:
            t = time.perf_counter()
            selectors_search.search(q)
            service.append(time.perf_counter() - t)
            t = time.perf_counter()
            engine.search(q)
            engine_only.append(time.perf_counter() - t)
    report("search service (selectors_search)", service)
    report("engine alone (SearchEngine.search)", engine_only)


if __name__ == "__main__":
    main()
