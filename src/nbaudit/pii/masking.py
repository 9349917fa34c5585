"""Masking of values found to be personal data, for display and for saved output."""

from __future__ import annotations

import re

_ALNUM = re.compile(r"[A-Za-z0-9À-ÖØ-öø-ÿ]")
MAX_SHOWN = 200  # characters of a cell sent to the browser; longer cells end in "…"


def _star_after(text: str, keep_first: int, keep_last: int = 0) -> str:
    """Replace letters and digits by '*', keeping the first/last few of them."""
    positions = [m.start() for m in _ALNUM.finditer(text)]
    hide = set(positions[keep_first : len(positions) - keep_last if keep_last else None])
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


def mask_value(text: str, entity: str) -> str:
    """Mask one detected value so that it can be shown and saved.

    Parameters
    ----------
    text
        The raw value (or the matched substring of a free-text cell).
    entity
        The entity it was detected as (an `nbaudit` entity name).

    Returns
    -------
    str
        The masked form: ``j***@example.com`` for an email, the last four digits of a card,
        initials of a name, ``[SECRET]`` for keys and tokens.

    Examples
    --------
    >>> mask_value("jane.doe@example.com", "EMAIL_ADDRESS")
    'j***@example.com'
    >>> mask_value("4111 1111 1111 1111", "CREDIT_CARD")
    '**** **** **** 1111'
    """
    if not text:
        return text
    if entity == "SECRET":
        return "[SECRET]"
    if entity == "EMAIL_ADDRESS" and "@" in text:
        local, _, domain = text.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if entity in ("CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE"):
        return _star_after(text, 0, keep_last=4)
    if entity == "PHONE_NUMBER":
        return _star_after(text, 0, keep_last=2)
    if entity in ("PERSON", "LOCATION", "FREE_TEXT"):
        return " ".join(_star_after(tok, 1) for tok in text.split(" "))
    if entity == "DATE_OF_BIRTH":
        return _star_after(text, 4)  # the year's first digits only: 19**-**-**
    if entity == "DATE_TIME":
        return _star_after(text, 6)  # year and month: 2026-03-** **:**
    if entity in ("IP_ADDRESS", "MAC_ADDRESS"):
        return _star_after(text, 0, keep_last=0)
    if entity == "URL":
        m = re.match(r"((?:https?://)?[^/?#]+)", text)
        return (m.group(1) + "/***") if m and len(m.group(1)) < len(text) else text
    if len(_ALNUM.findall(text)) <= 3:  # "M", "42": one kept character would say it all
        return _star_after(text, 0)
    return _star_after(text, 1)


def truncate(text: str, limit: int = MAX_SHOWN) -> str:
    """Cut long cells for display."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
