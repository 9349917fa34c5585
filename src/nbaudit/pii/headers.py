"""Column-header hints in English, German, French and Spanish.

A header hint is evidence, never a verdict on its own: `scan` weighs it against the values.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Short keywords must equal a whole header token ("age" must not fire on "page" or
# "message"); long ones may also appear inside a compound ("geburtsdatum", "customeremail").
HEADER_KEYWORDS: dict[str, list[str]] = {
    "EMAIL_ADDRESS": ["email", "e-mail", "mail", "emailaddress", "courriel", "correo", "correo_electronico"],
    "PHONE_NUMBER": ["phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "telefon",
                     "handy", "rufnummer", "telefonnummer", "portable", "telefono", "movil",
                     "celular", "phonenumber"],
    "PERSON": ["name", "fullname", "firstname", "nickname", "nick", "alias", "maiden", "aka", "lastname", "surname", "forename", "givenname",
               "familyname", "vorname", "nachname", "prenom", "nom", "nombre", "apellido",
               "apellidos", "customername", "patientname", "holder", "cardholder"],
    "LOCATION": ["address", "street", "addr", "adresse", "strasse", "anschrift", "direccion",
                 "domicilio", "calle", "rue", "city", "town", "stadt", "ort", "wohnort", "ville",
                 "ciudad", "localidad", "country", "land", "pays", "pais", "state", "county",
                 "region", "province", "provincia", "location", "residence", "birthplace",
                 "nationality", "citizenship", "nation", "hometown", "origin_country",
                 "district", "ward", "precinct", "timezone", "building", "suite",
                 "apartment"],
    "GEO_COORDINATE": ["latitude", "longitude", "lat", "lon", "lng", "coord", "coords",
                       "coordinates", "geolocation", "gps", "latlong", "latlng"],
    "POSTAL_CODE": ["zip", "zipcode", "postal", "postcode", "postalcode", "plz", "postleitzahl",
                    "codepostal", "cp", "codigopostal"],
    "AGE": ["age", "alter", "edad", "lebensalter"],
    "GENDER": ["gender", "sex", "geschlecht", "sexe", "genre", "sexo", "genero"],
    "DATE_OF_BIRTH": ["dob", "birth", "birthdate", "birthday", "dateofbirth", "geburtsdatum",
                      "geburtstag", "geboren", "naissance", "datenaissance", "nacimiento",
                      "fechanacimiento"],
    "US_SSN": ["ssn", "socialsecurity", "social_security", "sozialversicherungsnummer",
               "securitesociale", "nss", "seguridadsocial"],
    "CREDIT_CARD": ["card", "creditcard", "ccnumber", "cardnumber", "pan", "kreditkarte",
                    "karte", "carte", "tarjeta"],
    "IBAN_CODE": ["iban", "bankaccount", "kontonummer", "rib", "cuenta"],
    "IP_ADDRESS": ["ip", "ipaddress", "ipaddr", "ipv4", "ipv6", "clientip", "remoteaddr"],
    "MAC_ADDRESS": ["mac", "macaddress"],
    "SOCIAL_HANDLE": ["twitter", "facebook", "instagram", "youtube", "mastodon", "tiktok",
                      "linkedin", "github", "snapchat", "telegram", "reddit", "bluesky", "threads",
                      "handle", "screenname", "screen_name", "username", "user_name", "nickname_online"],
    "URL": ["url", "website", "homepage", "webseite", "link", "sitio", "siteweb", "profile",
            "webpage"],
    "SECRET": ["password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "accesskey",
               "privatekey", "credential", "credentials", "passwort", "kennwort", "motdepasse",
               "contrasena", "clave", "secretkey", "clientsecret", "authtoken", "accesstoken"],
    "ID_NUMBER": ["id", "uuid", "guid", "customerid", "userid", "accountid", "clientid",
                  "patientid", "memberid", "employeeid", "username", "login", "kundennummer",
                  "kundenid", "identifiant", "identificador", "dni", "nif", "nie", "personalausweis",
                  "ausweisnummer", "matricule", "nationalid", "casenumber", "caseno", "case",
                  "docket", "booking", "inmate", "mrn", "badge", "personnummer", "nino", "bsn",
                  "cpf", "insee", "steuerid", "pesel", "aadhaar", "bioguide", "govtrack",
                  "opensecrets", "icpsr", "votesmart", "wikidata", "ballotpedia", "fec",
                  "cspan", "maplight", "ids", "ticket"],
    "US_DRIVER_LICENSE": ["driverlicense", "driverslicense", "license", "licence", "fuhrerschein",
                          "permisdeconduire", "licencia"],
    "US_PASSPORT": ["passport", "reisepass", "passeport", "pasaporte"],
    "DATE_TIME": ["date", "time", "timestamp", "datetime", "created", "updated", "datum", "zeit",
                  "zeitpunkt", "heure", "fecha", "hora", "purchased", "ordered"],
    "ETHNICITY": ["race", "ethnicity", "ethnic", "ethnie", "ethnique", "etnia", "raza",
                  "herkunft", "abstammung", "origine"],
    "RELIGION": ["religion", "religious", "faith", "confession", "konfession", "religionszugehorigkeit",
                 "religioso"],
    "HEALTH": ["diagnosis", "diagnose", "health", "condition", "disease", "illness", "medical",
               "medication", "icd", "icd10", "symptom", "symptoms", "treatment", "krankheit",
               "gesundheit", "sante", "maladie", "diagnostic", "salud", "enfermedad",
               "diagnostico", "disability", "pregnancy", "hiv"],
    "SEXUAL_ORIENTATION": ["sexualorientation", "orientation", "orientierung", "orientacion"],
    "POLITICAL_OPINION": ["party", "political", "politics", "partisan", "partei", "parti",
                          "partido", "politica", "vote", "voting"],
}

# Tokens that say the column is about something other than a person.
# Headers that name an organisation or a thing: names in such a column are namesakes
# ("Virgin America", "Mercy Hospital"), never a person, however few rows there are.
ORGANISATION_HEADERS = {"company", "airline", "hospital", "clinic", "facility", "school",
                        "university", "college", "station", "airport", "venue", "institution",
                        "agency", "department", "brand", "store", "shop", "merchant", "vendor",
                        "bank", "business", "organisation", "organization", "org", "product",
                        "league", "carrier", "insurer", "employer"}
# Headers of a secondary line of a street address: identifying like the address itself.
ADDRESS_PART_HEADERS = {"building", "suite", "apartment", "apt", "flat", "address2", "addr2"}
NOT_PERSON = {"product", "company", "file", "filename", "item", "brand", "store", "shop", "host",
              "hostname", "column", "category", "city", "street", "country", "state", "table",
              "field", "domain", "server", "app", "device", "model", "project", "organisation",
              "organization", "org", "bank", "business", "dataset", "sheet", "tag", "type",
              "team", "job", "title", "key", "display", "event", "merchant", "vendor",
              "hospital", "clinic", "facility", "school", "university", "college", "station",
              "airport", "building", "venue", "institution", "agency", "department", "office",
              "course", "league", "airline", "sport", "game", "games", "song", "album",
              "book", "movie", "film", "drug", "medication", "disease", "condition"}

# Keywords that must be a whole header token even when long: they occur inside other words
# ("secret" in "opensecrets", "threads" in "subthreads", "handle" in "panhandle").
WHOLE_TOKEN_ONLY = {"secret", "token", "threads", "handle", "profile", "nation", "origin_country",
                    "case", "booking", "alias", "nick", "maiden", "twitter", "github"}
# Headers of one or two words about a person's name parts ("first", "last", "middle").
NAME_PART_HEADERS = {"first", "last", "middle", "given", "family", "surname", "initial",
                     "initials", "forename"}
# Tokens that say an ID belongs to a thing, not a person.
NOT_PERSON_ID = {"product", "sku", "item", "order", "invoice", "transaction", "store", "shop",
                 "hospital", "facility", "company", "organisation", "organization", "org",
                 "category", "event", "file", "game", "games", "sport", "season", "vendor",
                 "merchant", "campaign", "session"}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss")


def header_tokens(header: object) -> tuple[list[str], str]:
    """Split a column name into lower-case ASCII tokens, and their concatenation."""
    text = _fold(str(header))
    text = _CAMEL.sub(" ", text).lower()
    tokens = [t for t in _NON_ALNUM.split(text) if t]
    return tokens, "".join(tokens)


@functools.cache
def _keyword_keys() -> dict[str, list[tuple[str, str]]]:
    """Each entity's keywords with their letters and digits only, computed once."""
    return {entity_name: [(kw, _NON_ALNUM.sub("", kw)) for kw in keywords]
            for entity_name, keywords in HEADER_KEYWORDS.items()}


def header_hints(header: object) -> dict[str, str]:
    """Entities a column name hints at, each with the keyword that matched.

    Examples
    --------
    >>> header_hints("Customer E-Mail")
    {'EMAIL_ADDRESS': 'email'}
    """
    tokens, joined = header_tokens(header)
    token_set = set(tokens)
    hints: dict[str, str] = {}
    for entity_name, keywords in _keyword_keys().items():
        for kw, key in keywords:
            if key in token_set or (len(key) >= 5 and key in joined
                                    and kw not in WHOLE_TOKEN_ONLY):
                hints[entity_name] = kw
                break
    if len(tokens) <= 2 and token_set & NAME_PART_HEADERS and token_set <= NAME_PART_HEADERS | {
            "name", "names", "n"}:
        hints.setdefault("PERSON", tokens[0])
    if "PERSON" in hints and token_set & NOT_PERSON:
        del hints["PERSON"]
    if "ID_NUMBER" in hints and token_set & NOT_PERSON_ID:
        del hints["ID_NUMBER"]
    if "SOCIAL_HANDLE" in hints:
        hints.pop("ID_NUMBER", None)
        hints.pop("PERSON", None)
    if "ID_NUMBER" in hints and "PERSON" in hints and "username" not in joined:
        # "customer_id" is an ID, not a name.
        del hints["PERSON"]
    if "DATE_OF_BIRTH" in hints:
        hints.pop("DATE_TIME", None)
        hints.pop("LOCATION", None)  # "birthplace" is a place, "birthdate" a date
        if "place" in joined or "ort" in token_set or "lieu" in joined or "lugar" in joined:
            hints = {"LOCATION": hints["DATE_OF_BIRTH"]}
    return hints
