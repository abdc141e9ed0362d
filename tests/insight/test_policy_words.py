"""Every word of the reply checker's lists, in every language, alone in a clean, signed draft.

The lists are written out here by hand from seed 002 (the response policy), not imported: a word
dropped from chalicelib/insight/policy.py fails its row. Each draft is otherwise clean (its
control row below has no finding at all), so a row fails only when its own word is missed.
"""
from __future__ import annotations

import pytest

from chalicelib.insight import policy

NAME, TITLE = "Ada Lovelace", "Support Lead"
TEMPLATES = {
    "en": "Hello Kim, thank you for the feedback. {word}. Kind regards, Ada Lovelace, Support Lead",
    "nb": "Hei Kim, takk for tilbakemeldingen. {word}. Hilsen Ada Lovelace, Support Lead",
    "sv": "Hej Kim, tack för återkopplingen. {word}. Hälsningar Ada Lovelace, Support Lead",
}

BLOCKED = {
    "absolute_promise": {
        "en": ["never", "always", "guarantee", "guaranteed", "promise", "forever"],
        "nb": ["aldri", "alltid", "garanterer", "garantert", "lover"],
        "sv": ["aldrig", "alltid", "garanterar", "garanterat", "lovar"],
    },
    "off_limits_rumours": {
        "en": ["rumour", "rumor", "speculation", "speculate"],
        "nb": ["rykte", "ryktet", "rykter", "spekulasjon"],
        "sv": ["rykte", "ryktet", "rykten", "spekulation"],
    },
    "off_limits_acquisitions": {
        "en": ["acquisition", "acquire", "acquired", "merger", "takeover", "buyout"],
        "nb": ["oppkjøp", "fusjon", "kjøpt opp", "kjøpe opp"],
        "sv": ["förvärv", "uppköp", "fusion", "köpt upp", "köpa upp"],
    },
    "off_limits_figures": {
        "en": ["revenue", "profit", "turnover", "earnings", "sales figures", "numbers"],
        "nb": ["omsetning", "overskudd", "resultat", "inntjening", "tall"],
        "sv": ["omsättning", "vinst", "resultat", "intäkter", "siffror"],
    },
    "off_limits_future_products": {
        "en": ["roadmap", "upcoming release", "next version", "future product", "coming soon", "will launch",
               "new feature next"],
        "nb": ["veikart", "neste versjon", "kommende", "lanseres", "fremtidige produkter"],
        "sv": ["färdplan", "nästa version", "kommande", "lanseras", "framtida produkter"],
    },
    "off_limits_strategy": {"en": ["strategy", "strategic"], "nb": ["strategi"], "sv": ["strategi"]},
    "off_limits_organisation": {
        "en": ["reorganisation", "reorganization", "restructuring", "layoff", "layoffs", "redundancies", "new ceo"],
        "nb": ["omorganisering", "nedbemanning", "oppsigelser", "ny toppsjef"],
        "sv": ["omorganisation", "neddragning", "uppsägningar", "ny vd"],
    },
    "speaks_badly": {
        "en": ["stupid", "idiot", "idiots", "incompetent", "useless", "lazy", "clueless", "fault of our",
               "their fault", "your fault", "blame", "worse than", "terrible company", "crap"],
        "nb": ["dum", "dumme", "idiot", "idioter", "inkompetent", "ubrukelig", "lat", "deres feil", "din feil",
               "skyld", "dårligere enn", "elendig"],
        "sv": ["dum", "dumma", "idiot", "idioter", "inkompetent", "oduglig", "lat", "deras fel", "ditt fel",
               "skyll", "sämre än", "usel"],
    },
}
ROUTED = {
    "management": {
        "en": ["lawyer", "legal action", "sue", "court", "complaint to the", "data protection authority",
               "compensation", "refund", "cancel my contract", "ombudsman"],
        "nb": ["advokat", "søksmål", "saksøke", "retten", "datatilsynet", "erstatning", "refusjon",
               "si opp avtalen", "forbrukerrådet"],
        "sv": ["advokat", "stämma", "domstol", "imy", "integritetsskyddsmyndigheten", "ersättning",
               "återbetalning", "säga upp avtalet", "konsumentverket"],
    },
    "corporate_communication": {
        "en": ["journalist", "press", "newspaper", "media", "go public", "crisis", "data breach", "leak"],
        "nb": ["journalist", "pressen", "avis", "media", "krise", "datainnbrudd", "lekkasje"],
        "sv": ["journalist", "pressen", "tidning", "media", "kris", "dataintrång", "läcka"],
    },
}


def _draft(language: str, word: str, template: str | None = None) -> policy.Draft:
    text = (template or TEMPLATES[language]).format(word=word)
    return policy.Draft(text=text, sender_name=NAME, sender_title=TITLE, language=language)


def _rows(table: dict[str, dict[str, list[str]]], also_english: bool) -> list[tuple[str, str, str, str]]:
    """(language of the draft, list's language, rule or route, word); nb and sv drafts are checked in English too."""
    rows = [(lang, lang, rule, word) for rule, langs in table.items() for lang, words in langs.items()
            for word in words]
    if also_english:
        rows += [(lang, "en", rule, word) for rule, langs in table.items() for word in langs["en"]
                 for lang in ("nb", "sv")]
    return rows


@pytest.mark.parametrize("language", ["en", "nb", "sv", "nb-NO", "sv_SE"])
def test_check_draft_clean_signed_template_has_no_finding(language: str) -> None:
    template = TEMPLATES[language[:2]]
    assert policy.check_draft(_draft(language, "Vi ser på saken" if language != "en" else "We are on it",
                                     template)) == []


@pytest.mark.parametrize(("language", "listed_in", "rule", "word"), _rows(BLOCKED, also_english=True))
def test_check_draft_each_listed_word_blocks_the_draft(language: str, listed_in: str, rule: str, word: str) -> None:
    findings = policy.check_draft(_draft(language, word.capitalize()))
    assert {"rule": rule, "severity": "block", "match": word} in [
        {k: f[k] for k in ("rule", "severity", "match")} for f in findings]
    assert policy.may_send(findings, approved=True) is False


@pytest.mark.parametrize(("language", "listed_in", "route_to", "word"), _rows(ROUTED, also_english=True))
def test_check_draft_each_difficult_word_routes_the_draft(language: str, listed_in: str, route_to: str,
                                                          word: str) -> None:
    findings = policy.check_draft(_draft(language, word.upper()))
    routed = [f for f in findings if f["severity"] == "route"]
    assert [(f["rule"], f["route_to"], f["match"]) for f in routed] == [("difficult_case", route_to, word)]
    assert policy.may_send(findings, approved=False) is False
    assert policy.route_of(findings, {}) == route_to


@pytest.mark.parametrize(("language", "route_to", "word"), [
    ("en", "management", "refund"), ("nb", "management", "erstatning"), ("sv", "management", "ersättning"),
    ("en", "corporate_communication", "journalist"), ("nb", "corporate_communication", "avis"),
    ("sv", "corporate_communication", "tidning"),
])
def test_check_draft_difficult_word_in_the_customer_comment_routes_too(language: str, route_to: str,
                                                                       word: str) -> None:
    draft = policy.Draft(text=TEMPLATES[language].format(word="OK"), sender_name=NAME, sender_title=TITLE,
                         language=language, customer_comment=f"... {word} ...")
    assert [f["route_to"] for f in policy.check_draft(draft)] == [route_to]


@pytest.mark.parametrize(("language", "word"), [("en", "aldri"), ("en", "alltid"), ("en", "usel"),
                                                ("nb", "aldrig"), ("sv", "aldri"), ("de", "aldri")])
def test_check_draft_another_languages_word_is_not_checked(language: str, word: str) -> None:
    # Only the draft's own language and English are checked (de falls back to English only).
    template = TEMPLATES.get(language, TEMPLATES["en"])
    assert policy.check_draft(_draft(language, word, template)) == []


@pytest.mark.parametrize(("text", "word"), [("neverland", "never"), ("always-on", "always"),
                                            ("lattermild", "lat"), ("tallet", "tall")])
def test_check_draft_word_inside_another_word_is_not_a_hit(text: str, word: str) -> None:
    # A word is matched whole: not inside a longer word (a hyphen ends a word, so "always-on" is a hit).
    findings = policy.check_draft(_draft("nb" if word in ("lat", "tall") else "en", text))
    assert [f["match"] for f in findings] == ([word] if text == "always-on" else [])


@pytest.mark.parametrize(("name", "title", "missing"), [
    (None, TITLE, [("missing_name", None)]),
    ("  ", TITLE, [("missing_name", None)]),
    ("Grace Hopper", TITLE, [("missing_name", "Grace Hopper")]),
    (NAME, None, [("missing_title", None)]),
    (NAME, "CEO", [("missing_title", "CEO")]),
    ("ada lovelace", "support lead", []),  # case does not matter
])
def test_check_draft_signature_needs_name_and_title_in_the_text(name: str | None, title: str | None,
                                                               missing: list[tuple[str, str | None]]) -> None:
    draft = policy.Draft(text=TEMPLATES["en"].format(word="OK"), sender_name=name, sender_title=title)
    assert [(f["rule"], f["match"]) for f in policy.check_draft(draft)] == missing


def test_check_draft_in_crisis_routes_everything_to_corporate_communication() -> None:
    draft = policy.Draft(text=TEMPLATES["en"].format(word="OK"), sender_name=NAME, sender_title=TITLE,
                         in_crisis=True)
    findings = policy.check_draft(draft)
    assert [(f["rule"], f["severity"], f["route_to"]) for f in findings] == [
        ("difficult_case", "route", "corporate_communication")]
    assert policy.route_of(findings, {"corporate_communication": "comms@example.com"}) == "comms@example.com"


@pytest.mark.parametrize(("findings", "approved", "may"), [
    ([], False, True),
    ([{"severity": "route"}], False, False),
    ([{"severity": "route"}], True, True),
    ([{"severity": "block"}], True, False),
    ([{"severity": "block"}, {"severity": "route"}], True, False),
])
def test_may_send_blocks_always_and_routes_until_approved(findings: list, approved: bool, may: bool) -> None:
    assert policy.may_send(findings, approved) is may
