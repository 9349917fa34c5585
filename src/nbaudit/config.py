"""Package-wide settings (pure: no IPython, no widgets)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """What `configure` sets. Read by the core modules at call time."""

    ner_model: str | None = None
    sample_size: int = 10_000
    page_size: int = 20


settings = Settings()


def configure(*, ner_model: str | None = None, sample_size: int | None = None,
              page_size: int | None = None) -> Settings:
    """Change package-wide settings.

    Parameters
    ----------
    ner_model
        Name of an installed spaCy model (for example ``"en_core_web_lg"``) to find names
        and places in free text with NER. ``None`` (the default) keeps Presidio pattern-only:
        nothing is downloaded, nothing touches the network. Pass ``""`` to turn NER off.
    sample_size
        Rows sampled to classify each column (counts always cover every row).
    page_size
        Rows per page in the widget's cell table.

    Returns
    -------
    Settings
        The settings now in force.
    """
    if ner_model is not None:
        if ner_model:
            import importlib.util

            if importlib.util.find_spec(ner_model) is None:
                raise ValueError(
                    f"spaCy model {ner_model!r} is not installed. Install it into this "
                    "environment first (nbaudit never downloads models), or leave NER off."
                )
        settings.ner_model = ner_model or None
    if sample_size is not None:
        if sample_size < 1:
            raise ValueError("sample_size must be a positive number of rows.")
        settings.sample_size = int(sample_size)
    if page_size is not None:
        if not 1 <= page_size <= 500:
            raise ValueError("page_size must be between 1 and 500 rows.")
        settings.page_size = int(page_size)
    return settings
