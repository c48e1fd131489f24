"""Find resources by name: labels, alternative and hidden labels, tolerant of case, accents and transliteration.

Names come from the ``labels`` named query. Each name is folded and keyed by ``kzgraph.names`` (case,
accents and scripts ignored, transliteration variants merged), so that *Shamey*, *Shamei*, *Шамей* and
*Шәмей* meet, and so do *Fedossova* and *Fedosova*. Results are ranked: an exact name first, then a
transliteration variant, then every word matched (whole, by key, as a prefix, or nearly), a main label
before an alternative or hidden one.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections import namedtuple
from decimal import Decimal
from difflib import SequenceMatcher

from .names import fold, key_word
from .results import SelectResult
from .terms import IRI

__all__ = ["Name", "Hit", "SearchIndex", "COLUMNS"]

COLUMNS = ["resource", "label", "type", "matched", "score"]
_KIND_WEIGHT = {"label": 1.0, "altLabel": 0.92, "hiddenLabel": 0.9}
_MIN_SCORE = 0.5


class Name(namedtuple("Name", "resource name kind lang type", defaults=("label", "", None))):
    """One name of a resource (resource, name, kind, lang, type): ``kind`` is label, altLabel or hiddenLabel."""

    __slots__ = ()


class Hit(namedtuple("Hit", "resource label type matched score")):
    """A resource found: its main label, class label, the name that matched, and a score in (0, 1]."""

    __slots__ = ()


class _Entry:
    __slots__ = ("name", "folded", "words", "keys", "weight")

    def __init__(self, name: Name) -> None:
        self.name = name
        self.folded = fold(name.name)
        self.words = self.folded.split()
        self.keys = [key_word(w) for w in self.words]
        self.weight = _KIND_WEIGHT.get(name.kind, 0.85)


def _word_score(word: str, word_key: str, entry: _Entry) -> tuple[float, int]:
    """How well one query word matches the entry's best word, and which word that is."""
    best, at = 0.0, -1
    for i, (candidate, candidate_key) in enumerate(zip(entry.words, entry.keys)):
        if candidate == word:
            score = 1.0
        elif candidate_key == word_key:
            score = 0.92
        elif len(word) >= 2 and (candidate.startswith(word) or candidate_key.startswith(word_key)):
            score = 0.6 + 0.3 * len(word) / len(candidate)
        elif len(word_key) >= 4:
            ratio = SequenceMatcher(None, word_key, candidate_key).ratio()
            score = 0.75 * ratio if ratio >= 0.8 else 0.0
        else:
            score = 0.0
        if score > best:
            best, at = score, i
    return best, at


def _score(words: list[str], keys: list[str], folded: str, entry: _Entry) -> float:
    if entry.folded == folded:
        return entry.weight
    if entry.keys == keys:
        return 0.95 * entry.weight
    total, used = 0.0, set()
    for word, word_key in zip(words, keys):
        score, at = _word_score(word, word_key, entry)
        if score == 0.0:
            return 0.0  # every word of the query must match
        total += score
        used.add(at)
    coverage = len(used) / len(entry.words)
    return 0.9 * (total / len(words)) * (0.75 + 0.25 * coverage) * entry.weight


class SearchIndex:
    """The names of a dataset, ready to search. Build it from the rows of the ``labels`` query."""

    def __init__(self, names: Iterable[Name]) -> None:
        self._entries: list[_Entry] = []
        self._labels: dict[str, str] = {}
        self._types: dict[str, str] = {}
        for name in names:
            entry = _Entry(name)
            if entry.words:
                self._entries.append(entry)
            if name.kind == "label" and (name.resource not in self._labels or name.lang in ("en", "")):
                self._labels[name.resource] = name.name
            if name.type and name.resource not in self._types:
                self._types[name.resource] = name.type

    @classmethod
    def from_result(cls, result: SelectResult) -> SearchIndex:
        """From the ``labels`` query: resource, name, kind, lang, type."""
        return cls(Name(str(r), str(n), str(k), str(lang or ""), str(t) if t else None)
                   for r, n, k, lang, t in result)

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, text: str, *, limit: int = 20) -> list[Hit]:
        """The best matches for ``text``, best first (at most ``limit``); none for an empty text."""
        folded = fold(text)
        words = folded.split()
        if not words:
            return []
        keys = [key_word(w) for w in words]
        best: dict[str, tuple[float, str]] = {}
        for entry in self._entries:
            score = _score(words, keys, folded, entry)
            resource = entry.name.resource
            if score >= _MIN_SCORE and score > best.get(resource, (0.0, ""))[0]:
                best[resource] = (score, entry.name.name)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], self._labels.get(kv[0], kv[0]).casefold()))
        return [Hit(resource, self._labels.get(resource, resource), self._types.get(resource), matched,
                    round(score, 3)) for resource, (score, matched) in ranked[:limit]]

    def result(self, text: str, *, limit: int = 20) -> SelectResult:
        """``search`` as a table: resource, label, type, matched, score."""
        return SelectResult(COLUMNS, [(IRI(h.resource), h.label, h.type, h.matched, Decimal(str(h.score)))
                                      for h in self.search(text, limit=limit)])
