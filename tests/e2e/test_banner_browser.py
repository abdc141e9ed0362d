"""The banner and the e-mail links in Debian's Chromium, against the `make run` stack.

Screenshots of each state go to test-artifacts/banner/ (gitignored). Without /usr/bin/chromium
these tests fail, never skip: `make test` installs it (see the Makefile's browser stamp).
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.api_client import ApiClient

try:  # imported here for `expect`; the browser fixture fails loudly when playwright is missing
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover
    expect = None

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "banner"
BANNER = "[data-trustloop-banner]"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make test` (it installs it) or "
                    "`apt-get install -y chromium`", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -r requirements-dev.txt", pytrace=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Tab:
    """One browser page plus what it logged: page errors, console errors, API requests."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1000, "height": 640}, locale="en-GB")
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.base_url = base_url
        self.errors: list[str] = []
        self.console: list[str] = []
        self.requests: list[Any] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: msg.type == "error" and self.console.append(msg.text))
        self.page.on("request", lambda req: "/v1/" in req.url and self.requests.append(req))

    def open_demo(self, user: str, product: str = "demo", locale: str = "en") -> None:
        self.page.goto(f"{self.base_url}/demo?user={user}&product={product}&locale={locale}")

    @property
    def banner(self) -> Any:
        return self.page.locator(BANNER)

    def wait_for_question(self) -> None:
        self.banner.locator("legend").wait_for()

    def calls(self, path: str, method: str | None = None) -> list[Any]:
        return [r for r in self.requests if path in r.url and (method is None or r.method == method)]

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def wait_for_cookie(self, name: str) -> dict[str, Any]:
        """The banner writes its cookie just after the eligibility answer arrives."""
        for _ in range(100):
            found = [c for c in self.context.cookies() if c["name"] == name]
            if found:
                return dict(found[0])
            self.page.wait_for_timeout(50)
        raise AssertionError(f"no cookie {name}")

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@pytest.fixture
def tab(browser: Any, live_stack: dict[str, Any]) -> Iterator[Tab]:
    opened = Tab(browser, live_stack["api_url"])
    yield opened
    opened.context.close()


def new_user() -> str:
    return f"web-{uuid.uuid4().hex[:10]}"


def eligibility(api: ApiClient, user: str, product: str = "demo") -> dict[str, Any]:
    return dict(api.get("/v1/eligibility", product=product, user_id=user, channel="in_app_web").json())


def answer_in_browser(tab: Tab, score: int, comment: str) -> None:
    tab.banner.get_by_role("radio", name=str(score), exact=True).check()
    tab.banner.get_by_role("button", name="Send").click()
    tab.banner.get_by_role("textbox").fill(comment)
    tab.banner.get_by_role("button", name="Send").click()
    tab.banner.get_by_text("Thank you for your feedback!").wait_for()


def test_banner_answer_flow_records_score_and_reason(tab: Tab, api: ApiClient) -> None:
    user = new_user()
    tab.open_demo(user)
    tab.wait_for_question()
    banner = tab.banner
    assert banner.locator("legend").inner_text().startswith("How likely are you to recommend us")
    assert banner.get_by_role("radio").count() == 11
    assert banner.get_by_text("Not at all likely").is_visible()
    assert banner.get_by_text("Extremely likely").is_visible()
    assert banner.get_by_role("radio", name="0", exact=True).get_attribute("aria-describedby") == "tl-min"
    privacy = banner.get_by_role("link", name="Privacy").get_attribute("href")
    assert privacy.endswith("/v1/privacy-notice?locale=en&version=2026-01")
    tab.shot("1-question")

    banner.get_by_role("radio", name="9", exact=True).check()
    with tab.page.expect_response("**/v1/responses") as posted:
        banner.get_by_role("button", name="Send").click()
    assert posted.value.status == 201
    follow_up = banner.get_by_role("textbox", name="What is the main reason for your score?")
    follow_up.wait_for()
    tab.shot("2-follow-up")
    follow_up.fill("Quick to find what I need")
    with tab.page.expect_response("**/v1/responses/*") as patched:
        banner.get_by_role("button", name="Send").click()
    assert patched.value.status == 200
    banner.get_by_text("Thank you for your feedback!").wait_for()
    tab.shot("3-thanks")

    [post] = tab.calls("/v1/responses", "POST")
    assert re.fullmatch(r"[0-9a-f-]{32,36}", post.headers["idempotency-key"])
    assert post.post_data_json["score"] == 9 and post.post_data_json["user"] == {"id": user}
    [edit] = tab.calls("/v1/responses/", "PATCH")  # the comment goes with the answer's capability
    assert edit.headers["authorization"] == "Bearer " + posted.value.json()["edit_token"]
    assert len(tab.calls("/v1/impressions", "POST")) == 1
    assert eligibility(api, user)["reason"] == "recently_surveyed"
    assert tab.errors == [] and tab.csp_violations() == []


def test_banner_styles_apply_under_the_demo_pages_strict_csp(tab: Tab) -> None:
    tab.open_demo(new_user())
    tab.wait_for_question()
    position = tab.page.evaluate(
        "getComputedStyle(document.querySelector('[data-trustloop-banner]').shadowRoot"
        ".querySelector('.tl')).position")
    assert position == "fixed"
    assert "script-src 'self'" in tab.page.evaluate("fetch('/demo').then(r => r.headers.get("
                                                    "'content-security-policy'))")
    assert tab.csp_violations() == []


def test_banner_decline_removes_banner_and_server_remembers(tab: Tab, api: ApiClient) -> None:
    user = new_user()
    tab.open_demo(user)
    tab.wait_for_question()
    with tab.page.expect_response("**/v1/declines") as declined:
        tab.banner.get_by_role("button", name="No thanks").click()
    assert declined.value.status == 201
    assert tab.banner.count() == 0
    tab.shot("4-declined")
    assert eligibility(api, user)["reason"] == "declined_recently"
    assert tab.errors == []


def test_banner_second_visit_is_throttled_then_cookie_skips_the_call(tab: Tab) -> None:
    user = new_user()
    tab.open_demo(user)
    tab.wait_for_question()
    answer_in_browser(tab, 6, "Fine")

    with tab.page.expect_response("**/v1/eligibility*") as asked:
        tab.open_demo(user)
    assert asked.value.json()["reason"] == "recently_surveyed"
    cookie = tab.wait_for_cookie("tl_throttle_demo")
    assert cookie["value"] == asked.value.json()["throttle_token"]
    assert tab.banner.count() == 0

    before = len(tab.calls("/v1/eligibility"))
    tab.open_demo(user)
    tab.page.wait_for_load_state("networkidle")
    assert len(tab.calls("/v1/eligibility")) == before
    assert tab.banner.count() == 0
    tab.shot("5-throttled-second-visit")


def test_banner_keyboard_only_answer_with_visible_focus(tab: Tab, api: ApiClient) -> None:
    user = new_user()
    tab.open_demo(user)
    tab.wait_for_question()
    keyboard = tab.page.keyboard
    focused = "(() => { const r = document.querySelector('[data-trustloop-banner]').shadowRoot;" \
              " const a = r.activeElement; return a ? (a.id || a.tagName + ':' + a.textContent) : null; })()"
    for _ in range(25):
        keyboard.press("Tab")
        if tab.page.evaluate(focused):
            break
    assert tab.page.evaluate(focused) == "BUTTON:\u2013"  # Minimise comes first: one key to get it out of the way
    keyboard.press("Tab")
    assert tab.page.evaluate(focused) == "tl-s0"
    for _ in range(8):
        keyboard.press("ArrowRight")
    assert tab.page.evaluate(focused) == "tl-s8"
    outline = tab.page.evaluate("getComputedStyle(document.querySelector('[data-trustloop-banner]')"
                                ".shadowRoot.querySelector('label[for=tl-s8]')).outlineStyle")
    assert outline == "solid"
    tab.shot("6-keyboard-focus")
    keyboard.press("Tab")
    assert tab.page.evaluate(focused) == "BUTTON:Send"
    keyboard.press("Enter")
    expect(tab.banner.get_by_role("textbox")).to_be_focused()
    keyboard.type("Keyboard works")
    keyboard.press("Tab")
    keyboard.press("Enter")
    expect(tab.banner.get_by_text("Thank you for your feedback!")).to_be_focused()
    [post] = tab.calls("/v1/responses", "POST")
    assert post.post_data_json["score"] == 8
    assert eligibility(api, user)["reason"] == "recently_surveyed"


def test_banner_in_swedish_uses_swedish_words_and_notice(tab: Tab) -> None:
    tab.open_demo(new_user(), locale="sv")
    tab.wait_for_question()
    assert tab.banner.locator("legend").inner_text().startswith("Hur troligt")
    assert tab.banner.get_by_role("button", name="Nej tack").is_visible()
    with tab.context.expect_page() as opened:
        tab.banner.get_by_role("link", name="Integritet").click()
    notice = opened.value
    notice.wait_for_load_state()
    assert notice.locator("h1").inner_text() == "Integritetsmeddelande: kundåterkoppling"
    assert "Version 2026-01" in notice.inner_text("body")


@pytest.mark.parametrize(("product", "scores"), [("demo-support", "1234567"), ("demo-checkout", "12345")])
def test_banner_scale_follows_the_metric(tab: Tab, product: str, scores: str) -> None:
    tab.open_demo(new_user(), product=product)
    tab.wait_for_question()
    labels = tab.banner.locator("label").all_inner_texts()
    assert "".join(labels) == scores


def test_email_link_click_records_once_and_takes_a_reason(tab: Tab, api: ApiClient) -> None:
    user = new_user()
    issued = api.post("/v1/admin/surveys/srv_demo_nps/links", {"user": {"id": user}}).json()
    link = issued["links"][10]["url"]
    tab.page.goto(link)
    assert tab.page.locator("h1").inner_text() == "Thank you! We recorded your answer."
    tab.page.get_by_label("What is the main reason for your score?").fill("Great support")
    tab.shot("7-email-link")
    tab.page.get_by_role("button", name="Send").click()
    assert tab.page.locator("h1").inner_text() == "Thank you! Your comment was saved."
    assert tab.page.get_by_role("link", name="Opt out").get_attribute("href").startswith("../opt-out/")

    tab.page.goto(link)
    assert tab.page.locator("h1").inner_text() == "Thank you! We recorded your answer."
    tab.page.goto(issued["links"][0]["url"])
    assert tab.page.locator("h1").inner_text() == \
        "Thank you! We already have your answer, so nothing changed."
    assert eligibility(api, user)["reason"] == "recently_surveyed"

    tampered = tab.page.goto(link[:-4] + "AAAA")
    assert tampered.status == 400
    assert tab.page.locator("h1").inner_text() == "This link is not valid"
    assert tab.errors == [] and tab.csp_violations() == []


def test_banner_api_down_leaves_host_page_working(tab: Tab) -> None:
    tab.page.route("**/v1/**", lambda route: route.abort())
    tab.open_demo(new_user())
    tab.page.wait_for_load_state("networkidle")
    assert len(tab.calls("/v1/eligibility")) == 1
    assert tab.banner.count() == 0
    tab.page.get_by_label("User id").fill("someone-else")
    assert tab.page.get_by_label("User id").input_value() == "someone-else"
    assert tab.page.locator("h1").inner_text() == "trustloop banner demo"
    assert tab.errors == []


def test_banner_failed_answer_keeps_banner_and_retries_same_key(tab: Tab) -> None:
    tab.open_demo(new_user())
    tab.wait_for_question()
    tab.page.route("**/v1/responses", lambda route: route.abort())
    tab.banner.get_by_role("radio", name="4", exact=True).check()
    tab.banner.get_by_role("button", name="Send").click()
    alert = tab.banner.get_by_role("alert")
    alert.filter(has_text="Could not send. Please try again.").wait_for()
    assert tab.banner.get_by_role("radio", name="4", exact=True).is_checked()
    tab.shot("8-api-down-error")

    tab.page.unroute("**/v1/responses")
    tab.banner.get_by_role("button", name="Send").click()
    tab.banner.get_by_role("textbox").wait_for()
    keys = {r.headers["idempotency-key"] for r in tab.calls("/v1/responses", "POST")}
    assert len(tab.calls("/v1/responses", "POST")) >= 3 and len(keys) == 1
    assert tab.errors == []


def test_banner_accessibility_tree_names_every_control(tab: Tab) -> None:
    tab.open_demo(new_user(), product="demo-checkout")
    tab.wait_for_question()
    expect(tab.banner).to_match_aria_snapshot("""
- region "Feedback survey":
  - button "Minimise" [expanded]
  - group "How satisfied are you with the service?":
    - radio "1"
    - radio "2"
    - radio "3"
    - radio "4"
    - radio "5"
  - button "Send"
  - button "No thanks"
  - link "Privacy"
""")
    assert tab.banner.get_by_role("radio", name="5").get_attribute("aria-describedby") == "tl-max"
