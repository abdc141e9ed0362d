"""Demo data for `make run`: one survey per metric, texts in six locales."""
from __future__ import annotations

from typing import Any

_FOLLOW_UP = {
    "en": "What is the main reason for your score?",
    "nb": "Hva er hovedgrunnen til scoren din?",
    "sv": "Vad är den främsta anledningen till ditt betyg?",
    "da": "Hvad er den vigtigste grund til din score?",
    "fi": "Mikä on tärkein syy antamaasi arvosanaan?",
    "nl": "Wat is de belangrijkste reden voor je score?",
}

_QUESTIONS: dict[str, dict[str, tuple[str, str, str]]] = {
    "nps": {
        "en": ("How likely are you to recommend us to a friend or colleague?",
               "Not at all likely", "Extremely likely"),
        "nb": ("Hvor sannsynlig er det at du vil anbefale oss til en venn eller kollega?",
               "Svært usannsynlig", "Svært sannsynlig"),
        "sv": ("Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
               "Inte alls troligt", "Mycket troligt"),
        "da": ("Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
               "Slet ikke sandsynligt", "Meget sandsynligt"),
        "fi": ("Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?",
               "En lainkaan todennäköisesti", "Erittäin todennäköisesti"),
        "nl": ("Hoe waarschijnlijk is het dat je ons zou aanbevelen aan een vriend of collega?",
               "Helemaal niet waarschijnlijk", "Zeer waarschijnlijk"),
    },
    "ces": {
        "en": ("How easy was it to get done what you wanted today?", "Very difficult", "Very easy"),
        "nb": ("Hvor enkelt var det å få gjort det du ville i dag?", "Svært vanskelig", "Svært enkelt"),
        "sv": ("Hur enkelt var det att få gjort det du ville i dag?", "Mycket svårt", "Mycket enkelt"),
        "da": ("Hvor nemt var det at få gjort det, du ville i dag?", "Meget svært", "Meget nemt"),
        "fi": ("Kuinka helppoa oli saada tänään tehtyä se, mitä halusit?",
               "Erittäin vaikeaa", "Erittäin helppoa"),
        "nl": ("Hoe makkelijk was het om vandaag te doen wat je wilde?", "Heel moeilijk", "Heel makkelijk"),
    },
    "csat": {
        "en": ("How satisfied are you with the service?", "Very dissatisfied", "Very satisfied"),
        "nb": ("Hvor fornøyd er du med tjenesten?", "Svært misfornøyd", "Svært fornøyd"),
        "sv": ("Hur nöjd är du med tjänsten?", "Mycket missnöjd", "Mycket nöjd"),
        "da": ("Hvor tilfreds er du med tjenesten?", "Meget utilfreds", "Meget tilfreds"),
        "fi": ("Kuinka tyytyväinen olet palveluun?", "Erittäin tyytymätön", "Erittäin tyytyväinen"),
        "nl": ("Hoe tevreden ben je over de dienst?", "Zeer ontevreden", "Zeer tevreden"),
    },
}

# One product per metric, so each demo survey can be shown on its own.
DEMO_PRODUCTS = {"nps": "demo", "ces": "demo-support", "csat": "demo-checkout"}
DEMO_COMPANY = "demo-company"


def demo_surveys() -> list[dict[str, Any]]:
    return [
        {
            "survey_id": f"srv_demo_{metric}",
            "product": product,
            "company": DEMO_COMPANY,
            "metric": metric,
            "channels": ["in_app_web", "mobile", "email", "link"],
            "texts": {
                locale: {"question": q, "follow_up": _FOLLOW_UP[locale], "min_label": lo, "max_label": hi}
                for locale, (q, lo, hi) in _QUESTIONS[metric].items()
            },
            "sample_percent": 100,
            "active": True,
        }
        for metric, product in DEMO_PRODUCTS.items()
    ]
