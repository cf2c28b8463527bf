"""Highlighting: split a text into plain and matched parts (plain Python, safe for templates).

    >>> segments("社会保障卡补换卡办理", ["补换卡"])
    [('社会保障卡', False), ('补换卡', True), ('办理', False)]

A template renders each part escaped, wrapping the matched ones in ``<mark>``.
"""

from __future__ import annotations

from collections.abc import Iterable


def segments(text: str, words: Iterable[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, matched) pieces; longer words win where matches overlap."""
    text = text or ""
    marked = [False] * len(text)
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        start = text.find(word)
        while start >= 0:
            for k in range(start, start + len(word)):
                marked[k] = True
            start = text.find(word, start + len(word))
    out: list[tuple[str, bool]] = []
    for ch, m in zip(text, marked, strict=True):
        if out and out[-1][1] == m:
            out[-1] = (out[-1][0] + ch, m)
        else:
            out.append((ch, m))
    return out
