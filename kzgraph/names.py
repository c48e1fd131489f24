"""Names that match across scripts, accents and transliterations: Shamei/Shamey/Шәмей, Fedosova/Fedossova.

``fold`` makes a name comparable (no case, no accents, Kazakh and Russian Cyrillic in Latin letters);
``key`` goes further and merges the spelling variants that transliteration produces, so that two
spellings of one name get the same key; ``variants`` spells a name the other ways it is commonly written,
for exact-label lookups where only exact matches are cheap (Wikidata's label index).

>>> key("Yergali Shamei") == key("Yergali Shamey") == key("Ерғали Шәмей") == key("Ергали Шамей")
True
>>> key("Dayana Fedosova") == key("Dayana Fedossova") == key("Даяна Федосова")
True
>>> fold("Château de Versailles"), fold("Ерғали Шәмей")
('chateau de versailles', 'yergali shamey')
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

__all__ = ["fold", "key", "key_word", "similarity", "variants"]

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
    # Kazakh letters beyond the Russian alphabet
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
_VOWELS = set("аеёиоуыэюяәөұүі")
_KEY_RULES = (("kh", "h"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("w", "v"), ("j", "i"), ("y", "i"))
_WORD = re.compile(r"[a-z0-9]+")
# Spelling alternatives a transliterated name is often written with: (pattern, replacement), both ways.
_ALTERNATIVES = [
    (r"ei$", "ey"), (r"ey$", "ei"),                              # Shamei / Shamey
    (r"^Ye", "E"), (r"^E", "Ye"),                                # Yergali / Ergali
    (r"([aeiou])s([aeiou])", r"\1ss\2"), (r"ss", "s"),         # Fedosova / Fedossova
    (r"ya", "ia"), (r"ia", "ya"), (r"yu", "iu"), (r"iu", "yu"),  # Degtyarev / Degtiarev
]


def _transliterate(text: str) -> str:
    out = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower == "ё":
            lower = "е"  # Дегтярёв is as often written Дегтярев, and romanised so: Degtyarev
        if lower == "е" and (not previous.isalpha() or previous in _VOWELS):
            out.append("ye")  # word-initial or after a vowel, as BGN/PCGN romanises it
        else:
            out.append(_CYRILLIC.get(lower, lower))
        previous = lower
    return "".join(out)


def fold(text: str) -> str:
    """Lower case, Latin letters, no accents, ё as е, words separated by one space."""
    if text.isascii():  # most names: the same answer, ten times faster
        return " ".join(_WORD.findall(text.lower()))
    latin = _transliterate(unicodedata.normalize("NFC", text))
    bare = "".join(c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare.casefold()))


def key_word(word: str) -> str:
    """The spelling key of one folded word."""
    for old, new in _KEY_RULES:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Fedossova → Fedosova
    if len(word) > 2 and word[0] == "i" and word[1] in "aeou":
        word = word[1:]  # Yergali / Ergali, Yerkin / Erkin
    return word


def key(text: str) -> str:
    """A spelling key: the folded text with transliteration variants merged."""
    return " ".join(key_word(w) for w in fold(text).split())


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
