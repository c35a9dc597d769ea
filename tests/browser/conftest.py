"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse database calls made from the test while it is running.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
# Generous waits: on a loaded 2-core machine (the suite beside `stress --cpu 2`)
# an admin page with its editor can take several seconds. A passing test never
# waits this long; a failing one fails with Playwright's message, not a flake.
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # expect() has its own 5-second default, separate from the page's.
    expect.set_options(timeout=TIMEOUT_MS)
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        # CI must not pass by skipping the browser tests.
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The Writers and Editors groups, which another test's flush may have removed.

    serialized_rollback cannot bring them back here: once Playwright's event loop
    runs in this thread, Django hands out a fresh connection object that lacks
    the serialized copy of the migrated data, so the restore is silently skipped.
    """
    from django.contrib.auth.models import Group, Permission

    from articles.roles import ROLES

    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in grants.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(2 * TIMEOUT_MS)
    yield page
    # The live-server gate (tests/conftest.py) then lets its last requests finish.
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page PNG to screenshots/ when SCREENSHOTS=1; otherwise do nothing."""

    def save(page, name):
        if os.environ.get("SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return save


def serious_violations(page):
    """Axe-core's serious and critical findings on the current page, readable."""
    return violations(page, impacts={"serious", "critical"})


def violations(page, impacts=None):
    """Axe-core's findings of any impact (or only ``impacts``), readable."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = [
        v
        for v in results.response["violations"]
        if impacts is None or v.get("impact") in impacts
    ]
    return [
        f"{v['impact']}: {v['id']} - {v['help']} "
        f"({', '.join(str(n['target']) for n in v['nodes'][:5])})"
        for v in found
    ]


def has_horizontal_scroll(page):
    return page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth")
