"""The banner at 320, 768 and 1280 px: axe-core finds nothing in any state, focus is never hidden.

axe-core is the npm package (installed by the Makefile's browser stamp), injected by Playwright
into a context that bypasses the demo page's CSP for that one script.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.api_client import ApiClient
from tests.e2e.test_banner_browser import ARGS, BANNER, CHROMIUM, eligibility, new_user

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (320, 768, 1280)  # 320 CSS px is 1280 px at 400 % zoom (WCAG 1.4.10 Reflow)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BOX = f"document.querySelector('{BANNER}').shadowRoot.querySelector('.tl')"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail(f"needs {CHROMIUM} and {AXE}: run `make test` (it installs both)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_page(chromium: Any, base_url: str, width: int, user: str) -> Any:
    context = chromium.new_context(viewport={"width": width, "height": 640}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/demo?user={user}&product=demo&locale=en")
    page.locator(BANNER).locator("legend").wait_for()
    return page


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' | ')))",
                          AXE_TAGS)
    return list(found)


def banner_covers_focus(page: Any) -> bool:
    """True when the focused host-page element overlaps the banner's box."""
    return bool(page.evaluate(f"""() => {{
        const a = document.activeElement, host = document.querySelector('{BANNER}');
        if (!a || a === document.body || a === host || !host) return false;
        const r = a.getBoundingClientRect(), b = {BOX}.getBoundingClientRect();
        return r.width > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
    }}"""))


@pytest.mark.parametrize("width", WIDTHS)
def test_banner_every_state_has_no_axe_violations(chromium: Any, live_stack: dict[str, Any], width: int) -> None:
    page = open_page(chromium, live_stack["api_url"], width, new_user())
    banner = page.locator(BANNER)
    states = {"question": axe_violations(page)}
    banner.get_by_role("button", name="Minimise").click()
    states["minimised"] = axe_violations(page)
    banner.get_by_role("button", name="Feedback survey").click()
    banner.get_by_role("radio", name="9", exact=True).check()
    banner.get_by_role("button", name="Send").click()
    banner.get_by_role("textbox").wait_for()
    states["follow-up"] = axe_violations(page)
    banner.get_by_role("button", name="Skip").click()
    banner.get_by_text("Thank you for your feedback!").wait_for()
    states["thanks"] = axe_violations(page)
    banner.get_by_role("button", name="Close").click()
    states["closed"] = axe_violations(page)
    assert states == {state: [] for state in states}
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_banner_never_hides_the_focused_host_control(chromium: Any, live_stack: dict[str, Any], width: int) -> None:
    page = open_page(chromium, live_stack["api_url"], width, new_user())
    covered = []
    page.focus("body")
    for _ in range(30):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)  # the banner reacts on the next animation frame
        if page.evaluate(f"document.activeElement === document.querySelector('{BANNER}')"):
            break
        if banner_covers_focus(page):
            covered.append(page.evaluate("document.activeElement.outerHTML.slice(0, 60)"))
    assert covered == []
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_banner_gets_out_of_the_way_of_a_fixed_host_control(
    chromium: Any, live_stack: dict[str, Any], width: int
) -> None:
    # A host app's own fixed control (a chat or help button in the corner) cannot scroll clear of
    # the banner: focusing it minimises the banner, and moves the minimised tab if it still covers it.
    page = open_page(chromium, live_stack["api_url"], width, new_user())
    page.evaluate("""() => {
        const b = document.createElement('button');
        b.textContent = 'Help'; b.id = 'host-help';
        Object.assign(b.style, {position: 'fixed', right: '12px', bottom: '12px', zIndex: '10'});
        document.body.insertBefore(b, document.querySelector('main'));
    }""")
    page.focus("#host-help")
    page.wait_for_timeout(150)
    assert not banner_covers_focus(page)
    assert page.locator(BANNER).get_by_role("button", name="Feedback survey").get_attribute("aria-expanded") == "false"
    page.context.close()


def test_banner_minimise_keeps_the_question_without_declining(
    chromium: Any, live_stack: dict[str, Any], api: ApiClient
) -> None:
    user = new_user()
    page = open_page(chromium, live_stack["api_url"], 320, user)
    declines: list[str] = []
    page.on("request", lambda r: "/v1/declines" in r.url and declines.append(r.url))
    banner = page.locator(BANNER)
    banner.get_by_role("radio", name="3", exact=True).focus()
    page.keyboard.press("Escape")
    toggle = banner.get_by_role("button", name="Feedback survey")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert banner.locator("legend").is_hidden()
    assert page.evaluate(f"{BOX}.getBoundingClientRect().height") < 60
    toggle.click()
    assert banner.locator("legend").is_visible()
    assert banner.get_by_role("button", name="Minimise").get_attribute("aria-expanded") == "true"
    assert declines == []
    assert eligibility(api, user)["reason"] != "declined_recently"
    page.context.close()


def test_banner_decline_returns_focus_to_the_host_page(chromium: Any, live_stack: dict[str, Any]) -> None:
    page = open_page(chromium, live_stack["api_url"], 1280, new_user())
    page.get_by_role("link", name="New random user").focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.shadowRoot?.activeElement?.textContent === 'No thanks'"):
            break
    page.keyboard.press("Enter")
    page.locator(BANNER).wait_for(state="detached")
    assert page.evaluate("document.activeElement.textContent") == "New random user"
    page.context.close()


def test_axe_harness_reports_a_planted_violation(chromium: Any, live_stack: dict[str, Any]) -> None:
    page = open_page(chromium, live_stack["api_url"], 768, new_user())
    page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'x.png'}))")
    assert any(v.startswith("image-alt") for v in axe_violations(page))
    page.context.close()
