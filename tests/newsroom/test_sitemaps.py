import datetime as dt
import re
from xml.etree import ElementTree

import pytest
import xmlschema
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_film,
    make_franchise,
    make_person,
    make_section,
    make_song,
)
from tests.paths import TESTDATA

SITE_URL = "https://news.example.org"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def index_schema():
    return xmlschema.XMLSchema(str(TESTDATA / "siteindex.xsd"))


@pytest.fixture(scope="module")
def urlset_schema():
    return xmlschema.XMLSchema(str(TESTDATA / "sitemap.xsd"))


@pytest.fixture(scope="module")
def news_schema():
    """The core schema, with news:* accepted laxly (no news XSD is available)."""
    text = (TESTDATA / "sitemap.xsd").read_text()
    lax = text.replace('processContents="strict"', 'processContents="lax"')
    assert lax != text
    return xmlschema.XMLSchema(lax)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def world():
    section = make_section(slug="news")
    author = make_author()
    franchise = make_franchise()
    film = make_film(franchise=franchise)
    article = make_article(title="Live", section=section, authors=[author], tags=["sequel"])
    article.films.add(film)
    make_person()
    make_song(films=[film])
    return {"article": article, "section": section, "author": author}


def section_urls(client, index_schema):
    response = client.get(reverse("sitemap-index"))
    assert response.status_code == 200
    index_schema.validate(response.content)
    root = xml(response.content)
    return [loc.text for loc in root.iter(f"{SM}loc")]


def xml(content):
    return ElementTree.fromstring(content)  # noqa: S314 -- our own output


def locations(content):
    return [loc.text for loc in xml(content).iter(f"{SM}loc")]


def test_sitemap_index_is_valid_and_lists_every_section_absolutely(
    client, world, index_schema
):
    urls = section_urls(client, index_schema)
    names = [re.search(r"/sitemaps/([\w-]+)\.xml", url).group(1) for url in urls]
    assert sorted(names) == sorted(
        ["articles", "sections", "franchises", "films", "people", "songs", "tags", "authors"]
    )
    assert all(url.startswith(SITE_URL + "/") for url in urls)


def test_every_section_sitemap_is_valid_with_absolute_urls(
    client, world, index_schema, urlset_schema
):
    for url in section_urls(client, index_schema):
        response = client.get(url.removeprefix(SITE_URL))
        assert response.status_code == 200, url
        urlset_schema.validate(response.content)
        locs = locations(response.content)
        assert locs, url
        assert all(loc.startswith(SITE_URL + "/") for loc in locs), url


def test_article_sitemap_has_lastmod_from_the_latest_change(client, world):
    article = world["article"]
    article.updated_at = timezone.now() + dt.timedelta(days=3)
    article.save()
    response = client.get(reverse("sitemap", args=["articles"]))
    root = xml(response.content)
    [lastmod] = [e.text for e in root.iter(f"{SM}lastmod")]
    assert lastmod == article.updated_at.date().isoformat()


def test_sitemaps_never_list_drafts_scheduled_or_retracted_articles(
    client, world, index_schema
):
    future = timezone.now() + dt.timedelta(days=1)
    hidden = [
        make_article(title="Draft", published=False, slug="draft-one"),
        make_article(title="Sched", status=Article.Status.SCHEDULED,
                     published_at=future, slug="sched-one"),
        make_article(title="Future", published_at=future, slug="future-one"),
        make_article(title="Retracted", status=Article.Status.RETRACTED, slug="gone-one"),
    ]
    everything = []
    for url in section_urls(client, index_schema):
        everything += locations(client.get(url.removeprefix(SITE_URL)).content)
    everything += locations(client.get(reverse("news-sitemap")).content)
    for article in hidden:
        assert not any(article.slug in loc for loc in everything)
    assert SITE_URL + world["article"].get_absolute_url() in everything


def test_news_sitemap_lists_the_last_two_days_with_news_fields(
    client, world, news_schema, settings
):
    old = make_article(title="Old news", slug="old-news")
    old.first_published_at = timezone.now() - dt.timedelta(days=3)
    old.save()
    make_article(title='Hostile <title> & "quotes" \x07', slug="hostile")
    response = client.get(reverse("news-sitemap"))
    assert response.status_code == 200
    # The core namespace strictly; news:* is an ##other extension checked below.
    news_schema.validate(response.content)
    root = xml(response.content)
    entries = {}
    for url in root.iter(f"{SM}url"):
        news = url.find(f"{NEWS}news")
        entries[url.find(f"{SM}loc").text] = news
    assert SITE_URL + old.get_absolute_url() not in entries
    live = entries[SITE_URL + world["article"].get_absolute_url()]
    assert live.find(f"{NEWS}publication/{NEWS}name").text == settings.SITE_NAME
    assert live.find(f"{NEWS}publication/{NEWS}language").text == "en"
    assert live.find(f"{NEWS}title").text == "Live"
    published = dt.datetime.fromisoformat(live.find(f"{NEWS}publication_date").text)
    assert published == world["article"].first_published_at
    titles = [news.find(f"{NEWS}title").text for news in entries.values()]
    assert 'Hostile <title> & "quotes" ' in titles


def test_news_sitemap_holds_at_most_its_limit(client, monkeypatch):
    from newsroom import sitemaps

    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 3)
    section = make_section()
    for i in range(5):
        make_article(section=section, slug=f"n-{i}")
    response = client.get(reverse("news-sitemap"))
    assert len(locations(response.content)) == 3


def test_news_sitemap_limit_is_a_thousand():
    from newsroom import sitemaps

    assert sitemaps.NEWS_LIMIT == sitemaps.NewsSitemap.limit == 1000


def test_robots_txt_hides_admin_and_preview_and_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}/news-sitemap.xml" in lines


def test_sitemap_index_runs_a_constant_number_of_queries(
    client, django_assert_num_queries
):
    for _ in range(3):
        make_article(tags=["a", "b"])
    # One count and one lastmod query per section that has a lastmod
    # (articles, sections, authors), one count for each of the other five.
    with django_assert_num_queries(11):
        client.get(reverse("sitemap-index"))


SECTIONS = ["articles", "sections", "franchises", "films", "people", "songs", "tags",
            "authors"]


def _fill(size):
    franchise = make_franchise()
    for _ in range(size):
        author = make_author()
        article = make_article(authors=[author], tags=[f"t{_}", "shared"])
        film = make_film(franchise=franchise)
        article.films.add(film)
        make_person()
        make_song(films=[film])


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_sitemap_runs_the_same_queries_for_few_and_many_rows(
    client, section
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("sitemap", args=[section])
    _fill(1)
    client.get(url)  # the sites framework caches its row after the first request
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _fill(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(locations(response.content)) >= 2
    assert len(few) == len(many) <= 2


def test_article_sitemap_runs_two_queries(client, django_assert_num_queries):
    _fill(3)
    client.get(reverse("sitemap", args=["articles"]))
    # The count for the paginator, then the page of articles with sections.
    with django_assert_num_queries(2):
        client.get(reverse("sitemap", args=["articles"]))
