"""Minimisation of free text: mask e-mails, phone, card and national-id numbers (pure).

A follow-up comment asks for a reason, not for personal data (Art. 5(1)(c)), so what looks
like an identifier is replaced by a placeholder before storage. Numbers are masked only when
their check digits (Luhn, mod 11, mod 31) or dates say they are what they look like; any other
run of 8 to 15 digits that looks like a phone number is masked as a phone number. Text is
matched, and returned, normalised (chalicelib.normalise): a zero-width space inside a number or a
full-width `＠` hides nothing.
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from chalicelib.normalise import normalise

KINDS = ("email", "card", "national_id", "phone")
PLACEHOLDER = {"email": "[email]", "card": "[card]", "national_id": "[national-id]", "phone": "[phone]"}

# The look-behind starts a match only where a run of address characters starts: without it every
# position of a long run is tried again (quadratic: 8,000 letters took 0.8 s).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally grouped by single spaces or dashes.
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# DDMMYY + separator (Swedish, Danish, Finnish) or plain 9-12 digit runs (NO, SE, DK, NL).
_ID_SEPARATED = re.compile(r"(?<![\w-])(\d{6}|\d{8})([-+A-FU-Y])(\d{3}[0-9A-Y]|\d{4})(?![\w-])")
_ID_PLAIN = re.compile(r"(?<![\w-])\d{9,12}(?![\w-])")
# Whole digit runs only: neither start nor end inside a longer run split by separators (a 16-digit
# number that fails Luhn is no phone number, and no prefix of it is either).
_PHONE = re.compile(r"(?<![\w-])(?<!\d[\s().-])(?<!\d[\s().-][\s().-])"
                    r"\+?\(?\d(?:[\s().-]{0,2}\d){7,14}(?![\w-]|[\s().-]{1,2}\d)")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_date(dd: int, mm: int, yy: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + yy, mm, dd)
            return True
        except ValueError:
            continue
    return False


def is_norwegian_id(d: str) -> bool:
    """Fødselsnummer or D-number: 11 digits, a date (day + 40 for D), two mod-11 check digits."""
    if len(d) != 11:
        return False
    day = int(d[:2]) - (40 if int(d[0]) >= 4 else 0)
    if not _valid_date(day, int(d[2:4]), int(d[4:6])):
        return False
    w1, w2 = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    k1 = 11 - sum(int(c) * w for c, w in zip(d[:9], w1, strict=True)) % 11
    k2 = 11 - sum(int(c) * w for c, w in zip(d[:10], w2, strict=True)) % 11
    return (k1 % 11) == int(d[9]) and (k2 % 11) == int(d[10]) and k1 != 10 and k2 != 10


def is_swedish_id(d: str) -> bool:
    """Personnummer (or samordningsnummer, day + 60): YYMMDDNNNC or YYYYMMDDNNNC, Luhn on 10."""
    short = d[2:] if len(d) == 12 else d
    if len(short) != 10:
        return False
    day = int(short[4:6]) - (60 if int(short[4:6]) > 60 else 0)
    return _valid_date(day, int(short[2:4]), int(short[:2])) and luhn_ok(short)


def is_danish_id(d: str) -> bool:
    """CPR: DDMMYYSSSS; no check digit since 2007, so a valid date is what we can check."""
    return len(d) == 10 and _valid_date(int(d[:2]), int(d[2:4]), int(d[4:6]))


def is_finnish_id(body: str, check: str) -> bool:
    """HETU: DDMMYY, century sign, NNN, and a mod-31 check character."""
    if len(body) != 9 or not body.isdigit():
        return False
    return _valid_date(int(body[:2]), int(body[2:4]), int(body[4:6])) and \
        _HETU_CHECK[int(body) % 31] == check


def is_dutch_bsn(d: str) -> bool:
    """BSN: 9 digits passing the 11-test (weights 9..2, the last digit counts -1)."""
    if len(d) != 9 or d == "0" * 9:
        return False
    total = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1), strict=True)) - int(d[8])
    return total % 11 == 0


def _is_plain_id(d: str) -> bool:
    return is_norwegian_id(d) or is_swedish_id(d) or is_danish_id(d) or is_dutch_bsn(d)


def _separated_id(m: re.Match[str]) -> bool:
    head, sign, tail = m.group(1), m.group(2), m.group(3)
    if len(head) == 6 and sign in "-+A" and tail.isdigit() and (is_swedish_id(head + tail)
                                                               or is_danish_id(head + tail)):
        return True
    if len(head) == 8 and sign in "-+" and tail.isdigit():
        return is_swedish_id(head + tail)
    return len(head) == 6 and is_finnish_id(head + tail[:3], tail[3])


def mask(text: str, kinds: tuple[str, ...] | list[str] = KINDS) -> tuple[str, list[str]]:
    """The text, normalised, with identifiers of `kinds` masked, and which kinds were found."""
    found: list[str] = []
    text = normalise(text)

    def sub(kind: str, pattern: re.Pattern[str], text: str, check: Any = None) -> str:
        def replace(m: re.Match[str]) -> str:
            if check is not None and not check(m):
                return m.group(0)
            found.append(kind)
            return PLACEHOLDER[kind]
        return pattern.sub(replace, text) if kind in kinds else text

    text = sub("email", _EMAIL, text)
    text = sub("national_id", _ID_SEPARATED, text, _separated_id)
    text = sub("national_id", _ID_PLAIN, text, lambda m: _is_plain_id(m.group(0)))
    text = sub("card", _CARD, text, lambda m: luhn_ok(re.sub(r"\D", "", m.group(0))))
    text = sub("phone", _PHONE, text, lambda m: 8 <= len(re.sub(r"\D", "", m.group(0))) <= 15)
    return text, sorted(set(found))


def kinds_for(product: str, config: str) -> tuple[str, ...]:
    """Which kinds to mask for a product: COMMENT_MASKING is JSON like
    {"default": ["email", "phone"], "products": {"demo": []}}; empty means mask every kind."""
    if not config.strip():
        return KINDS
    try:
        parsed = json.loads(config)
        products = dict(parsed.get("products") or {})
    except (ValueError, AttributeError, TypeError):
        return KINDS  # a broken setting masks more, never less
    chosen = products[product] if product in products else parsed.get("default", list(KINDS))
    return tuple(k for k in chosen if k in KINDS)
