"""The Wikidata join: reconcile our entities with Wikidata items, pull a snapshot, diff our medals.

``reconcile`` finds candidates and keeps accepted links in graphs of their own; ``pull`` records what
Wikidata says about the linked items in a citable snapshot; ``diff`` lists the medals Wikidata lacks or
states differently, with QuickStatements to contribute them back.
"""

from __future__ import annotations

from .diff import Diff, diff
from .endpoint import DEFAULT_ENDPOINT, USER_AGENT, Endpoint
from .reconcile import THRESHOLD, Candidate, Entity, accept, links_trig, read_review, reconcile, unlinked, write_review
from .snapshot import SNAPSHOT_GRAPH, Pull, linked_items, pull

__all__ = ["DEFAULT_ENDPOINT", "USER_AGENT", "Endpoint", "THRESHOLD", "Candidate", "Entity", "accept",
           "links_trig", "read_review", "reconcile", "unlinked", "write_review", "SNAPSHOT_GRAPH", "Pull",
           "linked_items", "pull", "Diff", "diff"]
