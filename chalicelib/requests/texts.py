"""The request form's and e-mails' own words, in the survey locales (en, nb, sv, da, fi, nl)."""
from __future__ import annotations

from typing import Any

RIGHT_ORDER = ("access", "portability", "rectification", "erasure", "restriction", "objection", "question")

_EN: dict[str, Any] = {
    "title": "Make a privacy request",
    "intro": "Ask to see, take with you, correct, restrict or delete the feedback data we hold about you, "
             "object to its use, or ask how it is used. We e-mail you a link to confirm that the address is "
             "yours; nothing is looked up or done before you open it.",
    "email": "Your e-mail address",
    "email_hint": "We act only on data that carries this address.",
    "legend": "What do you want to do?",
    "rights": {"access": "See the data you hold about me (access)",
               "portability": "Get my data in a reusable format (portability)",
               "rectification": "Correct my data (rectification)",
               "erasure": "Delete my data (erasure)",
               "restriction": "Keep my data but stop using it (restriction)",
               "objection": "Stop surveying and contacting me (objection)",
               "question": "Ask a question about how my data is used"},
    "details": "Details",
    "details_hint": "For a correction, say what is wrong and what it should be. For a question, write it here.",
    "submit": "Send request",
    "problem": "There is a problem",
    "errors": {"email": "Enter a valid e-mail address", "right": "Choose what you want to do",
               "details": "Say what should be corrected, or write your question (at most 2000 characters)",
               "locale": "Choose a language"},
    "sent_title": "Check your e-mail",
    "sent_text": "If the address is right, it gets an e-mail with a link to confirm your request. "
                 "The link works for 24 hours.",
    "confirm_title": "Confirm your privacy request",
    "confirm_text": "Press the button to confirm that you made this request. We then carry it out.",
    "confirm": "Confirm my request",
    "done_title": "Thank you, your request is confirmed",
    "done_text": {"export": "We have e-mailed you a link to download your data.",
                  "act": "It has been carried out, and we have e-mailed you.",
                  "review": "We will answer by {due} at the latest, by e-mail."},
    "invalid_title": "This link does not work",
    "invalid_text": "It is incomplete or has been changed. You can make a new request.",
    "expired_title": "This link has expired",
    "expired_text": "Links work for a limited time. You can make a new request.",
    "limited_title": "Too many requests",
    "limited_text": "Please try again later.",
    "privacy": "Privacy notice",
    "mail": {
        "verify": ("Confirm your privacy request",
                   "Someone asked, with this e-mail address: {right}.\n\nIf it was you, open this link within "
                   "24 hours to confirm:\n{link}\n\nIf it was not you, ignore this e-mail: nothing will happen."),
        "received": ("We have your privacy request",
                     "Your request is confirmed: {right}.\nWe will answer by {due} at the latest."),
        "export": ("Your data is ready to download",
                   "Your request is done: {right}.\nDownload the data we hold that carries this address "
                   "(the links work until {expires}):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Your privacy request is done", "We have carried out your request: {right}."),
        "rejected": ("About your privacy request",
                     "We cannot carry out your request: {right}.\nReason: {reason}\n\nYou may complain to "
                     "the data protection authority."),
        "extended": ("Your privacy request needs more time",
                     "We need more time for your request: {right}. We will answer by {due}.\nReason: {reason}"),
        "answered": ("Answer to your question", "{answer}"),
    },
}

_NB: dict[str, Any] = {
    "title": "Send en personvernforespørsel",
    "intro": "Be om å se, ta med deg, rette, begrense eller slette tilbakemeldingsdataene vi har om deg, "
             "protestere mot bruken, eller spør hvordan de brukes. Vi sender deg en lenke på e-post for å "
             "bekrefte at adressen er din; ingenting blir slått opp eller gjort før du åpner den.",
    "email": "E-postadressen din",
    "email_hint": "Vi behandler bare data som inneholder denne adressen.",
    "legend": "Hva vil du gjøre?",
    "rights": {"access": "Se dataene dere har om meg (innsyn)",
               "portability": "Få dataene mine i et gjenbrukbart format (dataportabilitet)",
               "rectification": "Rette dataene mine (retting)",
               "erasure": "Slette dataene mine (sletting)",
               "restriction": "Beholde dataene, men slutte å bruke dem (begrensning)",
               "objection": "Slutte å spørre og kontakte meg (protest)",
               "question": "Stille et spørsmål om hvordan dataene mine brukes"},
    "details": "Detaljer",
    "details_hint": "Ved retting: skriv hva som er feil og hva det skal være. Et spørsmål skriver du her.",
    "submit": "Send forespørselen",
    "problem": "Noe må rettes",
    "errors": {"email": "Skriv en gyldig e-postadresse", "right": "Velg hva du vil gjøre",
               "details": "Skriv hva som skal rettes, eller spørsmålet ditt (høyst 2000 tegn)",
               "locale": "Velg et språk"},
    "sent_title": "Sjekk e-posten din",
    "sent_text": "Hvis adressen stemmer, får den en e-post med en lenke for å bekrefte forespørselen. "
                 "Lenken virker i 24 timer.",
    "confirm_title": "Bekreft personvernforespørselen",
    "confirm_text": "Trykk på knappen for å bekrefte at det var du som sendte forespørselen. Da utfører vi den.",
    "confirm": "Bekreft forespørselen",
    "done_title": "Takk, forespørselen er bekreftet",
    "done_text": {"export": "Vi har sendt deg en lenke på e-post for å laste ned dataene dine.",
                  "act": "Den er utført, og vi har sendt deg en e-post.",
                  "review": "Vi svarer senest {due}, på e-post."},
    "invalid_title": "Denne lenken virker ikke",
    "invalid_text": "Den er ufullstendig eller endret. Du kan sende en ny forespørsel.",
    "expired_title": "Denne lenken er utløpt",
    "expired_text": "Lenker virker bare en begrenset tid. Du kan sende en ny forespørsel.",
    "limited_title": "For mange forespørsler",
    "limited_text": "Prøv igjen senere.",
    "privacy": "Personvernerklæring",
    "mail": {
        "verify": ("Bekreft personvernforespørselen din",
                   "Noen har bedt om dette med denne e-postadressen: {right}.\n\nHvis det var deg, åpne "
                   "denne lenken innen 24 timer for å bekrefte:\n{link}\n\nHvis det ikke var deg, kan du se "
                   "bort fra e-posten: ingenting skjer."),
        "received": ("Vi har mottatt personvernforespørselen din",
                     "Forespørselen er bekreftet: {right}.\nVi svarer senest {due}."),
        "export": ("Dataene dine er klare til nedlasting",
                   "Forespørselen er utført: {right}.\nLast ned dataene vi har som inneholder denne adressen "
                   "(lenkene virker til {expires}):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Personvernforespørselen din er utført", "Vi har utført forespørselen din: {right}."),
        "rejected": ("Om personvernforespørselen din",
                     "Vi kan ikke utføre forespørselen din: {right}.\nBegrunnelse: {reason}\n\nDu kan klage "
                     "til Datatilsynet."),
        "extended": ("Personvernforespørselen din trenger mer tid",
                     "Vi trenger mer tid til forespørselen din: {right}. Vi svarer senest {due}.\n"
                     "Begrunnelse: {reason}"),
        "answered": ("Svar på spørsmålet ditt", "{answer}"),
    },
}

_SV: dict[str, Any] = {
    "title": "Skicka en integritetsbegäran",
    "intro": "Be att få se, ta med dig, rätta, begränsa eller radera de återkopplingsuppgifter vi har om dig, "
             "invänd mot användningen, eller fråga hur de används. Vi mejlar en länk för att bekräfta att "
             "adressen är din; inget slås upp eller görs innan du öppnar den.",
    "email": "Din e-postadress",
    "email_hint": "Vi behandlar bara uppgifter som innehåller denna adress.",
    "legend": "Vad vill du göra?",
    "rights": {"access": "Se uppgifterna ni har om mig (tillgång)",
               "portability": "Få mina uppgifter i ett återanvändbart format (dataportabilitet)",
               "rectification": "Rätta mina uppgifter (rättelse)",
               "erasure": "Radera mina uppgifter (radering)",
               "restriction": "Behålla uppgifterna men sluta använda dem (begränsning)",
               "objection": "Sluta fråga och kontakta mig (invändning)",
               "question": "Ställa en fråga om hur mina uppgifter används"},
    "details": "Detaljer",
    "details_hint": "Vid rättelse: skriv vad som är fel och vad det ska vara. En fråga skriver du här.",
    "submit": "Skicka begäran",
    "problem": "Något behöver rättas",
    "errors": {"email": "Ange en giltig e-postadress", "right": "Välj vad du vill göra",
               "details": "Skriv vad som ska rättas, eller din fråga (högst 2000 tecken)",
               "locale": "Välj ett språk"},
    "sent_title": "Kolla din e-post",
    "sent_text": "Om adressen stämmer får den ett mejl med en länk för att bekräfta begäran. "
                 "Länken fungerar i 24 timmar.",
    "confirm_title": "Bekräfta din integritetsbegäran",
    "confirm_text": "Tryck på knappen för att bekräfta att det var du som skickade begäran. Då utför vi den.",
    "confirm": "Bekräfta begäran",
    "done_title": "Tack, din begäran är bekräftad",
    "done_text": {"export": "Vi har mejlat dig en länk för att ladda ner dina uppgifter.",
                  "act": "Den är utförd, och vi har mejlat dig.",
                  "review": "Vi svarar senast {due}, via e-post."},
    "invalid_title": "Den här länken fungerar inte",
    "invalid_text": "Den är ofullständig eller ändrad. Du kan skicka en ny begäran.",
    "expired_title": "Den här länken har gått ut",
    "expired_text": "Länkar fungerar en begränsad tid. Du kan skicka en ny begäran.",
    "limited_title": "För många förfrågningar",
    "limited_text": "Försök igen senare.",
    "privacy": "Integritetsmeddelande",
    "mail": {
        "verify": ("Bekräfta din integritetsbegäran",
                   "Någon har bett om detta med den här e-postadressen: {right}.\n\nOm det var du, öppna "
                   "länken inom 24 timmar för att bekräfta:\n{link}\n\nOm det inte var du kan du bortse från "
                   "mejlet: inget händer."),
        "received": ("Vi har tagit emot din integritetsbegäran",
                     "Din begäran är bekräftad: {right}.\nVi svarar senast {due}."),
        "export": ("Dina uppgifter kan laddas ner",
                   "Din begäran är utförd: {right}.\nLadda ner uppgifterna vi har som innehåller denna adress "
                   "(länkarna fungerar till {expires}):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Din integritetsbegäran är utförd", "Vi har utfört din begäran: {right}."),
        "rejected": ("Om din integritetsbegäran",
                     "Vi kan inte utföra din begäran: {right}.\nSkäl: {reason}\n\nDu kan klaga hos "
                     "Integritetsskyddsmyndigheten."),
        "extended": ("Din integritetsbegäran behöver mer tid",
                     "Vi behöver mer tid för din begäran: {right}. Vi svarar senast {due}.\nSkäl: {reason}"),
        "answered": ("Svar på din fråga", "{answer}"),
    },
}

_DA: dict[str, Any] = {
    "title": "Send en anmodning om dine oplysninger",
    "intro": "Bed om at se, tage med dig, berigtige, begrænse eller slette de feedbackoplysninger, vi har om "
             "dig, gør indsigelse mod brugen, eller spørg hvordan de bruges. Vi sender dig et link på e-mail for "
             "at bekræfte, at adressen er din; intet slås op eller gøres, før du åbner det.",
    "email": "Din e-mailadresse",
    "email_hint": "Vi behandler kun oplysninger, der indeholder denne adresse.",
    "legend": "Hvad vil du gøre?",
    "rights": {"access": "Se de oplysninger, I har om mig (indsigt)",
               "portability": "Få mine oplysninger i et genbrugeligt format (dataportabilitet)",
               "rectification": "Rette mine oplysninger (berigtigelse)",
               "erasure": "Slette mine oplysninger (sletning)",
               "restriction": "Beholde oplysningerne, men stoppe brugen (begrænsning)",
               "objection": "Stoppe spørgeskemaer og kontakt (indsigelse)",
               "question": "Stille et spørgsmål om, hvordan mine oplysninger bruges"},
    "details": "Detaljer",
    "details_hint": "Ved berigtigelse: skriv hvad der er forkert, og hvad det skal være. Et spørgsmål skriver du her.",
    "submit": "Send anmodningen",
    "problem": "Noget skal rettes",
    "errors": {"email": "Skriv en gyldig e-mailadresse", "right": "Vælg hvad du vil gøre",
               "details": "Skriv hvad der skal rettes, eller dit spørgsmål (højst 2000 tegn)",
               "locale": "Vælg et sprog"},
    "sent_title": "Tjek din e-mail",
    "sent_text": "Hvis adressen er rigtig, får den en e-mail med et link til at bekræfte anmodningen. "
                 "Linket virker i 24 timer.",
    "confirm_title": "Bekræft din anmodning",
    "confirm_text": "Tryk på knappen for at bekræfte, at det var dig, der sendte anmodningen. Så udfører vi den.",
    "confirm": "Bekræft anmodningen",
    "done_title": "Tak, din anmodning er bekræftet",
    "done_text": {"export": "Vi har sendt dig et link på e-mail, så du kan downloade dine oplysninger.",
                  "act": "Den er udført, og vi har sendt dig en e-mail.",
                  "review": "Vi svarer senest {due} på e-mail."},
    "invalid_title": "Dette link virker ikke",
    "invalid_text": "Det er ufuldstændigt eller ændret. Du kan sende en ny anmodning.",
    "expired_title": "Dette link er udløbet",
    "expired_text": "Links virker kun i en begrænset tid. Du kan sende en ny anmodning.",
    "limited_title": "For mange anmodninger",
    "limited_text": "Prøv igen senere.",
    "privacy": "Privatlivserklæring",
    "mail": {
        "verify": ("Bekræft din anmodning",
                   "Nogen har bedt om dette med denne e-mailadresse: {right}.\n\nHvis det var dig, så åbn "
                   "dette link inden for 24 timer for at bekræfte:\n{link}\n\nHvis det ikke var dig, kan du "
                   "se bort fra denne e-mail: intet sker."),
        "received": ("Vi har modtaget din anmodning",
                     "Din anmodning er bekræftet: {right}.\nVi svarer senest {due}."),
        "export": ("Dine oplysninger er klar til download",
                   "Din anmodning er udført: {right}.\nDownload de oplysninger, vi har, som indeholder denne "
                   "adresse (linkene virker til {expires}):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Din anmodning er udført", "Vi har udført din anmodning: {right}."),
        "rejected": ("Om din anmodning",
                     "Vi kan ikke udføre din anmodning: {right}.\nBegrundelse: {reason}\n\nDu kan klage til "
                     "Datatilsynet."),
        "extended": ("Din anmodning kræver mere tid",
                     "Vi har brug for mere tid til din anmodning: {right}. Vi svarer senest {due}.\n"
                     "Begrundelse: {reason}"),
        "answered": ("Svar på dit spørgsmål", "{answer}"),
    },
}

_FI: dict[str, Any] = {
    "title": "Tee tietosuojapyyntö",
    "intro": "Pyydä nähdä, siirtää, oikaista, rajoittaa tai poistaa sinusta tallennetut palautetiedot, "
             "vastusta niiden käyttöä tai kysy, miten niitä käytetään. Lähetämme sähköpostiisi linkin, jolla "
             "vahvistat osoitteen olevan sinun; mitään ei haeta eikä tehdä ennen kuin avaat sen.",
    "email": "Sähköpostiosoitteesi",
    "email_hint": "Käsittelemme vain tietoja, joissa tämä osoite on.",
    "legend": "Mitä haluat tehdä?",
    "rights": {"access": "Nähdä minusta tallennetut tiedot (tarkastusoikeus)",
               "portability": "Saada tietoni uudelleenkäytettävässä muodossa (siirto-oikeus)",
               "rectification": "Oikaista tietoni (oikaisu)",
               "erasure": "Poistaa tietoni (poisto)",
               "restriction": "Säilyttää tiedot mutta lopettaa niiden käyttö (rajoitus)",
               "objection": "Lopettaa kyselyt ja yhteydenotot (vastustus)",
               "question": "Kysyä, miten tietojani käytetään"},
    "details": "Lisätiedot",
    "details_hint": "Oikaisussa kerro, mikä on väärin ja mikä oikein. Kirjoita kysymyksesi tähän.",
    "submit": "Lähetä pyyntö",
    "problem": "Korjattavaa",
    "errors": {"email": "Anna kelvollinen sähköpostiosoite", "right": "Valitse, mitä haluat tehdä",
               "details": "Kerro, mitä pitää oikaista, tai kirjoita kysymyksesi (enintään 2000 merkkiä)",
               "locale": "Valitse kieli"},
    "sent_title": "Tarkista sähköpostisi",
    "sent_text": "Jos osoite on oikein, siihen tulee sähköposti, jonka linkillä vahvistat pyynnön. "
                 "Linkki toimii 24 tuntia.",
    "confirm_title": "Vahvista tietosuojapyyntösi",
    "confirm_text": "Vahvista painikkeella, että teit tämän pyynnön. Sen jälkeen toteutamme sen.",
    "confirm": "Vahvista pyyntö",
    "done_title": "Kiitos, pyyntösi on vahvistettu",
    "done_text": {"export": "Lähetimme sähköpostiisi linkin, josta voit ladata tietosi.",
                  "act": "Se on toteutettu, ja lähetimme sinulle sähköpostia.",
                  "review": "Vastaamme viimeistään {due} sähköpostitse."},
    "invalid_title": "Tämä linkki ei toimi",
    "invalid_text": "Se on puutteellinen tai muutettu. Voit tehdä uuden pyynnön.",
    "expired_title": "Tämä linkki on vanhentunut",
    "expired_text": "Linkit toimivat rajoitetun ajan. Voit tehdä uuden pyynnön.",
    "limited_title": "Liian monta pyyntöä",
    "limited_text": "Yritä myöhemmin uudelleen.",
    "privacy": "Tietosuojaseloste",
    "mail": {
        "verify": ("Vahvista tietosuojapyyntösi",
                   "Joku pyysi tällä sähköpostiosoitteella: {right}.\n\nJos se olit sinä, vahvista pyyntö "
                   "avaamalla tämä linkki 24 tunnin kuluessa:\n{link}\n\nJos se et ollut sinä, voit jättää "
                   "viestin huomiotta: mitään ei tapahdu."),
        "received": ("Olemme vastaanottaneet tietosuojapyyntösi",
                     "Pyyntösi on vahvistettu: {right}.\nVastaamme viimeistään {due}."),
        "export": ("Tietosi ovat ladattavissa",
                   "Pyyntösi on toteutettu: {right}.\nLataa tiedot, joissa tämä osoite on (linkit toimivat "
                   "{expires} asti):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Tietosuojapyyntösi on toteutettu", "Olemme toteuttaneet pyyntösi: {right}."),
        "rejected": ("Tietosuojapyynnöstäsi",
                     "Emme voi toteuttaa pyyntöäsi: {right}.\nPerustelu: {reason}\n\nVoit tehdä valituksen "
                     "tietosuojavaltuutetulle."),
        "extended": ("Tietosuojapyyntösi vaatii lisäaikaa",
                     "Tarvitsemme lisäaikaa pyyntöösi: {right}. Vastaamme viimeistään {due}.\n"
                     "Perustelu: {reason}"),
        "answered": ("Vastaus kysymykseesi", "{answer}"),
    },
}

_NL: dict[str, Any] = {
    "title": "Een privacyverzoek indienen",
    "intro": "Vraag om de feedbackgegevens die we over je hebben in te zien, mee te nemen, te corrigeren, te "
             "beperken of te verwijderen, maak bezwaar tegen het gebruik, of vraag hoe ze worden gebruikt. We "
             "mailen je een link om te bevestigen dat het adres van jou is; er wordt niets opgezocht of gedaan "
             "voordat je die opent.",
    "email": "Je e-mailadres",
    "email_hint": "We verwerken alleen gegevens waarin dit adres staat.",
    "legend": "Wat wil je doen?",
    "rights": {"access": "De gegevens zien die jullie over mij hebben (inzage)",
               "portability": "Mijn gegevens krijgen in een herbruikbaar formaat (overdraagbaarheid)",
               "rectification": "Mijn gegevens corrigeren (rectificatie)",
               "erasure": "Mijn gegevens verwijderen (wissing)",
               "restriction": "Mijn gegevens bewaren maar niet meer gebruiken (beperking)",
               "objection": "Geen enquêtes en contact meer (bezwaar)",
               "question": "Een vraag stellen over hoe mijn gegevens worden gebruikt"},
    "details": "Toelichting",
    "details_hint": "Bij een correctie: schrijf wat er fout is en wat het moet zijn. Je vraag schrijf je hier.",
    "submit": "Verzoek versturen",
    "problem": "Er is iets niet goed",
    "errors": {"email": "Vul een geldig e-mailadres in", "right": "Kies wat je wilt doen",
               "details": "Schrijf wat er gecorrigeerd moet worden, of je vraag (hoogstens 2000 tekens)",
               "locale": "Kies een taal"},
    "sent_title": "Kijk in je e-mail",
    "sent_text": "Als het adres klopt, krijgt het een e-mail met een link om je verzoek te bevestigen. "
                 "De link werkt 24 uur.",
    "confirm_title": "Bevestig je privacyverzoek",
    "confirm_text": "Druk op de knop om te bevestigen dat jij dit verzoek hebt gedaan. Daarna voeren we het uit.",
    "confirm": "Verzoek bevestigen",
    "done_title": "Bedankt, je verzoek is bevestigd",
    "done_text": {"export": "We hebben je een link gemaild om je gegevens te downloaden.",
                  "act": "Het is uitgevoerd, en we hebben je gemaild.",
                  "review": "We antwoorden uiterlijk {due}, per e-mail."},
    "invalid_title": "Deze link werkt niet",
    "invalid_text": "Hij is onvolledig of gewijzigd. Je kunt een nieuw verzoek indienen.",
    "expired_title": "Deze link is verlopen",
    "expired_text": "Links werken een beperkte tijd. Je kunt een nieuw verzoek indienen.",
    "limited_title": "Te veel verzoeken",
    "limited_text": "Probeer het later nog eens.",
    "privacy": "Privacyverklaring",
    "mail": {
        "verify": ("Bevestig je privacyverzoek",
                   "Iemand heeft met dit e-mailadres gevraagd: {right}.\n\nWas jij dat, open dan binnen 24 uur "
                   "deze link om te bevestigen:\n{link}\n\nWas jij het niet, negeer deze e-mail dan: er "
                   "gebeurt niets."),
        "received": ("We hebben je privacyverzoek ontvangen",
                     "Je verzoek is bevestigd: {right}.\nWe antwoorden uiterlijk {due}."),
        "export": ("Je gegevens staan klaar om te downloaden",
                   "Je verzoek is uitgevoerd: {right}.\nDownload de gegevens waarin dit adres staat (de links "
                   "werken tot {expires}):\nJSON: {link}\nCSV: {csv}"),
        "done": ("Je privacyverzoek is uitgevoerd", "We hebben je verzoek uitgevoerd: {right}."),
        "rejected": ("Over je privacyverzoek",
                     "We kunnen je verzoek niet uitvoeren: {right}.\nReden: {reason}\n\nJe kunt een klacht "
                     "indienen bij de Autoriteit Persoonsgegevens."),
        "extended": ("Je privacyverzoek heeft meer tijd nodig",
                     "We hebben meer tijd nodig voor je verzoek: {right}. We antwoorden uiterlijk {due}.\n"
                     "Reden: {reason}"),
        "answered": ("Antwoord op je vraag", "{answer}"),
    },
}

TEXTS: dict[str, dict[str, Any]] = {"en": _EN, "nb": _NB, "sv": _SV, "da": _DA, "fi": _FI, "nl": _NL}


def locale_of(requested: str | None) -> str:
    """A survey locale ('nb-NO' → 'nb'); anything else → 'en'."""
    base = (requested or "en").replace("_", "-").split("-")[0].lower()
    return base if base in TEXTS else "en"


def texts(locale: str) -> dict[str, Any]:
    return TEXTS.get(locale, _EN)


def mail(locale: str, kind: str, right: str, **values: str) -> tuple[str, str]:
    """(subject, body) of one e-mail to the person, in their locale."""
    t = texts(locale)
    subject, body = t["mail"][kind]
    return subject, body.format(right=t["rights"][right], **values)
