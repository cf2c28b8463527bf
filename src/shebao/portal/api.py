"""JSON API of the portal context: the search of issue 4.

``GET /api/v1/search?q=…`` → the items best matching a question in everyday words, best first,
with the words that matched (for highlighting), whether the question is outside the center's
business (and where it is usually handled), and 1–3 suggestions when the answer is unsure. An
empty, blank or over-long (> 100 characters) question is a 422 with a Chinese message.
"""

from __future__ import annotations

from ninja import Field, Router, Schema

from shebao.portal import selectors_search

router = Router(tags=["portal"])


class SearchHitOut(Schema):
    no: int = Field(description="事项序号")
    name: str
    score: float = Field(description="relevance; higher is better, comparable only within one answer")
    matched: list[str] = Field(description="words of the item that matched the question (to highlight)")


class SearchSuggestionOut(Schema):
    no: int
    name: str


class SearchOut(Schema):
    results: list[SearchHitOut]
    out_of_scope: bool = Field(description="the question is outside this center's business")
    out_of_scope_hint: str | None = Field(description="where such matters are usually handled")
    suggestions: list[SearchSuggestionOut] = Field(description="1–3 items to offer when unsure")
    unsure: bool = Field(description="the best result is weak or closely followed")


@router.get(
    "/search",
    response=SearchOut,
    summary="按日常说法搜索服务事项",
    description="q：用日常的话描述要办的事（1–100 字），如“社保卡丢了咋办”“shebaoka buban”。",
)
def search(request, q: str | None = None, county: str | None = None):
    return selectors_search.search(q, county=county).as_dict()
