"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Chromium is never downloaded: it must be the system's /usr/bin/chromium. Without it
these tests are skipped, unless REQUIRE_BROWSER=1 (as in CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        return  # the browser fixture fails loudly instead
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for browser tests but {CHROMIUM} is missing")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    # make around it are still plain synchronous code. The root conftest runs the
    # browser tests last, so no other test runs with this set.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Chromium reports every Content-Security-Policy violation on the console ("Refused to
# execute inline script ..."); the listener below also reports the DOM event, so none
# goes unnoticed. Playwright's init scripts are not subject to the page's policy.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith(("Refused to", "CSP violation")) or "Content Security Policy" in text


@pytest.fixture
def csp_violations():
    """The CSP violations seen by every page of the test; the test fails if any is left."""
    seen: list[str] = []
    yield seen
    if seen:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(seen))


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """Open a fresh browser context (its own cookies); desktop size unless told.

    The site runs with its Content-Security-Policy on, and any violation fails the test.
    """
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"{page.url}: {message.text}")
                if is_csp_violation(message.text)
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


def login(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def assert_no_sideways_scroll(page) -> None:
    """The page fits the width of its viewport (on a phone: no scrolling sideways)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
