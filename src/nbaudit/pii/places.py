"""Where people live and when they were born, in free text: street addresses, place names,
dates and ages, without a model.

Street addresses are a house number, up to four words and a street-type word (the USPS
Publication 28 suffixes and their common European forms), optionally followed by a unit,
a city, a state code and a ZIP code. Places are runs of capitalised words that the GeoNames
gazetteer knows (cities over 15,000 people, countries, US states). Every pattern has bounded
quantifiers only, so a megabyte of text stays linear.
"""

from __future__ import annotations

import re

from . import patterns
from .names import _NAME_RUN, fold, places

Span = tuple[int, int, str, float]

# USPS Publication 28, Appendix C1 (street suffixes), plus common European street words.
STREET_SUFFIXES = (
    "alley allee annex arcade avenue ave bayou beach bend bluff bluffs bottom boulevard blvd "
    "branch bridge brook brooks burg burgs bypass camp canyon cape causeway center centers "
    "circle circles cir cliff cliffs club common commons corner corners course court courts ct "
    "cove coves creek crescent crest crossing crossroad crossroads curve dale dam divide drive "
    "drives dr estate estates expressway extension extensions falls ferry field fields flat "
    "flats ford fords forest forge forges fork forks fort freeway garden gardens gateway glen "
    "glens green greens grove groves harbor harbors haven heights highway hwy hill hills "
    "hollow inlet island islands isle junction junctions key keys knoll knolls lake lakes land "
    "landing lane ln light lights loaf lock locks lodge loop mall manor manors meadow meadows "
    "mews mill mills mission motorway mount mountain mountains neck orchard oval overpass "
    "park parks parkway parkways pkwy pass passage path pike pine pines place pl plain plains "
    "plaza point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges "
    "river road roads rd route row rue run shoal shoals shore shores skyway spring springs spur "
    "spurs square squares sq station stravenue stream street streets st summit terrace "
    "throughway trace track trafficway trail trailer tunnel turnpike underpass union unions "
    "valley valleys via viaduct view views village villages ville vista walk walks wall way "
    "ways well wells close gate grove strasse straße str weg gasse platz ring damm chemin "
    "impasse quai calle avenida paseo camino carrera"
).split()
_SUFFIX = "|".join(sorted({s.capitalize() for s in STREET_SUFFIXES} | set(STREET_SUFFIXES),
                          key=len, reverse=True))
_WORD = r"[A-Z][A-Za-z'’.\-]{0,24}"
_UNIT = r"(?:,? (?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Room|Floor|#) ?[A-Za-z0-9\-]{1,6})"
_CITY_STATE_ZIP = (
    r"(?:[,\n] ?[A-Z][A-Za-z'’.\-]{1,24}(?: [A-Z][A-Za-z'’.\-]{1,24}){0,2}"
    r"(?:,? [A-Z]{2})?(?: [0-9]{5}(?:-[0-9]{4})?)?)"
)
STREET_ADDRESS = re.compile(
    rf"(?<![\w-])[0-9]{{1,6}}[A-Za-z]?(?:-[0-9]{{1,4}})?,? (?:{_WORD} ){{0,4}}(?:{_SUFFIX})\b\.?"
    rf"{_UNIT}?{_CITY_STATE_ZIP}?"
)
# "Hauptstraße 5", "Calle Mayor 3": the street word first, the number after.
SECONDARY = re.compile(
    r"(?<![\w-])(?:Apt\.?|Apartment|Suite|Ste\.|Unit|Flat) ?#?[0-9]{1,5}[A-Z]?\b")
STREET_ADDRESS_EU = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]{2,30}(?:straße|strasse|weg|gasse|platz|allee|ring|damm)"
    r" [0-9]{1,5}[a-z]?\b"
)
AGE = re.compile(
    r"(?i:\b(?:aged?|age:|age is|age of|turns?|turned|turning)\s{1,3}([0-9]{1,3})\b"
    r"|\b([0-9]{1,3})[- ](?:years?|yrs?)[- ]old\b|\b([0-9]{1,3}) ?(?:y/o|yo)\b)"
)
DATE = re.compile(
    rf"(?<![\w/.-])(?:{patterns.FULL['DATE_TIME']}"
    r"|(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r",? (?:19|20)[0-9]{2})(?![\w/-])"
)


# Cheap tests a text must pass before the finders run (see `text.find_in_text`).
ADDRESS_HINT = re.compile(rf"\b(?:{_SUFFIX}|Apt|Apartment|Suite|Unit|Flat)\b|stra(?:ss|ß)e|weg\b")
AGE_HINT = re.compile(r"(?i:age|old|y/o|yo\b|turn)")


def addresses_in_text(text: str) -> list[Span]:
    """Street addresses ("4759 William Haven Apt. 194, West Corey, CA 90152")."""
    if not any(ch.isdigit() for ch in text):
        return []
    spans = [(m.start(), m.end(), "LOCATION", 0.7) for m in STREET_ADDRESS.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.7) for m in STREET_ADDRESS_EU.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.6) for m in SECONDARY.finditer(text)]
    return spans


def places_in_text(text: str) -> list[Span]:
    """Known place names in capitalised runs ("moved to Berlin", "New York City")."""
    known = places()
    spans = []
    for m in _NAME_RUN.finditer(text):
        words = m.group(1).split(" ")
        start = m.start(1)
        # The longest known place inside the run (a run may start with "In" or a name).
        offsets = [0]
        for w in words[:-1]:
            offsets.append(offsets[-1] + len(w) + 1)
        best = None
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                phrase = " ".join(fold(w) for w in words[i:j])
                if len(phrase) >= 4 and phrase in known:
                    best = (i, j)
                    break
            if best:
                break
        if best:
            i, j = best
            s = start + offsets[i]
            spans.append((s, s + len(" ".join(words[i:j])), "LOCATION", 0.5))
    return spans


def ages_in_text(text: str) -> list[Span]:
    """Ages: "aged 45", "45 years old", "45 y/o" (the number only)."""
    if not any(ch.isdigit() for ch in text):
        return []
    out = []
    for m in AGE.finditer(text):
        group = next(g for g in range(1, 4) if m.group(g))
        if int(m.group(group)) <= 120:
            out.append((m.start(group), m.end(group), "AGE", 0.6))
    return out


def dates_in_text(text: str) -> list[Span]:
    """Written dates ("1985-03-02", "03/02/1985", "March 2, 1985", "March 1985")."""
    if not any(ch.isdigit() for ch in text):
        return []
    return [(m.start(), m.end(), "DATE_TIME", 0.6) for m in DATE.finditer(text)]
