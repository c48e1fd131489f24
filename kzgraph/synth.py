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
from dataclasses import dataclass, replace
from itertools import accumulate, chain
from typing import TextIO

from .errors import UsageError
from .namespaces import BASE, GRAPH
from .namespaces import PREFIXES as NS_PREFIXES

__all__ = ["DEFAULT_SEED", "Summary", "generate", "parse_count", "write"]

DEFAULT_SEED = 2024
ATHLETES, COUNTRIES, VENUES = 4400, 170, 15
ZIPF = 1.1  # weight of the delegation ranked r is 1 / r**ZIPF
RETURNING = 0.3  # share of a delegation's athletes who were at the previous Games


@dataclass(frozen=True)
class Sport:
    """A sport: slug, label, medal events at a full Games, kind of event and the unit of its results."""

    slug: str
    label: str
    events: int
    kind: str  # "weight" (weight categories), "class" (sport classes) or "team"
    unit: str | None  # a key of UNITS; None where a match decides


SPORTS = tuple(Sport(*sport) for sport in [
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
])
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
    """The lines of one graph block; ``t`` adds one triple, ``about`` one per (predicate, object) of a subject."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"    {s} {p} {o} .\n")

    def about(self, s: str, *pairs: tuple[str, str]) -> None:
        self.lines.extend([f"    {s} {p} {o} .\n" for p, o in pairs])

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
        self.slugs = [slug for slug, _name_ in self.countries]
        self.weights = [1 / (rank + 1) ** ZIPF for rank in range(n)]
        self.cum_weights = list(accumulate(self.weights))  # rng.choices draws the same, without summing each time
        self.sports = SPORTS
        self.seed, self.scale = seed, scale

    def block(self) -> _Block:
        b = _Block()
        b.about("games:synth-summer-games", ("a", "kz:GamesSeries"), ("rdfs:label", _lit("Synthetic Summer Games")))
        for slug, name in self.countries:
            b.about(f"country:{slug}", ("a", "kz:Country"), ("rdfs:label", _lit(name)))
        for sport in self.sports:
            b.about(f"sport:synth-{sport.slug}", ("a", "kz:Sport"), ("rdfs:label", _lit(f"{sport.label} (synthetic)")))
            if sport.kind == "class":
                for code in CLASSES:
                    b.about(f"class:synth-{sport.slug}-{code}", ("a", "kz:SportClass"),
                            ("rdfs:label", _lit(f"{sport.slug[:2].upper()}{code}")))
        return b


@dataclass(frozen=True, slots=True)  # slots: _Games.winner reads these fields for every medal, faster than tuples'
class Athlete:
    """A synthetic athlete: IRI, name, sport (its slug) and sex (``Men`` or ``Women``)."""

    iri: str
    name: str
    sport: str
    sex: str


_Roster = dict[str, list[Athlete]]  # country slug -> the athletes of its delegation at one Games


@dataclass(frozen=True)
class _Event:
    """A medal event as its medals need it: IRI, ``key`` (the IRI's tail), label, sport, sex and date."""

    iri: str
    key: str
    label: str
    sport: Sport
    sex: str | None
    date: str


def _games(world: _World, number: int, previous: _Roster, summary: Summary, scale: float) -> tuple[_Block, _Roster]:
    """One Games of size ``scale`` and its athletes, given each country's athletes at the Games before."""
    games = _Games(world, number, scale)
    games.describe()
    sport_venue = games.venues()
    games.delegations(previous)
    games.events(sport_venue)
    games.medal_table()
    summary.athletes += sum(len(members) for members in games.roster.values())
    summary.events += sum(sport.events for sport in games.sports)
    summary.medals += sum(sum(counts) for counts in games.tally.values())
    return games, games.roster


class _Games(_Block):
    """One Games' block of triples, written part by part; the facts, random draws, athletes and tally they share."""

    def __init__(self, world: _World, number: int, scale: float) -> None:
        super().__init__()
        self.world, self.number, self.code, self.year = world, number, f"{number:04d}", 1956 + 4 * number
        self.iri, self.label = f"games:synth-{self.code}", f"Synthetic Summer Games {number} ({self.year})"
        self.rng = random.Random(world.seed * 1_000_003 + number)
        self.athlete_count = max(10, round(ATHLETES * scale))
        self.venue_count = max(2, round(VENUES * min(1.0, scale * 5)))
        self.sports = tuple(replace(sport, events=max(1, round(sport.events * scale))) for sport in SPORTS)
        self.sport_weights = tuple(accumulate(sport.events for sport in self.sports))  # to draw athletes' sports
        self.roster: _Roster = {}  # filled by delegations()
        self.tally = {slug: [0, 0, 0] for slug in world.slugs}  # country slug -> gold, silver, bronze medals

    def describe(self) -> None:
        """The Games' own triples: label, series, host city (in a country drawn at random), dates, sizes."""
        host_slug, host_name = self.world.countries[self.rng.randrange(len(self.world.countries))]
        city = f"city:synth-{self.code}-{_slug(host_name)}"
        self.about(self.iri, ("a", "kz:Games"), ("rdfs:label", _lit(self.label)), ("kz:edition", str(self.number)),
                   ("kz:partOfSeries", "games:synth-summer-games"), ("kz:hostCity", city))
        self.about(city, ("a", "kz:City"), ("rdfs:label", _lit(f"{_name(self.rng, 2)} (synthetic)")),
                   ("kz:inCountry", f"country:{host_slug}"))
        self.about(self.iri, ("schema:startDate", f'"{self.year}-08-28"^^xsd:date'),
                   ("schema:endDate", f'"{self.year}-09-08"^^xsd:date'),
                   ("kz:approximateAthleteCount", str(round(self.athlete_count, -2) or self.athlete_count)),
                   ("kz:sportCount", str(len(self.world.sports))),
                   ("kz:medalEventCount", str(sum(sport.events for sport in self.sports))))

    def venues(self) -> dict[str, str]:
        """The venues (the first holds both ceremonies); returns each sport's venue, the venues taken in turn."""
        venues = [f"venue:synth-{self.code}-{v:02d}" for v in range(self.venue_count)]
        for i, venue in enumerate(venues):
            label = _lit(f"Venue {i + 1} of the Synthetic Games {self.number}")
            self.about(venue, ("a", "kz:Venue"), ("rdfs:label", label))
            self.t(self.iri, "kz:competitionVenue", venue)
        self.about(self.iri, ("kz:openingCeremonyVenue", venues[0]), ("kz:closingCeremonyVenue", venues[0]))
        sport_venue = {sport.slug: venues[i % len(venues)] for i, sport in enumerate(self.sports)}
        for slug, venue in sport_venue.items():
            self.t(venue, "kz:hostedSport", f"sport:synth-{slug}")
        return sport_venue

    def delegations(self, previous: _Roster) -> None:
        """Every country's delegation and athletes: sizes follow the Zipf weights, at least one athlete each."""
        total_weight = sum(self.world.weights)
        for (slug, name), weight in zip(self.world.countries, self.world.weights, strict=False):
            members = self.members(slug, max(1, round(self.athlete_count * weight / total_weight)), previous)
            delegation, size = f"delegation:{slug}-{self.code}", len(members)
            licences, entered = size + self.rng.randint(0, size // 4), sorted({athlete.sport for athlete in members})
            self.about(delegation, ("a", "kz:Delegation"), ("rdfs:label", _lit(f"{name} at the {self.label}")),
                       ("kz:country", f"country:{slug}"), ("kz:atGames", self.iri), ("kz:athleteCount", str(size)),
                       ("kz:licenceCount", str(licences)), ("kz:sportCount", str(len(entered))),
                       *(("kz:sportEntered", f"sport:synth-{s}") for s in entered), ("kz:flagBearer", members[0].iri))
            for athlete in members:
                self.about(athlete.iri, ("a", "kz:Athlete"), ("rdfs:label", _lit(athlete.name, None)),
                           ("kz:memberOf", delegation), ("kz:sport", f"sport:synth-{athlete.sport}"))
            self.roster[slug] = members

    def members(self, country: str, size: int, previous: _Roster) -> list[Athlete]:
        """A delegation's ``size`` athletes: some from its team at the Games before, the others new."""
        back = previous.get(country, [])
        members = self.rng.sample(back, min(len(back), round(size * RETURNING)))
        while len(members) < size:
            sport = self.rng.choices(self.sports, cum_weights=self.sport_weights)[0].slug
            name = f"{_name(self.rng, 2)} {_name(self.rng, self.rng.randint(2, 3))}"
            iri = f"athlete:synth-{self.code}-{country[6:]}-{len(members):04d}"
            members.append(Athlete(iri, name, sport, ("Men", "Women")[len(members) % 2]))
        return members

    def events(self, sport_venue: dict[str, str]) -> None:
        """Every medal event of every sport, each with its medals."""
        for sport in self.sports:
            for e in range(sport.events):
                self.medals(self.event(sport, e, sport_venue[sport.slug]))

    def event(self, sport: Sport, e: int, venue: str) -> _Event:
        """A sport's ``e``-th event: its sex, weight limit or sport class, venue (seven in ten) and date."""
        sex = ("Men", "Women", None)[e % 3] if sport.kind == "team" else ("Men", "Women")[e % 2]
        sex_word, code = {"Men": "men's ", "Women": "women's ", None: "mixed "}[sex], CLASSES[(e // 2) % len(CLASSES)]
        if sport.kind == "weight":
            limits = WEIGHTS[sex or "Men"]
            limit, over = limits[(e // 2) % len(limits)], (e // 2) % len(limits) == len(limits) - 1
            detail = f"{'over' if over else 'up to'} {limit} kg"
            category = [("kz:weightLimit", f"{limit}.0"), ("kz:weightLimitKind", "kz:Over" if over else "kz:UpTo")]
        elif sport.kind == "class":
            detail = f"{sport.slug[:2].upper()}{code} {e // (2 * len(CLASSES)) + 1}"
            category = [("kz:sportClass", f"class:synth-{sport.slug}-{code}")]
        else:
            detail, category = "tournament", []
        key, day = f"{self.code}-{sport.slug}-{e:03d}", 29 + (e * 11 // max(1, sport.events))
        date = f"{self.year}-08-{day:02d}" if day <= 31 else f"{self.year}-09-{day - 31:02d}"
        event = _Event(f"event:synth-{key}", key, f"{sport.label}, {sex_word}{detail}", sport, sex, date)
        self.about(event.iri, ("a", "kz:Event"), ("rdfs:label", _lit(event.label.capitalize())),
                   ("kz:atGames", self.iri), ("kz:sport", f"sport:synth-{sport.slug}"),
                   ("kz:officialName", _lit(f"{sex_word.capitalize()}{detail}", None)),
                   *([("kz:sexCategory", f"kz:{sex}")] if sex else []), *category)
        if self.rng.random() < 0.7:  # the rest get their venue from the venue-from-sport rule
            self.t(event.iri, "kz:atVenue", venue)
        return event

    def medals(self, event: _Event) -> None:
        """An event's medals (two bronzes in judo and taekwondo) with results and records, counted in the tally."""
        sport, winners = event.sport, set[str]()
        types = ["Gold", "Silver", "Bronze"] + (["Bronze"] if sport.slug in TWO_BRONZES else [])
        for place, medal_type in enumerate(types):
            athlete, country = self.winner(sport.slug, event.sex, winners)
            winners.add(athlete.iri)
            medal = f"medal:synth-{event.key}-{place + 1}"
            self.t(athlete.iri, "kz:won", medal)
            label = _lit(f"{athlete.name}, {medal_type.lower()}, {event.label}")
            self.about(medal, ("a", "kz:Medal"), ("rdfs:label", label), ("kz:medalType", f"kz:{medal_type}"),
                       ("kz:inEvent", event.iri), ("kz:ofDelegation", f"delegation:{country}-{self.code}"),
                       ("kz:atGames", self.iri), ("kz:medalDate", f'"{event.date}"^^xsd:date'))
            if sport.unit is not None:
                value = f"{round(self.rng.uniform(5, 250), 2):.2f}"
                result = ("kz:resultValue", value), ("kz:resultUnit", UNITS[sport.unit])
                self.about(medal, *result)
                if place == 0 and self.rng.random() < 0.05:  # a record, set in the qualifying round
                    self.about(f"record:synth-{event.key}", ("a", "kz:Record"),
                               ("rdfs:label", _lit(f"Record, {event.label}, {athlete.name}")),
                               ("kz:recordType", "kz:AsianRecord"), ("kz:setBy", athlete.iri),
                               ("kz:setInEvent", event.iri), ("kz:inRound", "kz:QualifyingRound"), *result)
            self.tally[country][min(place, 2)] += 1

    def winner(self, sport: str, sex: str | None, winners: set[str]) -> tuple[Athlete, str]:
        """A medallist of the right sex (a men's event gives no woman a medal) and its country: a delegation
        drawn by weight, one of its athletes in the sport if it has one; the next by size when it has nobody left."""
        drawn = self.rng.choices(self.world.slugs, cum_weights=self.world.cum_weights)[0]
        for country in chain((drawn,), self.world.slugs):
            fit = [a for a in self.roster[country] if a.iri not in winners and (sex is None or a.sex == sex)]
            pool = [a for a in fit if a.sport == sport] or fit
            if pool:
                return pool[self.rng.randrange(len(pool))], country
        raise UsageError("scale too small: not enough athletes for the medals of one event")

    def medal_table(self) -> None:
        """The medal totals and rank of each delegation that won a medal, as the sources would state them."""
        tally = self.tally
        ranked = sorted((c for c in tally if sum(tally[c])),
                        key=lambda c: (-tally[c][0], -tally[c][1], -tally[c][2], c))
        for rank, country in enumerate(ranked, 1):
            gold, silver, bronze = tally[country]
            self.about(f"delegation:{country}-{self.code}", ("kz:medalTableRank", str(rank)),
                       ("kz:goldMedalCount", str(gold)), ("kz:silverMedalCount", str(silver)),
                       ("kz:bronzeMedalCount", str(bronze)), ("kz:medalCount", str(gold + silver + bronze)))


def _provenance(graph: str, run: str, seed: int) -> _Block:
    b = _Block()
    b.about(graph, ("a", "kz:SyntheticGraph"), ("prov:wasGeneratedBy", run), ("kz:seed", str(seed)))
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
    head.about(run, ("a", "prov:Activity"), ("rdfs:label", _lit(f"kzgraph synth, seed {seed}")))
    common = world.block()
    chunks = [PREFIXES, "\n", head.text("kzg:provenance"), common.text("sg:synth-common"),
              _provenance("sg:synth-common", run, seed).text("kzg:provenance")]
    summary.triples += len(head.lines) + len(common.lines) + 3
    yield "".join(chunks)
    previous: _Roster = {}
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
