"""The subject export's CSV writer alone, over items written by hand (pure: the mutation run uses it)."""
from __future__ import annotations

from chalicelib.privacy import rules

HEADER = ["section", "store", "kind", "id", "purpose", "collected_at", "expires_at", "field", "value"]


def test_to_csv_quotes_commas_quotes_and_newlines_with_crlf_rows() -> None:
    text = rules.to_csv([["a", "b,c"], ['say "hi"', "two\nlines"]])
    assert text == 'a,"b,c"\r\n"say ""hi""","two\nlines"\r\n'


def test_export_rows_by_hand() -> None:
    held = [{"store": "surveys", "kind": "response", "id": "r1", "purpose": "feedback",
             "collected_at": "2026-01-01T00:00:00Z", "expires_at": None, "restricted": True,
             "data": {"score": 4, "user": {"email": "a@b.no", "tags": ["x", 2]}, "comment": None}}]
    assert rules.export_rows({"controller": {"name": "Acme"}, "version": 2}, held) == [
        HEADER,
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "comment", "null"],
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "restricted", "true"],
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "score", "4"],
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "user.email", "a@b.no"],
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "user.tags[0]", "x"],
        ["data", "surveys", "response", "r1", "feedback", "2026-01-01T00:00:00Z", "", "user.tags[1]", "2"],
        ["record_of_processing", "", "", "", "", "", "", "controller.name", "Acme"],
        ["record_of_processing", "", "", "", "", "", "", "version", "2"],
    ]
