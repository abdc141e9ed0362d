"""chalicelib/csvfile.py's cells and rows, written out by hand (pure; the API tests read served CSVs).

Written to kill the mutants `make mutation` found surviving in csvfile.py (`read_cell` was only
reached through the API tests, which mutmut does not run).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib import csvfile


@pytest.mark.parametrize(("value", "cell"), [
    (None, ""), (0, 0), (-20, -20), (1.5, 1.5), (Decimal("-3.5"), Decimal("-3.5")),
    (True, "True"), ("plain", "plain"), ("", ""),
    ("=1+1", "'=1+1"), ("+4712", "'+4712"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\uff1dx", "'\uff1dx"), ("\uff0bx", "'\uff0bx"),
    ("\uff0dx", "'\uff0dx"), ("\uff20x", "'\uff20x"), ("'quoted", "''quoted"), ("a=b", "a=b"),
])
def test_safe_cell(value: Any, cell: Any) -> None:
    assert csvfile.safe_cell(value) == cell


@pytest.mark.parametrize(("cell", "text"), [
    ("'=1+1", "=1+1"), ("''quoted", "'quoted"), ("'-2", "-2"), ("'\uff20x", "\uff20x"),
    ("'plain", "'plain"),   # a quote the writer did not add stays
    ("'", "'"), ("plain", "plain"), ("", ""), ("=x", "=x"),
])
def test_read_cell(cell: str, text: str) -> None:
    assert csvfile.read_cell(cell) == text


def test_write_rows_crlf_and_quoting() -> None:
    assert csvfile.write([["a", "b"], ["=x", 'say "hi", ok'], [None, -1]]) == (
        'a,b\r\n\'=x,"say ""hi"", ok"\r\n,-1\r\n')
    assert csvfile.write([["a\rb"], ["c\nd"], ["e"]]) == '"a\rb"\r\n"c\nd"\r\ne\r\n'
