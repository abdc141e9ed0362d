"""`make mutation`'s report: mutmut's results per module, with every survivor's diff, into docs/TESTING.md.

Run after `mutmut run` (it reads mutants/**/*.py.meta and the mutated sources). Survivors listed in
EQUIVALENT are explained there (a mutant that changes no behaviour); any other survivor is a test
to write. `python -m tests.mutation` rewrites the part of docs/TESTING.md between the markers.
"""
from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "TESTING.md"
START, END = "<!-- mutation:start -->", "<!-- mutation:end -->"
# Modules scored, and for a module that is not all pure, the functions that count (the CSV writer).
MODULES: dict[str, tuple[str, ...] | None] = {
    "chalicelib/surveys/rules.py": None,
    "chalicelib/privacy/rules.py": None,
    "chalicelib/incidents/rules.py": None,
    "chalicelib/incidents/risk.py": None,
    "chalicelib/insight/rules.py": None,
    "chalicelib/insight/policy.py": None,
    "chalicelib/privacy/masking.py": None,
    "chalicelib/signing.py": None,
    "chalicelib/insight/service.py": ("report_csv",),
    "chalicelib/csvfile.py": None,
}
KILLED = {1, 3, 36, 37, 24, -24, 152, 255}  # failed test, pytest error, timeout, type check
# Survivors that change no behaviour, by module and the one-line change they make ("- old | + new").
_LEN = ("- payload = verify(token, key) if 0 < len(token) <= 2048 else None | "
        "+ payload = verify(token, key) if {} else None")
EQUIVALENT: dict[tuple[str, str], str] = {
    ("chalicelib/insight/rules.py", "- s[1].country or \"\", s[1].locale or \"\", s[0])): | "
                                    "+ s[1].country or \"\", s[1].locale or \"XXXX\", s[0])):"):
        "a locale is a lower-case language code (`_language`), which sorts after '' and 'XXXX' alike",
    ("chalicelib/csvfile.py", "- writer = csv.writer(out, lineterminator=\"\\r\\n\") | + writer = csv.writer(out, )"):
        "the csv module's default dialect (excel) already ends rows in CRLF; the argument says so",
    ("chalicelib/signing.py", "- return base64.urlsafe_b64decode(text + \"=\" * (-len(text) % 4)) | "
                              "+ return base64.urlsafe_b64decode(text + \"=\" * (+len(text) % 4))"):
        "a body's length is 0, 2 or 3 mod 4 and base64 decoding ignores excess padding (3 '=' decode as 1)",
    ("chalicelib/signing.py", _LEN.format("1 < len(token) <= 2048")):
        "a one-character token has no '.', so verify refuses it either way",
    ("chalicelib/signing.py", _LEN.format("0 <= len(token) <= 2048")):
        "the empty token fails verify's split either way",
    ("chalicelib/signing.py", _LEN.format("0 < len(token) <= 2049")):
        "no signed token is 2049 long (a base64url body is never 1 mod 4); a forged one fails verify either way",
    ("chalicelib/surveys/rules.py", "- bucket = int.from_bytes(digest[:8], \"big\") % 10_000 | "
                                    "+ bucket = int.from_bytes(digest[:8], ) % 10_000"):
        "int.from_bytes' byteorder defaults to 'big' (Python 3.11)",
    ("chalicelib/surveys/rules.py",
     "- if is_sampled_in(s[\"survey_id\"], user_id, float(s.get(\"sample_percent\", 100)))] | "
     "+ if is_sampled_in(s[\"survey_id\"], user_id, float(s.get(\"sample_percent\", 101)))]"):
        "100 % and 101 % both take every bucket (0-9999)",
    ("chalicelib/incidents/rules.py",
     "- out += [_obligation(\"authority\", c, aware, AUTHORITY_HOURS) for c in countries] | "
     "+ out = [_obligation(\"authority\", c, aware, AUTHORITY_HOURS) for c in countries]"):
        "`out` is still empty there (the authorities are its first items)",
    ("chalicelib/incidents/rules.py",
     "- due_events = [f\"reminder_{int(before.total_seconds() // 3600)}h\" for before in REMINDERS_BEFORE_DUE | "
     "+ due_events = [f\"reminder_{int(before.total_seconds() / 3600)}h\" for before in REMINDERS_BEFORE_DUE"):
        "the reminders are whole hours (24 h, 6 h): int() of the quotient is the same",
}
EQUIVALENT[("chalicelib/incidents/risk.py",
            "- score = round(dpc * ei + cb, 2) | + score = round(dpc * ei + cb, 3)")] = (
    "DPC is whole, EI and CB are quarters: the score is a multiple of 0.25, exact at 2 decimals")
_M = "chalicelib/privacy/masking.py"
EQUIVALENT.update({
    (_M, "- total += n - 9 if n > 9 else n | + total -= n - 9 if n > 9 else n"):
        "luhn_ok only asks total % 10 == 0, and -t % 10 == 0 exactly when t % 10 == 0",
    (_M, "- date(century + yy, mm, dd) | + date(century - yy, mm, dd)"):
        "for yy 0-99, 1900±yy and 2000±yy are leap years alike (yy % 4 == 0; 1900 and 2000 ±0 are the same years)",
    (_M, "- day = int(short[4:6]) - (60 if int(short[4:6]) > 60 else 0) | "
         "+ day = int(short[4:6]) - (60 if int(short[4:6]) >= 60 else 0)"):
        "day 60 is no date either way (day 60 or day 0)",
    ("chalicelib/insight/policy.py", "- text = f\"{draft.text}\\n{draft.customer_comment or ''}\" | "
                                     "+ text = f\"{draft.text}\\n{draft.customer_comment or 'XXXX'}\""):
        "no word list holds 'xxxx', so a missing comment shown as it adds no finding",
})
_PHONE_CHECK = "- text = sub(\"phone\", _PHONE, text, lambda m: 8 <= len(re.sub(r\"\\D\", \"\", m.group(0))) <= 15) | "
for _new in ("None", "", "lambda m: 8 <= len(re.sub(r\"\\D\", \"\", m.group(0))) <= 16"):
    EQUIVALENT[(_M, _PHONE_CHECK + f"+ text = sub(\"phone\", _PHONE, text, {_new})")] = (
        "_PHONE itself matches 8 to 15 digits only (one digit, then 7 to 14 more): the length check is a second guard")
_I = "chalicelib/insight/rules.py"
for _new in ("None", "", "\"XXXX\""):
    EQUIVALENT[(_I, f"- pk = str(item.get(\"pk\", \"\")) | + pk = str(item.get(\"pk\", {_new}))")] = (
        "a missing pk as '', 'None' or 'XXXX' starts with neither RESP# nor EVT#: no contribution either way")
_SC = ("- return {{s: int(item.get(f\"n{{s}}\", 0)) for s in range(low, high + 1) if int(item.get(f\"n{{s}}\", 0))}} | "
       "+ return {{s: int(item.get(f\"n{{s}}\", {})) for s in range(low, high + 1) if int(item.get(f\"n{{s}}\", 0))}}")
for _new in ("None", "", "1"):
    EQUIVALENT[(_I, _SC.format(_new))] = "only counters present and non-zero pass the filter: it is never used"
EQUIVALENT[("chalicelib/privacy/rules.py",
            "- month = (now - timedelta(days=retention_days)).replace(day=1) | "
            "+ month = (now - timedelta(days=retention_days)).replace(day=2)")] = (
    "only the month is used ('YYYY-MM' and the month comparison); adding a month to the 2nd stays in range")
_ZIPS = {"k1 = 11 - sum(int(c) * w for c, w in zip(d[:9], w1, {})) % 11": "9 digits, 9 weights",
         "k2 = 11 - sum(int(c) * w for c, w in zip(d[:10], w2, {})) % 11": "10 digits, 10 weights",
         "total = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1), {})) - int(d[8])": "8 digits, 8 weights"}
for _line, _why in _ZIPS.items():
    for _new in ("strict=None", "", "strict=False"):
        EQUIVALENT[(_M, f"- {_line.format('strict=True')} | + {_line.format(_new)}")] = (
            f"zip's strictness never matters: {_why} (the length is checked first)")


def _functions(path: Path) -> dict[str, str]:
    """Every function of a mutated file by name, as source text (mutmut's x_<name>__mutmut_<n>)."""
    source = path.read_text()
    lines = source.splitlines()  # sliced by line numbers: get_source_segment re-splits per call (quadratic)
    out = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            out[node.name] = "\n".join(lines[node.lineno - 1:node.end_lineno])
    return out


def _change(functions: dict[str, str], mutant: str) -> str:
    """The mutant's change as '- old | + new' lines (the function header left out)."""
    fn = mutant.rsplit(".", 1)[1]
    original = functions.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", fn), "").splitlines()[1:]
    mutated = functions.get(fn, "").splitlines()[1:]
    lines = [f"{line[0]} {line[1:].strip()}" for line in difflib.unified_diff(original, mutated, lineterm="", n=0)
             if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return " | ".join(lines)


def _function_of(mutant: str) -> str:
    fn = mutant.rsplit(".", 1)[1].removeprefix("x_").removeprefix("x")
    return re.sub(r"__mutmut_\d+$", "", fn).replace("ǁ", ".").strip(".")


def collect() -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for module, only in MODULES.items():
        meta = ROOT / "mutants" / f"{module}.meta"
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes and all(v is None for v in codes.values()):
            continue  # not run this time (`mutmut run "<module>*"` ran others): keep it out of the table
        functions = _functions(ROOT / "mutants" / module)
        counted = {k: v for k, v in codes.items() if only is None or _function_of(k) in only}
        killed = sum(1 for v in counted.values() if v in KILLED)
        survivors = []
        for name, code in sorted(counted.items(), key=lambda kv: (kv[0].rsplit("_", 1)[0],
                                                                 int(kv[0].rsplit("_", 1)[1]))):
            if code in KILLED:
                continue
            change = _change(functions, name)
            status = {0: "survived", 5: "no tests", 33: "no tests"}.get(code, f"exit {code}")
            survivors.append((_function_of(name), status, change, EQUIVALENT.get((module, change))))
        results[module] = {"total": len(counted), "killed": killed, "survivors": survivors}
    return results


def render(results: dict[str, dict[str, object]]) -> str:
    lines = ["| module | mutants | killed | equivalent | score (killed + equivalent) |", "|---|---:|---:|---:|---:|"]
    for module, r in results.items():
        total, killed = int(r["total"]), int(r["killed"])  # type: ignore[call-overload]
        survivors = r["survivors"]
        equivalent = sum(1 for s in survivors if s[3])  # type: ignore[attr-defined]
        score = 100 * (killed + equivalent) / total if total else 100.0
        lines.append(f"| `{module}` | {total} | {killed} | {equivalent} | {score:.1f} % |")
    for module, r in results.items():
        survivors = r["survivors"]
        if not survivors:
            continue
        lines += ["", f"**`{module}`** survivors:", ""]
        for function, status, change, why in survivors:  # type: ignore[attr-defined]
            note = f" — equivalent: {why}" if why else ""
            lines.append(f"- `{function}` ({status}): `{change}`{note}")
    return "\n".join(lines)


def main() -> int:
    results = collect()
    if not results:
        print("no mutmut results: run `make mutation`", file=sys.stderr)
        return 1
    table = render(results)
    text = DOC.read_text()
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{START}\n{table}\n{END}{tail}")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
