"""Find resources by name: labels, alternative and hidden labels, tolerant of case, accents and transliteration.

Names come from the ``labels`` named query (with ``resource-types`` for the class of each resource). Each
name is folded and keyed by ``kzgraph.names`` (case, accents and scripts ignored, ё as е, transliteration
variants merged), so that *Shamey*, *Shamei*, *Шамей* and *Шәмей* meet, and so do *Fedossova* and
*Fedosova*. They are kept in an SQLite index with FTS5 (``build``), in a file beside an on-disk store or in
memory (``store``), and searched tier by tier (``rank``): exact name, other name or spelling, every word,
prefix, fuzzy.

>>> index = SearchIndex([Name("https://w3id.org/kzgraph/athlete/a", "Yergali Shamei", "label", "", "athlete"),
...                      Name("https://w3id.org/kzgraph/athlete/a", "Shamey", "hiddenLabel")])
>>> [(hit.label, hit.matched, hit.score) for hit in index.search("shamei")]
[('Yergali Shamei', 'Shamey', 0.91)]
>>> index.resolve("ЕРҒАЛИ ШӘМЕЙ")
['https://w3id.org/kzgraph/athlete/a']
"""

from .build import Name
from .rank import COLUMNS, Hit, SearchIndex

__all__ = ["COLUMNS", "Hit", "Name", "SearchIndex"]
