"""A reader walks the demo site in Chromium: home, the interview, the film page."""


import pytest
from django.core.management import call_command

from articles.models import Article
from franchise.models import Film
from tests.browser.conftest import has_horizontal_scroll, serious_violations
from tests.factories import squash

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (390, 1280)


def body_text(page):
    # Case-folded: labels and bylines may be upper-cased by CSS.
    return squash(page.inner_text("body")).casefold()


def shown(needle, text):
    return squash(needle).casefold() in text


def check_page(page, name, screenshot):
    """No serious axe findings, and no sideways scrolling on a phone or a desktop."""
    problems = serious_violations(page)
    assert not problems, f"{name}: axe found\n" + "\n".join(problems)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert not has_horizontal_scroll(page), f"{name} scrolls sideways at {width}px"
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_reader_sees_seed_coverage_and_the_disputed_subtitle(
    live_server, page, screenshot
):
    call_command("load_demo")
    articles = list(Article.objects.published().select_related("section"))
    assert len(articles) >= 2, "load_demo should publish both seed articles"
    interview = Article.objects.published().get(kind=Article.Kind.INTERVIEW)
    film = Film.objects.get(title__startswith="Purple Hearts 2")

    page.goto(live_server.url + "/")
    home = body_text(page)
    for article in articles:
        assert shown(article.title, home)
    check_page(page, "home", screenshot)

    page.get_by_role("link", name=squash(interview.title)).first.click()
    page.wait_for_url(f"**{interview.get_absolute_url()}")
    text = body_text(page)
    assert shown("Interview", text)
    for byline in interview.bylines.select_related("author"):
        assert shown(byline.author.display_name, text)
    quote = interview.quotes.select_related("speaker", "source").first()
    assert quote is not None, "the interview should carry its quotes"
    assert shown(quote.words[:60], text)
    assert shown(quote.speaker_display, text)
    assert page.get_by_role("heading", name="Sources").count() >= 1
    for citation in interview.citations.select_related("source"):
        assert shown(citation.source.title, text)
    check_page(page, "article", screenshot)

    page.goto(live_server.url + film.get_absolute_url())
    text = body_text(page)
    assert shown("Echoes of Devotion", text)
    assert shown("Echoes of Us", text)
    assert shown("disputed", text)
    check_page(page, "film", screenshot)
