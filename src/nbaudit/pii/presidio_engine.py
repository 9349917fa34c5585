"""Presidio and spaCy NER, offline.

Two tiers, stated in every result (`tier()`):

* ``patterns`` (the default): Presidio's ``no_op`` NLP engine, pattern recognizers and their
  validators only; no spaCy pipeline, no download, no network.
* ``ner:<pipeline> <version>``: the user installed a spaCy pipeline and asked for it
  (`nbaudit.configure(ner_model=...)`, which accepts only an installed pipeline package or a
  pipeline directory). The pipeline is loaded here with ``spacy.load`` and handed to Presidio
  already loaded, so Presidio's ``SpacyNlpEngine.load()`` (which calls
  ``spacy.cli.download`` for a name it cannot find) never runs. `ner_spans` runs the pipeline's
  NER directly over many texts with ``nlp.pipe``.

Presidio and spaCy are imported lazily: each costs about a second.
"""

from __future__ import annotations

import json
import logging
import pathlib
import sys
from collections.abc import Iterable
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..config import _package_dir, resolve_pipeline, settings

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer
    from spacy.language import Language

# Presidio entities that nbaudit's own detectors already cover or that are too noisy on
# tables without context words (floats fire US_DRIVER_LICENSE, emails fire URL).
_SKIP = {"US_DRIVER_LICENSE", "URL", "DATE_TIME", "US_BANK_NUMBER", "NRP", "ORGANIZATION"}
MIN_SCORE = 0.4

# spaCy labels -> Presidio entities (Presidio's own spaCy configuration, conf/default.yaml,
# plus AGE for pipelines that have it). ORG is mapped for `analyze` but not kept by
# `ner_spans`: organisations are not personal data and the label is noisy.
LABEL_TO_ENTITY = {
    "PER": "PERSON", "PERSON": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION", "LOC": "LOCATION", "GPE": "LOCATION", "LOCATION": "LOCATION",
    "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
    "DATE": "DATE_TIME", "TIME": "DATE_TIME",
    "AGE": "AGE",
}
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "DATE_TIME", "AGE"})
# spaCy gives no per-entity confidence: Presidio scores every NER hit with this default
# (NerModelConfiguration.default_score), and so does `ner_spans`.
NER_SCORE = 0.85
_IGNORED_LABELS = ["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT",
                   "PRODUCT", "QUANTITY", "WORK_OF_ART"]
# Components `ner_spans` runs: those that write `doc.ents`, and those that set sentence
# boundaries, since spaCy's NER never predicts an entity across a sentence boundary (without
# the parser, 1 text in 1,500 got a different span than Presidio reports; with it, all the
# same, at 1.8 s instead of 1.1 s for 1,500 sentences with en_core_web_sm). The rest (tagger,
# attribute ruler, lemmatizer...) is skipped unless a kept component listens to it.
_NEEDED_FACTORIES = {"ner", "beam_ner", "entity_ruler", "parser", "beam_parser", "senter",
                     "sentencizer"}
BATCH_SIZE = 256

Span = tuple[int, int, str, float]


def _quiet() -> None:
    for name in ("presidio-analyzer", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)


@lru_cache(maxsize=4)
def pipeline(ner_model: str) -> Language:
    """The spaCy pipeline `ner_model` (an installed package or a directory), loaded once.

    The name is checked again here (settings may have been set without `configure`):
    ``spacy.load`` of a checked package name or directory never downloads anything.
    """
    import spacy

    return spacy.load(resolve_pipeline(ner_model))


@lru_cache(maxsize=4)
def analyzer(ner_model: str | None) -> AnalyzerEngine:
    """A cached `AnalyzerEngine` that never touches the network."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import (
        NerModelConfiguration,
        NlpEngine,
        NlpEngineProvider,
        SpacyNlpEngine,
    )
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    _quiet()
    nlp_engine: NlpEngine
    if ner_model:
        spacy_engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": ner_model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(LABEL_TO_ENTITY),
                labels_to_ignore=list(_IGNORED_LABELS),
                default_score=NER_SCORE,
            ),
        )
        # Already loaded: AnalyzerEngine sees `is_loaded()` and never calls `load()`, the
        # method that would call spacy.cli.download.
        spacy_engine.nlp = {"en": pipeline(ner_model)}  # type: ignore[assignment]
        nlp_engine = spacy_engine
    else:
        conf = {"nlp_engine_name": "no_op",
                "models": [{"lang_code": "en", "model_name": "no_op"}]}
        nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    # The email recognizer's tldextract would fetch the public suffix list on first use;
    # the bundled snapshot is enough and needs no network.
    # Only the recognizer's own reference is replaced; tldextract itself is untouched.
    offline_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_module = sys.modules[EmailRecognizer.__module__]
    email_module.tldextract = SimpleNamespace(extract=offline_extract)  # type: ignore[attr-defined]
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=MIN_SCORE,
    )


@lru_cache(maxsize=8)
def _describe(ner_model: str) -> tuple[str, str]:
    """(pipeline name, version) from the pipeline's meta.json, without loading it."""
    path = pathlib.Path(ner_model)
    is_dir = path.is_absolute() and path.is_dir()
    folder = path if is_dir else _package_dir(ner_model)
    meta: dict[str, Any] = {}
    if folder is not None and (folder / "meta.json").is_file():
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    if is_dir:
        name = (f"{meta['lang']}_{meta['name']}" if meta.get("lang") and meta.get("name")
                else path.name)
    else:
        name = ner_model
    return name, str(meta.get("version", "unknown version"))


def tier() -> str:
    """The detection tier in force: ``"patterns"`` or ``"ner:<pipeline name> <version>"``."""
    if not settings.ner_model:
        return "patterns"
    name, version = _describe(settings.ner_model)
    return f"ner:{name} {version}"


def mode() -> str:
    """A sentence saying how Presidio runs, for the scan's evidence."""
    if settings.ner_model:
        name, version = _describe(settings.ner_model)
        return (f"Offline scan with spaCy NER ({name} {version}, installed by the user) "
                "in Presidio; nothing downloaded")
    return "Offline scan: patterns, validators and Presidio recognizers (no_op NLP engine, no NER)"


def analyze(texts: list[str]) -> list[list[Span]]:
    """Presidio hits for each text: (start, end, entity, score), entities nbaudit lacks first."""
    engine = analyzer(settings.ner_model)
    out = []
    for text in texts:
        hits = engine.analyze(text=text, language="en", score_threshold=MIN_SCORE)
        out.append(
            [(h.start, h.end, h.entity_type, float(h.score)) for h in hits
             if h.entity_type not in _SKIP]
        )
    return out


@lru_cache(maxsize=4)
def _unneeded(ner_model: str) -> tuple[str, ...]:
    """Components of the pipeline that NER (entities and sentence boundaries) does not need."""
    nlp = pipeline(ner_model)
    keep = {name for name in nlp.pipe_names
            if nlp.get_pipe_meta(name).factory in _NEEDED_FACTORIES}
    for name in nlp.pipe_names:  # shared tok2vec / transformer an entity component listens to
        listeners = getattr(nlp.get_pipe(name), "listening_components", None) or []
        if keep.intersection(listeners):
            keep.add(name)
    return tuple(name for name in nlp.pipe_names if name not in keep)


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def ner_spans(texts: Iterable[str]) -> list[list[Span]]:
    """NER hits for each text: (start, end, entity, score), sorted by start.

    Entities: PERSON, LOCATION (spaCy's GPE, LOC, FAC), NRP, DATE_TIME and AGE where the
    pipeline has it; ORGANIZATION is not kept. The scores are Presidio's NER score
    (`NER_SCORE`): spaCy gives no per-entity confidence. The same spans Presidio's
    SpacyRecognizer reports, computed with one ``nlp.pipe`` over all texts and only the
    components NER needs (faster than Presidio's batch engine, which runs the whole pipeline
    and every recognizer). With NER off
    (the ``patterns`` tier), an empty list per text.
    """
    values = [_as_text(t) for t in texts]
    model = settings.ner_model
    if not model:
        return [[] for _ in values]
    nlp = pipeline(model)
    limit = int(nlp.max_length)
    docs = nlp.pipe((v[:limit] for v in values), batch_size=BATCH_SIZE,
                    disable=list(_unneeded(model)))
    out: list[list[Span]] = []
    for doc in docs:
        spans: list[Span] = []
        for ent in doc.ents:
            entity = LABEL_TO_ENTITY.get(ent.label_)
            if entity is not None and entity in NER_ENTITIES:
                spans.append((int(ent.start_char), int(ent.end_char), entity, NER_SCORE))
        out.append(spans)
    return out


def recognizers(entity: str) -> list[PatternRecognizer]:
    """Presidio's pattern recognizers for one entity (their patterns and validators)."""
    from presidio_analyzer import PatternRecognizer

    engine = analyzer(settings.ner_model)
    return [r for r in engine.registry.get_recognizers(language="en", entities=[entity])
            if isinstance(r, PatternRecognizer)]
