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
from .names import _NAME_RUN, _UP, fold, nationalities, places

Span = tuple[int, int, str, float]
_DIGIT = re.compile(r"[0-9]")

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
    r"(?:[,\n] ?[A-Z][A-Za-z'’\-]{1,24}(?![0-9])(?: [A-Z][A-Za-z'’\-]{1,24}(?![0-9])){0,2}"
    r"(?:,? [A-Z]{2}(?![A-Za-z0-9]))?"
    r"(?: (?:[0-9]{5}(?:-[0-9]{4})?|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}))?)"
)
STREET_ADDRESS = re.compile(
    rf"(?<![\w-])[0-9]{{1,6}}[A-Za-z]?(?:-[0-9]{{1,4}})?,? (?:[0-9]{{1,5}} )?(?:{_WORD} ){{0,4}}"
    rf"(?=[A-Za-z])(?:{_SUFFIX})\b\.?"
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
    r"|\b([0-9]{1,3})[- ](?:years?|yrs?)[- ]old\b|\b([0-9]{1,3}) ?(?:y/o|yo)\b"
    # "when she was 45.", "I'm 32,": a person, a form of "to be", a number, then a stop.
    r"|\b(?:i|he|she|they|you|we|son|daughter|child|kid|boy|girl|baby|brother|sister|wife|"
    r"husband|mother|father|mom|mum|dad|grandmother|grandfather|patient)"
    r"(?: was| is| am| were| are|'m|'s|'re) ([0-9]{1,3})"
    r"(?=[.,;!?)]|\s*$))"
)
DATE = re.compile(
    rf"(?<![\w/.-])(?:{patterns.FULL['DATE_TIME']}"
    r"|(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r",? (?:19|20)[0-9]{2})(?![\w/-])"
)


# Cheap tests a text must pass before the finders run (see `text.find_in_text`).
ADDRESS_HINT = re.compile(rf"\b(?:{_SUFFIX}|Apt|Apartment|Suite|Unit|Flat)\b|stra(?:ss|ß)e|weg\b")
AGE_HINT = re.compile(r"(?i:age|old|y/o|yo\b|turn|was|is|am|'m|'s|were|are)")


# Military addresses (USPS Publication 28, section 225): "PSC 1234, Box 5678, APO AE 09012",
# "USNS Comfort, FPO AA 34090", "Unit 2050 Box 4190, DPO AP 96278".
_MIL_POST = r"(?:APO|FPO|DPO),? A[AEP],? [0-9]{5}(?:-[0-9]{4})?"
MILITARY = re.compile(
    r"(?<![\w-])(?:(?:PSC|CMR|Unit) [0-9]{1,5},? Box [0-9]{1,5}|(?:USNS|USNV|USS|USCGC) "
    rf"[^\W\d_][\w'’.\-]{{1,30}}(?: [^\W\d_][\w'’.\-]{{1,30}})?)[\s,]{{1,4}}{_MIL_POST}\b"
    rf"|(?<![\w-]){_MIL_POST}\b"
)
PO_BOX = re.compile(
    r"(?<![\w-])(?:P\.? ?O\.? ?Box|(?i:post office box|postfach|apartado|boite postale|"
    r"case postale)) [0-9]{1,6}\b")
# "Skytebanen 8", "ul. Filtrowa 70", "Via Galileo Ferraris 91", "Nyár utca 72.": a house
# number, capitalised words (with the lower-case particles and street words of European
# languages) and a second number, the way most of Europe writes an address line. Alone this
# shape is weak ("5 Musicians Of The 70s"); it counts where text says an address follows or
# the line sits in an address block (see `addresses_in_text`).
_PARTICLE = (r"(?:ul\.|al\.|pl\.|os\.|rue|via|viale|vicolo|piazza|rua|avda\.|av\.|calle|"
             r"de|da|del|della|delle|di|do|dos|das|du|des|la|le|las|los|van|von|der|den|"
             r"het|nad|na|am|an|im|y|e|og|i|och|tér|utca|út|utcája|tee|tn\.|mnt\.|"
             r"straat|vej|gade|gata|gatan|veien|vegen|katu|tie|kuja|laan|weg|gasse|"
             r"rakpart|sokak|cad\.|caddesi|sk\.|N\.|S\.|E\.|W\.|St\.)")
_NAME_WORD = rf"(?=[^\W\d_])(?:[{_UP}Α-ΩА-Я][\w'’.\-]{{0,30}}|{_PARTICLE})"
NUMBERED_STREET = re.compile(
    rf"(?<![\w.,/-])(?:[0-9]{{1,6}}[A-Za-z]?,? (?:[0-9]{{1,5}} )?)?({_NAME_WORD}"
    rf"(?: {_NAME_WORD}){{0,4}}) [0-9]{{1,5}}[A-Za-z]?(?:[/-][0-9]{{1,4}})?(?![\w/-])\.?"
    rf"(?: (?:St|Rd|Ave)\.)?"
)
# A street line that starts with a number: "4700 9 Main Rd", "19138 Toppen 81".
NUMBER_FIRST = re.compile(
    rf"[0-9]{{1,6}}[A-Za-z]?,? (?:[0-9]{{1,5}} )?{_NAME_WORD}(?: {_NAME_WORD}){{0,5}}"
    r"(?: [0-9]{1,5}[A-Za-z]?\.?)?")
# Words a text uses right before an address ("lives at", "my address is", "deliver to").
ADDRESS_CUE = re.compile(
    r"(?i:address(?: is|:)?|lives? (?:at|on)|living at|located at|located on|based at|"
    r"moved to|ship(?:ped)? to|deliver(?:ed)? to|send (?:it |them )?to|sent to|"
    r"drops? (?:you |me )?off at|meet(?: me)? at|is at|are at|at the corner of|"
    r"corner of|resides? at|staying at|is on|are on|lives? in|situated (?:at|on))[\s:]{0,4}$")
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday chapter page section version vol volume part step level room "
    "table figure item order ticket no number top".split())
# Lines, also where a text keeps its line breaks escaped ("\\n", as JSON exports and logs do).
_LINE_BREAK = re.compile(r"\n|\\n")
_LEAD = re.compile(r"[\s}{>|*\-?#~•·]*")  # quoting and list marks before a line's text
_UNIT_LINE = re.compile(
    r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Room|Floor|Box|#) ?[A-Za-z0-9\-]{1,6}\.?$")
# A city, region, country or postcode line of an address block ("ARENDAL", "Norway 37816",
# "Gyôr GS 9011", ", KN", "TR11 4FF", "2263"): a few words, no sentence punctuation.
_PLACE_LINE = re.compile(
    r"^,?\s?(?:[^\W\d_][\w'’.\-]*(?: [(\w][\w'’.\-()]*){0,4})?(?:,? [A-Z]{2,3}|,? nan)?"
    r"(?: ?(?:[0-9]{3,5}(?:[ -][0-9]{2,4})?|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"
    r"|[0-9]{4} ?[A-Z]{2}))?$")


_POSTCODE_END = re.compile(r"[^\W\d_]{3,}(?: [^\W\d_]+){0,2},? [0-9]{4,5}$")
# A postal code after a word that says so ("ZIP: 36847", "my postcode is PH36 9QH").
POSTCODE = re.compile(
    r"(?i:\b(?:zip|zip code|zipcode|postcode|post code|postal code|plz|code postal|cap|cep)"
    r"(?: is|:|#)?[ \t]{0,3})((?-i:[0-9]{3}[ -]?[0-9]{2,3}(?:-[0-9]{3,4})?|[0-9]{4}(?: ?[A-Z]{2})?"
    r"|[0-9]{2}-[0-9]{3}|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]))"
    r"(?![\w-])")


def postcodes_in_text(text: str) -> list[Span]:
    """Postal codes a word announces ("ZIP: 36847", "zip code is 6012", "postcode PH36 9QH")."""
    if _DIGIT.search(text) is None:
        return []
    return [(m.start(1), m.end(1), "POSTAL_CODE", 0.6) for m in POSTCODE.finditer(text)]


def _line_spans(text: str) -> list[tuple[int, int, str]]:
    """Each line's content: (start, end, stripped text), quoting marks and blanks removed."""
    out = []
    pos = 0
    for brk in [*_LINE_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        lead = _LEAD.match(text, pos, stop)
        a = lead.end() if lead else pos
        body = text[a:stop].rstrip(" \t\r\\")
        if body:
            out.append((a, a + len(body), body))
        pos = brk.end() if brk else stop
    return out


def _street_line(body: str) -> bool:
    return bool(NUMBER_FIRST.fullmatch(body) or NUMBERED_STREET.fullmatch(body)
                or STREET_ADDRESS.match(body) or PO_BOX.match(body) or MILITARY.match(body)
                or STREET_ADDRESS_EU.match(body)) and not _dateish(body)


def _dateish(body: str) -> bool:
    return any(w.lower().rstrip(".,") in _MONTH_WORDS for w in body.split())


def _address_line(body: str) -> bool:
    """A unit, city, region, country or postcode line (not "Thanks, Bob" or "Best")."""
    if not body or len(body) > 60 or _dateish(body):
        return False
    if _UNIT_LINE.match(body):
        return True
    first = body.lstrip(", ").split(" ", 1)[0].rstrip(",").lower()
    return bool(_PLACE_LINE.match(body)) and first not in _CLOSINGS


_CLOSINGS = frozenset(
    "thanks thank cheers regards best sincerely yours love kind warm dear hi hello hey "
    "sent ok okay yes no please bye see talk call mobile phone tel fax email e-mail web "
    "website desk office".split())


def _blocks(text: str) -> list[Span]:
    """Lines of postal address blocks: a street line, then unit, city, region, country and
    postcode lines (letters, signatures, shipping labels). Lines before the street line
    (the name, the company) are not part of the address."""
    lines = _line_spans(text)
    out: list[Span] = []
    i = 0
    while i < len(lines):
        a, b, body = lines[i]
        if len(body) > 80 or not _street_line(body):
            i += 1
            continue
        # The block continues while lines follow directly (no blank line between them).
        j = i + 1
        block = [(a, b)]
        while j < len(lines) and j - i <= 5:
            prev_end, (c, d, nxt) = block[-1][1], lines[j]
            gap = text[prev_end:c]
            breaks = gap.count("\n") + gap.count("\\n")
            # One blank line may come before the last line, the country and postcode.
            if breaks > 2 or (breaks == 2 and not _POSTCODE_END.search(nxt)) or len(nxt) > 60:
                break
            if not _address_line(nxt):
                break
            block.append((c, d))
            j += 1
        if len(block) >= 2:
            out += [(c, d, "LOCATION", 0.6) for c, d in block]
            i = j
        else:
            i += 1
    return out


def addresses_in_text(text: str) -> list[Span]:
    """Street addresses ("4759 William Haven Apt. 194, West Corey, CA 90152"), European
    address lines after an address cue ("lives at Skytebanen 8"), PO boxes, military
    addresses and the lines of postal address blocks."""
    if _DIGIT.search(text) is None:
        return []
    spans = [(m.start(), m.end(), "LOCATION", 0.7) for m in STREET_ADDRESS.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.7) for m in STREET_ADDRESS_EU.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.7) for m in MILITARY.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.6) for m in PO_BOX.finditer(text)]
    spans += [(m.start(), m.end(), "LOCATION", 0.6) for m in SECONDARY.finditer(text)]
    for m in NUMBERED_STREET.finditer(text):
        if _dateish(m.group()) or not _address_context(text, m.start(), m.end()):
            continue
        spans.append((m.start(), m.end(), "LOCATION", 0.5))
    spans += [(m.start(1), m.end(1), "LOCATION", 0.5) for m in CITY_POSTCODE.finditer(text)
              if not _dateish(m.group(1)) and not _year_not_postcode(m.group(1))]
    multiline = "\n" in text or "\\n" in text
    if multiline:
        spans += _blocks(text)
    spans = _widest(spans)
    # An address goes on: ", Bydgoszcz" after it, and on the next lines its city, region,
    # country and postcode ("...Nyár utca 72.\nGyôr GS 9011").
    out = []
    for s, e, ent, score in spans:
        tail = _CITY_AFTER.match(text, e)
        if tail and not _dateish(tail.group()):
            e = tail.end()
        if multiline:
            e = _following_lines(text, e)
        out.append((s, e, ent, score))
    return _widest(out)


# A town after an address, up to the next stop ("..., Ústí nad Labem 2", ", Santa Lucia Del
# Mela", ", KOKKOLA, FI 48910").
_TOWN_WORD = (rf"(?:[{_UP}Α-ΩА-Я][\w'’\-]*|nad|na|pod|del|de|di|da|do|du|la|le|u|am|an|im|"
              r"sur|sous|upon)")
_CITY_AFTER = re.compile(
    rf",[ \t]?{_TOWN_WORD}(?: {_TOWN_WORD}){{0,4}}(?:,? [A-Z]{{2,3}})?"
    r"(?:,? [0-9]{1,5}(?:-[0-9]{3,4})?)?"
    rf"(?![\w'’-])")
# A town and its postcode after "in", "at" or "to" ("in Comiso 97013", "to Oosterwolde 8431 TC").
CITY_POSTCODE = re.compile(
    rf"(?<![\w-])(?:in|at|to|from|near) ({_TOWN_WORD}(?: {_TOWN_WORD}){{0,3}} "
    r"(?:[0-9]{5}|[0-9]{2}-[0-9]{3}|[0-9]{4}(?: [A-Z]{2})?))(?![\w-])")


def _year_not_postcode(phrase: str) -> bool:
    """ "Windows 2000": a capitalised word and a year, unless the town is in capitals."""
    words = phrase.split()
    return bool(re.fullmatch(r"(?:19|20)[0-9]{2}", words[-1])) and not words[0].isupper()


def _following_lines(text: str, end: int) -> int:
    """Where an address ending at `end` stops, taking the city, region, country and postcode
    lines right after it (when it ends its line)."""
    brk = _LINE_BREAK.match(text, _skip_blank(text, end))
    for _ in range(4):
        if brk is None:
            return end
        nxt = _LINE_BREAK.search(text, brk.end())
        stop = nxt.start() if nxt else len(text)
        lead = _LEAD.match(text, brk.end(), stop)
        a = lead.end() if lead else brk.end()
        body = text[a:stop].rstrip(" \t\r\\")
        if not _address_line(body):
            return end
        end = a + len(body)
        brk = _LINE_BREAK.match(text, _skip_blank(text, end))
    return end


def _skip_blank(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r,.;\\":
        pos += 1
    return pos


_UNIT_BEFORE = re.compile(r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat) ?#?[0-9]{1,5}[A-Z]? $")


def _address_context(text: str, start: int, end: int) -> bool:
    """Whether an address-shaped phrase sits where addresses are written: after an address
    cue, or followed by a unit, a city after a comma, or the end of its line."""
    before = text[max(0, start - 40):start]
    if ADDRESS_CUE.search(before) or _UNIT_BEFORE.search(before):
        return True
    after = text[end:end + 40]
    return bool(re.match(r",? ?(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat) ?#?[0-9]", after)
                or re.match(rf",? [{_UP}][\w'’\-]+(?:[ ,]|$)", after) and "," in after[:2])


def _widest(spans: list[Span]) -> list[Span]:
    """Overlapping spans merged into their union (an address found by two rules is one)."""
    out: list[Span] = []
    for s, e, ent, score in sorted(spans):
        if out and s < out[-1][1]:
            ps, pe, pent, pscore = out[-1]
            out[-1] = (ps, max(pe, e), pent, max(pscore, score))
        else:
            out.append((s, e, ent, score))
    return out


# Words after which a capitalised phrase is a place ("lives in", "grew up in", "flew to").
PLACE_CUE = re.compile(
    r"(?i:(?:live[sd]?|living|grew up|born|raised|based|located|situated|stationed|staying|"
    r"stay|moved|moving|relocated|relocating|travel(?:l)?(?:ed|ing)?|flew|fly|flying|drove|"
    r"arrived|arriving|returned|returning|trip|vacation|holiday|i'?m|i am|we'?re|we are|"
    r"he'?s|she'?s|they'?re|originally|hail(?:s|ed)?|come|comes|came|resident|native|"
    r"citizen|headquartered|office|offices|branch)(?: (?:here|there|back|over|away|up|down|"
    r"out|currently|now|again|all the way))?"
    r" (?:in|from|to|at|near|into|of|outside|around)"
    r"|(?:city|town|village|region|province|county|municipality) of"
    r"|(?:where|location|city|town|country|place of birth|birthplace|hometown|"
    r"residence):)[ \t]{1,4}$")
_CAPS_RUN = re.compile(
    rf"(?<![\w'’-])([{_UP}Α-ΩА-Я][{_UP}Α-ΩА-Я'’\-]{{2,30}}"
    rf"(?: [{_UP}Α-ΩА-Я][{_UP}Α-ΩА-Я'’\-]{{1,30}}){{0,3}})(?![\w'’-])")
_PLACE_RUN = re.compile(
    rf"(?<![\w'’-])((?:[{_UP}][\w'’\-]*|[{_UP}Α-ΩА-Я][{_UP}Α-ΩА-Я'’\-]+)"
    rf"(?: (?:[{_UP}][\w'’\-]*|[{_UP}Α-ΩА-Я][{_UP}Α-ΩА-Я'’\-]+|(?:de|del|di|da|do|du|la|le|"
    rf"nad|am|an|im|sur|sous|upon|en|y|i)(?= [{_UP}]))){{0,4}})")


def places_in_text(text: str) -> list[Span]:
    """Place names: runs of capitalised (or upper-case) words that the gazetteer knows
    ("moved to Berlin", "New York City", "BERGEN")."""
    known = places()
    spans = []
    for m in _NAME_RUN.finditer(text):
        hit = _known_place(m.group(1).split(" "), m.start(1), known)
        if hit and fold(text[hit[0]:hit[1]].rsplit(" ", 1)[-1]) not in _THING_WORDS:
            spans.append(hit)  # (not "Country Club", a place in Florida, in "X Country Club")
    for m in _CAPS_RUN.finditer(text):
        # Upper-case words are acronyms as often as places: only a whole run the gazetteer
        # knows counts ("BERGEN", "NEW YORK", not "FUJI ELECTRIC").
        words = m.group(1).split(" ")
        if " ".join(fold(w) for w in words) in known:
            spans.append((m.start(1), m.end(1), "LOCATION", 0.5))
    return _widest(spans)


def cued_places_in_text(text: str) -> list[Span]:
    """Capitalised or upper-case phrases right after a place cue ("grew up in Kehra",
    "I'm in COLYTON", "Where: Castle Hill"), known to the gazetteer or not."""
    return _cued_places(text, places())


def _known_place(words: list[str], start: int, known: frozenset[str]) -> Span | None:
    """The longest known place inside a run of capitalised words (a run may start with
    "In" or a person's name)."""
    offsets = [0]
    for w in words[:-1]:
        offsets.append(offsets[-1] + len(w) + 1)
    for i in range(len(words)):
        for j in range(len(words), i, -1):
            phrase = " ".join(fold(w) for w in words[i:j])
            if len(phrase) >= 4 and phrase in known:
                s = start + offsets[i]
                return (s, s + len(" ".join(words[i:j])), "LOCATION", 0.5)
    return None


_NOT_PLACE = frozenset(
    "the a an my our your his her their this that these those it him me us them you home "
    "work school town city here there bed hospital jail prison court office church "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december christmas easter summer "
    "winter spring autumn fall touch love charge time".split())


def _cued_places(text: str, known: frozenset[str]) -> list[Span]:
    from .names import first_names  # one lexicon, loaded once

    given = first_names()
    out: list[Span] = []
    for m in _PLACE_RUN.finditer(text):
        start = m.start(1)
        before = text[max(0, start - 40):start]
        # (a cheap test first: every cue ends with a preposition or a colon)
        if not before.rstrip(" \t").lower().endswith(_CUE_ENDS) or not PLACE_CUE.search(before):
            continue
        words = m.group(1).split(" ")
        if fold(words[0]) in _NOT_PLACE:
            continue
        cut = next((i for i, w in enumerate(words) if fold(w) in _NOT_PLACE), len(words))
        words = words[:cut]
        # Trailing words that name a thing, not the place ("Castle Hill Country Club").
        while len(words) > 1 and fold(words[-1]) in _THING_WORDS:
            words = words[:-1]
        while len(words) > 1 and fold(words[-1]) in _PLACE_TAIL_STOP:
            words = words[:-1]
        phrase = " ".join(words)
        folded = " ".join(fold(w) for w in words)
        if len(words) >= 2 and fold(words[0]) in given and folded not in known and (
                not words[1].isupper()):
            continue  # "moved in with Anna Smith" reads as a person
        out.append((start, start + len(phrase), "LOCATION", 0.5))
    return out


_CUE_ENDS = (" in", " from", " to", " at", " near", " into", " of", " outside", " around", ":")
_THING_WORDS = frozenset(
    "club country hotel restaurant bar cafe station airport university college school "
    "hospital office store shop mall center centre park stadium arena church museum "
    "library conference meeting team group inc ltd llc corp company bank hall".split())
_PLACE_TAIL_STOP = frozenset("of on en y i sur upon de del di da do du la le".split())


_GROUP_WORD = re.compile(r"(?<![\w'’-])[A-Za-z][a-z]{2,20}(?![\w'’-])")
_TO_BE = re.compile(r"(?i:\b(?:am|are|is|was|were|be|being|'m|'re|'s)(?: (?:a|an|proud|half|"
                    r"also|not|very|originally|born))? $)")


def groups_in_text(text: str) -> list[Span]:
    """Nationalities and groups (NRP): a capitalised demonym ("the Italian government",
    "proud Greeks"), or a lower-case one after "to be" ("I am cuban")."""
    known = nationalities()
    out: list[Span] = []
    words = [(m.start(), m.end()) for m in _GROUP_WORD.finditer(text)]
    i = 0
    while i < len(words):
        start, end = words[i]
        two = i + 1 < len(words) and words[i + 1][0] == end + 1
        for j in ((i + 1, i) if two else (i,)):
            phrase = text[start:words[j][1]]
            if phrase.lower() not in known:
                continue
            if phrase[0].isupper() or _TO_BE.search(text[max(0, start - 20):start]):
                out.append((start, words[j][1], "NRP", 0.5))
                i = j
            break
        i += 1
    return out


def ages_in_text(text: str) -> list[Span]:
    """Ages: "aged 45", "45 years old", "45 y/o", "when she was 45" (the number only)."""
    if _DIGIT.search(text) is None:
        return []
    out = []
    for m in AGE.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g))
        if int(m.group(group)) <= 120:
            out.append((m.start(group), m.end(group), "AGE", 0.6))
    return out


# A weekday a sentence names as a time ("on Sunday", "meet Wednesday", "last Friday"), not
# a schedule ("Monday - Friday", "Mondays", "Mon-Fri 9-5": office hours describe no one).
_WEEKDAY = re.compile(
    r"(?i:\b(?:on|this|next|last|until|till|since|before|after|meet|meeting|see you|"
    r"arrive|arriving|leave|leaving|due|by) )"
    r"((?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)(?![\w-]|\s?(?:-|–|to |through |thru |&))")
# A year after a word that says "when" ("in 2008", "during 1998", "since 1990"): 1900-2099,
# no digit or unit after it ("in 2048 MB" is a size).
_YEAR = re.compile(
    r"(?i:\b(?:in|during|since|until|till|before|after|circa|year|early|late|mid|"
    r"class of|born)[ \t]{1,3})((?:19|20)[0-9]{2})"
    r"(?![\w.,]?[0-9]|\s?(?i:%|(?:[kmgt]i?b|km|kg|mi|ms|usd|eur|gbp|px|mm|cm|m|g|k|x|rpm|"
    r"mah|w|kw|kwh|hz|mhz|ghz|dpi|fps|pts?|lbs?|ft|sq)\b))"
)


def dates_in_text(text: str) -> list[Span]:
    """Written dates ("1985-03-02", "03/02/1985", "March 2, 1985", "March 1985"), weekdays
    ("on Sunday") and years where the text says they are a time ("in 2008")."""
    if _DIGIT.search(text) is None and "day" not in text:
        return []
    spans = [(m.start(), m.end(), "DATE_TIME", 0.6) for m in DATE.finditer(text)]
    if "day" in text:
        spans += [(m.start(1), m.end(1), "DATE_TIME", 0.5) for m in _WEEKDAY.finditer(text)]
    spans += [(m.start(1), m.end(1), "DATE_TIME", 0.5) for m in _YEAR.finditer(text)]
    return _widest(spans)
