"""Portal search: find the right item from a question in everyday words (issue 4, "Search").

Plain Python with no Django import; ``shebao.portal.selectors_search`` builds and caches the
engine for the current catalog. See :mod:`shebao.portal.search.engine` for how a question is read.
"""

from shebao.portal.search.engine import (
    MAX_QUERY_LENGTH,
    Hit,
    QueryError,
    SearchEngine,
    SearchOutcome,
    Suggestion,
    validate_query,
)
from shebao.portal.search.highlight import segments as highlight_segments

__all__ = [
    "MAX_QUERY_LENGTH",
    "Hit",
    "QueryError",
    "SearchEngine",
    "SearchOutcome",
    "highlight_segments",
    "Suggestion",
    "validate_query",
]
