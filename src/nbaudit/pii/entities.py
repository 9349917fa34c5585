"""The catalogue of entities nbaudit detects, with their role, risk level and handling.

Names follow Presidio's where Presidio has one; the others (AGE, GENDER, POSTAL_CODE,
DATE_OF_BIRTH, the GDPR Art. 9 special categories, SECRET, ID_NUMBER, FREE_TEXT) are
what tables need and Presidio lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["identifier", "quasi_identifier", "sensitive", "none"]
Level = Literal["high", "medium", "low", "none"]
Handling = Literal["drop", "tokenize", "mask", "generalize", "keep"]

LEVEL_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1, "none": 0}
#: The levels a finding can have, lowest first (what ``--fail-on`` accepts).
FINDING_LEVELS: tuple[str, ...] = tuple(
    sorted((lv for lv, r in LEVEL_RANK.items() if r), key=LEVEL_RANK.__getitem__))


@dataclass(frozen=True)
class Entity:
    """What nbaudit knows about one kind of personal data."""

    name: str
    role: Role
    level: Level
    handling: Handling
    colour: str
    description: str
    # Whether `PiiScan.quasi_identifiers` suggests such a column for k-anonymity.
    suggest_qi: bool = False


_ENTITIES = [
    # Direct identifiers.
    Entity("PERSON", "identifier", "high", "tokenize", "#e6550d", "a person's name"),
    Entity("EMAIL_ADDRESS", "identifier", "high", "tokenize", "#3182bd", "an email address"),
    Entity("PHONE_NUMBER", "identifier", "high", "mask", "#31a354", "a telephone number"),
    Entity("US_SSN", "identifier", "high", "drop", "#a50f15", "a US social security number"),
    Entity("CREDIT_CARD", "identifier", "high", "mask", "#a50f15", "a payment card number"),
    Entity("IBAN_CODE", "identifier", "high", "mask", "#a50f15", "an IBAN bank account"),
    Entity("US_DRIVER_LICENSE", "identifier", "high", "tokenize", "#756bb1", "a driver licence"),
    Entity("US_PASSPORT", "identifier", "high", "tokenize", "#756bb1", "a passport number"),
    Entity("ID_NUMBER", "identifier", "medium", "tokenize", "#756bb1", "a record or customer ID"),
    Entity("IP_ADDRESS", "identifier", "medium", "mask", "#636363", "an IP address"),
    Entity("MAC_ADDRESS", "identifier", "medium", "mask", "#636363", "a device MAC address"),
    Entity("SOCIAL_HANDLE", "identifier", "high", "tokenize", "#1d91c0",
           "a social-media handle or profile"),
    # A person's homepage or profile page identifies them as surely as their name.
    Entity("URL", "identifier", "medium", "mask", "#6baed6", "a web address"),
    Entity("LOCATION", "identifier", "high", "generalize", "#8c6d31", "an address or place"),
    Entity("GEO_COORDINATE", "identifier", "high", "mask", "#8c6d31",
           "a latitude/longitude: where someone was"),
    # Quasi-identifiers: harmless alone, identifying in combination.
    Entity("AGE", "quasi_identifier", "medium", "generalize", "#bcbddc", "an age", True),
    Entity("GENDER", "quasi_identifier", "medium", "keep", "#bcbddc", "a gender or sex", True),
    Entity("POSTAL_CODE", "quasi_identifier", "medium", "generalize", "#bcbddc",
           "a postal code", True),
    Entity("DATE_OF_BIRTH", "quasi_identifier", "high", "generalize", "#9e9ac8",
           "a date of birth", True),
    Entity("DATE_TIME", "quasi_identifier", "low", "generalize", "#dadaeb",
           "a date or timestamp"),
    # GDPR Art. 9 special categories, and secrets (never personal, always dangerous).
    Entity("ETHNICITY", "sensitive", "high", "keep", "#dd3497", "racial or ethnic origin"),
    Entity("RELIGION", "sensitive", "high", "keep", "#dd3497", "religious belief"),
    Entity("HEALTH", "sensitive", "high", "keep", "#dd3497", "health data"),
    Entity("SEXUAL_ORIENTATION", "sensitive", "high", "keep", "#dd3497", "sexual orientation"),
    Entity("POLITICAL_OPINION", "sensitive", "high", "keep", "#dd3497", "political opinion"),
    Entity("SECRET", "sensitive", "high", "drop", "#000000", "an API key, token or password"),
    # Free text holding any of the above.
    Entity("FREE_TEXT", "identifier", "high", "mask", "#fd8d3c", "free text with PII inside"),
]

ENTITIES: dict[str, Entity] = {e.name: e for e in _ENTITIES}
NONE_ENTITY = Entity("NONE", "none", "none", "keep", "transparent", "no personal data found")


def entity(name: str) -> Entity:
    """Return the catalogue entry for `name`.

    Presidio entities without an entry here (UK_NHS, CRYPTO, ...) are treated as direct
    identifiers; "NONE" is no personal data.
    """
    if name in ENTITIES:
        return ENTITIES[name]
    if name == "NONE":
        return NONE_ENTITY
    if name in _national_id_names():
        return Entity(name, "identifier", "high", "tokenize", "#756bb1",
                      f"a national identity number ({name})")
    return Entity(name, "identifier", "high", "tokenize", "#756bb1", f"{name} (Presidio)")


def _national_id_names() -> frozenset[str]:
    from .national_ids import BY_NAME  # python-stdnum loads its modules lazily

    return frozenset(BY_NAME)
