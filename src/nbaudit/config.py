"""Package-wide settings (pure: no IPython, no widgets, no spaCy import, no network)."""

from __future__ import annotations

import enum
import importlib.metadata as metadata
import importlib.util
import os
import pathlib
from dataclasses import dataclass

from ._checks import whole_number

INSTALL_HINT = (
    "nbaudit never downloads models. Install a spaCy pipeline package you trust into this "
    "environment (for example `pip install <pipeline-wheel-or-package>`, pinned by hash), "
    "then pass its import name, or pass the path of a directory holding a pipeline "
    "(config.cfg and meta.json, as written by `nlp.to_disk`)."
)


MAX_PAGE_SIZE = 500  # rows of a page of cells (the widget offers up to this many)


class _Unset(enum.Enum):
    UNSET = enum.auto()


_UNSET = _Unset.UNSET


@dataclass
class Settings:
    """What `configure` sets. Read by the core modules at call time."""

    ner_model: str | None = None
    sample_size: int = 10_000
    page_size: int = 20


settings = Settings()


def _package_dir(name: str) -> pathlib.Path | None:
    """The directory of the top-level package `name`, found without importing it."""
    if not name.isidentifier():
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return pathlib.Path(next(iter(spec.submodule_search_locations)))


def _is_pipeline_package(name: str) -> bool:
    """True for an installed distribution (spaCy's `is_package`) whose package has a meta.json."""
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    except Exception:  # a malformed name or distribution: not a pipeline
        return False
    pkg = _package_dir(name)
    return pkg is not None and (pkg / "meta.json").is_file()


def _requires_spacy(dist: metadata.Distribution) -> bool:
    for req in dist.requires or ():
        head = req.split(";")[0].strip().lower()
        name = head.split()[0] if head else ""
        for sep in "<>=!~[(":
            name = name.split(sep)[0]
        if name == "spacy":
            return True
    return False


def installed_pipelines() -> list[str]:
    """Import names of the spaCy pipeline packages installed in this environment.

    Found from package metadata only (nothing is imported, nothing touches the network): the
    ``spacy_models`` entry points that ``spacy package`` writes (what
    ``spacy.util.get_installed_models()`` reads), plus any distribution that depends on spaCy
    and ships a top-level package holding a ``meta.json`` (re-uploads without the entry point).
    """
    found: set[str] = set()
    for ep in metadata.entry_points(group="spacy_models"):
        found.add(ep.name)
    for dist in metadata.distributions():
        if not _requires_spacy(dist):
            continue
        for file in dist.files or ():
            parts = pathlib.PurePath(str(file)).parts
            if len(parts) == 2 and parts[1] == "meta.json":
                found.add(parts[0])
    return sorted(name for name in found if _is_pipeline_package(name))


def _pipeline_dir(path: pathlib.Path) -> pathlib.Path | None:
    """`path` if it holds a pipeline (config.cfg); or its one subdirectory that does.

    A pip-installed pipeline package keeps meta.json at its top and the pipeline itself in
    one ``<name>-<version>/`` subdirectory: either directory is accepted.
    """
    if not path.is_dir():
        return None
    if (path / "config.cfg").is_file():
        return path
    inner = [p for p in path.iterdir() if p.is_dir() and (p / "config.cfg").is_file()]
    return inner[0] if len(inner) == 1 else None


def resolve_pipeline(ner_model: str | os.PathLike[str]) -> str:
    """The installed spaCy pipeline `ner_model` names, as an import name or an absolute path.

    Raises
    ------
    ValueError
        If it is neither an installed spaCy pipeline package nor a directory holding a
        pipeline. Nothing is downloaded.
    """
    text = os.fspath(ner_model)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("ner_model must be the name or path of an installed spaCy pipeline.")
    text = text.strip()
    for name in dict.fromkeys((text, text.replace("-", "_"))):
        if _is_pipeline_package(name):
            return name
    path = pathlib.Path(text).expanduser()
    if path.exists():
        found = _pipeline_dir(path)
        if found is not None:
            return str(found.resolve())
        raise ValueError(
            f"{text!r} is not a spaCy pipeline directory: it holds no config.cfg "
            f"(and no single subdirectory that does). {INSTALL_HINT}"
        )
    installed = installed_pipelines()
    listed = ", ".join(installed) if installed else "none"
    raise ValueError(
        f"spaCy pipeline {text!r} is not installed (installed pipelines: {listed}). "
        f"{INSTALL_HINT} Or use ner_model=None to keep NER off."
    )


def configure(*, ner_model: str | os.PathLike[str] | None | _Unset = _UNSET,
              sample_size: int | None = None, page_size: int | None = None) -> Settings:
    """Change package-wide settings.

    Parameters
    ----------
    ner_model
        An installed spaCy pipeline to find names and places in free text with NER: the
        import name of a pipeline package (see `installed_pipelines()`) or the path of a
        directory holding a pipeline (config.cfg, meta.json). Anything else raises
        ``ValueError``; nothing is ever downloaded. ``None`` (or ``""``) turns NER off:
        patterns, validators and lexicons only. Left out, the setting is unchanged.
    sample_size
        Rows sampled to classify each column (counts always cover every row).
    page_size
        Rows per page in the widget's cell table and of `PiiScan.page` (1 to 500).

    Returns
    -------
    Settings
        The settings now in force.

    Raises
    ------
    TypeError
        If `sample_size` or `page_size` is not a whole number.
    ValueError
        If one is out of range, or `ner_model` is not an installed pipeline.
    """
    # Every argument is checked before any setting changes: a refused call changes nothing.
    if sample_size is not None:
        sample_size = whole_number(sample_size, "sample_size", 1, "10000")
    if page_size is not None:
        page_size = whole_number(page_size, "page_size", 1, "20", maximum=MAX_PAGE_SIZE)
    if not isinstance(ner_model, _Unset):
        if ner_model is None or (isinstance(ner_model, str) and not ner_model.strip()):
            settings.ner_model = None
        else:
            settings.ner_model = resolve_pipeline(ner_model)
    if sample_size is not None:
        settings.sample_size = sample_size
    if page_size is not None:
        settings.page_size = page_size
    return settings
