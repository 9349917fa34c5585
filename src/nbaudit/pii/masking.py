"""Masking of values found to be personal data, for display and for saved output."""

from __future__ import annotations

import re
import unicodedata

MAX_SHOWN = 200  # characters of a cell sent to the browser; longer cells end in "…"
_YEAR = re.compile(r"(?<![0-9])(?:1[89]|20)[0-9]{2}(?![0-9])")
_ISO_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}")
_COMPACT_DATE = re.compile(r"^((?:1[89]|20)[0-9]{2})[0-9]{4}$")


def _hideable(ch: str) -> bool:
    """Letters, digits and combining marks of every script (the marks carry Indic vowels)."""
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


def _star_after(text: str, keep_first: int, keep_last: int = 0) -> str:
    """Replace letters and digits of any script by '*', keeping the first/last few of them."""
    positions = [i for i, ch in enumerate(text) if _hideable(ch)]
    hide = set(positions[keep_first : len(positions) - keep_last if keep_last else None])
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


def _keep_only(text: str, keep: set[int]) -> str:
    return "".join(ch if i in keep or not _hideable(ch) else "*" for i, ch in enumerate(text))


def _mask_word(word: str) -> str:
    """A word of a name or place: its initial stays only where an initial says little.

    Scripts with case and spaces between words (Latin, Cyrillic, Greek) keep the first
    letter of words of three or more letters; scripts without (Han, Hangul, kana, Arabic,
    Devanagari) are masked whole, since one sign there can be the whole surname.
    """
    letters = [ch for ch in word if _hideable(ch)]
    if len(letters) >= 3 and (letters[0].isupper() or letters[0].islower()):
        return _star_after(word, 1)
    return _star_after(word, 0)


def _mask_date(text: str, keep_month: bool) -> str:
    """Dates keep only their year's century ("19**-**-**", "**/**/19**"), or with
    `keep_month` (timestamps that are not birth dates) the year and, in ISO form, the month."""
    compact = _COMPACT_DATE.match(text)
    if compact:
        return text[:2] + "*" * (len(text) - 2) if not keep_month else text[:4] + "*" * 4
    if keep_month and _ISO_MONTH.match(text):
        return text[:7] + _star_after(text[7:], 0)
    year = _YEAR.search(text)
    if year is None:
        return _star_after(text, 0)
    start = year.start()
    keep = set(range(start, start + (4 if keep_month else 2)))
    return _keep_only(text, keep)


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
        return f"{local[:1]}***@{_mask_mail_domain(domain)}"
    if entity in ("CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE"):
        return _star_after(text, 0, keep_last=4)
    if entity == "PHONE_NUMBER":
        return _star_after(text, 0, keep_last=2)
    if entity == "SOCIAL_HANDLE" and not text.lower().startswith(("http", "www.")):
        at = "@" if text.startswith("@") else ""
        body = text[len(at):]
        return at + body[:1] + "*" * (len(body) - 1) if len(body) >= 3 else at + "*" * len(body)
    if entity in ("PERSON", "LOCATION", "FREE_TEXT"):
        return " ".join(_mask_word(tok) for tok in text.split(" "))
    if entity == "DATE_OF_BIRTH":
        return _mask_date(text, keep_month=False)
    if entity == "DATE_TIME":
        return _mask_date(text, keep_month=True)
    if entity in ("IP_ADDRESS", "MAC_ADDRESS"):
        return _star_after(text, 0, keep_last=0)
    if entity == "URL":
        # The host stays (which site), the path goes (which person): a personal homepage
        # ("janedoe.example") is its own host, so a host that is not shared stays masked too.
        m = re.match(r"((?:https?://)?(?:www\.)?)([^/?#]+)(.*)", text)
        if not m:
            return _star_after(text, 0)
        scheme, host, rest = m.groups()
        return scheme + _mask_host(host) + ("/***" if rest.strip("/") else "")
    if sum(map(_hideable, text)) <= 3:  # "M", "42": one kept character would say it all
        return _star_after(text, 0)
    return _star_after(text, 1)


def truncate(text: str, limit: int = MAX_SHOWN) -> str:
    """Cut long cells for display."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Hosts where a page belongs to one of many users: the host says nothing about who.
SHARED_HOSTS = frozenset([
    "twitter.com", "x.com", "facebook.com", "fb.com", "instagram.com", "linkedin.com",
    "youtube.com", "tiktok.com", "github.com", "gitlab.com", "reddit.com", "medium.com", "t.me",
    "threads.net", "bsky.app", "mastodon.social", "wordpress.com", "blogspot.com", "tumblr.com",
    "sites.google.com", "house.gov", "senate.gov",
])


# Mail providers and documentation domains: a domain many people share says little. Any other
# domain (a person's own, a small employer's) is masked but its suffix, like a homepage's host.
MAIL_PROVIDERS = frozenset([
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de", "t-online.de",
    "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com", "naver.com",
    "orange.fr", "free.fr", "laposte.net", "libero.it", "btinternet.com", "comcast.net",
    "example.com", "example.org", "example.net", "example.de", "example.invalid",
])
_PROVIDER_FAMILIES = ("yahoo.", "hotmail.", "outlook.", "live.", "gmx.", "yandex.")
# Reserved for documentation and testing (RFC 2606, RFC 6761): no person owns them.
_RESERVED_SUFFIXES = (".example.com", ".example.org", ".example.net", ".example", ".test",
                      ".invalid", ".localhost")


def _mask_mail_domain(domain: str) -> str:
    lower = domain.lower()
    if (lower in MAIL_PROVIDERS or lower.startswith(_PROVIDER_FAMILIES)
            or lower.endswith(_RESERVED_SUFFIXES)):
        return domain
    return _mask_host_plain(domain)


def _mask_host(host: str) -> str:
    """A host on a shared platform stays readable; any other host is masked but its suffix."""
    lower = host.lower()
    if any(lower == h for h in SHARED_HOSTS):
        return host
    for h in SHARED_HOSTS:
        if lower.endswith("." + h):  # "jane.house.gov", "jane.github.io": the person's own
            sub = host[: len(host) - len(h) - 1]
            return ("www." if sub.lower() == "www" else _star_after(sub, 1) + ".") + host[-len(h):]
    return _mask_host_plain(host)


def _mask_host_plain(host: str) -> str:
    name, dot, suffix = host.rpartition(".")
    return (_star_after(name, 1) + dot + suffix) if dot else _star_after(host, 1)
