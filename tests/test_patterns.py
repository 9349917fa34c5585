"""Validators, masking, header hints and text spans, on hand-made values with known answers."""

from __future__ import annotations

import pyarrow as pa
import pytest
from _linear import assert_linear

from nbaudit.pii import find_in_text, mask_value, patterns
from nbaudit.pii.headers import header_hints


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("378282246310005", True),  # Amex
        ("6011111111111117", True),
        ("4111111111111112", False),
        ("1234", False),
    ],
)
def test_luhn(number, ok):
    assert patterns.luhn_ok(number) is ok
    assert bool(patterns.luhn_ok_many(pa.array([number]))[0]) is ok


def test_luhn_many_handles_nulls_and_slices():
    arr = pa.array(["x", "4111111111111111", None, "4111111111111112"])[1:]
    assert patterns.luhn_ok_many(arr).tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("iban", "ok"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("GB82WEST12345698765432", True),
        ("FR1420041010050500013M02606", True),
        ("DE89 3704 0044 0532 0130 01", False),
    ],
)
def test_iban_mod97(iban, ok):
    assert patterns.iban_ok(iban) is ok


@pytest.mark.parametrize(
    ("ssn", "ok"),
    [("123-45-6789", True), ("000-12-3456", False), ("666-12-3456", False),
     ("912-12-3456", False), ("123-00-4567", False), ("123-45-0000", False)],
)
def test_ssn_rules_python_and_re2_agree(ssn, ok):
    import pyarrow.compute as pc

    assert patterns.ssn_ok(ssn) is ok
    assert pc.match_substring_regex(pa.array([ssn]), f"^(?:{patterns.SSN_VALID})$")[0].as_py() is ok


@pytest.mark.parametrize(
    ("value", "entity", "masked"),
    [
        ("jane.doe@example.com", "EMAIL_ADDRESS", "j***@example.com"),
        ("jane@gmail.com", "EMAIL_ADDRESS", "j***@gmail.com"),  # a shared provider
        ("jane@janedoe.net", "EMAIL_ADDRESS", "j***@j******.net"),  # her own domain
        ("jane@mail.example", "EMAIL_ADDRESS", "j***@mail.example"),  # reserved (RFC 2606)
        ("jane@example.com.au", "EMAIL_ADDRESS", "j***@e******.***.au"),  # not reserved
        ("bob@acme.co.uk", "EMAIL_ADDRESS", "b***@a***.**.uk"),
        ("4111 1111 1111 1111", "CREDIT_CARD", "**** **** **** 1111"),
        ("123-45-6789", "US_SSN", "***-**-6789"),
        ("Jane Doe", "PERSON", "J*** D**"),
        ("sk_live_abcdefghijklmnop1234", "SECRET", "[SECRET]"),
        ("M", "GENDER", "*"),
        ("1980-04-17", "DATE_OF_BIRTH", "19**-**-**"),
        ("12/16/1977", "DATE_OF_BIRTH", "**/**/19**"),
        ("16 Dec 1977", "DATE_OF_BIRTH", "** *** 19**"),
        ("19771216", "DATE_OF_BIRTH", "19******"),
        ("2026-03-14 10:22", "DATE_TIME", "2026-03-** **:**"),
        ("张伟", "PERSON", "**"),
        ("Мстислав Кудрявцев", "PERSON", "М******* К********"),
        ("ayşe yılmaz", "PERSON", "a*** y*****"),
        ("김민준", "PERSON", "***"),
        ("محمد علي", "PERSON", "**** ***"),
        ("राहुल शर्मा", "PERSON", "***** *****"),
        ("Li Na", "PERSON", "** **"),
        ("@jane_doe", "SOCIAL_HANDLE", "@j*******"),
        ("https://janedoe.example/about", "URL", "https://j******.example/***"),
        ("https://twitter.com/janedoe", "URL", "https://twitter.com/***"),
        ("A000055", "ID_NUMBER", "A******"),
        ("+1 555-123-4567", "PHONE_NUMBER", "+* ***-***-**67"),
    ],
)
def test_mask_value(value, entity, masked):
    assert mask_value(value, entity) == masked


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("email", "EMAIL_ADDRESS"),
        ("Customer E-Mail", "EMAIL_ADDRESS"),
        ("courriel", "EMAIL_ADDRESS"),
        ("Telefonnummer", "PHONE_NUMBER"),
        ("téléphone", "PHONE_NUMBER"),
        ("PLZ", "POSTAL_CODE"),
        ("code_postal", "POSTAL_CODE"),
        ("código postal", "POSTAL_CODE"),
        ("Geburtsdatum", "DATE_OF_BIRTH"),
        ("date_de_naissance", "DATE_OF_BIRTH"),
        ("fecha_nacimiento", "DATE_OF_BIRTH"),
        ("Vorname", "PERSON"),
        ("apellido", "PERSON"),
        ("edad", "AGE"),
        ("Geschlecht", "GENDER"),
        ("sexe", "GENDER"),
        ("apiKey", "SECRET"),
        ("mot_de_passe", "SECRET"),
        ("ethnicity", "ETHNICITY"),
        ("diagnosis", "HEALTH"),
    ],
)
def test_header_hints_in_four_languages(header, entity):
    assert entity in header_hints(header)


@pytest.mark.parametrize("header", ["page", "message", "usage", "product_name", "file_name",
                                    "paid", "percentage"])
def test_header_hints_do_not_fire_inside_words(header):
    hints = header_hints(header)
    assert "AGE" not in hints and "PERSON" not in hints and "ID_NUMBER" not in hints


def test_find_in_text_spans_and_validators():
    text = ("Mail jane.doe@example.com or call (555) 123-4567. Card 4111 1111 1111 1111, "
            "bad card 4111 1111 1111 1112, IBAN DE89 3704 0044 0532 0130 00, "
            "key AKIAIOSFODNN7EXAMPLE, signed Anna Smith on 2024-01-05.")
    hits = find_in_text(text)
    found = {(text[s:e], ent) for s, e, ent, _ in hits}
    assert ("jane.doe@example.com", "EMAIL_ADDRESS") in found
    assert ("(555) 123-4567", "PHONE_NUMBER") in found
    assert ("4111 1111 1111 1111", "CREDIT_CARD") in found
    assert ("DE89 3704 0044 0532 0130 00", "IBAN_CODE") in found
    assert ("AKIAIOSFODNN7EXAMPLE", "SECRET") in found
    assert ("Anna Smith", "PERSON") in found
    spans = [text[s:e] for s, e, _, _ in hits]
    assert "4111 1111 1111 1112" not in spans  # fails Luhn
    assert ("2024-01-05", "PHONE_NUMBER") not in found  # a date is not a phone
    starts = [s for s, _, _, _ in hits]
    assert starts == sorted(starts)
    assert all(a[1] <= b[0] for a, b in zip(hits, hits[1:], strict=False))  # no overlaps


def test_repeated_names_give_disjoint_spans_covering_every_name():
    text = "Anna Smith Anna Smith Anna"
    hits = find_in_text(text)
    assert all(a[1] <= b[0] for a, b in zip(hits, hits[1:], strict=False))
    assert {h[2] for h in hits} <= {"PERSON", "LOCATION"}  # a lone "Anna" is also a town
    covered = {i for s, e, _, _ in hits for i in range(s, e)}
    assert set(range(0, 21)) <= covered  # both "Anna Smith" in full


def test_find_in_text_entity_filter():
    hits = find_in_text("jane@example.com 555-123-4567", entities=["PHONE_NUMBER"])
    assert [h[2] for h in hits] == ["PHONE_NUMBER"]


@pytest.mark.parametrize(
    "evil",
    [
        "a" * 1_000_000,
        "a@" * 500_000,
        "a." * 500_000 + "@",
        "1-" * 500_000,
        "1 " * 500_000,
        "A" * 1_000_000,
        "http://" + "a" * 1_000_000,
        "Ab " * 333_333,
        "Anna " * 200_000,  # every pair a candidate name: must stay linear
        "eyJ" + "a" * 999_990,
        "eyJ" * 333_333,  # issue 11: quadratic before the token-start guard (300 KB: 37 s)
        "password=" * 111_111,
    ],
)
def test_regexes_stay_fast_on_adversarial_megabyte_strings(evil):
    # Linear time: a tenth of the string takes about a tenth of the time (a quadratic
    # pattern would take a hundredth), measured in CPU time (see tests/_linear.py).
    assert_linear(find_in_text, evil)


SAMPLES = ["jane.doe@example.com", "123-45-6789", "+1 (312) 555-0100", "4111 1111 1111 1111",
           "GB82 WEST 1234 5698 7654 32", "10.0.0.1", "https://example.org/a?b=c", "Straße 5",
           "Émile Zola", "张伟", "1985-02-03", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
           "", "plain words", "AKIAIOSFODNN7EXAMPLE", "x\ny", "12345", None, "Мария 7"]


@pytest.mark.parametrize("name", sorted({*patterns.FULL, *patterns.SEARCH_RE2}))
def test_small_arrays_match_like_pyarrow_kernels(name):
    """Few values take a cached google-re2 program, many take pyarrow's RE2 kernel: the same
    engine, so a column's verdict cannot depend on how many rows it has."""
    arr = pa.array(SAMPLES, pa.string())
    big = pa.array(SAMPLES * (patterns.SMALL_ARRAY // len(SAMPLES) + 1), pa.string())
    n = len(SAMPLES)
    for regex in {patterns.FULL.get(name), patterns.SEARCH_RE2.get(name)} - {None}:
        assert patterns.contains(arr, regex).tolist() == patterns.contains(big, regex)[:n].tolist()
        assert (patterns.full_match(arr, regex).tolist()
                == patterns.full_match(big, regex)[:n].tolist())


# One or two values each pattern matches; the adversarial inputs below are built from them.
POSITIVES: dict[str, list[str]] = {
    "EMAIL_ADDRESS": ["jane.doe@mail.example.com"],
    "URL": ["https://www.example.org/a/b?c=d", "www.example.com/x"],
    "SECRET": ["AKIAIOSFODNN7EXAMPLE", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
               "github_pat_11ABCDEFG0123456789_abcdefghij", "xoxb-1234567890-abcdefghij",
               "sk-proj-abcdefghijklmnopqrstuvwx", "password=hunter2hunter2",
               "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
    "IP_ADDRESS": ["192.168.10.254", "10.0.0.1"],
    "US_SSN": ["123-45-6789"],
    "CREDIT_CARD": ["4111 1111 1111 1111"],
    "IBAN_CODE": ["GB82 WEST 1234 5698 7654 32"],
    "PHONE_NUMBER": ["+1 (312) 555-0100"],
}


def _evil_inputs(example: str, size: int) -> list[str]:
    """The example's prefixes repeated (a match started and never finished, over and over),
    and the example glued to itself without a separator."""
    cuts = sorted({1, 2, 3, len(example) // 2, len(example) - 1})
    units = [example[:c] for c in cuts if c > 0] + [example]
    return [(unit * (size // len(unit) + 1))[:size] for unit in units]


def _scan(pattern):
    def run(text):
        for _ in pattern.finditer(text):
            pass
    return run


def test_every_text_pattern_has_positives():
    assert set(POSITIVES) == set(patterns.SEARCH_PY), "add positives for a new pattern"
    for name, examples in POSITIVES.items():
        for example in examples:
            assert patterns.SEARCH_PY[name].search(example), (name, example)


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_each_pattern_is_linear_on_a_megabyte_built_for_it(name):
    """Issue 11: every Python-`re` pattern of the text pass on 1 MB inputs built from what it
    matches: a tenth of the input takes about a tenth of the CPU time."""
    run = _scan(patterns.SEARCH_PY[name])
    for example in POSITIVES[name]:
        for evil in _evil_inputs(example, 1_000_000):
            try:
                assert_linear(run, evil)
            except AssertionError as error:
                raise AssertionError(f"{name} on {evil[:12]!r}...: {error}") from None
