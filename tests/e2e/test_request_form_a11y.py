"""The privacy request form in Chromium: axe-core finds nothing in any state, at 320 and 1280 px,
and a keyboard alone can fill it in; after a failed post the error summary has focus."""
from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.api_client import ApiClient, until
from tests.e2e.test_banner_a11y import axe_violations, chromium  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e


def _page(browser: Any, url: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 700}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    return page


@pytest.mark.parametrize("width", (320, 1280))
def test_the_form_passes_axe_in_every_state_and_works_by_keyboard(
        chromium: Any, live_stack: dict[str, Any], api: ApiClient, width: int) -> None:  # noqa: F811
    page = _page(chromium, f"{live_stack['api_url']}/privacy/request?locale=nb", width)
    states = {"empty": axe_violations(page)}

    page.get_by_role("button", name="Send forespørselen").click()  # nothing filled in
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    states["errors"] = axe_violations(page)

    address = f"kb-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_role("link", name="Skriv en gyldig e-postadresse").click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(address)
    page.keyboard.press("Tab")  # into the group of rights: the first radio
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.value") == "access"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "details"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()
    states["sent"] = axe_violations(page)

    def link() -> str | None:
        mails = api.get("/_local/outbox.json", to=address).json()
        return next((u for m in mails for u in m["links"] if "/verify/" in u), None)

    page.goto(until(link, 15))
    states["confirm"] = axe_violations(page)
    page.get_by_role("button", name="Bekreft forespørselen").click()
    page.get_by_role("heading", name="Takk, forespørselen er bekreftet").wait_for()
    states["confirmed"] = axe_violations(page)
    assert {state: found for state, found in states.items() if found} == {}
