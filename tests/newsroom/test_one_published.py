"""One "published" on every surface: ``Article.objects.published()``.

The same five articles everywhere: one live, one scheduled whose time has passed
(live, whether or not ``publish_scheduled`` has run), one in the trash, one
scheduled for tomorrow and one retracted. Every reader-facing list shows the
first two and only them.
"""

import datetime as dt
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles, update_search_vector
from newsroom.sitemaps import AuthorSitemap, SectionSitemap
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db
Status = Article.Status
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SHOWN = ["Zephyr due", "Zephyr live"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example.org"


@pytest.fixture
def story():
    now = timezone.now()
    section = make_section(slug="news")
    rows = {
        "live": (Status.PUBLISHED, now - dt.timedelta(hours=3), None),
        "due": (Status.SCHEDULED, now - dt.timedelta(hours=1), None),
        # The newest of all, so a surface that counts the trash shows it first.
        "trashed": (Status.PUBLISHED, now - dt.timedelta(minutes=10), now),
        "future": (Status.SCHEDULED, now + dt.timedelta(days=1), None),
        "retracted": (Status.RETRACTED, now - dt.timedelta(hours=2), None),
    }
    made = {}
    for name, (status, at, deleted_at) in rows.items():
        author = make_author(display_name=f"Only {name}", slug=f"only-{name}")
        article = make_article(
            title=f"Zephyr {name}",
            slug=f"zephyr-{name}",
            body="<p>Zephyr news.</p>",
            section=section,
            authors=[author],
            tags=["zephyr"],
            status=status,
            published_at=at,
            deleted_at=deleted_at,
        )
        update_search_vector(article)
        made[name] = article
    return made


def titles(articles):
    return sorted(article.title for article in articles)


def test_sitemap_lists_an_author_only_for_a_published_article(client, story):
    response = client.get(reverse("sitemap", args=["authors"]))
    root = ElementTree.fromstring(response.content)  # noqa: S314 -- our own output
    locs = sorted(loc.text.rsplit("/", 2)[-2] for loc in root.iter(f"{SM}loc"))
    assert locs == ["only-due", "only-live"]
    assert sorted(a.slug for a in AuthorSitemap().items()) == locs


def test_sitemap_dates_a_section_by_its_newest_published_article(story):
    [section] = SectionSitemap().items()
    assert section.latest == story["due"].published_at


def test_feeds_carry_the_published_articles(client, story):
    for url in [
        reverse("feed-rss"),
        reverse("feed-section-rss", args=["news"]),
        reverse("feed-tag-rss", args=["zephyr"]),
    ]:
        feed = feedparser.parse(client.get(url).content)
        assert sorted(entry.title for entry in feed.entries) == SHOWN, url


def test_search_finds_the_published_articles(story):
    assert titles(search_articles("zephyr")) == SHOWN


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:home"),
        reverse("articles:section", args=["news"]),
        reverse("articles:tag", args=["zephyr"]),
    ],
)
def test_lists_show_the_published_articles(client, story, url):
    response = client.get(url)
    assert response.status_code == 200
    shown = list(response.context["articles"]) + list(
        response.context.get("top_stories", [])
    )
    assert titles(shown) == SHOWN


@pytest.mark.parametrize(
    "name, expected",
    [
        ("live", ["Zephyr live"]),
        ("due", ["Zephyr due"]),
        ("trashed", []),
        ("future", []),
        ("retracted", []),
    ],
)
def test_author_pages_show_the_published_articles(client, story, name, expected):
    response = client.get(reverse("articles:author", args=[f"only-{name}"]))
    assert response.status_code == 200
    assert titles(response.context["articles"]) == expected


def test_a_trashed_article_is_not_public_in_memory_either():
    """Article.is_public is the in-memory form of Article.objects.public()."""
    article = make_article()
    assert article.is_public
    article.deleted_at = timezone.now()
    article.save()
    assert not article.is_public
    assert not Article.objects.public().filter(pk=article.pk).exists()
