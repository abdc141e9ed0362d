"""The e-mail link pages' own words, in the survey locales (survey texts come from the survey)."""
from __future__ import annotations

_KEYS = ("recorded", "already", "send", "saved", "opt_out_text", "opt_out_link", "privacy", "your_score")

_TEXTS = {
    "en": ("Thank you! We recorded your answer.",
           "Thank you! We already have your answer, so nothing changed.",
           "Send", "Thank you! Your comment was saved.", "Rather not get surveys from us?", "Opt out",
           "Privacy", "Your score"),
    "nb": ("Takk! Vi har registrert svaret ditt.",
           "Takk! Vi har allerede svaret ditt, så ingenting ble endret.",
           "Send", "Takk! Kommentaren din er lagret.", "Vil du heller slippe undersøkelser fra oss?",
           "Meld deg av", "Personvern", "Din score"),
    "sv": ("Tack! Vi har registrerat ditt svar.",
           "Tack! Vi har redan ditt svar, så inget ändrades.",
           "Skicka", "Tack! Din kommentar har sparats.", "Vill du hellre slippa enkäter från oss?",
           "Avregistrera dig", "Integritet", "Ditt betyg"),
    "da": ("Tak! Vi har registreret dit svar.",
           "Tak! Vi har allerede dit svar, så intet blev ændret.",
           "Send", "Tak! Din kommentar er gemt.", "Vil du hellere være fri for spørgeskemaer fra os?",
           "Afmeld", "Privatliv", "Din score"),
    "fi": ("Kiitos! Vastauksesi on tallennettu.",
           "Kiitos! Vastauksesi on jo tallessa, joten mitään ei muutettu.",
           "Lähetä", "Kiitos! Kommenttisi on tallennettu.", "Etkö halua kyselyjä meiltä?",
           "Peru kyselyt", "Tietosuoja", "Arvosanasi"),
    "nl": ("Bedankt! We hebben je antwoord vastgelegd.",
           "Bedankt! We hebben je antwoord al, er is niets veranderd.",
           "Versturen", "Bedankt! Je opmerking is opgeslagen.", "Liever geen enquêtes van ons?",
           "Afmelden", "Privacy", "Jouw score"),
}


def texts(locale: str) -> dict[str, str]:
    return dict(zip(_KEYS, _TEXTS.get(locale.split("-")[0].lower(), _TEXTS["en"]), strict=True))
