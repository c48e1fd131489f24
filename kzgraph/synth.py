"""Synthetic data in the ontology's shape, for benchmarks and tests (``kzgraph synth``).

One synthetic Games has what a real summer Paralympics has: about 4,400 athletes from 170 delegations,
22 sports, 549 medal events and about 1,650 medals, with a Zipf-like skew (a few delegations send many
athletes and win most medals). ``triples`` asks for many Games until the count is reached. Output is
TriG, one named graph per Games plus one for what the Games share (countries, sports, classes), each
described in kzg:provenance as a ``kz:SyntheticGraph`` with the generator run and its seed, so the SHACL
shapes and the check queries hold. Every IRI slug starts with ``synth-``: synthetic data loaded beside
the article's changes none of the article's answers.

Deterministic: the same arguments give the same bytes. Streaming: one Games is in memory at a time.

>>> import io
>>> out = io.StringIO()
>>> summary = write(out, games=2, scale=0.02, seed=7)
>>> (summary.games, summary.triples == out.getvalue().count("\\n    "))
(2, True)
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from .errors import UsageError
from .namespaces import BASE, GRAPH
from .namespaces import PREFIXES as NS_PREFIXES

__all__ = ["DEFAULT_SEED", "Summary", "generate", "parse_count", "write"]

DEFAULT_SEED = 2024
ATHLETES, COUNTRIES, VENUES = 4400, 170, 15
ZIPF = 1.1  # weight of the delegation ranked r is 1 / r**ZIPF
RETURNING = 0.3  # share of a delegation's athletes who were at the previous Games

# slug, label, medal events at a full Games, kind: weight categories, sport classes or team; result unit
SPORTS = [
    ("para-athletics", "para athletics", 164, "class", "m"), ("para-swimming", "para swimming", 141, "class", "s"),
    ("para-cycling", "para cycling", 51, "class", "s"), ("para-table-tennis", "para table tennis", 31, "class", None),
    ("para-powerlifting", "para powerlifting", 20, "weight", "kg"), ("para-archery", "para archery", 9, "class", "pts"),
    ("para-badminton", "para badminton", 16, "class", None), ("boccia", "boccia", 11, "class", None),
    ("para-canoe", "para canoe", 10, "class", "s"), ("para-equestrian", "para equestrian", 11, "class", "pts"),
    ("para-judo", "para judo", 16, "weight", None), ("para-rowing", "para rowing", 5, "class", "s"),
    ("shooting-para-sport", "shooting para sport", 13, "class", "pts"),
    ("para-taekwondo", "para taekwondo", 10, "weight", None), ("para-triathlon", "para triathlon", 11, "class", "s"),
    ("wheelchair-fencing", "wheelchair fencing", 16, "class", None),
    ("wheelchair-tennis", "wheelchair tennis", 6, "class", None),
    ("sitting-volleyball", "sitting volleyball", 2, "team", None), ("goalball", "goalball", 2, "team", None),
    ("wheelchair-basketball", "wheelchair basketball", 2, "team", None),
    ("wheelchair-rugby", "wheelchair rugby", 1, "team", None), ("blind-football", "blind football", 1, "team", None),
]
UNITS = {"m": "<http://qudt.org/vocab/unit/M>", "s": "<http://qudt.org/vocab/unit/SEC>", "kg": "<http://qudt.org/vocab/unit/KiloGM>",
         "pts": "kz:Point"}  # QUDT units; kz:Point is the one unit of kzgraph's own
TWO_BRONZES = {"para-judo", "para-taekwondo"}
CLASSES = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"]
WEIGHTS = {"Men": [49, 54, 59, 65, 72, 80, 88, 97, 107], "Women": [41, 45, 50, 55, 61, 67, 73, 79, 86]}
SYLLABLES = ["ka", "ra", "lo", "mi", "ne", "ta", "su", "vo", "ze", "ly", "dar", "bek", "an", "el", "is", "or",
             "ul", "ya", "sha", "ti", "no", "ga", "re", "mo", "li", "sa", "ven", "dor", "ku", "pe"]

#: Resource namespaces of the generated data, each ``https://w3id.org/kzgraph/<kind>/``.
KINDS = ("athlete", "medal", "event", "sport", "venue", "games", "delegation", "country", "city", "record", "class")
#: The Turtle prefixes the generated data uses: kzgraph's own (``namespaces.PREFIXES``) and its resource kinds.
PREFIXES = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in (
    *((name, NS_PREFIXES[name]) for name in ("kz", "kzg", "rdfs", "xsd", "prov", "schema")),
    ("sg", f"{GRAPH}synthetic/"),
    *((kind, f"{BASE}{kind}/") for kind in KINDS)))


@dataclass
class Summary:
    """What ``write`` produced."""

    games: int = 0
    triples: int = 0
    athletes: int = 0
    events: int = 0
    medals: int = 0


def parse_count(text: str) -> int:
    """``100k``, ``1M``, ``10M`` or a plain number as an int.

    >>> parse_count("100k"), parse_count("1M"), parse_count("2500")
    (100000, 1000000, 2500)
    """
    raw = text.strip().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(raw[-1:].lower(), 1)
    digits = raw[:-1] if factor > 1 else raw
    if not digits.isdigit() or int(digits) * factor <= 0:
        raise UsageError(f"expected a positive count such as 100k, 1M or 10M, got {text!r}")
    return int(digits) * factor


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


class _Block:
    """The lines of one graph block; ``t`` adds one triple."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"    {s} {p} {o} .\n")

    def text(self, graph: str) -> str:
        return f"{graph} {{\n{''.join(self.lines)}}}\n"


def _lit(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


class _World:
    """What every Games shares: countries (in Zipf order), sports, sport classes, the series."""

    def __init__(self, seed: int, scale: float) -> None:
        rng = random.Random(seed)
        n = max(3, min(COUNTRIES, round(COUNTRIES * min(1.0, scale * 5))))
        names: dict[str, str] = {}
        while len(names) < n:
            name = _name(rng, rng.randint(2, 3))
            names.setdefault(f"synth-{_slug(name)}", name)
        self.countries = list(names.items())  # first = biggest
        self.weights = [1 / (rank + 1) ** ZIPF for rank in range(n)]
        self.sports = SPORTS
        self.seed, self.scale = seed, scale

    def block(self) -> _Block:
        b = _Block()
        b.t("games:synth-summer-games", "a", "kz:GamesSeries")
        b.t("games:synth-summer-games", "rdfs:label", _lit("Synthetic Summer Games"))
        for slug, name in self.countries:
            b.t(f"country:{slug}", "a", "kz:Country")
            b.t(f"country:{slug}", "rdfs:label", _lit(name))
        for slug, label, _events, kind, _unit in self.sports:
            b.t(f"sport:synth-{slug}", "a", "kz:Sport")
            b.t(f"sport:synth-{slug}", "rdfs:label", _lit(f"{label} (synthetic)"))
            if kind == "class":
                for code in CLASSES:
                    klass = f"class:synth-{slug}-{code}"
                    b.t(klass, "a", "kz:SportClass")
                    b.t(klass, "rdfs:label", _lit(f"{slug[:2].upper()}{code}"))
        return b


def _games(world: _World, number: int, previous: dict[str, list[tuple[str, str, str, str]]],
           summary: Summary, scale: float) -> tuple[_Block, dict[str, list[tuple[str, str, str, str]]]]:
    """One Games of size ``scale``; ``previous`` maps each country to its athletes (iri, name, sport, sex)
    at the Games before."""
    rng = random.Random(world.seed * 1_000_003 + number)
    b = _Block()
    t = b.t
    year = 1956 + 4 * number
    games = f"games:synth-{number:04d}"
    label = f"Synthetic Summer Games {number} ({year})"
    t(games, "a", "kz:Games")
    t(games, "rdfs:label", _lit(label))
    t(games, "kz:edition", str(number))
    t(games, "kz:partOfSeries", "games:synth-summer-games")
    host_slug, host_name = world.countries[rng.randrange(len(world.countries))]
    city = f"city:synth-{number:04d}-{_slug(host_name)}"
    t(games, "kz:hostCity", city)
    t(city, "a", "kz:City")
    t(city, "rdfs:label", _lit(f"{_name(rng, 2)} (synthetic)"))
    t(city, "kz:inCountry", f"country:{host_slug}")
    t(games, "schema:startDate", f'"{year}-08-28"^^xsd:date')
    t(games, "schema:endDate", f'"{year}-09-08"^^xsd:date')
    athletes_n = max(10, round(ATHLETES * scale))
    sports = [(slug, label, max(1, round(events * scale)), kind, unit) for slug, label, events, kind, unit in SPORTS]
    t(games, "kz:approximateAthleteCount", str(round(athletes_n, -2) or athletes_n))
    t(games, "kz:sportCount", str(len(world.sports)))
    t(games, "kz:medalEventCount", str(sum(s[2] for s in sports)))

    venues = [f"venue:synth-{number:04d}-{v:02d}" for v in range(max(2, round(VENUES * min(1.0, scale * 5))))]
    for i, venue in enumerate(venues):
        t(venue, "a", "kz:Venue")
        t(venue, "rdfs:label", _lit(f"Venue {i + 1} of the Synthetic Games {number}"))
        t(games, "kz:competitionVenue", venue)
    t(games, "kz:openingCeremonyVenue", venues[0])
    t(games, "kz:closingCeremonyVenue", venues[0])
    sport_venue = {}
    for i, (slug, *_rest) in enumerate(sports):
        sport_venue[slug] = venues[i % len(venues)]
        t(sport_venue[slug], "kz:hostedSport", f"sport:synth-{slug}")

    # delegations and athletes: sizes follow the Zipf weights, at least one athlete each
    total_weight = sum(world.weights)
    sport_weights = [s[2] for s in sports]
    roster: dict[str, list[tuple[str, str, str, str]]] = {}
    for (slug, name), weight in zip(world.countries, world.weights, strict=False):
        delegation = f"delegation:{slug}-{number:04d}"
        size = max(1, round(athletes_n * weight / total_weight))
        members: list[tuple[str, str, str, str]] = []
        back = previous.get(slug, [])
        for athlete in rng.sample(back, min(len(back), round(size * RETURNING))):
            members.append(athlete)
        while len(members) < size:
            sport = rng.choices(sports, weights=sport_weights)[0][0]
            person = f"{_name(rng, 2)} {_name(rng, rng.randint(2, 3))}"
            iri = f"athlete:synth-{number:04d}-{slug[6:]}-{len(members):04d}"
            members.append((iri, person, sport, ("Men", "Women")[len(members) % 2]))
        roster[slug] = members
        t(delegation, "a", "kz:Delegation")
        t(delegation, "rdfs:label", _lit(f"{name} at the {label}"))
        t(delegation, "kz:country", f"country:{slug}")
        t(delegation, "kz:atGames", games)
        t(delegation, "kz:athleteCount", str(size))
        t(delegation, "kz:licenceCount", str(size + rng.randint(0, size // 4)))
        entered = sorted({member[2] for member in members})
        t(delegation, "kz:sportCount", str(len(entered)))
        for sport in entered:
            t(delegation, "kz:sportEntered", f"sport:synth-{sport}")
        t(delegation, "kz:flagBearer", members[0][0])
        for iri, person, sport, _sex in members:
            t(iri, "a", "kz:Athlete")
            t(iri, "rdfs:label", _lit(person, None))
            t(iri, "kz:memberOf", delegation)
            t(iri, "kz:sport", f"sport:synth-{sport}")
        summary.athletes += size

    # events and medals: each medal goes to a delegation drawn by weight, to one of its athletes
    tally: dict[str, list[int]] = {slug: [0, 0, 0] for slug, _ in world.countries}
    slugs = [slug for slug, _ in world.countries]
    for slug, sport_label, events, kind, unit in sports:
        for e in range(events):
            sex = ("Men", "Women", None)[e % 3] if kind == "team" else ("Men", "Women")[e % 2]
            code = CLASSES[(e // 2) % len(CLASSES)]
            if kind == "weight":
                limits = WEIGHTS[sex or "Men"]
                limit = limits[(e // 2) % len(limits)]
                over = (e // 2) % len(limits) == len(limits) - 1
                detail = f"{'over' if over else 'up to'} {limit} kg"
            elif kind == "class":
                detail = f"{slug[:2].upper()}{code} {e // (2 * len(CLASSES)) + 1}"
            else:
                detail = "tournament"
            sex_word = {"Men": "men's ", "Women": "women's ", None: "mixed "}[sex]
            event = f"event:synth-{number:04d}-{slug}-{e:03d}"
            event_label = f"{sport_label}, {sex_word}{detail}"
            t(event, "a", "kz:Event")
            t(event, "rdfs:label", _lit(event_label.capitalize()))
            t(event, "kz:atGames", games)
            t(event, "kz:sport", f"sport:synth-{slug}")
            t(event, "kz:officialName", _lit(f"{sex_word.capitalize()}{detail}", None))
            if sex:
                t(event, "kz:sexCategory", f"kz:{sex}")
            if kind == "weight":
                t(event, "kz:weightLimit", f"{limit}.0")
                t(event, "kz:weightLimitKind", "kz:Over" if over else "kz:UpTo")
            elif kind == "class":
                t(event, "kz:sportClass", f"class:synth-{slug}-{code}")
            if rng.random() < 0.7:  # the rest get their venue from the venue-from-sport rule
                t(event, "kz:atVenue", sport_venue[slug])
            day = 29 + (e * 11 // max(1, events))
            date = f"{year}-08-{day:02d}" if day <= 31 else f"{year}-09-{day - 31:02d}"
            types = ["Gold", "Silver", "Bronze"] + (["Bronze"] if slug in TWO_BRONZES else [])
            winners: set[str] = set()
            for place, medal_type in enumerate(types):
                iri, person, country = _winner(rng, world, roster, slug, sex, winners)
                winners.add(iri)
                medal = f"medal:synth-{number:04d}-{slug}-{e:03d}-{place + 1}"
                t(iri, "kz:won", medal)
                t(medal, "a", "kz:Medal")
                t(medal, "rdfs:label", _lit(f"{person}, {medal_type.lower()}, {event_label}"))
                t(medal, "kz:medalType", f"kz:{medal_type}")
                t(medal, "kz:inEvent", event)
                t(medal, "kz:ofDelegation", f"delegation:{country}-{number:04d}")
                t(medal, "kz:atGames", games)
                t(medal, "kz:medalDate", f'"{date}"^^xsd:date')
                if unit is not None:
                    value = round(rng.uniform(5, 250), 2)
                    t(medal, "kz:resultValue", f"{value:.2f}")
                    t(medal, "kz:resultUnit", UNITS[unit])
                    if place == 0 and rng.random() < 0.05:
                        record = f"record:synth-{number:04d}-{slug}-{e:03d}"
                        t(record, "a", "kz:Record")
                        t(record, "rdfs:label", _lit(f"Record, {event_label}, {person}"))
                        t(record, "kz:recordType", "kz:AsianRecord")
                        t(record, "kz:setBy", iri)
                        t(record, "kz:setInEvent", event)
                        t(record, "kz:inRound", "kz:QualifyingRound")
                        t(record, "kz:resultValue", f"{value:.2f}")
                        t(record, "kz:resultUnit", UNITS[unit])
                tally[country][min(place, 2)] += 1
                summary.medals += 1
            summary.events += 1

    # stated medal totals and the medal table, as the sources would give them
    ranked = sorted((c for c in slugs if sum(tally[c])), key=lambda c: (-tally[c][0], -tally[c][1], -tally[c][2], c))
    for rank, country in enumerate(ranked, 1):
        delegation = f"delegation:{country}-{number:04d}"
        gold, silver, bronze = tally[country]
        t(delegation, "kz:medalTableRank", str(rank))
        t(delegation, "kz:goldMedalCount", str(gold))
        t(delegation, "kz:silverMedalCount", str(silver))
        t(delegation, "kz:bronzeMedalCount", str(bronze))
        t(delegation, "kz:medalCount", str(gold + silver + bronze))
    return b, roster



def _winner(rng: random.Random, world: _World, roster: dict[str, list[tuple[str, str, str, str]]], sport: str,
            sex: str | None, winners: set[str]) -> tuple[str, str, str]:
    """A medallist of the right sex (a men's event gives no woman a medal): a delegation drawn by weight,
    one of its athletes in the sport if it has one; the next delegation by size when it has nobody left."""
    drawn = rng.choices(world.countries, weights=world.weights)[0][0]
    for country in [drawn] + [slug for slug, _name_ in world.countries]:
        fit = [a for a in roster[country] if a[0] not in winners and (sex is None or a[3] == sex)]
        pool = [a for a in fit if a[2] == sport] or fit
        if pool:
            iri, person, _sport, _sex = pool[rng.randrange(len(pool))]
            return iri, person, country
    raise UsageError("scale too small: not enough athletes for the medals of one event")


def _provenance(graph: str, run: str, seed: int) -> _Block:
    b = _Block()
    b.t(graph, "a", "kz:SyntheticGraph")
    b.t(graph, "prov:wasGeneratedBy", run)
    b.t(graph, "kz:seed", str(seed))
    return b


def generate(*, games: int = 1, triples: int | None = None, scale: float = 1.0, seed: int = DEFAULT_SEED,
             summary: Summary | None = None) -> Iterator[str]:
    """TriG text, chunk by chunk: ``games`` Games, or as many as it takes to reach ``triples``.

    ``scale`` shrinks (or grows) each Games: 0.01 gives 44 athletes and one event per sport.
    """
    if games < 1 or not 0 < scale <= 10 or seed < 0:
        raise UsageError("synth needs games >= 1, 0 < scale <= 10 and seed >= 0")
    summary = summary if summary is not None else Summary()
    world = _World(seed, scale)
    run = f"<{BASE}generator/synth-seed-{seed}>"
    head = _Block()
    head.t(run, "a", "prov:Activity")
    head.t(run, "rdfs:label", _lit(f"kzgraph synth, seed {seed}"))
    common = world.block()
    chunks = [PREFIXES, "\n", head.text("kzg:provenance"), common.text("sg:synth-common"),
              _provenance("sg:synth-common", run, seed).text("kzg:provenance")]
    summary.triples += len(head.lines) + len(common.lines) + 3
    yield "".join(chunks)
    previous: dict[str, list[tuple[str, str, str, str]]] = {}
    number, size, last = 0, scale, 1
    while number < games if triples is None else summary.triples < triples:
        number += 1
        if triples is not None and number > 1:  # the last Games shrinks to land near the target
            size = scale * min(1.0, (triples - summary.triples) / last)
        before = summary.triples
        block, previous = _games(world, number, previous, summary, max(size, 0.001))
        graph = f"sg:synth-{number:04d}"
        summary.triples += len(block.lines) + 3
        summary.games += 1
        last = summary.triples - before if number == 1 else last
        yield block.text(graph) + _provenance(graph, run, seed).text("kzg:provenance")


def write(out: TextIO, *, games: int = 1, triples: int | None = None, scale: float = 1.0,
          seed: int = DEFAULT_SEED) -> Summary:
    """Write ``generate(...)`` with these options to a text stream; returns what was written."""
    summary = Summary()
    for chunk in generate(games=games, triples=triples, scale=scale, seed=seed, summary=summary):
        out.write(chunk)
    return summary
