"""The API docs page works in a real browser under the site's CSP, all assets local."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_docs_render_without_third_party_requests_or_csp_errors(
    live_server, settings, page
):
    settings.API_RATE_LIMIT = "off"
    hosts, console = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    title = page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()

    assert "Newsroom API" in title
    assert "/api/v1/disputes" in paths
    assert hosts == {urlsplit(live_server.url).netloc}
    assert not [m for m in console if "Content Security Policy" in m], console
