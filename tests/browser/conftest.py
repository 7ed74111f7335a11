"""Browser journeys: Playwright driving Debian's Chromium (no browser download) against the app on
a live server, with an axe accessibility check (WCAG 2.2 A and AA) on every page visited."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from analytics.snapshots import compute_snapshot
from casereview.models import Organisation

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
DEVICES = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "casereview-demo"


@pytest.fixture(scope="session")
def browser(request):
    if not shutil.which(CHROMIUM):
        if request.config.getoption("--require-services"):
            pytest.fail(f"--require-services: no Chromium at {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Visit:
    """Opens pages for one person on one device; checks every page with axe and can screenshot it."""

    def __init__(self, browser, base_url, device, javascript=True):
        self.device = device
        # javascript=False: a browser with scripts off (axe cannot run there, so check() cannot either).
        self.context = browser.new_context(base_url=base_url, java_script_enabled=javascript, **DEVICES[device])
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # The Content-Security-Policy must never block something the page needs.
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        self.checked = set()

    def sign_in(self, email):
        self.page.goto("/accounts/login/")
        self.page.get_by_label("Email address").fill(email)
        if not self.page.get_by_label("Password").is_visible():
            # Without JavaScript the email comes first, on a page of its own (SignInView).
            self.page.get_by_role("button", name="Continue").click()
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**/")
        return self

    def check(self, name=None):
        """Axe (WCAG 2.2 A and AA) on the page as it is now; no violation allowed. And no script error."""
        results = Axe().run(
            self.page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
        )
        assert results.violations_count == 0, f"{self.page.url}:\n{results.generate_report()}"
        assert not self.errors, f"script errors on {self.page.url}: {self.errors}"
        if name:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.device}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, live_server):
    opened = []

    def open_visit(device="desktop", javascript=True):
        opened.append(Visit(browser, live_server.url, device, javascript))
        return opened[-1]

    yield open_visit
    for each in opened:
        each.close()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo LA, with its dashboards computed (no worker runs in these tests)."""
    settings.DEBUG = True
    call_command("demo", stdout=open(os.devnull, "w"))
    settings.DEBUG = False
    organisation = Organisation.objects.get(slug="demo")
    return organisation


@pytest.fixture
def computed(demo):
    def compute(*scopes):
        for scope in scopes:
            compute_snapshot(demo.pk, scope)

    return compute
