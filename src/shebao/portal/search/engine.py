"""The search engine: an index of the catalog's items built once, and the scoring of a question.

Plain Python (no Django). Build with ``SearchEngine(items)`` where each item is a mapping shaped
like ``shebao.catalog.schema.Item`` (``no``, ``name``, ``list_name``, ``category``, ``keywords``,
``summary``, ``conditions``, ``material_groups`` …); then ``engine.search("社保卡丢了咋办")``.

How a question is read:

1. normalised (full/half width, case, Chinese numerals before 岁/年, 周岁 → 岁);
2. Latin runs are read as pinyin (``shebaoka buban``) or initials (``sbk``) of known words;
   Han runs are checked for homophone typos (社宝卡 → 社保卡, 事业金 → 失业金);
3. variants become the guide's words through the synonym table (失业金 → 失业保险金, 去世 → 死亡),
   and situation combos add words (死亡 + 退休 → 退休人员去世);
4. the words are segmented (jieba, search mode) and each item scores the sum, over the words it
   contains, of query weight × rarity (idf) × the weight of the field it is in (name, keywords >
   summary > conditions > materials); whole keywords/names found in the question add a bonus,
   and items in an area the question names (城乡居民, 机关事业单位, 工伤 …) get a mild boost;
5. a question matching an out-of-scope topic (医保报销, 公积金, 身份证 …) is answered with
   where such matters are handled instead of a confident wrong item; a question with words
   foreign to the catalog that nothing specific matches is out of scope too, while one with no
   words to judge by (punctuation, an emoji) finds nothing. When the best score is weak or the
   runner-up close, 1–3 suggestions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shebao.portal.search import tokenize
from shebao.portal.search.knowledge import Knowledge, load_knowledge
from shebao.portal.search.phonetic import Lexicon
from shebao.portal.search.text import has_han, is_han, normalize, runs

MAX_QUERY_LENGTH = 100

# Field weights of an item's texts.
FIELD_WEIGHTS = {
    "name": 3.0,
    "list_name": 3.0,
    "keyword": 2.5,
    "summary": 1.5,
    "scenario": 1.5,
    "category": 1.0,
    "conditions": 1.0,
    "fee": 1.5,
    "material": 0.5,
    "detail": 0.4,
}
ITEM_SYNONYM_FACTOR = 0.8  # an item's word reached through the synonym table
WHOLE_KEYWORD_FACTOR = 1.2
QUERY_WEIGHTS = {"query": 1.0, "typo": 0.85, "pinyin": 0.9, "initials": 0.75, "synonym": 0.9, "combo": 0.8}
PHRASE_WEIGHT = 1.2
# Texts that earn a bonus when found whole in a question, with their share of it.
PHRASE_FIELDS = {"keyword": 0.5, "name": 1.0, "list_name": 1.0, "scenario": 1.0, "material": 0.5}
CATEGORY_BOOST = 0.25
SUBWORD_FACTOR = 0.5
CUE_TERM_FACTOR = 0.6

# Decision thresholds on the raw score (see tests/test_search_eval.py for what they yield).
MIN_SCORE = 3.0  # below this nothing is a credible answer
CONFIDENT_SCORE = 9.0  # below this the answer is offered as a suggestion
CLOSE_RATIO = 0.85  # a runner-up this close makes the answer unsure
RESULT_RATIO = 0.2  # results keep items scoring at least this share of the best
SUGGEST_RATIO = 0.6


class QueryError(ValueError):
    """A query that cannot be searched; ``message`` is Chinese, for the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def validate_query(query: Any) -> str:
    """The query, stripped; raises :class:`QueryError` when empty, blank or over-long."""
    if query is None:
        raise QueryError("请输入要查询的问题，例如“社保卡丢了怎么办”。")
    if not isinstance(query, str):
        raise QueryError("查询内容应为文本。")
    text = query.strip()
    if not text:
        raise QueryError("请输入要查询的问题，例如“社保卡丢了怎么办”。")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"问题太长了（{len(text)} 字），请用 {MAX_QUERY_LENGTH} 字以内的话描述要办的事。")
    return text


@dataclass(frozen=True)
class Hit:
    no: int
    name: str
    score: float
    matched: tuple[str, ...]
    category: str = ""

    def as_dict(self) -> dict:
        return {"no": self.no, "name": self.name, "score": self.score, "matched": list(self.matched)}


@dataclass(frozen=True)
class Suggestion:
    no: int
    name: str

    def as_dict(self) -> dict:
        return {"no": self.no, "name": self.name}


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    results: tuple[Hit, ...]
    out_of_scope: bool = False
    out_of_scope_hint: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    unsure: bool = False
    understood: tuple[str, ...] = field(default=())  # how the query was read (for display/debug)

    def as_dict(self) -> dict:
        return {
            "results": [h.as_dict() for h in self.results],
            "out_of_scope": self.out_of_scope,
            "out_of_scope_hint": self.out_of_scope_hint,
            "suggestions": [s.as_dict() for s in self.suggestions],
            "unsure": self.unsure,
        }


@dataclass
class _Entry:
    no: int
    name: str
    category: str


@dataclass
class _Query:
    text: str  # normalised query
    literal: str  # normalised query + typo corrections + pinyin readings (no synonyms)
    haystack: str  # literal + synonyms + combos
    terms: dict[str, float]
    cues: dict[str, tuple[str, ...]]
    understood: list[str]


def _texts_of(item: Mapping[str, Any], categories: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, text) pairs of an item, in the schema's shape."""
    out: list[tuple[str, str]] = [("name", item.get("name") or ""), ("list_name", item.get("list_name") or "")]
    out += [("keyword", k) for k in item.get("keywords") or () if k]
    if item.get("summary"):
        out.append(("summary", item["summary"]))
    if item.get("conditions"):
        out.append(("conditions", item["conditions"]))
    cat = categories.get(item.get("category") or "")
    if cat:
        out.append(("category", cat))
    fee = (item.get("fee") or "").strip()
    if fee and fee not in ("不收费", "无", "免费"):
        out.append(("fee", "收费 " + fee))
    for group in item.get("material_groups") or ():
        if group.get("scenario"):
            out.append(("scenario", group["scenario"]))
        for material in group.get("materials") or ():
            out.append(("material", material.get("name") or ""))
        if group.get("note"):
            out.append(("material", group["note"]))
    if item.get("materials_note"):
        out.append(("material", item["materials_note"]))
    procedure = item.get("procedure") or {}
    if procedure.get("detail"):
        out.append(("detail", procedure["detail"]))
    return [(f, t) for f, t in out if t]


class SearchEngine:
    """An index of one catalog's items. Build once per catalog version; ``search`` is thread-safe."""

    def __init__(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        categories: Mapping[str, str] | None = None,
        knowledge: Knowledge | None = None,
        version: str = "",
    ):
        self.version = version
        self.knowledge = knowledge or load_knowledge()
        categories = categories or {}
        items = sorted(items, key=lambda i: int(i["no"]))
        self.entries = [_Entry(int(i["no"]), i.get("name") or "", i.get("category") or "") for i in items]
        texts = [[(f, normalize(t)) for f, t in _texts_of(i, categories)] for i in items]

        # Teach jieba the domain's words so that they stay whole.
        keywords = {t for ts in texts for f, t in ts if f in ("keyword", "scenario") and is_han(t)}
        vocabulary = self.knowledge.vocabulary() | keywords
        tokenize.add_words(w for w in vocabulary if is_han(w) and len(w) <= 8)

        # Postings: term -> [(entry index, field weight, surface form)]
        per_item: list[dict[str, tuple[float, str]]] = []
        for ts in texts:
            terms: dict[str, tuple[float, str]] = {}

            def put(term: str, weight: float, surface: str, terms=terms) -> None:
                if term in self.knowledge.stopwords:
                    return
                if term not in terms or terms[term][0] < weight:
                    terms[term] = (weight, surface)

            for fld, text in ts:
                w = FIELD_WEIGHTS[fld]
                for tok in tokenize.tokens(text):
                    # A keyword that is one word by itself (城居保) says more than one containing it.
                    put(tok, w * (WHOLE_KEYWORD_FACTOR if fld == "keyword" and tok == text else 1.0), tok)
                for exp in self.knowledge.expand(text):
                    toks = tokenize.tokens(exp.canonical)
                    for tok in toks:
                        sub = any(tok != o and tok in o for o in toks)
                        put(tok, w * ITEM_SYNONYM_FACTOR * (SUBWORD_FACTOR if sub else 1.0), exp.variant)
            per_item.append(terms)
        self.postings: dict[str, list[tuple[int, float, str]]] = defaultdict(list)
        for idx, terms in enumerate(per_item):
            for term, (weight, surface) in terms.items():
                self.postings[term].append((idx, weight, surface))
        n = len(self.entries)
        self.idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()
        }

        # Phrases: keywords, names and scenarios found whole in a question earn a bonus.
        phrases: dict[str, set[int]] = defaultdict(set)
        for idx, ts in enumerate(texts):
            for fld, text in ts:
                if fld in PHRASE_FIELDS and len(text) >= 2:
                    phrases[(text.replace(" ", ""), PHRASE_FIELDS[fld])].add(idx)
        self.phrases = {
            key: (sorted(idxs), math.log(1 + n / len(idxs))) for key, idxs in phrases.items() if len(key[0]) >= 2
        }
        # Items with a keyword that is exactly a word of the question: among items scoring the same
        # (退休 is in the names of items 3–6 and 9), the one whose reviewers chose that very word
        # as its keyword comes first, instead of the lowest number.
        self.whole_keywords: dict[str, set[int]] = defaultdict(set)
        for idx, ts in enumerate(texts):
            for fld, text in ts:
                if fld == "keyword":
                    self.whole_keywords[text.replace(" ", "")].add(idx)

        # The phonetic lexicon: every word the index or the knowledge knows.
        lexicon_words = set(vocabulary)
        for ts in texts:
            for fld, text in ts:
                if fld in ("name", "list_name", "keyword", "summary", "scenario", "conditions", "category"):
                    lexicon_words.update(w for w in tokenize.words(text) if is_han(w))
        initials_words = (
            self.knowledge.synonym_words() | keywords | self.knowledge.topic_words()
            | {c for cues in self.knowledge.category_cues.values() for c in cues}
        )
        self.lexicon = Lexicon(
            lexicon_words,
            initials_vocabulary=initials_words,
            avoid=self.knowledge.topic_words() - self.knowledge.synonym_words(),
        )
        self.known_words = set(self.postings) | lexicon_words
        # The items' names, run together: a generic word found in one (补换卡, 变更, 注销 …) is
        # the catalog's own word, not one that could be about anything.
        self.names_text = " ".join(t.replace(" ", "") for ts in texts for f, t in ts if f in ("name", "list_name"))
        self.generic_terms = set(self.knowledge.generic)
        for word in self.knowledge.generic:
            self.generic_terms.update(tokenize.tokens(word))

    # -- reading the question ------------------------------------------------------------
    def analyse(self, query: str) -> _Query:
        text = normalize(query)
        kn = self.knowledge
        segments: list[tuple[str, float, str]] = []
        understood: list[str] = []
        for kind, chunk in runs(text):
            if kind == "han":
                segments.append((chunk, QUERY_WEIGHTS["query"], "query"))
                fixes = self.lexicon.corrections(
                    chunk, is_word=tokenize.is_dictionary_word, boundaries=tokenize.boundaries(chunk)
                )
                if fixes:
                    corrected, last = [], 0
                    for fix in fixes:
                        corrected += [chunk[last:fix.start], fix.term]
                        last = fix.end
                        understood.append(f"{chunk[fix.start:fix.end]}→{fix.term}")
                    corrected.append(chunk[last:])
                    segments.append(("".join(corrected), QUERY_WEIGHTS["typo"], "typo"))
            else:
                for word in chunk.split():
                    if word in self.postings:  # app, u盘 …
                        segments.append((word, QUERY_WEIGHTS["query"], "query"))
                readings = self.lexicon.from_latin(chunk)
                if readings:
                    understood.append(f"{chunk}→{''.join(w for w, _ in readings)}")
                    segments.append(
                        ("".join(w for w, k in readings if k == "pinyin"), QUERY_WEIGHTS["pinyin"], "pinyin")
                    )
                    for word, k in readings:
                        if k == "initials":
                            segments.append((word, QUERY_WEIGHTS["initials"], "initials"))
        segments = [s for s in segments if s[0]]
        literal = " | ".join(s[0] for s in segments)

        expanded: list[tuple[str, float, str]] = []
        for seg_text, weight, _origin in segments:
            for exp in kn.expand(seg_text):
                expanded.append((exp.canonical, weight * QUERY_WEIGHTS["synonym"], "synonym"))
        haystack = literal + " | " + " ".join(e[0] for e in expanded)
        for word in kn.combine(haystack):
            expanded.append((word, QUERY_WEIGHTS["combo"], "combo"))
            haystack += " " + word
        cues = kn.categories_cued(haystack)

        terms: dict[str, float] = {}
        for seg_text, weight, _origin in segments + expanded:
            seg_tokens = [t for t in tokenize.tokens(seg_text) if t not in kn.stopwords]
            for tok in seg_tokens:
                # A sub-word of a longer word of the same text (公务 in 公务员) counts half:
                # the concept is already counted by the longer word.
                w = weight * (SUBWORD_FACTOR if any(tok != o and tok in o for o in seg_tokens) else 1.0)
                if terms.get(tok, 0.0) < w:
                    terms[tok] = w
        # Words that only name the area (公务员, 城乡居民, 工伤 …) are counted by the area boost;
        # as terms they would favour whichever item repeats them most.
        for tok in {t for words in cues.values() for cue in words for t in tokenize.tokens(cue)}:
            if tok in terms:
                terms[tok] *= CUE_TERM_FACTOR
        return _Query(text=text, literal=literal, haystack=haystack, terms=terms, cues=cues, understood=understood)

    # -- scoring -------------------------------------------------------------------------
    @staticmethod
    def _length_factor(term: str) -> float:
        if len(term) == 1:
            return 0.3 if has_han(term) else 0.2
        return 1.0 if len(term) == 2 else 1.2

    def score(self, q: _Query) -> list[tuple[float, int, list[tuple[float, str, str]]]]:
        """[(score, entry index, [(contribution, surface in the item, query term), …]), …], best first."""
        scores: dict[int, float] = defaultdict(float)
        why: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
        for term, qw in q.terms.items():
            postings = self.postings.get(term)
            if not postings:
                continue
            base = qw * self.idf[term] * self._length_factor(term)
            for idx, weight, surface in postings:
                contribution = base * weight
                scores[idx] += contribution
                why[idx].append((contribution, surface, term))
        phrase_text = q.haystack.replace(" ", "")
        for (phrase, factor), (idxs, pidf) in self.phrases.items():
            if phrase in phrase_text and phrase not in q.terms:
                bonus = PHRASE_WEIGHT * factor * pidf * min(len(phrase), 6) / 3
                for idx in idxs:
                    scores[idx] += bonus
                    why[idx].append((bonus, phrase, phrase))
        if q.cues:
            for idx in list(scores):
                if self.entries[idx].category in q.cues:
                    scores[idx] *= 1 + CATEGORY_BOOST
        chosen = set().union(*(self.whole_keywords.get(t, ()) for t in q.terms))
        ranked = sorted(((s, i, why[i]) for i, s in scores.items()),
                        key=lambda r: (-round(r[0], 6), r[1] not in chosen, self.entries[r[1]].no))
        return ranked

    @staticmethod
    def _matched(reasons: list[tuple[float, str, str]], limit: int = 6) -> tuple[str, ...]:
        best: dict[str, float] = {}
        for contribution, surface, _term in reasons:
            if len(surface) < 2:
                continue
            best[surface] = best.get(surface, 0.0) + contribution
        chosen: list[str] = []
        for surface, _ in sorted(best.items(), key=lambda kv: (-kv[1], -len(kv[0]))):
            if any(surface in c for c in chosen):
                continue
            chosen = [c for c in chosen if c not in surface]
            chosen.append(surface)
            if len(chosen) >= limit:
                break
        return tuple(chosen)

    def _is_generic(self, term: str) -> bool:
        return len(term) < 2 or term in self.generic_terms

    def _specific(self, reasons: list[tuple[float, str, str]]) -> float:
        """The part of a score earned by words that say what the question is about."""
        return sum(c for c, _surface, term in reasons if not self._is_generic(term))

    def _domain_words(self, q: _Query) -> tuple[list[str], list[str], list[str]]:
        """(known, unknown, generic) content words of the question as typed (not its expansions).

        A generic word (丢了, 手机, 变更 …) says what happens, not what it is about; one that is
        part of an item's name (补换卡, 变更, 注销) is counted as known: the question is then in
        the catalog's own words, however vague.
        """
        known, unknown, generic = [], [], []
        for seg in q.literal.split(" | "):
            for tok in tokenize.words(seg):
                if tok in self.knowledge.stopwords or len(tok) < 2 or not has_han(tok):
                    continue
                if tok in self.knowledge.generic:
                    (known if tok in self.names_text else generic).append(tok)
                    continue
                (known if tok in self.known_words else unknown).append(tok)
        return known, unknown, generic

    def search(self, query: str, *, limit: int = 10) -> SearchOutcome:
        """Rank the items for a question. ``query`` should have passed :func:`validate_query`."""
        q = self.analyse(query)
        ranked = self.score(q) if q.terms else []
        topic = self.knowledge.out_of_scope_topic(q.literal)
        understood = tuple(q.understood)

        def outside(hint: str) -> SearchOutcome:
            return SearchOutcome(
                query=q.text, results=(), out_of_scope=True, out_of_scope_hint=hint, understood=understood
            )

        if topic is not None:
            return outside(topic.hint)
        top = ranked[0][0] if ranked else 0.0
        vague = not ranked or top < MIN_SCORE or self._specific(ranked[0][2]) < MIN_SCORE
        if vague:
            # Nothing specific matched. A question in the domain's own words (社保, 养老保险,
            # 补换卡 …) is vague, not foreign: offer what matched, unsure. One with words foreign
            # to the catalog (快递丢了), or only words of what happens (手机坏了), is not ours.
            # One with no words at all to judge by (%, 😀, a first character typed) is neither:
            # whatever it matched is offered, unsure, and otherwise nothing is found.
            known, unknown, generic = self._domain_words(q)
            if unknown or (generic and not known):
                return outside(self.knowledge.general_hint)
            if not ranked:
                return SearchOutcome(query=q.text, results=(), understood=understood)
        results = []
        floor = RESULT_RATIO * top if vague else max(MIN_SCORE, RESULT_RATIO * top)
        for s, idx, reasons in ranked[:limit]:
            if s < floor:
                break
            e = self.entries[idx]
            results.append(Hit(e.no, e.name, round(s, 2), self._matched(reasons), e.category))
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        unsure = vague or top < CONFIDENT_SCORE or second >= CLOSE_RATIO * top
        suggestions: tuple[Suggestion, ...] = ()
        if unsure:
            close = [h for h in results if h.score >= SUGGEST_RATIO * top]
            if len(close) <= 3 or close[2].score > close[3].score:
                suggestions = tuple(Suggestion(h.no, h.name) for h in close[:3])
        return SearchOutcome(
            query=q.text, results=tuple(results), unsure=unsure, suggestions=suggestions, understood=understood
        )

    def explain(self, query: str) -> dict:
        """The reading of a question and the top scores, for debugging the knowledge tables."""
        q = self.analyse(query)
        ranked = self.score(q)[:5]
        return {
            "text": q.text,
            "literal": q.literal,
            "haystack": q.haystack,
            "terms": q.terms,
            "cues": q.cues,
            "top": [(self.entries[i].no, round(s, 2), self._matched(r)) for s, i, r in ranked],
        }

