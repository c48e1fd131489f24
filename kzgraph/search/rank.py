"""Searching the index: tiers tried best first, each a few index lookups, so a search costs milliseconds.

1. exact name: the folded text is a main label's (score 1.0) or another name's (0.95);
2. other spelling: the spelling key is a name's (0.93 for a main label, 0.91 for another name);
3. words: every word of the text is a whole word of the name, or has its key (0.70 to 0.89);
4. prefix: every word begins a word of the name (0.55 to 0.69);
5. fuzzy: every word is a word of the name, begins one, or is one edit from one (0.40 to 0.54).

Within tiers 3 to 5 the score grows with the share of the name's words matched and how closely, so that
*judo* ranks the sport *para judo* before a medal's long label. A resource appears once, with its best name.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from ..names import fold, key_word
from ..results import SelectResult
from ..terms import IRI
from .build import FUZZY_MIN, Name, build, deletions

__all__ = ["COLUMNS", "Hit", "SearchIndex"]

COLUMNS = ["resource", "label", "type", "matched", "score"]
_EXACT = (1.0, 0.95)  # main label, other name
_SPELLING = (0.93, 0.91)
_TIERS = {"words": (0.70, 0.19), "prefix": (0.55, 0.14), "fuzzy": (0.40, 0.14)}  # base, span
_WORD_SCORE = {"whole": 1.0, "key": 0.92, "near": 0.75}
_KEY_MIN = 3  # shorter keys match only as a whole word's key (kkkk → k matches nothing)


class Hit(NamedTuple):
    """A resource found: its main label, class label, the name that matched, and a score in (0, 1]."""

    resource: str
    label: str
    type: str | None
    matched: str
    score: float


class _Query:
    """The words of a search text, with their keys and, when asked, the keys one edit away."""

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self.words = self.folded.split()
        self.keys = [key_word(w) for w in self.words]
        self.keyed = "".join(self.keys)
        self.near: list[set[str]] = []

    def match(self, tier: str) -> str | None:
        """The FTS5 query of a tier: every word, as itself, its key, a prefix or a near key."""
        groups = []
        for i, (word, word_key) in enumerate(zip(self.words, self.keys, strict=False)):
            terms = {f'"{word}"'}
            if len(word_key) >= _KEY_MIN:
                terms.add(f'"{word_key}"')
            if tier == "prefix" and len(word) >= 2:
                terms.add(f'"{word}"*')
                if len(word_key) >= _KEY_MIN:
                    terms.add(f'"{word_key}"*')
            if tier == "fuzzy":
                terms |= {f'"{w}"' for w in self.near[i]}
            groups.append("(" + " OR ".join(sorted(terms)) + ")")
        return " AND ".join(groups)

    def score(self, folded: str, keys_text: str, kind: int) -> float:
        """How well a name (folded, and its words' keys) matches in the tier it falls in: 0 when a word
        does not match."""
        words = folded.split()
        keys = keys_text.split()
        total, used, tier = 0.0, set(), "words"
        for i, (word, word_key) in enumerate(zip(self.words, self.keys, strict=False)):
            best, at, how = 0.0, -1, ""
            for j, (candidate, candidate_key) in enumerate(zip(words, keys, strict=False)):
                score, match = _word_match(word, word_key, candidate, candidate_key,
                                           self.near[i] if self.near else set())
                if score > best:
                    best, at, how = score, j, match
            if best == 0.0:
                return 0.0
            if how == "near":
                tier = "fuzzy"
            elif how == "prefix" and tier == "words":
                tier = "prefix"
            total += best
            used.add(at)
        base, span = _TIERS[tier]
        coverage = len(used) / len(words)
        return base + span * (total / len(self.words)) * (0.6 + 0.4 * coverage) * (1.0 if kind == 0 else 0.97)


def _word_match(word: str, word_key: str, candidate: str, candidate_key: str, near: set[str]) -> tuple[float, str]:
    if candidate == word:
        return _WORD_SCORE["whole"], "whole"
    if candidate_key == word_key and len(word_key) >= _KEY_MIN:
        return _WORD_SCORE["key"], "key"
    if (len(word) >= 2 and candidate.startswith(word)) or (len(word_key) >= _KEY_MIN
                                                          and candidate_key.startswith(word_key)):
        return 0.5 + 0.5 * len(word) / len(candidate), "prefix"
    if candidate_key in near:
        return _WORD_SCORE["near"], "near"
    return 0.0, ""


class SearchIndex:
    """The names of a dataset in an SQLite index, ready to search: built in memory from ``names``, or
    an index ``db`` already built (``path``: the file it was opened from, if any)."""

    def __init__(self, names: Iterable[Name] = (), *, db: sqlite3.Connection | None = None,
                 path: str | None = None) -> None:
        self._db = db if db is not None else build(names)
        self.path = path
        self._lock = threading.Lock()  # one connection, used by the web server's worker threads

    def __len__(self) -> int:
        """The number of names."""
        return int(self._fetch("SELECT COUNT(*) FROM names")[0][0])

    def close(self) -> None:
        """Release the database."""
        self._db.close()

    def _fetch(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def resolve(self, text: str) -> list[str]:
        """The IRIs (sorted) of the resources with a name equal to ``text`` once folded (case, accents,
        scripts, ё/е), else with a name of the same spelling key (Fedossova, Shamey); [] when none."""
        query = _Query(text)
        if not query.words:
            return []
        for column, value in (("folded", query.folded), ("keyed", query.keyed)):
            rows = self._fetch(f"SELECT DISTINCT r.iri FROM names n JOIN resources r ON r.id = n.resource "
                               f"WHERE n.{column} = ? ORDER BY r.iri", (value,))
            if rows:
                return [str(row[0]) for row in rows]
        return []

    def search(self, text: str, *, limit: int = 20) -> list[Hit]:
        """The best matches for ``text``, best first (at most ``limit``); none for an empty text."""
        query = _Query(text)
        if not query.words or limit < 1:
            return []
        best: dict[int, tuple[float, str]] = {}

        def keep(resource: int, score: float, name: str) -> None:
            if score > best.get(resource, (0.0, ""))[0]:
                best[resource] = (score, name)

        for column, value, scores in (("folded", query.folded, _EXACT), ("keyed", query.keyed, _SPELLING)):
            for resource, name, kind in self._fetch(
                    f"SELECT resource, name, kind FROM names WHERE {column} = ?", (value,)):
                keep(int(resource), scores[min(int(kind), 1)], str(name))
        for tier in _TIERS:
            if len(best) >= limit:
                break
            if tier == "fuzzy":
                query.near = [self._near(k) if len(k) >= FUZZY_MIN else set() for k in query.keys]
                if not any(query.near):
                    break
            rows = self._fetch("SELECT n.resource, n.name, n.kind, n.folded, n.keys FROM words JOIN names n "
                               "ON n.id = words.rowid WHERE words MATCH ? LIMIT ?", (query.match(tier), 2 * limit + 10))
            for resource, name, kind, folded, keys in rows:
                score = query.score(str(folded), str(keys), int(kind))
                if score:
                    keep(int(resource), score, str(name))
        return self._hits(best, limit)

    def _near(self, word_key: str) -> set[str]:
        variants = sorted(deletions(word_key))
        marks = ", ".join("?" * len(variants))
        return {str(row[0]) for row in self._fetch(f"SELECT DISTINCT word FROM near WHERE variant IN ({marks})",
                                                   tuple(variants))}

    def _hits(self, best: dict[int, tuple[float, str]], limit: int) -> list[Hit]:
        if not best:
            return []
        marks = ", ".join("?" * len(best))
        rows = {int(r[0]): (str(r[1]), r[2], r[3]) for r in self._fetch(
            f"SELECT id, iri, label, type FROM resources WHERE id IN ({marks})", tuple(best))}
        hits = [Hit(iri, str(label or iri), str(kind) if kind else None, name, round(score, 3))
                for number, (score, name) in best.items() for iri, label, kind in (rows[number],)]
        hits.sort(key=lambda h: (-h.score, h.label.casefold(), h.resource))
        return hits[:limit]

    def entity(self, iri: str) -> tuple[str, str | None] | None:
        """The main label and class label of a resource that has a name, else None."""
        rows = self._fetch("SELECT label, type FROM resources WHERE iri = ?", (iri,))
        if not rows:
            return None
        label, kind = rows[0]
        return str(label or iri), str(kind) if kind else None

    def result(self, text: str, *, limit: int = 20) -> SelectResult:
        """``search`` as a table: resource, label, type, matched, score."""
        return SelectResult(COLUMNS, [(IRI(h.resource), h.label, h.type, h.matched, Decimal(str(h.score)))
                                      for h in self.search(text, limit=limit)])
