"""The directory of EEA data protection authorities that authority obligations point to."""
from __future__ import annotations

from typing import Any

# Configuration, not logic: name and where to notify, per ISO country code (EEA + UK/CH for
# groups operating there). Check each authority's own breach-notification page before relying on it.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "AT": ("Österreichische Datenschutzbehörde", "https://www.dsb.gv.at"),
    "BE": ("Autorité de protection des données / Gegevensbeschermingsautoriteit",
           "https://www.dataprotectionauthority.be"),
    "BG": ("Commission for Personal Data Protection", "https://www.cpdp.bg"),
    "CY": ("Commissioner for Personal Data Protection", "https://www.dataprotection.gov.cy"),
    "CZ": ("Úřad pro ochranu osobních údajů", "https://www.uoou.cz"),
    "DE": ("Der Bundesbeauftragte für den Datenschutz (or the Land authority)", "https://www.bfdi.bund.de"),
    "DK": ("Datatilsynet", "https://www.datatilsynet.dk"),
    "EE": ("Andmekaitse Inspektsioon", "https://www.aki.ee"),
    "ES": ("Agencia Española de Protección de Datos", "https://www.aepd.es"),
    "FI": ("Tietosuojavaltuutetun toimisto", "https://tietosuoja.fi"),
    "FR": ("Commission Nationale de l'Informatique et des Libertés", "https://www.cnil.fr"),
    "GR": ("Hellenic Data Protection Authority", "https://www.dpa.gr"),
    "HR": ("Agencija za zaštitu osobnih podataka", "https://azop.hr"),
    "HU": ("Nemzeti Adatvédelmi és Információszabadság Hatóság", "https://naih.hu"),
    "IE": ("Data Protection Commission", "https://www.dataprotection.ie"),
    "IS": ("Persónuvernd", "https://www.personuvernd.is"),
    "IT": ("Garante per la protezione dei dati personali", "https://www.garanteprivacy.it"),
    "LI": ("Datenschutzstelle", "https://www.datenschutzstelle.li"),
    "LT": ("Valstybinė duomenų apsaugos inspekcija", "https://vdai.lrv.lt"),
    "LU": ("Commission nationale pour la protection des données", "https://cnpd.public.lu"),
    "LV": ("Datu valsts inspekcija", "https://www.dvi.gov.lv"),
    "MT": ("Information and Data Protection Commissioner", "https://idpc.org.mt"),
    "NL": ("Autoriteit Persoonsgegevens", "https://autoriteitpersoonsgegevens.nl"),
    "NO": ("Datatilsynet", "https://www.datatilsynet.no"),
    "PL": ("Urząd Ochrony Danych Osobowych", "https://uodo.gov.pl"),
    "PT": ("Comissão Nacional de Proteção de Dados", "https://www.cnpd.pt"),
    "RO": ("Autoritatea Naţională de Supraveghere a Prelucrării Datelor cu Caracter Personal",
           "https://www.dataprotection.ro"),
    "SE": ("Integritetsskyddsmyndigheten", "https://www.imy.se"),
    "SI": ("Informacijski pooblaščenec", "https://www.ip-rs.si"),
    "SK": ("Úrad na ochranu osobných údajov", "https://dataprotection.gov.sk"),
    "GB": ("Information Commissioner's Office", "https://ico.org.uk"),
    "CH": ("Federal Data Protection and Information Commissioner", "https://www.edoeb.admin.ch"),
}


def authority_for(country: str) -> dict[str, Any]:
    """The authority of `country`; an unknown country is named so a person finds its authority."""
    code = country.upper()
    name, url = AUTHORITIES.get(code, (f"data protection authority of {code} (not in the directory)", ""))
    return {"country": code, "name": name, "notify_at": url}
