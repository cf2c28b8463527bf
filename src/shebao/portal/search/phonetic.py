"""Pinyin forms of words (pypinyin) and a phonetic lexicon over the search vocabulary.

Three uses: a query typed in pinyin (``shebaoka buban``) or in initials (``sbk``) is segmented
into known words; and a Chinese query with a homophone typo (社宝卡, 事业金, 工商保险) is matched
to the known word that sounds the same, or nearly (rapidfuzz over a "fuzzy" pinyin key in which
zh/z, ch/c, sh/s, -ng/-n and l/n are merged, the usual confusions of dialect and IME).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from shebao.portal.search.text import is_han


@functools.lru_cache(maxsize=20000)
def syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a Chinese word (``ü`` written ``v``)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors="ignore", v_to_u=False))


def full(word: str) -> str:
    return "".join(syllables(word))


def initials(word: str) -> str:
    return "".join(s[0] for s in syllables(word) if s)


_FUZZY_RULES = [
    (re.compile(r"zh"), "z"),
    (re.compile(r"ch"), "c"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ng$"), "n"),
    (re.compile(r"^n"), "l"),
    (re.compile(r"^r"), "l"),
    (re.compile(r"^h(?=u)"), "f"),
]


@functools.lru_cache(maxsize=20000)
def _fuzzy_syllable(syl: str) -> str:
    for pattern, repl in _FUZZY_RULES:
        syl = pattern.sub(repl, syl)
    return syl


def fuzzy_key(word: str) -> str:
    return " ".join(_fuzzy_syllable(s) for s in syllables(word))


@dataclass(frozen=True)
class PhoneticMatch:
    start: int
    end: int
    term: str
    kind: str  # "pinyin" | "initials" | "homophone" | "near"


class Lexicon:
    """The vocabulary indexed by pinyin, initials and fuzzy key."""

    MAX_WORD = 8

    def __init__(
        self, vocabulary: Iterable[str], *, initials_vocabulary: Iterable[str] = (), avoid: Iterable[str] = ()
    ):
        """``avoid``: words an ambiguous set of initials should not be read as when another
        reading exists (the out-of-scope topics' words)."""
        self.avoid = frozenset(avoid)
        self.words: set[str] = {w for w in vocabulary if is_han(w) and 2 <= len(w) <= self.MAX_WORD}
        self.by_full: dict[str, set[str]] = defaultdict(set)
        self.by_fuzzy: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            self.by_full[full(word)].add(word)
            self.by_fuzzy[fuzzy_key(word)].add(word)
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        for word in initials_vocabulary:
            if is_han(word) and 2 <= len(word) <= self.MAX_WORD:
                self.by_initials[initials(word)].add(word)
        self.max_full = max((len(k) for k in self.by_full), default=0)
        self.max_initials = max((len(k) for k in self.by_initials), default=0)
        self._fuzzy_keys = list(self.by_fuzzy)

    # -- Latin input ---------------------------------------------------------------------
    def _segment(self, letters: str, index: dict[str, set[str]], longest: int) -> tuple[int, list[str]]:
        """Cover ``letters`` with index keys, maximising covered letters, then fewest pieces."""
        n = len(letters)
        # best[i] = (covered, -pieces, pieces) for letters[i:]
        best: list[tuple[int, int, list[str]]] = [(0, 0, [])] * (n + 1)
        for i in range(n - 1, -1, -1):
            skip = best[i + 1]
            cand = (skip[0], skip[1], skip[2])
            for j in range(min(n, i + longest), i + 1, -1):
                piece = letters[i:j]
                if piece in index:
                    rest = best[j]
                    option = (rest[0] + (j - i), rest[1] - 1, [piece, *rest[2]])
                    if option[:2] > cand[:2]:
                        cand = option
            best[i] = cand
        covered, _, pieces = best[0]
        return covered, pieces

    def from_latin(self, text: str) -> list[tuple[str, str]]:
        """Known words a Latin run may stand for: [(word, "pinyin"|"initials"), …].

        The run is first read as one string of pinyin (``shebaoka buban``, ``she bao ka``); when
        that covers too little of it, each space-separated token is read on its own, as pinyin
        or else as initials (``sbk``, ``tsgz``).
        """
        letters = re.sub(r"[^a-z]", "", text)
        if len(letters) < 2:
            return []
        covered, pieces = self._segment(letters, self.by_full, self.max_full)
        if pieces and covered >= 0.7 * len(letters):
            return [(w, "pinyin") for p in pieces for w in sorted(self.by_full[p])]
        out: list[tuple[str, str]] = []
        for token in text.split():
            if len(token) < 2 or len(token) > 30:
                continue
            covered, pieces = self._segment(token, self.by_full, self.max_full)
            if pieces and covered >= 0.7 * len(token):
                out.extend((w, "pinyin") for p in pieces for w in sorted(self.by_full[p]))
                continue
            if len(token) > 12:
                continue
            covered, pieces = self._segment(token, self.by_initials, self.max_initials)
            if covered == len(token) and all(len(p) >= 2 for p in pieces):
                for p in pieces:
                    found = sorted(self.by_initials[p])
                    preferred = [w for w in found if w not in self.avoid]
                    found = preferred or found  # sybx: 失业保险 rather than 生育保险
                    if len(found) <= 3:
                        out.extend((w, "initials") for w in found)
        return out

    # -- Han input -----------------------------------------------------------------------
    def exact_spans(self, text: str) -> list[tuple[int, int]]:
        spans = []
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + self.MAX_WORD), i + 1, -1):
                if text[i:j] in self.words:
                    spans.append((i, j))
                    break
        return spans

    def corrections(self, text: str, *, is_word, boundaries: set[int] | None = None) -> list[PhoneticMatch]:
        """Homophone and near-homophone typos in a Han run (no overlaps, longest first).

        A substring is read as a known word that sounds the same when: it is not itself a known
        word, nor (if two characters long) a common word of the language (事业 is a word, not a
        typo of 失业); it starts and ends on word boundaries of the run (``boundaries``, from the
        segmenter), so 养老保险怎(么) is never read as 养老保险费; every character it changes
        lies outside the known words found in the run; and it changes at most half its length.
        """
        n = len(text)
        covered = [False] * n
        for i, j in self.exact_spans(text):
            for k in range(i, j):
                covered[k] = True
        found: list[PhoneticMatch] = []
        taken = [False] * n
        for length in range(min(6, n), 1, -1):
            for i in range(0, n - length + 1):
                j = i + length
                if boundaries is not None and (i not in boundaries or j not in boundaries):
                    continue
                if any(taken[i:j]) or all(covered[i:j]):
                    continue
                sub = text[i:j]
                if not is_han(sub) or sub in self.words:
                    continue
                if length == 2 and is_word(sub):
                    continue
                match = self._sounds_like(sub)
                if match is None:
                    continue
                term, kind = match
                diff = [k for k in range(length) if sub[k] != term[k]]
                if not diff or len(diff) > max(1, length // 2):
                    continue
                if any(covered[i + k] for k in diff):
                    continue
                found.append(PhoneticMatch(i, j, term, kind))
                for k in range(i, j):
                    taken[k] = True
        return sorted(found, key=lambda m: m.start)

    def _sounds_like(self, sub: str) -> tuple[str, str] | None:
        for candidates in (self.by_full.get(full(sub)), self.by_fuzzy.get(fuzzy_key(sub))):
            if candidates:
                same_length = {w for w in candidates if len(w) == len(sub)}
                if same_length:
                    return self._pick(sub, same_length), "homophone"
        if len(sub) < 4:
            return None
        # Near-homophones (one syllable off by a letter: shen/she, lin/ling …), by rapidfuzz.
        key = fuzzy_key(sub)
        for hit_key, _score, _ in process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=85, limit=5):
            mine, theirs = key.split(), hit_key.split()
            if len(mine) != len(theirs):
                continue
            off = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b]
            if len(off) == 1 and fuzz.ratio(*off[0]) >= 75:
                candidates = {w for w in self.by_fuzzy[hit_key] if len(w) == len(sub)}
                if candidates:
                    return self._pick(sub, candidates), "near"
        return None

    @staticmethod
    def _pick(sub: str, candidates: set[str]) -> str:
        """Of several same-sounding words, the one sharing most characters with ``sub``."""
        return max(sorted(candidates), key=lambda w: (sum(a == b for a, b in zip(sub, w, strict=False)), -len(w)))
