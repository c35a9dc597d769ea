"""The article page on a phone: the story first, and little after it."""

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.browser.conftest import has_horizontal_scroll, serious_violations

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]


def heights(page):
    return page.evaluate(
        """() => ({
            page: document.body.scrollHeight,
            body: document.querySelector('.article-body').getBoundingClientRect().height,
        })"""
    )


def test_seed_interview_on_a_phone_is_mostly_its_story(
    live_server, browser, screenshot
):
    call_command("load_demo")
    interview = Article.objects.published().get(kind=Article.Kind.INTERVIEW)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + interview.get_absolute_url())
        page.wait_for_load_state("load")
        size = heights(page)
        screenshot(page, "interview-390")
        assert size["body"] > 0
        # Header, lead image, claims, sources, tags and related together take
        # at most half as much room again as the story itself.
        assert size["page"] <= 1.5 * size["body"], size
        assert page.locator(".article-quotes").count() == 0
        # The story comes before everything that supports it.
        order = page.evaluate(
            """() => ['.article-body', '.article-claims', '.article-sources']
                .map(s => document.querySelector(s))
                .filter(Boolean)
                .map(e => e.getBoundingClientRect().top)"""
        )
        assert order == sorted(order)
        assert not has_horizontal_scroll(page)
        assert not serious_violations(page)
    finally:
        context.close()
