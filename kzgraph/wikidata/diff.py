"""``diff``: our Paris medals that Wikidata lacks or states differently, and QuickStatements to add them.

Each exported statement is ``participant in`` (P1344) the Games, qualified with ``award received`` (P166),
``ranking`` (P1352) and ``point in time`` (P585) where known, and referenced to the article by its title
(S1476) and the day of export (S813). Rows that cannot be exported say why.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..api import KnowledgeGraph
from ..errors import DataError
from ..namespaces import WD
from ..results import SelectResult
from .snapshot import require_snapshot

__all__ = ["Diff", "diff"]


@dataclass(frozen=True)
class Diff:
    """The report (rows of ``wikidata-diff`` plus an ``export`` column) and the QuickStatements text."""

    report: SelectResult
    quickstatements: str


def _qid(value: object) -> str | None:
    return str(value)[len(WD):] if value is not None and str(value).startswith(WD) else None


def diff(kg: KnowledgeGraph, *, today: datetime.date | None = None) -> Diff:
    """Compare our Paris medals with the Wikidata snapshot; DataError when there is none (``kzgraph wikidata pull``)."""
    require_snapshot(kg)
    day = (today or datetime.date.today()).isoformat()
    rows = kg.select("wikidata-diff")
    lines, report = [], []
    for row in rows.to_dicts():
        item, award, games = _qid(row["item"]), _qid(row["award_item"]), _qid(row["games_item"])
        if row["status"] not in ("missing", "differs"):
            export = "nothing to add"
        elif not (item and award and games):
            export = "not exported: no Wikidata item for the " + ("award" if not award else "Games")
        else:
            statement = [item, "P1344", games, "P166", award, "P1352", str(row["ranking"])]
            date = row["date"]
            if date is not None:
                if not isinstance(date, datetime.date):
                    raise DataError(f"{row['medal']}: kz:medalDate {date!r} is not an xsd:date")
                statement += ["P585", f"+{date.isoformat()}T00:00:00Z/11"]
            if row["source_title"]:
                statement += ["S1476", 'en:"' + str(row["source_title"]).replace('"', "'") + '"']
            statement += ["S813", f"+{day}T00:00:00Z/11"]
            lines.append("|".join(statement))
            export = "exported"
        report.append((*tuple(row.values()), export))
    return Diff(SelectResult([*rows.columns, "export"], report), "".join(f"{line}\n" for line in lines))
