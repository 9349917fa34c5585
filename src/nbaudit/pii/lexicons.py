"""Word lists: the values of special-category attributes and of gender columns.

Person names live in `names.py` (and their lexicon in `data/`).
"""

from __future__ import annotations

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
