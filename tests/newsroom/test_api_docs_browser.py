"""The API docs page works in a real browser under the site's CSP, all assets local."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
def test_docs_render_without_third_party_requests_or_csp_errors(live_server, settings):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    settings.API_RATE_LIMIT = "off"
    hosts, console = set(), []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
            page.on("console", lambda message: console.append(message.text))
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
            title = page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector(".opblock-summary-path", timeout=15000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()

    assert "Newsroom API" in title
    assert "/api/v1/disputes" in paths
    assert hosts == {urlsplit(live_server.url).netloc}
    assert not [m for m in console if "Content Security Policy" in m], console
