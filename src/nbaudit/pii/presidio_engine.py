"""Presidio, offline.

By default the analyzer runs with Presidio's ``no_op`` NLP engine: pattern recognizers and
their validators only, no spaCy model, no download, no network. If the user installed a
spaCy model and asked for it (`nbaudit.configure(ner_model=...)`), names and places in free
text are found by NER too. Presidio is imported lazily: it costs about a second.
"""

from __future__ import annotations

import logging
import sys
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from ..config import settings

# Presidio entities that nbaudit's own detectors already cover or that are too noisy on
# tables without context words (floats fire US_DRIVER_LICENSE, emails fire URL).
_SKIP = {"US_DRIVER_LICENSE", "URL", "DATE_TIME", "US_BANK_NUMBER", "NRP"}
MIN_SCORE = 0.4


@lru_cache(maxsize=4)
def analyzer(ner_model: str | None) -> Any:
    """A cached `AnalyzerEngine` that never touches the network."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    for name in ("presidio-analyzer", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)
    engine_name = "spacy" if ner_model else "no_op"
    conf = {
        "nlp_engine_name": engine_name,
        "models": [{"lang_code": "en", "model_name": ner_model or "no_op"}],
    }
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


def mode() -> str:
    """A sentence saying how Presidio runs, for the scan's evidence."""
    if settings.ner_model:
        return f"Offline scan with spaCy NER ({settings.ner_model}) in Presidio"
    return "Offline scan: patterns, validators and Presidio recognizers (no_op NLP engine, no NER)"


def analyze(texts: list[str]) -> list[list[tuple[int, int, str, float]]]:
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


def recognizers(entity: str) -> list[Any]:
    """Presidio's recognizers for one entity (their patterns and validators)."""
    engine = analyzer(settings.ner_model)
    return list(engine.registry.get_recognizers(language="en", entities=[entity]))
