"""Word lists: person names and the values of special-category attributes.

Person names come from the US Census Bureau's 1990 name frequency files (public domain),
as shipped by the MIT-licensed `names` package: 5,494 first names and 88,799 surnames.
They are independent of the Faker lists that test data is made with; names from other
countries are matched after folding accents (MÜLLER -> MULLER), and the scan also weighs the
shape of the values (2-4 capitalised alphabetic tokens), so a lexicon miss is not fatal.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

TITLES = (
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr", "frau", "m", "mme",
    "mlle", "sr", "sra", "srta", "don", "dona", "rev", "fr", "univ.prof", "dipl.-ing", "ing",
    "mag", "prof. dr", "me", "pr",
)
SUFFIXES = ("jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq", "mba", "b.sc", "m.sc",
            "b.a", "m.a", "b.eng", "m.eng", "bsc", "msc", "ba", "ma", "llm")


def fold(text: str) -> str:
    """Upper-case ASCII form of `text` (accents stripped, ß -> SS)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).upper().replace("ß", "SS")


def _read_census(filename: str) -> frozenset[str]:
    with resources.files("names").joinpath(filename).open("r") as fh:
        return frozenset(line.split(None, 1)[0] for line in fh if line.strip())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Census first names, upper case ASCII."""
    return _read_census("dist.male.first") | _read_census("dist.female.first") | _EXTRA_FIRST


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """Census surnames, upper case ASCII."""
    return _read_census("dist.all.last")


# Common German, French and Spanish first names that the US 1990 census lists lack.
_EXTRA_FIRST = frozenset(
    fold(n)
    for n in [
        "Jürgen", "Jörg", "Klaus", "Uwe", "Dieter", "Wolfgang", "Helmut", "Horst", "Günter",
        "Manfred", "Rainer", "Hans", "Heinz", "Dirk", "Torsten", "Sven", "Jens", "Lars", "Frank",
        "Stefan", "Andreas", "Matthias", "Tobias", "Florian", "Lukas", "Jonas", "Leon", "Finn",
        "Ute", "Ursula", "Gisela", "Renate", "Helga", "Ingrid", "Sabine", "Petra", "Birgit",
        "Claudia", "Anja", "Silke", "Katrin", "Heike", "Jutta", "Monika", "Gabriele", "Brigitte",
        "Karin", "Elke", "Kerstin", "Annette", "Susanne", "Mareike", "Lea", "Mia", "Hannah", "Jean",
        "Pierre", "Jacques", "Michel", "Philippe", "Alain", "Nicolas", "François", "Christophe",
        "Sébastien", "Thierry", "Olivier", "Julien", "Mathieu", "Guillaume", "Antoine", "Benoît",
        "Laurent", "Yves", "Gérard", "Hervé", "Éric", "Loïc", "Théo", "Marie", "Nathalie",
        "Isabelle", "Sylvie", "Catherine", "Françoise", "Valérie", "Sandrine", "Céline", "Aurélie",
        "Émilie", "Camille", "Chloé", "Manon", "Léa", "Inès", "Océane", "Élodie", "Mathilde",
        "Margaux", "Agnès", "Brigitte", "Danielle", "Josette", "José", "Juan", "Javier", "Jesús",
        "Manuel", "Francisco", "Antonio", "Alejandro", "Sergio", "Pablo", "Álvaro", "Iván",
        "Andrés", "Rubén", "Jorge", "Raúl", "Diego", "Gonzalo", "Ignacio", "Joaquín", "Fernando",
        "Rafael", "Alberto", "Enrique", "Ramón", "Santiago", "María", "Carmen", "Josefa", "Dolores",
        "Pilar", "Lucía", "Elena", "Rocío", "Mercedes", "Concepción", "Montserrat", "Begoña",
        "Nuria", "Raquel", "Beatriz", "Inmaculada", "Encarnación", "Amparo", "Consuelo", "Rosario",
        "Ainhoa", "Itziar", "Sofía",
    ]
)

# Values of GDPR Art. 9 attributes, lower case. A column is labelled from these only when
# most of its values are in the list; headers alone never label it.
SENSITIVE_VALUES: dict[str, frozenset[str]] = {
    "ETHNICITY": frozenset(
        [
            "white", "black", "asian", "hispanic", "latino", "latina", "caucasian",
            "african-american", "african american", "native american", "american indian",
            "alaska native", "pacific islander", "native hawaiian", "asian-pac-islander",
            "amer-indian-eskimo", "middle eastern", "arab", "mixed", "multiracial",
            "two or more races", "hispanic or latino", "black or african american",
            "white british", "indigenous", "aboriginal", "maori", "roma", "other race",
        ]
    ),
    "RELIGION": frozenset(
        [
            "christian", "christianity", "catholic", "roman catholic", "protestant",
            "orthodox", "evangelical", "lutheran", "anglican", "baptist", "methodist",
            "mormon", "muslim", "islam", "sunni", "shia", "jewish", "judaism", "hindu",
            "hinduism", "buddhist", "buddhism", "sikh", "sikhism", "jain", "atheist",
            "agnostic", "no religion", "unaffiliated", "katholisch", "evangelisch", "muslimisch",
            "judisch", "konfessionslos", "catholique", "protestant", "musulman", "juif",
            "athee", "catolico", "catolica", "musulman", "judio", "ateo", "atea",
        ]
    ),
    "HEALTH": frozenset(
        [
            "diabetes", "type 1 diabetes", "type 2 diabetes", "asthma", "hypertension",
            "high blood pressure", "cancer", "breast cancer", "lung cancer", "depression",
            "anxiety", "bipolar disorder", "schizophrenia", "hiv", "aids", "hiv positive",
            "hepatitis", "hepatitis b", "hepatitis c", "covid-19", "covid", "influenza", "flu",
            "pneumonia", "arthritis", "rheumatoid arthritis", "osteoarthritis", "migraine",
            "obesity", "copd", "dementia", "alzheimer's", "alzheimers", "alzheimer's disease",
            "epilepsy", "stroke", "heart disease", "coronary artery disease", "heart failure",
            "bronchitis", "tuberculosis", "multiple sclerosis", "parkinson's", "parkinsons",
            "autism", "adhd", "ptsd", "eczema", "psoriasis", "anemia", "kidney disease",
            "chronic kidney disease", "cirrhosis", "pregnant", "pregnancy", "allergy",
            "allergies", "sleep apnea", "insomnia", "osteoporosis", "gout", "lupus",
            "celiac disease", "crohn's disease", "healthy", "no condition", "none",
        ]
    ),
    "SEXUAL_ORIENTATION": frozenset(
        [
            "heterosexual", "straight", "gay", "lesbian", "bisexual", "homosexual", "asexual",
            "pansexual", "queer", "questioning", "heterosexuell", "homosexuell", "bisexuell",
            "heterosexuel", "homosexuel", "bisexuel", "heterosexual", "homosexual",
        ]
    ),
    "POLITICAL_OPINION": frozenset(
        [
            "democrat", "democratic", "republican", "independent", "libertarian", "green",
            "conservative", "labour", "liberal", "liberal democrat", "socialist", "communist",
            "cdu", "csu", "spd", "fdp", "afd", "grune", "die linke", "lr", "ps", "rn", "lfi",
            "renaissance", "pp", "psoe", "vox", "sumar", "podemos", "left", "right", "centre",
            "center", "far left", "far right",
        ]
    ),
}

GENDER_VALUES = frozenset(
    [
        "m", "f", "male", "female", "man", "woman", "men", "women", "boy", "girl",
        "non-binary", "nonbinary", "non binary", "nb", "x", "d", "diverse", "divers",
        "other", "unknown", "trans", "transgender", "intersex", "genderqueer",
        "mannlich", "weiblich", "maennlich", "homme", "femme", "masculin", "feminin",
        "hombre", "mujer", "masculino", "femenino", "h", "v", "w",
    ]
)
# Values that must be present before a column of short codes counts as gender.
GENDER_CORE = frozenset(
    ["m", "f", "male", "female", "man", "woman", "mannlich", "weiblich", "homme", "femme",
     "hombre", "mujer", "masculino", "femenino", "masculin", "feminin", "w"]
)
