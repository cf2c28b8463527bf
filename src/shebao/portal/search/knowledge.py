"""The search knowledge held as data: synonyms.yaml and out_of_scope.yaml (see their headers)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shebao.portal.search.text import normalize

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Expansion:
    variant: str  # the words of the text that matched (the surface form)
    canonical: str
    start: int
    end: int


@dataclass(frozen=True)
class Topic:
    name: str
    where: str | None
    hint_text: str | None
    words: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    unless: tuple[re.Pattern, ...]

    def matches(self, text: str) -> bool:
        if not (any(w in text for w in self.words) or any(p.search(text) for p in self.patterns)):
            return False
        return not any(p.search(text) for p in self.unless)

    @property
    def hint(self) -> str:
        if self.hint_text:
            return self.hint_text
        if self.where:
            return f"{self.name}不属于阳城县社会保险中心的业务，通常由{self.where}办理。"
        return f"{self.name}不属于阳城县社会保险中心的业务，请向相关部门咨询。"


@dataclass(frozen=True)
class Combo:
    groups: tuple[tuple[str, ...], ...]
    add: tuple[str, ...]
    unless: tuple[str, ...] = ()


@dataclass
class Knowledge:
    literal: dict[str, tuple[str, ...]]
    regexes: list[tuple[re.Pattern, tuple[str, ...]]]
    combos: list[Combo]
    category_cues: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    generic: frozenset[str]
    topics: list[Topic]
    general_hint: str
    _variants_by_length: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._variants_by_length = sorted(self.literal, key=lambda v: (-len(v), v))

    # -- synonyms ------------------------------------------------------------------------
    def expand(self, text: str) -> list[Expansion]:
        """Canonical words for the variants found in ``text``.

        Longest variant first; a variant lying wholly inside a longer one already matched is
        skipped (丢了工作 is 失业, not also 丢失), one that only overlaps it is kept.
        """
        spans: list[tuple[int, int]] = []
        out: list[Expansion] = []
        for variant in self._variants_by_length:
            start = text.find(variant)
            while start >= 0:
                end = start + len(variant)
                negated = start > 0 and text[start - 1] == "非"  # 非因工死亡 is not 因工死亡
                if not negated and not any(a <= start and end <= b for a, b in spans):
                    spans.append((start, end))
                    out.extend(Expansion(variant, c, start, end) for c in self.literal[variant])
                start = text.find(variant, start + 1)
        for pattern, canonicals in self.regexes:
            for m in pattern.finditer(text):
                out.extend(Expansion(m.group(0), c, m.start(), m.end()) for c in canonicals)
        return out

    def combine(self, haystack: str) -> list[str]:
        """Words added by combos whose every group is present in ``haystack``."""
        added: list[str] = []
        for combo in self.combos:
            if any(w in haystack for w in combo.unless):
                continue
            if all(any(w in haystack for w in group) for group in combo.groups):
                added.extend(combo.add)
        return added

    def categories_cued(self, haystack: str) -> dict[str, tuple[str, ...]]:
        """{category code: the cue words found} for the areas the question names."""
        found: dict[str, tuple[str, ...]] = {}
        for code, cues in self.category_cues.items():
            hits = tuple(cue for cue in cues if cue in haystack)
            if hits:
                found[code] = hits
        return found

    # -- out of scope --------------------------------------------------------------------
    def out_of_scope_topic(self, text: str) -> Topic | None:
        for topic in self.topics:
            if topic.matches(text):
                return topic
        return None

    # -- vocabulary ----------------------------------------------------------------------
    def vocabulary(self) -> set[str]:
        words: set[str] = set(self.literal)
        for canonicals in self.literal.values():
            words.update(canonicals)
        for _, canonicals in self.regexes:
            words.update(canonicals)
        for combo in self.combos:
            words.update(combo.add)
        for cues in self.category_cues.values():
            words.update(cues)
        for topic in self.topics:
            words.update(topic.words)
        return {w for w in words if len(w) >= 2}

    def synonym_words(self) -> set[str]:
        words: set[str] = set(self.literal)
        for canonicals in self.literal.values():
            words.update(canonicals)
        return words

    def topic_words(self) -> set[str]:
        return {w for t in self.topics for w in t.words}


def _norm_list(values) -> tuple[str, ...]:
    return tuple(n for n in (normalize(str(v)) for v in values or ()) if n)


def parse_knowledge(synonyms: dict, out_of_scope: dict) -> Knowledge:
    literal: dict[str, list[str]] = {}
    regexes: list[tuple[re.Pattern, tuple[str, ...]]] = []
    for key, variants in (synonyms.get("synonyms") or {}).items():
        canonicals = tuple(normalize(c) for c in str(key).split() if c)
        for variant in variants or ():
            variant = str(variant)
            if variant.startswith("re:"):
                regexes.append((re.compile(variant[3:]), canonicals))
                continue
            v = normalize(variant)
            if not v:
                continue
            bucket = literal.setdefault(v, [])
            bucket.extend(c for c in canonicals if c != v and c not in bucket)
    combos = [
        Combo(
            groups=tuple(_norm_list(g) for g in c["when"]),
            add=_norm_list(c["add"]),
            unless=_norm_list(c.get("unless")),
        )
        for c in synonyms.get("combos") or ()
    ]
    cues = {code: _norm_list(words) for code, words in (synonyms.get("category_cues") or {}).items()}
    stopwords = frozenset(_norm_list(synonyms.get("stopwords")))
    generic = frozenset(_norm_list(synonyms.get("generic")))
    topics = [
        Topic(
            name=t["name"],
            where=t.get("where"),
            hint_text=(t.get("hint") or "").strip() or None,
            words=_norm_list(t.get("words")),
            patterns=tuple(re.compile(p) for p in t.get("patterns") or ()),
            unless=tuple(re.compile(p) for p in t.get("unless") or ()),
        )
        for t in out_of_scope.get("topics") or ()
    ]
    general = " ".join(str(out_of_scope.get("general_hint") or "").split())
    return Knowledge(
        literal={k: tuple(v) for k, v in literal.items() if v},
        regexes=regexes,
        combos=combos,
        category_cues=cues,
        stopwords=stopwords,
        generic=generic,
        topics=topics,
        general_hint=general,
    )


@functools.lru_cache(maxsize=4)
def load_knowledge(synonyms_path: str | None = None, out_of_scope_path: str | None = None) -> Knowledge:
    """The knowledge shipped with the package (or from the given files); parsed once."""
    syn = Path(synonyms_path) if synonyms_path else DATA_DIR / "synonyms.yaml"
    oos = Path(out_of_scope_path) if out_of_scope_path else DATA_DIR / "out_of_scope.yaml"
    with open(syn, encoding="utf-8") as fh:
        syn_data = yaml.safe_load(fh) or {}
    with open(oos, encoding="utf-8") as fh:
        oos_data = yaml.safe_load(fh) or {}
    return parse_knowledge(syn_data, oos_data)
