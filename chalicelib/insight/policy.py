"""The response policy (seed 002) as pure checks of a reply draft, in English, Norwegian, Swedish.

Each check returns findings `{rule, severity, message, match}`: `block` must be fixed before
sending; `route` means the case goes to management or corporate communication first.
Word lists are deliberately short and literal: a finding is a prompt for a person, not a verdict.
Drafts are matched in their skeleton (chalicelib.normalise): a soft hyphen or zero-width space
inside a word, full-width letters or Cyrillic look-alikes do not hide it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.normalise import skeleton

LANGUAGES = ("en", "nb", "sv")

# "Avoid words like never/always – do not promise more than you can deliver."
_ABSOLUTES = {
    "en": ["never", "always", "guarantee", "guaranteed", "promise", "forever"],
    "nb": ["aldri", "alltid", "garanterer", "garantert", "lover"],
    "sv": ["aldrig", "alltid", "garanterar", "garanterat", "lovar"],
}
# "Do not comment on rumours and speculations about acquisitions, numbers, future
# products/services, change in strategy, changes in organisation."
_OFF_LIMITS = {
    "rumours": {
        "en": ["rumour", "rumor", "speculation", "speculate"],
        "nb": ["rykte", "ryktet", "rykter", "spekulasjon"],
        "sv": ["rykte", "ryktet", "rykten", "spekulation"],
    },
    "acquisitions": {
        "en": ["acquisition", "acquire", "acquired", "merger", "takeover", "buyout"],
        "nb": ["oppkjøp", "fusjon", "kjøpt opp", "kjøpe opp"],
        "sv": ["förvärv", "uppköp", "fusion", "köpt upp", "köpa upp"],
    },
    "figures": {
        "en": ["revenue", "profit", "turnover", "earnings", "sales figures", "numbers"],
        "nb": ["omsetning", "overskudd", "resultat", "inntjening", "tall"],
        "sv": ["omsättning", "vinst", "resultat", "intäkter", "siffror"],
    },
    "future_products": {
        "en": [
            "roadmap",
            "upcoming release",
            "next version",
            "future product",
            "coming soon",
            "will launch",
            "new feature next",
        ],
        "nb": ["veikart", "neste versjon", "kommende", "lanseres", "fremtidige produkter"],
        "sv": ["färdplan", "nästa version", "kommande", "lanseras", "framtida produkter"],
    },
    "strategy": {"en": ["strategy", "strategic"], "nb": ["strategi"], "sv": ["strategi"]},
    "organisation": {
        "en": [
            "reorganisation",
            "reorganization",
            "restructuring",
            "layoff",
            "layoffs",
            "redundancies",
            "new ceo",
        ],
        "nb": ["omorganisering", "nedbemanning", "oppsigelser", "ny toppsjef"],
        "sv": ["omorganisation", "neddragning", "uppsägningar", "ny vd"],
    },
}
# Seed 002: we never speak badly about others - customers, employees, competitors.
_DISPARAGING = {
    "en": [
        "stupid",
        "idiot",
        "idiots",
        "incompetent",
        "useless",
        "lazy",
        "clueless",
        "fault of our",
        "their fault",
        "your fault",
        "blame",
        "worse than",
        "terrible company",
        "crap",
    ],
    "nb": [
        "dum",
        "dumme",
        "idiot",
        "idioter",
        "inkompetent",
        "ubrukelig",
        "lat",
        "deres feil",
        "din feil",
        "skyld",
        "dårligere enn",
        "elendig",
    ],
    "sv": [
        "dum",
        "dumma",
        "idiot",
        "idioter",
        "inkompetent",
        "oduglig",
        "lat",
        "deras fel",
        "ditt fel",
        "skyll",
        "sämre än",
        "usel",
    ],
}
# Difficult cases: discuss with management (or corporate communication) before sending.
_DIFFICULT = {
    "management": {
        "en": [
            "lawyer",
            "legal action",
            "sue",
            "court",
            "complaint to the",
            "data protection authority",
            "compensation",
            "refund",
            "cancel my contract",
            "ombudsman",
        ],
        "nb": [
            "advokat",
            "søksmål",
            "saksøke",
            "retten",
            "datatilsynet",
            "erstatning",
            "refusjon",
            "si opp avtalen",
            "forbrukerrådet",
        ],
        "sv": [
            "advokat",
            "stämma",
            "domstol",
            "imy",
            "integritetsskyddsmyndigheten",
            "ersättning",
            "återbetalning",
            "säga upp avtalet",
            "konsumentverket",
        ],
    },
    "corporate_communication": {
        "en": ["journalist", "press", "newspaper", "media", "go public", "crisis", "data breach", "leak"],
        "nb": ["journalist", "pressen", "avis", "media", "krise", "datainnbrudd", "lekkasje"],
        "sv": ["journalist", "pressen", "tidning", "media", "kris", "dataintrång", "läcka"],
    },
}


@dataclass(frozen=True)
class Draft:
    text: str
    sender_name: str | None
    sender_title: str | None
    language: str = "en"
    customer_comment: str | None = None
    in_crisis: bool = False


def _find(words: list[str], text: str) -> list[str]:
    folded = skeleton(text)
    return [w for w in words if re.search(rf"(?<!\w){re.escape(skeleton(w))}(?!\w)", folded)]


def _languages(language: str) -> list[str]:
    """Check the draft's own language, and English (mixed-language drafts are common)."""
    lang = language.split("-")[0].lower()
    return [lang, "en"] if lang in LANGUAGES and lang != "en" else ["en"]


def check_draft(draft: Draft) -> list[dict[str, Any]]:
    """Every finding of the response policy on a reply draft (empty: fine to send)."""
    findings: list[dict[str, Any]] = []
    langs = _languages(draft.language)
    for lang in langs:
        for word in _find(_ABSOLUTES[lang], draft.text):
            findings.append(
                _finding(
                    "absolute_promise",
                    "block",
                    word,
                    "avoid never/always and promises: promise only what can be delivered",
                )
            )
        for topic, words in _OFF_LIMITS.items():
            for word in _find(words[lang], draft.text):
                findings.append(
                    _finding(
                        f"off_limits_{topic}",
                        "block",
                        word,
                        f"no comment on {topic.replace('_', ' ')} (rumours and speculation)",
                    )
                )
        for word in _find(_DISPARAGING[lang], draft.text):
            findings.append(
                _finding(
                    "speaks_badly", "block", word, "never speak badly of customers, employees or competitors"
                )
            )
    findings += _signature_findings(draft)
    findings += _routing_findings(draft, langs)
    return _unique(findings)


def _signature_findings(draft: Draft) -> list[dict[str, Any]]:
    """Replies are signed with the sender's name and title, both present in the text."""
    out = []
    for part, value in (("name", draft.sender_name), ("title", draft.sender_title)):
        if not value or not value.strip():
            out.append(_finding(f"missing_{part}", "block", None, f"sign the reply with your {part}"))
        elif skeleton(value).strip() not in skeleton(draft.text):
            out.append(
                _finding(f"missing_{part}", "block", value, f"the reply text does not carry your {part}")
            )
    return out


def _routing_findings(draft: Draft, langs: list[str]) -> list[dict[str, Any]]:
    if draft.in_crisis:
        return [
            _finding(
                "difficult_case",
                "route",
                None,
                "in a crisis corporate communication handles all communication",
                route_to="corporate_communication",
            )
        ]
    text = f"{draft.text}\n{draft.customer_comment or ''}"
    for route_to in ("corporate_communication", "management"):
        for lang in langs:
            hits = _find(_DIFFICULT[route_to][lang], text)
            if hits:
                return [
                    _finding(
                        "difficult_case",
                        "route",
                        hits[0],
                        f"discuss with {route_to.replace('_', ' ')} before sending",
                        route_to=route_to,
                    )
                ]
    return []


def _finding(
    rule: str, severity: str, match: str | None, message: str, route_to: str | None = None
) -> dict[str, Any]:
    finding: dict[str, Any] = {"rule": rule, "severity": severity, "match": match, "message": message}
    if route_to:
        finding["route_to"] = route_to
    return finding


def _unique(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for f in findings:
        key = (f["rule"], f["match"])
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def route_of(findings: list[dict[str, Any]], routing: dict[str, str]) -> str | None:
    """Who sees a difficult case first, through the configurable routing table."""
    for f in findings:
        if f["severity"] == "route":
            return routing.get(f.get("route_to", "management"), f.get("route_to"))
    return None


def may_send(findings: list[dict[str, Any]], approved: bool) -> bool:
    """No blocking finding; a routed case only once management approved it."""
    if any(f["severity"] == "block" for f in findings):
        return False
    return approved or not any(f["severity"] == "route" for f in findings)
