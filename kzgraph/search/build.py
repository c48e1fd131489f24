"""The search index as an SQLite database: its schema, how names fill it, and how it is kept in a file.

Each name is stored with its folded text (``kzgraph.names.fold``), the spelling keys of its words, and its
spelling key (those run together: *SHA-256*, *sha256* and *Sha 256* share one); the first and the last are
indexed, so the exact-name and other-spelling tiers are two index lookups. An FTS5 table holds the folded
words and their keys for word and prefix matching; ``near`` holds each key's one-letter deletions (a SymSpell
neighbourhood) for fuzzy matching. Names are inserted best first (fewest words, main label before other names), so that
FTS5, which returns rows in rowid order, gives the best candidates of a tier first.

A file is written whole or not at all: built in memory, copied to a temporary file beside its place,
then renamed into place; it is never changed afterwards, and is opened read-only and immutable.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from ..errors import BackendError
from ..names import fold, key_word

__all__ = ["FUZZY_MIN", "KINDS", "Name", "build", "deletions", "open_file", "save"]

KINDS = {"label": 0, "altLabel": 1, "hiddenLabel": 2}
FUZZY_MIN = 4  # keys shorter than this are never matched fuzzily (qqqq → k)
_VERSION = "2"
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, label TEXT, type TEXT);
CREATE TABLE names(id INTEGER PRIMARY KEY, resource INTEGER NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL,
                   folded TEXT NOT NULL, keys TEXT NOT NULL, keyed TEXT NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(terms, content='', detail='none', prefix='2 3', tokenize='ascii');
CREATE TABLE near(variant TEXT NOT NULL, word TEXT NOT NULL);
"""
_INDEXES = """
CREATE UNIQUE INDEX resources_iri ON resources(iri);
CREATE INDEX names_folded ON names(folded);
CREATE INDEX names_keyed ON names(keyed);
CREATE INDEX near_variant ON near(variant);
"""


class Name(NamedTuple):
    """One name of a resource: ``kind`` is label, altLabel or hiddenLabel; ``type`` the label of its class."""

    resource: str
    name: str
    kind: str = "label"
    lang: str = ""
    type: str | None = None


def deletions(word: str) -> set[str]:
    """The word and every word one letter shorter: two words within one edit share one of these."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def build(names: Iterable[Name]) -> sqlite3.Connection:
    """A new in-memory index of ``names`` (resources outside the names keep no row)."""
    keys: dict[str, str] = {}
    rows: list[tuple[int, int, str, str, str, str, str, int]] = []
    resources: dict[str, int] = {}
    labels: dict[str, tuple[bool, str]] = {}
    types: dict[str, str] = {}
    for name in names:
        folded = fold(name.name)
        if not folded:
            continue
        words = folded.split()
        word_keys = []
        for word in words:
            word_key = keys.get(word)
            if word_key is None:
                word_key = keys[word] = key_word(word)
            word_keys.append(word_key)
        number = resources.setdefault(name.resource, len(resources) + 1)
        kind = KINDS.get(name.kind, 2)
        terms = " ".join(dict.fromkeys(words + word_keys))
        rows.append((len(words), kind, folded, name.name, " ".join(word_keys), "".join(word_keys), terms, number))
        if kind == 0 and (name.resource not in labels or (not labels[name.resource][0] and name.lang in ("en", ""))):
            labels[name.resource] = (name.lang in ("en", ""), name.name)
        if name.type and name.resource not in types:
            types[name.resource] = name.type
    rows.sort()
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO meta VALUES ('version', ?)", (_VERSION,))
    db.executemany("INSERT INTO resources VALUES (?, ?, ?, ?)",
                   ((number, iri, labels[iri][1] if iri in labels else None, types.get(iri))
                    for iri, number in resources.items()))
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ((i, row[7], row[3], row[1], row[2], row[4], row[5]) for i, row in enumerate(rows, 1)))
    db.executemany("INSERT INTO words(rowid, terms) VALUES (?, ?)", ((i, row[6]) for i, row in enumerate(rows, 1)))
    db.executemany("INSERT INTO near VALUES (?, ?)", sorted(_neighbourhoods(set(keys.values()))))
    db.executescript(_INDEXES)
    db.execute("INSERT INTO words(words) VALUES ('optimize')")
    db.commit()
    return db


def _neighbourhoods(words: set[str]) -> set[tuple[str, str]]:
    return {(variant, word) for word in words if len(word) >= FUZZY_MIN for variant in deletions(word)}


def save(db: sqlite3.Connection, path: str) -> None:
    """Write ``db`` to ``path`` whole or not at all (a temporary file beside it, then a rename)."""
    partial = f"{path}.{os.getpid()}.partial"
    try:
        target = sqlite3.connect(partial)
        try:
            db.backup(target)
        finally:
            target.close()
        with open(partial, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except (OSError, sqlite3.Error) as exc:
        try:
            os.remove(partial)
        except OSError:
            pass
        raise BackendError(f"cannot write the search index {path}: {exc}") from exc


def open_file(path: str) -> sqlite3.Connection | None:
    """The index at ``path``, read-only; None when there is none (or it is not a whole, current one)."""
    if not os.path.isfile(path):
        return None
    from urllib.parse import quote

    try:
        db = sqlite3.connect(f"file:{quote(path)}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.Error:
        return None
    if version != (_VERSION,):
        db.close()
        return None
    return db
