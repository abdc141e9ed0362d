"""The privacy notices shown to survey respondents, by version and locale (from seed 000).

A response records `privacy_notice_version` (stage config PRIVACY_NOTICE_VERSION); the text of
every version ever in force stays here, so what a person was told can be shown later. A new
version is a new key: never edit the text of a version that has been in force.
"""
from __future__ import annotations

from typing import NamedTuple


class Notice(NamedTuple):
    version: str
    locale: str
    title: str
    sections: tuple[tuple[str, str], ...]


VERSION_LABEL = {"en": "Version", "nb": "Versjon", "sv": "Version", "da": "Version", "fi": "Versio",
                 "nl": "Versie"}

_2026_01: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "en": ("Privacy notice: customer feedback", (
        ("What this is", "We ask short surveys (NPS, CES, CSAT) in our products, by e-mail and through "
         "survey links. You choose a score; after that we may ask why. You can always decline."),
        ("What we keep and why", "Your answer, the product or service, and the user: id or username, "
         "e-mail, URL, company and country. We use them to understand your feedback and, if you answered, "
         "we may contact you about it and tell you when we acted on it."),
        ("Cookies", "To avoid asking too often, the survey may store a cookie with a signed token: a "
         "pseudonymous code of your user id, the product and the date you may next be asked."),
        ("Legal ground", "Legitimate interest: improving our products and services. You decide whether "
         "to answer. If you do not answer, you will not be contacted."),
        ("How long", "Deleted or anonymised once no longer needed, and at the latest 3 years after "
         "collection."),
        ("Sharing", "Within our group of companies and with subcontractors under data protection "
         "agreements, mainly in the EU; transfers outside the EU use the EU Standard Contractual Clauses."),
        ("Your rights", "You may ask for access, deletion, rectification or restriction, object to the "
         "processing, ask for data portability, and complain to the data protection authority."),
        ("Contact", "Contact the company that delivers the product you use to learn more about how your "
         "data is handled."),
    )),
    "nb": ("Personvernerklæring: tilbakemeldinger fra kunder", (
        ("Hva dette er", "Vi stiller korte spørreundersøkelser (NPS, CES, CSAT) i produktene våre, på "
         "e-post og via lenker. Du velger en score; deretter kan vi spørre hvorfor. "
         "Du kan alltid si nei takk."),
        ("Hva vi lagrer og hvorfor", "Svaret ditt, produktet eller tjenesten og brukeren: id eller "
         "brukernavn, e-post, URL, firma og land. Vi bruker dette for å forstå tilbakemeldingen din, og hvis "
         "du svarte, kan vi kontakte deg om den og fortelle når vi har gjort noe med den."),
        ("Informasjonskapsler", "For å unngå å spørre for ofte kan undersøkelsen lagre en "
         "informasjonskapsel med et signert token: en pseudonym kode for bruker-id-en din, produktet og "
         "datoen du tidligst kan bli spurt igjen."),
        ("Rettslig grunnlag", "Berettiget interesse: å forbedre produktene og tjenestene våre. Du bestemmer "
         "selv om du vil svare. Svarer du ikke, blir du ikke kontaktet."),
        ("Hvor lenge", "Slettes eller anonymiseres når det ikke lenger trengs, og senest 3 år etter "
         "innsamling."),
        ("Deling", "Innenfor vårt konsern og med underleverandører under databehandleravtaler, hovedsakelig "
         "i EU; overføringer utenfor EU skjer med EUs standardkontraktsbestemmelser."),
        ("Dine rettigheter", "Du kan be om innsyn, sletting, retting eller begrensning, protestere mot "
         "behandlingen, be om dataportabilitet og klage til tilsynsmyndigheten for personvern."),
        ("Kontakt", "Kontakt selskapet som leverer produktet du bruker for å få vite mer om hvordan "
         "opplysningene dine behandles."),
    )),
    "sv": ("Integritetsmeddelande: kundåterkoppling", (
        ("Vad detta är", "Vi ställer korta enkäter (NPS, CES, CSAT) i våra produkter, via e-post och via "
         "länkar. Du väljer ett betyg; därefter kan vi fråga varför. Du kan alltid tacka nej."),
        ("Vad vi sparar och varför", "Ditt svar, produkten eller tjänsten och användaren: id eller "
         "användarnamn, e-post, URL, företag och land. Vi använder uppgifterna för att förstå din "
         "återkoppling, och om du svarade kan vi kontakta dig om den och berätta när vi har agerat."),
        ("Kakor", "För att inte fråga för ofta kan enkäten spara en kaka med en signerad token: en "
         "pseudonym kod för ditt användar-id, produkten och det datum då du tidigast kan tillfrågas igen."),
        ("Rättslig grund", "Berättigat intresse: att förbättra våra produkter och tjänster. Du bestämmer "
         "själv om du vill svara. Svarar du inte kontaktas du inte."),
        ("Hur länge", "Uppgifterna raderas eller anonymiseras när de inte längre behövs, och senast 3 år "
         "efter insamlingen."),
        ("Delning", "Inom vår koncern och med underleverantörer under personuppgiftsbiträdesavtal, främst "
         "inom EU; överföringar utanför EU sker med EU:s standardavtalsklausuler."),
        ("Dina rättigheter", "Du kan begära tillgång, radering, rättelse eller begränsning, invända mot "
         "behandlingen, begära dataportabilitet och klaga hos tillsynsmyndigheten för dataskydd."),
        ("Kontakt", "Kontakta företaget som levererar produkten du använder för att få veta mer om hur "
         "dina uppgifter hanteras."),
    )),
    "da": ("Privatlivserklæring: kundefeedback", (
        ("Hvad dette er", "Vi stiller korte spørgeskemaer (NPS, CES, CSAT) i vores produkter, på e-mail og "
         "via links. Du vælger en score; derefter kan vi spørge hvorfor. Du kan altid sige nej tak."),
        ("Hvad vi gemmer og hvorfor", "Dit svar, produktet eller tjenesten og brugeren: id eller "
         "brugernavn, e-mail, URL, virksomhed og land. Vi bruger oplysningerne til at forstå din feedback, "
         "og hvis du svarede, kan vi kontakte dig om den og fortælle, når vi har handlet på den."),
        ("Cookies", "For ikke at spørge for ofte kan undersøgelsen gemme en cookie med et signeret token: "
         "en pseudonym kode for dit bruger-id, produktet og den dato, hvor du tidligst kan blive "
         "spurgt igen."),
        ("Retsgrundlag", "Legitim interesse: at forbedre vores produkter og tjenester. Du bestemmer selv, "
         "om du vil svare. Svarer du ikke, bliver du ikke kontaktet."),
        ("Hvor længe", "Oplysningerne slettes eller anonymiseres, når de ikke længere er nødvendige, og "
         "senest 3 år efter indsamlingen."),
        ("Deling", "Inden for vores koncern og med underleverandører under databehandleraftaler, primært "
         "i EU; overførsler uden for EU sker med EU's standardkontraktbestemmelser."),
        ("Dine rettigheder", "Du kan anmode om indsigt, sletning, berigtigelse eller begrænsning, gøre "
         "indsigelse mod behandlingen, anmode om dataportabilitet og klage til tilsynsmyndigheden."),
        ("Kontakt", "Kontakt virksomheden, der leverer det produkt, du bruger, for at få mere at vide om, "
         "hvordan dine oplysninger behandles."),
    )),
    "fi": ("Tietosuojaseloste: asiakaspalaute", (
        ("Mistä on kyse", "Esitämme lyhyitä kyselyjä (NPS, CES, CSAT) tuotteissamme, sähköpostitse ja "
         "linkkien kautta. Valitset arvosanan, minkä jälkeen voimme kysyä syytä. Voit aina kieltäytyä."),
        ("Mitä tallennamme ja miksi", "Vastauksesi, tuotteen tai palvelun sekä käyttäjän tiedot: tunnus "
         "tai käyttäjänimi, sähköposti, URL, yritys ja maa. Käytämme tietoja palautteesi ymmärtämiseen, ja "
         "jos vastasit, voimme ottaa sinuun yhteyttä ja kertoa, kun olemme toimineet palautteen "
         "perusteella."),
        ("Evästeet", "Jotta emme kysyisi liian usein, kysely voi tallentaa evästeen, jossa on "
         "allekirjoitettu tunniste: käyttäjätunnuksesi pseudonyymi koodi, tuote ja päivä, jolloin sinulta "
         "voidaan kysyä seuraavan kerran."),
        ("Käsittelyn oikeusperuste", "Oikeutettu etu: tuotteidemme ja palvelujemme parantaminen. Päätät "
         "itse, vastaatko. Jos et vastaa, sinuun ei oteta yhteyttä."),
        ("Säilytysaika", "Tiedot poistetaan tai anonymisoidaan, kun niitä ei enää tarvita, ja viimeistään "
         "3 vuoden kuluttua keräämisestä."),
        ("Tietojen luovutus", "Konsernimme sisällä ja alihankkijoille tietojenkäsittelysopimusten nojalla, "
         "pääasiassa EU:ssa; siirrot EU:n ulkopuolelle perustuvat EU:n vakiosopimuslausekkeisiin."),
        ("Oikeutesi", "Voit pyytää pääsyä tietoihin, niiden poistamista, oikaisemista tai käsittelyn "
         "rajoittamista, vastustaa käsittelyä, pyytää tietojen siirtämistä ja tehdä valituksen "
         "tietosuojavalvontaviranomaiselle."),
        ("Yhteystiedot", "Ota yhteyttä käyttämäsi tuotteen toimittavaan yritykseen saadaksesi lisätietoja "
         "tietojesi käsittelystä."),
    )),
    "nl": ("Privacyverklaring: klantfeedback", (
        ("Waar dit over gaat", "We stellen korte enquêtes (NPS, CES, CSAT) in onze producten, per e-mail "
         "en via links. Je kiest een score; daarna kunnen we vragen waarom. Je kunt altijd weigeren."),
        ("Wat we bewaren en waarom", "Je antwoord, het product of de dienst en de gebruiker: id of "
         "gebruikersnaam, e-mail, URL, bedrijf en land. We gebruiken dit om je feedback te begrijpen, en als "
         "je hebt geantwoord, kunnen we contact met je opnemen en laten weten wat we ermee hebben gedaan."),
        ("Cookies", "Om niet te vaak te vragen, kan de enquête een cookie met een ondertekend token "
         "opslaan: een pseudonieme code van je gebruikers-id, het product en de datum waarop we je op zijn "
         "vroegst opnieuw mogen vragen."),
        ("Rechtsgrond", "Gerechtvaardigd belang: onze producten en diensten verbeteren. Jij beslist of je "
         "antwoordt. Als je niet antwoordt, nemen we geen contact met je op."),
        ("Hoe lang", "De gegevens worden verwijderd of geanonimiseerd zodra ze niet meer nodig zijn, en "
         "uiterlijk 3 jaar na het verzamelen."),
        ("Delen", "Binnen onze groep en met onderaannemers onder verwerkersovereenkomsten, voornamelijk in "
         "de EU; doorgiften buiten de EU gebeuren op basis van de standaardcontractbepalingen van de EU."),
        ("Jouw rechten", "Je kunt vragen om inzage, verwijdering, rectificatie of beperking, bezwaar maken "
         "tegen de verwerking, om overdraagbaarheid vragen en een klacht indienen bij de toezichthouder."),
        ("Contact", "Neem contact op met het bedrijf dat het product levert dat je gebruikt voor meer "
         "informatie over hoe je gegevens worden verwerkt."),
    )),
}

NOTICES = {"2026-01": _2026_01}
DEFAULT_LOCALE = "en"


def get_notice(version: str, locale: str | None) -> Notice | None:
    """The notice of `version` in `locale` (falling back from 'nb-NO' to 'nb' to 'en'); None if unknown."""
    texts = NOTICES.get(version)
    if texts is None:
        return None
    wanted = (locale or DEFAULT_LOCALE).replace("_", "-").lower()
    chosen = next((c for c in (wanted, wanted.split("-")[0]) if c in texts), DEFAULT_LOCALE)
    title, sections = texts[chosen]
    return Notice(version, chosen, title, sections)
