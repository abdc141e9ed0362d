"""The national-id validators of chalicelib/privacy/masking.py, one by one, on hand-checked numbers.

Written to kill the mutants `make mutation` found surviving in masking.py: the mask() table checks
the text; these pin each validator's length, date and check-digit rule at its edges. Pure.
"""
from __future__ import annotations

import pytest

from chalicelib.privacy import masking


@pytest.mark.parametrize(("dd", "mm", "yy", "ok"), [
    (29, 2, 0, True),    # 2000 is a leap year (1900 is not)
    (29, 2, 4, True),    # 1904 and 2004 both leap
    (29, 2, 1, False),
    (31, 4, 50, False),
    (1, 1, 99, True),
    (0, 1, 50, False),
    (1, 13, 50, False),
    (29, 2, 3, False),   # neither 1903 nor 2003 is a leap year
])
def test_valid_date_in_either_century(dd: int, mm: int, yy: int, ok: bool) -> None:
    assert masking._valid_date(dd, mm, yy) is ok


@pytest.mark.parametrize(("number", "ok"), [
    ("15038510190", True), ("55038510184", True),   # fødselsnummer; D-number (day + 40)
    ("15038510191", False), ("15038510180", False),  # second, first check digit wrong
    ("1503851019", False), ("150385101900", False),  # 10 and 12 digits
    ("35038510190", False),                         # day 35
    ("41038510086", True),                          # D-number of the 1st (41 − 40); check digits by hand
    ("29029610086", True),                          # 29 Feb 1996: the year is digits 5-6 exactly
    ("31108510083", True),                          # 31 Oct 1985: the month is both digits 3-4 (10, not 0)
])
def test_is_norwegian_id(number: str, ok: bool) -> None:
    assert masking.is_norwegian_id(number) is ok


@pytest.mark.parametrize(("number", "ok"), [
    ("8112289874", True), ("198112289874", True),
    ("8112889871", True),   # samordningsnummer: day 28 + 60, Luhn worked by hand
    ("8112289875", False), ("811228987", False), ("81122898741", False),
    ("8113289874", False),  # month 13
    ("8112619872", True),   # samordningsnummer of the 1st (61 − 60)
    ("8112019875", True),   # an ordinary 1st of the month
    ("8110289876", True),   # October: the month is digits 3-4 exactly
    ("2002299879", True),   # 29 Feb 1920 (2100 and 2200 are no leap years)
])
def test_is_swedish_id(number: str, ok: bool) -> None:
    assert masking.is_swedish_id(number) is ok


@pytest.mark.parametrize(("number", "ok"), [
    ("0707614285", True), ("3207614285", False), ("070761428", False), ("07076142850", False),
    ("0713614285", False),
    ("2902961234", True),   # 29 Feb 1996: the year is digits 5-6 exactly
])
def test_is_danish_id(number: str, ok: bool) -> None:
    assert masking.is_danish_id(number) is ok


@pytest.mark.parametrize(("body", "check", "ok"), [
    ("131052308", "T", True), ("131052308", "U", False), ("13105230", "T", False),
    ("1310523080", "T", False), ("13105230A", "T", False), ("321052308", "T", False),
    ("290296123", "2", True),   # 29 Feb 1996; 290296123 mod 31 = 2
])
def test_is_finnish_id(body: str, check: str, ok: bool) -> None:
    assert masking.is_finnish_id(body, check) is ok


@pytest.mark.parametrize(("number", "ok"), [
    ("111222333", True),   # 9+8+7+12+10+8+9+6 - 3 = 66 = 6 × 11
    ("111222334", False), ("000000000", False), ("11122233", False), ("1112223330", False),
    ("123456782", True),   # 9+16+21+24+25+24+21+16 - 2 = 154 = 14 × 11
])
def test_is_dutch_bsn(number: str, ok: bool) -> None:
    assert masking.is_dutch_bsn(number) is ok


@pytest.mark.parametrize(("text", "expected"), [
    ("id 811228+9874 ok", "id [national-id] ok"),        # Swedish, over 100: '+'
    ("id 811228A9874 ok", "id [national-id] ok"),        # 'A' as a separator on a 10-digit number
    ("id 19811228+9874 ok", "id [national-id] ok"),
    ("id 19811228-9875 ok", "id 19811228-9875 ok"),      # Luhn wrong, and 12 digits as 8+4 is no phone run
    ("id 131052A308T ok", "id [national-id] ok"),        # HETU, born 2000s sign
    ("id 131052-308T ok", "id [national-id] ok"),
    ("id 070761+4285 ok", "id [national-id] ok"),        # Danish CPR with '+'
    ("id 811228X9874 ok", "id 811228X9874 ok"),          # 'X' is a Finnish sign only: not a Swedish id
    ("id 811228B9874 ok", "id 811228B9874 ok"),          # 'B' likewise
    ("id 19811228A9874 ok", "id 19811228A9874 ok"),      # a 12-digit Swedish id takes '-' or '+' only
    ("id 19811228X9874 ok", "id 19811228X9874 ok"),
])
def test_mask_separated_ids(text: str, expected: str) -> None:
    assert masking.mask(text, ("national_id",))[0] == expected
