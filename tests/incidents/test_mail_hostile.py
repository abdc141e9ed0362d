"""Hostile mail is read in linear time: HTML to text, and MIME nested or padded to megabytes. No AWS.

Linear is asserted as a scaling ratio of CPU time (4x the input must cost well under 16x, what a
quadratic step costs), the best of a few runs so a busy machine does not decide it.
"""
from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING

import pytest

from chalicelib.incidents import mail

if TYPE_CHECKING:
    from collections.abc import Callable

HOSTILE_UNITS = ["<", "<!--", "<?", "<!", "</", "<a ", "<a b='", "<script>", "&", "&#x", "<<a", "<-"]


def _cpu_seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def _scaling(make: Callable[[int], object], run: Callable[[object], object], small: int) -> float:
    """CPU time of 4x the input over that of 1x; 1x counts as at least 10 ms, so that inputs read in
    microseconds (linear whatever their ratio) give small ratios, not timer noise."""
    little, big = make(small), make(4 * small)
    return _cpu_seconds(lambda: run(big)) / max(_cpu_seconds(lambda: run(little)), 0.01)


@pytest.mark.parametrize("unit", HOSTILE_UNITS)
def test_html_to_text_hostile_markup_scales_linearly(unit: str) -> None:
    ratio = _scaling(lambda n: unit * (n // len(unit)), lambda html: mail.html_to_text(str(html)), 128_000)
    assert ratio < 8, f"{unit!r}: 4x the input cost {ratio:.1f}x"


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Hello <b>world</b></p>", "Hello world"),
    ("<html><head><title>t</title><style>p {color: red}</style></head><body>Leak</body></html>", "Leak"),
    ("<script>var a = '<p>no</p>';</script>Payslips &amp; CVs", "Payslips & CVs"),
    ("<SCRIPT type=x>hidden</SCRIPT >shown", "shown"),
    ("a < b, and b > c", "a < b, and b > c"),
    ("<!-- comment -->seen<!-- unclosed", "seen"),
    ("one<br>two<p>three</p>", "one two three"),
    ("fi&#x72;st &lt;tag&gt;", "first <tag>"),
    ("<" * 5_000 + "<p>after</p>", "<" * 5_000 + " after"),
    ("text <a href='x", "text"),
])
def test_html_to_text_exact_text(html: str, text: str) -> None:
    assert mail.html_to_text(html) == text


def test_html_to_text_stops_at_limit() -> None:
    assert mail.html_to_text("<p>word</p> " * 100_000, limit=50) == ("word " * 10).strip()


def _html_mail(html: str) -> bytes:
    encoded = base64.encodebytes(html.encode()).decode()
    return ("From: a@b.example\r\nMessage-ID: <h@b>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{encoded}").encode()


@pytest.mark.parametrize(("html", "text"), [
    ("<!--" * 500_000 + "-->" + "<" * 2_000_000 + "<p>payslips leaked</p>", "<" * mail.MAX_TEXT_CHARS),
    ("<b>payslips leaked</b>" + "<a" * 1_000_000, "payslips leaked"),
    ("<p>payslips leaked</p>" + "<" * 3_000_000, "payslips leaked " + "<" * (mail.MAX_TEXT_CHARS - 16)),
])
def test_parse_message_megabytes_of_hostile_html_is_read(html: str, text: str) -> None:
    raw = _html_mail(html)
    parsed = mail.parse_message(raw, len(raw), 10 * 1024 * 1024)
    assert parsed["html_present"] and parsed["flags"] == []
    assert parsed["text"] == text


def _nested_mime(depth: int, lines: int) -> bytes:
    head = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    tail = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    body = "Content-Type: text/plain\r\n\r\n" + "leak\r\n" * lines
    return f"From: a@b.example\r\nMessage-ID: <n@b>\r\nMIME-Version: 1.0\r\n{head}{body}{tail}".encode()


def test_parse_message_mime_nested_past_limit_is_flagged_not_parsed() -> None:
    raw = _nested_mime(5_000, 100_000)
    parsed = mail.parse_message(raw, len(raw), 10 * 1024 * 1024)
    assert parsed["flags"] == ["unparsed", "too_deep"]


def test_parse_message_mime_nested_to_limit_is_parsed() -> None:
    raw = _nested_mime(mail.MAX_MIME_BOUNDARIES, 10)
    parsed = mail.parse_message(raw, len(raw), 10 * 1024 * 1024)
    assert parsed["text"] == "leak\r\n" * 10
    assert "unparsed" not in parsed["flags"]


def test_parse_message_mime_nested_to_limit_scales_linearly_in_size() -> None:
    ratio = _scaling(lambda n: _nested_mime(mail.MAX_MIME_BOUNDARIES, n),
                     lambda raw: mail.parse_message(raw, len(raw), 50 * 1024 * 1024), 2_000)  # type: ignore[arg-type]
    assert ratio < 8, f"4x the lines cost {ratio:.1f}x"
