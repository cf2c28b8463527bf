"""Django glue of the portal search: the engine for the current catalog, built once and cached.

The pages and the API call :func:`search`::

    outcome = selectors_search.search("社保卡丢了咋办", county=county)   # SearchOutcome
    outcome.results        # (Hit(no, name, score, matched, category), …), best first
    outcome.out_of_scope   # True → outcome.out_of_scope_hint says where such matters are handled
    outcome.suggestions    # 1–3 (Suggestion(no, name), …) when outcome.unsure
    outcome.as_dict()      # the JSON of GET /api/v1/search

An engine is cached per county and catalog: the key is the county code, the checksum of its current
catalog version, and a stamp of its items (count, latest update, latest item version) so that an
item edited in the admin (``update_item``) is searchable at once. Building takes about a second
the first time in a process (jieba's dictionary, pinyin tables), a few hundred ms after that.
"""

from __future__ import annotations

import logging
import threading

from django.db.models import Count, Max

from shebao.catalog.models import Item
from shebao.catalog.selectors import list_categories, list_items, resolve_county
from shebao.core.errors import DomainError
from shebao.core.models import County
from shebao.portal.search import QueryError, SearchEngine, SearchOutcome, validate_query

log = logging.getLogger(__name__)

_engines: dict[str, tuple[tuple, SearchEngine]] = {}  # county code -> (key, engine)
_build_lock = threading.Lock()


def _catalog_key(county: County) -> tuple:
    version = county.catalog_versions.filter(is_current=True).only("checksum").first()
    stamp = Item.objects.filter(county=county, is_active=True).aggregate(
        n=Count("id"), updated=Max("updated_at"), version=Max("current_version_id")
    )
    return (
        county.code,
        version.checksum if version else "",
        stamp["n"],
        stamp["updated"].isoformat() if stamp["updated"] else "",
        stamp["version"] or 0,
    )


def get_engine(county: County | str | None = None) -> SearchEngine:
    """The search engine of the county's current catalog (built on first use, then cached)."""
    c = resolve_county(county)
    key = _catalog_key(c)
    cached = _engines.get(c.code)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _build_lock:
        cached = _engines.get(c.code)
        if cached is not None and cached[0] == key:
            return cached[1]
        items = [dict(i.data, no=i.no) for i in list_items(county=c)]
        categories = {cat.code: cat.name for cat in list_categories(county=c)}
        engine = SearchEngine(items, categories=categories, version=key[1][:12])
        _engines[c.code] = (key, engine)
        log.info("search index built for %s (catalog %s, %d items)", c.code, key[1][:12], len(items))
        return engine


def forget_engines() -> None:
    """Drop the cached engines (tests; a reload of the catalog is picked up without this)."""
    with _build_lock:
        _engines.clear()


def search(query, *, county: County | str | None = None, limit: int = 10) -> SearchOutcome:
    """Search the county's items for a question in everyday words.

    Raises ``DomainError`` (422, Chinese message) for an empty, blank or over-long query.
    """
    try:
        text = validate_query(query)
    except QueryError as exc:
        raise DomainError(exc.message, status=422) from None
    return get_engine(county).search(text, limit=limit)
