"""Find resources by name: labels, alternative and hidden labels, tolerant of case, accents and transliteration.

Names come from the ``labels`` named query. Each name is folded (case, accents, Cyrillic and Kazakh letters
transliterated to Latin) and keyed (spelling variants that transliteration produces merged: y/i/j, doubled
letters, kh/h…), so that *Shamey*, *Shamei*, *Шамей* and *Шәмей* meet, and so do *Fedossova* and
*Fedosova*. Results are ranked: an exact name first, then a transliteration variant, then every word
matched (whole, by key, as a prefix, or nearly), a main label before an alternative or hidden one.

>>> fold("Ерғали Шәмей")
'yergali shamey'
>>> key("Yergali Shamey") == key("Yergali Shamei") == key("Ерғали Шәмей")
True
>>> key("Fedossova") == key("Fedosova")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from .results import SelectResult
from .terms import IRI

__all__ = ["fold", "key", "Name", "Hit", "SearchIndex", "COLUMNS"]

COLUMNS = ["resource", "label", "type", "matched", "score"]
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
    # Kazakh letters beyond the Russian alphabet
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
_VOWELS = set("аеёиоуыэюяәөұүі")
_KEY_RULES = (("kh", "h"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("w", "v"), ("j", "i"), ("y", "i"))
_WORD = re.compile(r"[a-z0-9]+")
_KIND_WEIGHT = {"label": 1.0, "altLabel": 0.92, "hiddenLabel": 0.9}
_MIN_SCORE = 0.5


def _transliterate(text: str) -> str:
    out = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower == "е" and (not previous.isalpha() or previous in _VOWELS):
            out.append("ye")  # word-initial or after a vowel, as BGN/PCGN romanises it
        else:
            out.append(_CYRILLIC.get(lower, lower))
        previous = lower
    return "".join(out)


def fold(text: str) -> str:
    """Lower case, Latin letters, no accents, words separated by one space."""
    latin = _transliterate(unicodedata.normalize("NFC", text))
    bare = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare.casefold()))


def _key_word(word: str) -> str:
    for old, new in _KEY_RULES:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Fedossova → Fedosova
    if len(word) > 2 and word[0] == "i" and word[1] in "aeou":
        word = word[1:]  # Yergali / Ergali, Yerkin / Erkin
    return word


def key(text: str) -> str:
    """A spelling key: the folded text with transliteration variants merged."""
    return " ".join(_key_word(w) for w in fold(text).split())


@dataclass(frozen=True)
class Name:
    """One name of a resource: ``kind`` is label, altLabel or hiddenLabel."""

    resource: str
    name: str
    kind: str = "label"
    lang: str = ""
    type: str | None = None


@dataclass(frozen=True)
class Hit:
    """A resource found: its main label, class label, the name that matched, and a score in (0, 1]."""

    resource: str
    label: str
    type: str | None
    matched: str
    score: float


class _Entry:
    __slots__ = ("name", "folded", "words", "keys", "weight")

    def __init__(self, name: Name) -> None:
        self.name = name
        self.folded = fold(name.name)
        self.words = self.folded.split()
        self.keys = [_key_word(w) for w in self.words]
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
        keys = [_key_word(w) for w in words]
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
