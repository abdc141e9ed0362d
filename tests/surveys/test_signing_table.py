"""Signed tokens and keyed hashes against their definitions (RFC 4231's HMAC-SHA256 vector, base64url)."""
from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from chalicelib import signing

# RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
RFC4231 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_user_hash_and_keyed_hash_are_hmac_sha256_hex() -> None:
    assert signing.user_hash("Jefe", "what do ya want for nothing?") == RFC4231
    assert signing.keyed_hash(b"Jefe", "what do ya want for nothing?") == RFC4231


@pytest.mark.parametrize(("given", "valid"), [(RFC4231, True), (RFC4231.upper(), True), (RFC4231[:-1], False),
                                              (RFC4231[:-1] + "4", False), ("", False), (None, False)])
def test_is_user_hash_valid_accepts_only_the_hmac_in_any_case(given: str | None, valid: bool) -> None:
    assert signing.is_user_hash_valid("Jefe", "what do ya want for nothing?", given) is valid


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_sign_is_compact_sorted_json_then_hmac_both_base64url_unpadded() -> None:
    body = "eyJhIjoxLCJiIjoiXHUwMGY4IiwiYyI6WzEsMl19"  # base64url of {"a":1,"b":"\\u00f8","c":[1,2]}: ASCII JSON
    assert base64.urlsafe_b64decode(body + "==") == b'{"a":1,"b":"\\u00f8","c":[1,2]}'
    signature = _b64(hmac.new(b"key", body.encode(), hashlib.sha256).digest())
    assert signing.sign({"c": [1, 2], "b": "ø", "a": 1}, b"key") == f"{body}.{signature}"


@pytest.mark.parametrize("token", ["", ".", "abc", "a.b.c", "eyJhIjoxfQ.", "!!.!!", "eyJhIjoxfQ.AAAA",
                                   "W10.c2ln", "bm90IGpzb24.c2ln"])
def test_verify_malformed_or_unsigned_tokens_are_none(token: str) -> None:
    assert signing.verify(token, b"key") is None


def test_verify_a_signed_non_object_is_none() -> None:
    body = _b64(b"[1,2]")
    token = f"{body}.{_b64(hmac.new(b'key', body.encode(), hashlib.sha256).digest())}"
    assert signing.verify(token, b"key") is None


def test_verify_round_trip_and_wrong_key() -> None:
    token = signing.sign({"u": "ada", "n": 3}, b"key")
    assert signing.verify(token, b"key") == {"u": "ada", "n": 3}
    assert signing.verify(token, b"other") is None


EXPIRES = 1_800_000_000


@pytest.mark.parametrize(("make", "kind", "now", "status"), [
    (lambda: signing.sign_link("survey_score", {"s": "s1"}, EXPIRES, b"key"), "survey_score", EXPIRES - 1, "ok"),
    (lambda: signing.sign_link("survey_score", {"s": "s1"}, EXPIRES, b"key"), "opt_out", EXPIRES - 1, "invalid"),
    (lambda: signing.sign_link("survey_score", {"s": "s1"}, EXPIRES, b"other"), "survey_score", 0, "invalid"),
    (lambda: signing.sign({"k": "survey_score", "x": "1800000000"}, b"key"), "survey_score", 0, "invalid"),
    (lambda: signing.sign({"k": "survey_score"}, b"key"), "survey_score", 0, "invalid"),
    (lambda: "", "survey_score", 0, "invalid"),
    (lambda: signing.sign({"k": "survey_score", "x": EXPIRES, "pad": "p" * 2100}, b"key"), "survey_score", 0,
     "invalid"),
])
def test_read_link_statuses(make: object, kind: str, now: int, status: str) -> None:
    read, payload = signing.read_link(make(), kind, now, b"key")  # type: ignore[operator]
    assert read == status
    assert (payload is None) == (status == "invalid")


def _token_of_length(length: int) -> str:
    for n in range(1200, 1700):
        for extra in ({}, {"q": ""}, {"q": "xx"}, {"qq": "x"}):
            token = signing.sign_link("survey_score", {"p": "x" * n, **extra}, EXPIRES, b"key")
            if len(token) == length:
                return token
    raise AssertionError(length)


@pytest.mark.parametrize(("length", "status"), [(2047, "ok"), (2048, "ok"), (2050, "invalid")])
# No signed token is 2049 long (a base64url body is never 1 mod 4): 2050 is the first one refused.
def test_read_link_reads_tokens_up_to_2048_characters(length: int, status: str) -> None:
    assert signing.read_link(_token_of_length(length), "survey_score", 0, b"key")[0] == status


@pytest.mark.parametrize(("data", "text"), [
    (b"\x00\x00\x17", "AAAX"),  # a last sextet of 23 is "X": only "=" padding may be stripped
    (b"\x00\x00\x3d", "AAA9"),
    (b"\xff", "_w"),
    (b"\xfb\xef", "--8"),
])
def test_base64url_strips_only_padding_and_reads_back(data: bytes, text: str) -> None:
    assert signing._b64(data) == text
    assert signing._unb64(text) == data


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.parametrize("payload", [{"s": "srv_1", "v": 9}, {"b": "0" * 32, "k": "download", "x": 1796000000}])
def test_verify_refuses_every_other_spelling_of_the_signature(payload: dict[str, object]) -> None:
    """A token is one string: a last character that differs only in base64's unused bits, a character
    outside the alphabet, padding, or a dropped character is a different token, and is refused."""
    token = signing.sign(payload, b"k")
    body, signature = token.split(".")
    others = [signature[:-1] + c for c in ALPHABET if c != signature[-1]]
    others += [signature + "=", signature + "!", signature[:-1], "!" + signature, signature[:5] + "\n" + signature[5:]]
    assert signing.verify(token, b"k") == payload
    assert [s for s in others if signing.verify(f"{body}.{s}", b"k") is not None] == []
