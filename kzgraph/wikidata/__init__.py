"""The Wikidata join: reconcile our entities with Wikidata items, pull a snapshot, diff our medals.

``reconcile`` finds candidates and keeps accepted links in graphs of their own; ``pull`` records what
Wikidata says about the linked items in a citable snapshot; ``diff`` lists the medals Wikidata lacks or
states differently, with QuickStatements to contribute them back.
"""

from __future__ import annotations

from .diff import Diff, diff
from .endpoint import DEFAULT_ENDPOINT, RETRIES, TIMEOUT, USER_AGENT, Endpoint
from .reconcile import (
    LINKS_FILE,
    THRESHOLD,
    Candidate,
    Entity,
    accept,
    links_trig,
    read_review,
    reconcile,
    unlinked,
    write_review,
)
from .snapshot import (
    NO_SNAPSHOT,
    SNAPSHOT_FILE,
    SNAPSHOT_GRAPH,
    Pull,
    has_snapshot,
    linked_items,
    pull,
    require_snapshot,
    write_atomically,
)

__all__ = [
    "DEFAULT_ENDPOINT",
    "LINKS_FILE",
    "NO_SNAPSHOT",
    "RETRIES",
    "SNAPSHOT_FILE",
    "SNAPSHOT_GRAPH",
    "THRESHOLD",
    "TIMEOUT",
    "USER_AGENT",
    "Candidate",
    "Diff",
    "Endpoint",
    "Entity",
    "Pull",
    "accept",
    "diff",
    "has_snapshot",
    "linked_items",
    "links_trig",
    "pull",
    "read_review",
    "reconcile",
    "require_snapshot",
    "unlinked",
    "write_atomically",
    "write_review",
]
