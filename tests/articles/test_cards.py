"""Article cards rendered once per version and reused by every list (articles/cards.py)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.cards import card_key
from articles.models import Article
from franchise import cache as dependency_cache
from newsroom.caching import LIST_KEY
from tests import factories

NONCE = re.compile(rb'nonce="[^"]*"')


@pytest.fixture
def render_cache(settings):
    """The render cache on, the page cache off, so each request reaches the view."""
    settings.RENDER_CACHE_SECONDS = 300
    settings.PAGE_CACHE_SECONDS = 0


def quietly_retitle(article, title):
    """Change the row without the signals: only a cache hit still shows the old title."""
    Article.objects.filter(pk=article.pk).update(title=title)


@pytest.mark.django_db
def test_a_new_publication_rebuilds_the_list_but_not_the_cards(client, render_cache):
    article = factories.make_article(title="Trailer drops at dawn")
    client.get("/")
    quietly_retitle(article, "Retitled without a signal")

    dependency_cache.invalidate(LIST_KEY)  # what another publication does
    response = client.get("/")

    assert response.status_code == 200
    assert b"Trailer drops at dawn" in response.content
    assert b"Retitled without a signal" not in response.content


@pytest.mark.django_db
def test_editing_an_article_re_renders_its_card_only(client, render_cache):
    edited = factories.make_article(title="First headline")
    other = factories.make_article(title="Other story")
    client.get("/")
    quietly_retitle(other, "Other story, quietly changed")

    edited.title = "Corrected headline"
    edited.save()
    response = client.get("/")

    assert b"Corrected headline" in response.content
    assert b"First headline" not in response.content
    # The unrelated card was read back, not rendered from its (changed) row.
    assert b"Other story</a>" in response.content
    assert b"quietly changed" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["author", "section", "image"])
def test_renaming_what_a_card_shows_refreshes_the_card(client, render_cache, what):
    author = factories.make_author(display_name="Ana Reporter")
    section = factories.make_section(name="Film news")
    image = factories.make_image(alt_text="A poster")
    article = factories.make_article(
        authors=[author], section=section, lead_image=image
    )
    client.get("/")
    quietly_retitle(article, "Only a re-rendered card shows this")

    if what == "author":
        author.display_name = "Ana Q. Reporter"
        author.save()
        expected = b"Ana Q. Reporter"
    elif what == "section":
        section.name = "Films"
        section.save()
        expected = b">Films</a>"
    else:
        image.alt_text = "The teaser poster"
        image.save()
        expected = b'alt="The teaser poster"'
    response = client.get("/")

    assert expected in response.content
    assert b"Only a re-rendered card shows this" in response.content


@pytest.mark.django_db
def test_one_card_is_shared_by_the_lists_of_the_same_heading_level(
    client, render_cache
):
    author = factories.make_author(display_name="Ana Reporter")
    article = factories.make_article(authors=[author], title="Shared card")
    client.get("/")
    quietly_retitle(article, "Changed")

    response = client.get(f"/authors/{author.slug}/")  # author pages use h3 too

    assert response.status_code == 200
    assert b"Shared card" in response.content
    assert dependency_cache.get(card_key(article, 3)) is not None


@pytest.mark.django_db
def test_cards_from_the_cache_are_the_page_as_rendered(client, settings):
    image = factories.make_image()
    factories.make_article(title="With a picture", lead_image=image)
    factories.make_article(title="Top story", is_top_story=True)
    factories.make_article(authors=[factories.make_author(), factories.make_author()])
    settings.PAGE_CACHE_SECONDS = 0
    settings.RENDER_CACHE_SECONDS = 0
    rendered = client.get("/").content

    settings.RENDER_CACHE_SECONDS = 300
    client.get("/")  # stores the cards
    from_cache = client.get("/").content

    assert b"With a picture" in rendered and b"<picture>" in rendered
    assert NONCE.sub(b"", from_cache) == NONCE.sub(b"", rendered)


@pytest.mark.django_db
def test_stored_cards_are_read_in_one_round_trip(client, render_cache, monkeypatch):
    for _ in range(5):
        factories.make_article()
    client.get("/")
    client.get("/")  # learns each card's keys
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys)
    )

    client.get("/")

    card_reads = [keys for keys in reads if any("card:" in k for k in keys)]
    assert len(card_reads) == 1


@pytest.mark.django_db
def test_signed_in_editors_never_read_stored_cards(client, render_cache):
    article = factories.make_article(title="Before")
    client.get("/")
    quietly_retitle(article, "After")
    client.force_login(factories.make_editor())

    response = client.get("/")

    assert b"After" in response.content


@pytest.mark.django_db
def test_stored_cards_skip_the_bylines_and_renditions_queries(client, settings):
    for _ in range(3):
        factories.make_article(
            authors=[factories.make_author()], lead_image=factories.make_image()
        )
    settings.PAGE_CACHE_SECONDS = 0
    settings.RENDER_CACHE_SECONDS = 300
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/")

    def card_parts(queries):
        return [
            q["sql"]
            for q in queries
            if "articles_byline" in q["sql"] or "articles_rendition" in q["sql"]
        ]

    assert response.status_code == 200
    assert len(card_parts(cold.captured_queries)) == 2
    assert card_parts(warm.captured_queries) == []
    assert len(warm) <= len(cold) - 2


@pytest.mark.django_db
@pytest.mark.parametrize("render_seconds", [0, 300])
def test_lists_render_without_failed_template_lookups(
    client, settings, caplog, render_seconds
):
    """A failed lookup costs the template engine an exception and a dir() per card."""
    for _ in range(3):
        factories.make_article(lead_image=factories.make_image())
    factories.make_article(is_top_story=True)
    settings.PAGE_CACHE_SECONDS = 0
    settings.RENDER_CACHE_SECONDS = render_seconds

    with caplog.at_level("DEBUG", logger="django.template"):
        response = client.get("/")

    assert response.status_code == 200
    failed = [r.getMessage() for r in caplog.records if r.name == "django.template"]
    assert failed == []
