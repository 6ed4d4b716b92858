"""Fixtures for the browser journeys: one Chromium per test session, a fresh context per test,
the municipalities served on the live server's host names, and an axe-core accessibility check.

The journeys use pytest-django's ``live_server`` (a real HTTP server in a thread of this process,
so ``django.core.mail.outbox`` and the database are readable from the test) and sync Playwright.
"""

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Sync Playwright runs an asyncio event loop in the test thread; Django would then refuse ORM calls
# from the test ("You cannot call this from an async context"). The calls are in fact synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import make_citizens_office, make_esslingen, make_musterhausen

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("RATHAUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_TIMEOUT_MS = 10_000

# live_server listens on 127.0.0.1; "localhost" reaches the same server under another host name.
ESSLINGEN_LIVE_HOST = "127.0.0.1"
MUSTERHAUSEN_LIVE_HOST = "localhost"


# --- Browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


def _new_context(browser: Browser, **options: object) -> BrowserContext:
    context = browser.new_context(locale="de-DE", accept_downloads=True, **options)  # type: ignore[arg-type]
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh German-language context; the Content Security Policy stays in force."""
    context = _new_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def javascript_disabled_page(browser: Browser) -> Iterator[Page]:
    """A page in a context without JavaScript: every flow must work with plain forms and links."""
    context = _new_context(browser, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


# --- Data --------------------------------------------------------------------------------------


@pytest.fixture
def esslingen_live(transactional_db):
    """Esslingen, served under the live server's own host name (127.0.0.1)."""
    return make_esslingen(ESSLINGEN_LIVE_HOST)


@pytest.fixture
def musterhausen_live(transactional_db):
    """Musterhausen, served under "localhost" on the same live server: a second tenant."""
    return make_musterhausen(MUSTERHAUSEN_LIVE_HOST)


@pytest.fixture
def citizens_office_live(esslingen_live):
    return make_citizens_office(esslingen_live)


def _live_url(live_server, host: str) -> str:
    # pytest-django binds the live server to "localhost" by default (an AF_INET socket, so
    # 127.0.0.1); both host names reach the same server, and the host decides the municipality.
    return f"http://{host}:{live_server.thread.port}"


@pytest.fixture
def base_url(live_server, esslingen_live) -> str:
    """The Esslingen portal on the live server, e.g. http://127.0.0.1:51234."""
    return _live_url(live_server, ESSLINGEN_LIVE_HOST)


@pytest.fixture
def musterhausen_url(live_server, musterhausen_live) -> str:
    """The Musterhausen portal on the same live server, e.g. http://localhost:51234."""
    return _live_url(live_server, MUSTERHAUSEN_LIVE_HOST)


# --- Accessibility -----------------------------------------------------------------------------


def _inject_axe(page: Page) -> None:
    """Load axe-core into the current document.

    Why not ``page.add_script_tag(path=...)``: it inserts the file as an *inline* <script>, and our
    Content Security Policy (``script-src 'self'``) blocks inline scripts (tried: Chromium reports
    "Executing inline script violates ... script-src 'self'" and ``window.axe`` stays undefined).
    The brief allowed a ``bypass_csp=True`` context for that case, but a context-wide bypass would
    switch the CSP off for the whole journey and hide CSP breakage in our own pages. Instead the
    library source is evaluated through the DevTools protocol (``page.evaluate``), which the page's
    CSP does not govern. So only the test tooling is exempt; the product's CSP stays enforced on
    every page the journeys visit.
    """
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    page.evaluate(_axe_source() + "\n;undefined")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise RuntimeError(f"axe-core could not be loaded into {page.url}")


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


_START_AXE = """(tags) => {
  window.__rathausAxe = undefined;
  axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(
    (results) => {
      window.__rathausAxe = {violations: results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        helpUrl: violation.helpUrl,
        count: violation.nodes.length,
        targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
        html: violation.nodes.slice(0, 1).map((node) => node.html),
        summary: violation.nodes.slice(0, 1).map((node) => node.failureSummary),
      }))};
    },
    (error) => { window.__rathausAxe = {error: String(error)}; },
  );
}"""

AXE_TIMEOUT_MS = 60_000


def axe_violations(page: Page) -> list[dict[str, object]]:
    """The WCAG 2.1 A/AA violations axe-core finds in the current page.

    axe runs asynchronously inside the page, so a page whose context has JavaScript switched off would never
    finish it; the result is therefore awaited with a timeout that names the cause instead of hanging the run.
    """
    page.wait_for_load_state("load")
    _inject_axe(page)
    page.evaluate(_START_AXE, WCAG_TAGS)
    try:
        done = page.wait_for_function("() => window.__rathausAxe", timeout=AXE_TIMEOUT_MS, polling=100)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"axe-core did not finish on {page.url} within {AXE_TIMEOUT_MS} ms; it needs JavaScript, so check "
            "pages of a JavaScript-off context through the JavaScript run of the same templates",
            pytrace=False,
        )
    outcome = done.json_value()
    if "error" in outcome:
        raise RuntimeError(f"axe-core failed on {page.url}: {outcome['error']}")
    return outcome["violations"]


def format_violations(url: str, violations: list[dict[str, object]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.1 A/AA) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['count']} element(s); {violation['helpUrl']})"
        )
        for target in violation["targets"]:  # type: ignore[attr-defined]
            lines.append(f"    at {target}")
        for html in violation["html"]:  # type: ignore[attr-defined]
            lines.append(f"    html: {html[:300]}")
        for summary in violation["summary"]:  # type: ignore[attr-defined]
            lines.append("    " + " ".join(str(summary).split())[:400])
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list (rule id, impact, help, first targets) if axe finds violations."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(page.url, violations), pytrace=False)
