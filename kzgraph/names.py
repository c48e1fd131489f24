"""Names that match across scripts, accents and transliterations: Shamei/Shamey/Шәмей, Fedosova/Fedossova.

``fold`` makes a name comparable (no case, no accents, Kazakh and Russian Cyrillic in Latin letters);
``key`` goes further and merges the spelling variants that transliteration produces, so that two
spellings of one name get the same key; ``variants`` spells a name the other ways it is commonly written,
for exact-label lookups where only exact matches are cheap (Wikidata's label index).

>>> key("Yergali Shamei") == key("Yergali Shamey") == key("Ерғали Шәмей") == key("Ергали Шамей")
True
>>> key("Dayana Fedosova") == key("Dayana Fedossova") == key("Даяна Федосова")
True
>>> fold("Château de Versailles")
'chateau de versailles'
>>> sorted(variants("Yergali Shamei"))
['Ergali Shamei', 'Ergali Shamey', 'Yergali Shamei', 'Yergali Shamey']
>>> round(similarity("Degtyarev", "Degtiarev"), 2)
1.0
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from itertools import product

__all__ = ["fold", "key", "variants", "similarity"]

# Kazakh and Russian Cyrillic to Latin, as names are commonly transliterated in English texts.
_CYRILLIC = dict(zip(
    "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    ["a", "b", "v", "g", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "k", "l", "m", "n", "n", "o", "o",
     "p", "r", "s", "t", "u", "u", "u", "f", "kh", "h", "ts", "ch", "sh", "shch", "", "y", "i", "", "e",
     "yu", "ya"]))
_CYRILLIC["ә"] = "a"

# Spelling alternatives a transliterated name is often written with: (pattern, replacement), both ways.
_ALTERNATIVES = [
    (r"ei$", "ey"), (r"ey$", "ei"),                              # Shamei / Shamey
    (r"^Ye", "E"), (r"^E", "Ye"),                                # Yergali / Ergali
    (r"([aeiou])s([aeiou])", r"\1ss\2"), (r"ss", "s"),         # Fedosova / Fedossova
    (r"ya", "ia"), (r"ia", "ya"), (r"yu", "iu"), (r"iu", "yu"),  # Degtyarev / Degtiarev
]


def fold(text: str) -> str:
    """Lower case, accents removed, Cyrillic transliterated, punctuation turned to single spaces."""
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text.casefold())
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def key(text: str) -> str:
    """A key shared by the usual spellings of one name: y→i, ye/ie at a word's start → e, kh→h, no double letters."""
    words = []
    for word in fold(text).split():
        word = word.replace("kh", "h").replace("y", "i")
        word = re.sub(r"^ie", "e", word)
        word = re.sub(r"(.)\1+", r"\1", word)
        words.append(word)
    return " ".join(words)


def variants(name: str) -> set[str]:
    """The name and its common alternative spellings (each alternative applied or not, word by word)."""
    options = []
    for word in name.split():
        spelled = {word}
        for pattern, replacement in _ALTERNATIVES:
            spelled |= {re.sub(pattern, replacement, w) for w in spelled}
        options.append(sorted(spelled))
    return {" ".join(words) for words in product(*options) if key(" ".join(words)) == key(name)}


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0 to 1, after ``key``: 1.0 for two spellings of one name."""
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return 0.0
    return SequenceMatcher(None, ka, kb).ratio()
