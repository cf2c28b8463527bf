"""Word segmentation with jieba: one tokenizer per process, loaded lazily, logging silenced.

The tokenizer is shared by every index built in the process; each index adds its vocabulary
(the catalog's keywords, the synonym table …) as user words so that 社保卡, 城居保 or 被征地 stay
whole. Adding words only refines segmentation, so sharing is harmless; it is done under a lock.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

_lock = threading.Lock()
_tokenizer = None
_known_words: set[str] = set()

# Number + unit tokens that carry meaning on their own (60岁, 15年, 5级); bare digits are noise.
_UNIT_RE = re.compile(r"\d+(?:岁|年|级)")
_DIGITS_RE = re.compile(r"\d+")


def get_tokenizer():
    """The process-wide jieba tokenizer, initialised on first use (about half a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Make jieba keep these words whole (idempotent)."""
    tok = get_tokenizer()
    new = [w for w in words if w and len(w) >= 2 and w not in _known_words]
    if not new:
        return
    with _lock:
        for word in new:
            if word in _known_words:
                continue
            # A frequency above the dictionary's common words, so the user word wins.
            tok.add_word(word, freq=max(tok.FREQ.get(word) or 0, 20000))
            _known_words.add(word)


def is_dictionary_word(text: str) -> bool:
    """True when jieba's own dictionary knows ``text`` as a word (not just as a prefix)."""
    return bool(get_tokenizer().FREQ.get(text))


def tokens(text: str) -> list[str]:
    """Search-mode tokens of normalised text: words and their sub-words, plus 60岁 / 15年 units."""
    tok = get_tokenizer()
    out = _UNIT_RE.findall(text)
    rest = _UNIT_RE.sub(" ", text)
    for part in rest.split():
        for word in tok.cut_for_search(part, HMM=False):
            word = word.strip()
            if not word:
                continue
            if _DIGITS_RE.fullmatch(word) and len(word) < 4:
                continue
            out.append(word)
    return out


def words(text: str) -> list[str]:
    """Plain (non search-mode) segmentation, for building the vocabulary."""
    tok = get_tokenizer()
    out: list[str] = []
    for part in text.split():
        out.extend(w for w in tok.cut(part, HMM=False) if w.strip())
    return out


def boundaries(text: str) -> set[int]:
    """Offsets in ``text`` where a word starts or ends (precise mode, no HMM)."""
    tok = get_tokenizer()
    out = {0}
    pos = 0
    for word in tok.cut(text, HMM=False):
        pos += len(word)
        out.add(pos)
    return out
