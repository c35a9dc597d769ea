import datetime as dt
import html
import json
import re

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from tests.factories import (
    make_article,
    make_author,
    make_film,
    make_franchise,
    make_section,
)
from tests.paths import TESTDATA

pytestmark = pytest.mark.django_db
SITE_URL = "https://news.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def feed_urls(section, tag, author, franchise):
    urls = [reverse("feed-rss"), reverse("feed-atom")]
    for name, slug in [
        ("section", section.slug),
        ("tag", tag),
        ("author", author.slug),
        ("franchise", franchise.slug),
    ]:
        for kind in ("rss", "atom"):
            urls.append(reverse(f"feed-{name}-{kind}", args=[slug]))
    return urls


@pytest.fixture
def world():
    section = make_section(slug="news")
    author = make_author(display_name="Ana Writer")
    franchise = make_franchise(name="Purple Hearts")
    film = make_film(title="Purple Hearts 2", franchise=franchise)
    article = make_article(
        title="Sequel confirmed", section=section, authors=[author], tags=["sequel"]
    )
    article.films.add(film)
    return {
        "section": section,
        "author": author,
        "franchise": franchise,
        "film": film,
        "article": article,
    }


def test_every_feed_parses_and_lists_the_article(client, world):
    for url in feed_urls(world["section"], "sequel", world["author"], world["franchise"]):
        feed = parse(client, url)
        assert [e.title for e in feed.entries] == ["Sequel confirmed"], url


def test_feed_links_are_absolute_on_site_url(client, world):
    for url in (reverse("feed-rss"), reverse("feed-atom")):
        feed = parse(client, url)
        assert feed.feed.link.startswith(SITE_URL)
        entry = feed.entries[0]
        assert entry.link == SITE_URL + world["article"].get_absolute_url()
        assert "example.com" not in feed.feed.link


def test_feed_ids_are_tag_uris_that_survive_a_slug_change(client, world):
    article = world["article"]
    day = article.first_published_at.strftime("%Y-%m-%d")
    expected = f"tag:news.example.org,{day}:article-{article.pk}"
    before = [parse(client, u).entries[0].id for u in (reverse("feed-rss"), reverse("feed-atom"))]
    article.slug = "a-new-slug"
    article.save()
    after = [parse(client, u).entries[0].id for u in (reverse("feed-rss"), reverse("feed-atom"))]
    assert before == after == [expected, expected]


def test_a_correction_changes_updated_but_not_the_id_or_published(client, world):
    article = world["article"]
    first = article.first_published_at
    url = reverse("feed-atom")
    before = parse(client, url).entries[0]
    article.updated_at = first + dt.timedelta(hours=5)
    article.save()
    after = parse(client, url).entries[0]
    assert after.id == before.id
    assert after.published == before.published
    assert after.updated_parsed != before.updated_parsed
    assert dt.datetime(*after.updated_parsed[:6], tzinfo=dt.UTC) == (
        article.updated_at.replace(microsecond=0)
    )
    assert dt.datetime(*after.published_parsed[:6], tzinfo=dt.UTC) == first.replace(
        microsecond=0
    )


def test_feeds_carry_authors_and_tags_as_categories(client, world):
    second = make_author(display_name="Ben Second")
    make_article(
        title="Two authors", authors=[world["author"], second], tags=["rumour", "cast"]
    )
    atom = parse(client, reverse("feed-atom"))
    entry = next(e for e in atom.entries if e.title == "Two authors")
    assert [a.name for a in entry.authors] == ["Ana Writer", "Ben Second"]
    assert entry.authors[0].href == SITE_URL + world["author"].get_absolute_url()
    assert sorted(t.term for t in entry.tags) == ["cast", "rumour"]
    body = client.get(reverse("feed-rss")).content.decode()
    assert "<dc:creator>Ana Writer</dc:creator>" in body
    assert "<dc:creator>Ben Second</dc:creator>" in body
    assert "<category>rumour</category>" in body


def test_feeds_never_carry_drafts_scheduled_or_retracted_articles(client, world):
    future = timezone.now() + dt.timedelta(days=1)
    common = {"section": world["section"], "authors": [world["author"]], "tags": ["sequel"]}
    hidden = [
        make_article(title="Draft", published=False, **common),
        make_article(
            title="Scheduled", status=Article.Status.SCHEDULED, published_at=future, **common
        ),
        make_article(title="Future", published_at=future, **common),
        make_article(title="Retracted", status=Article.Status.RETRACTED, **common),
    ]
    for article in hidden:
        article.films.add(world["film"])
    for url in feed_urls(world["section"], "sequel", world["author"], world["franchise"]):
        titles = [e.title for e in parse(client, url).entries]
        assert titles == ["Sequel confirmed"], url


def test_franchise_feed_lists_an_article_about_two_of_its_films_once(client, world):
    other = make_film(franchise=world["franchise"])
    world["article"].films.add(other)
    make_article(title="Elsewhere").films.add(make_film())
    feed = parse(client, reverse("feed-franchise-rss", args=[world["franchise"].slug]))
    assert [e.title for e in feed.entries] == ["Sequel confirmed"]


def test_feed_for_an_unknown_slug_is_not_found(client):
    assert client.get(reverse("feed-section-rss", args=["nope"])).status_code == 404
    assert client.get(reverse("feed-tag-atom", args=["nope"])).status_code == 404


def test_hostile_titles_and_deks_keep_feeds_parseable(client):
    section = make_section()
    strings = json.loads((TESTDATA / "blns.json").read_text())
    strings += (TESTDATA / "xss_payloads.txt").read_text().splitlines()
    for i in range(0, len(strings), 30):
        Article.objects.all().delete()
        for j, text in enumerate(strings[i : i + 30], start=i):
            make_article(
                title=text[:300] or "empty", slug=f"hostile-{j}", dek=text,
                section=section, tags=["t"],
                authors=[make_author(display_name=text[:150] or "x", slug=f"a-{j}")],
            )
        for url in (reverse("feed-rss"), reverse("feed-atom")):
            feed = parse(client, url)
            assert len(feed.entries) == len(strings[i : i + 30])


@pytest.mark.parametrize("url_name", ["feed-rss", "feed-atom"])
@pytest.mark.parametrize(("count", "authors_each", "tags_each"), [(1, 1, 1), (12, 3, 4)])
def test_feeds_run_a_constant_number_of_queries(
    client, django_assert_num_queries, url_name, count, authors_each, tags_each
):
    section = make_section()
    authors = [make_author() for _ in range(authors_each)]
    for _ in range(count):
        make_article(
            section=section, authors=authors,
            tags=[f"tag{j}" for j in range(tags_each)],
        )
    # site (sites framework), articles with sections, bylines with authors, tags.
    with django_assert_num_queries(4):
        client.get(reverse(url_name))


def shown(detail):
    """What a reader displays for a parsed text construct (HTML is rendered)."""
    if "term" in detail:
        return detail["term"]
    if detail["type"] == "text/html":
        assert "<" not in detail["value"], detail
        return html.unescape(detail["value"])
    return detail["value"]


HOSTILE_NAME = '<script>alert("x")</script> & <x\tonxxx=1>'


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_readers_show_the_exact_headline_and_tag_name(client, kind):
    make_article(title=HOSTILE_NAME, dek=HOSTILE_NAME, tags=[HOSTILE_NAME])
    tag = Tag.objects.get()
    for url in (reverse(f"feed-{kind}"), reverse(f"feed-tag-{kind}", args=[tag.slug])):
        feed = parse(client, url)
        entry = feed.entries[0]
        assert shown(entry.title_detail) == HOSTILE_NAME, url
        assert shown(entry.summary_detail) == HOSTILE_NAME, url
        assert [shown(t) for t in entry.tags] == [HOSTILE_NAME]
    assert shown(feed.feed.title_detail) == f"{HOSTILE_NAME} — {settings.SITE_NAME}"
    assert HOSTILE_NAME in shown(feed.feed.subtitle_detail)


@pytest.mark.parametrize("name", ["Café", "Бандерас", "東京", "Purple Hearts 2"])
def test_every_tag_page_has_its_feeds(client, name):
    make_article(title="Tagged", tags=[name])
    tag = Tag.objects.get()
    assert client.get(reverse("articles:tag", args=[tag.slug])).status_code == 200
    for kind in ("rss", "atom"):
        feed = parse(client, reverse(f"feed-tag-{kind}", args=[tag.slug]))
        assert [e.title for e in feed.entries] == ["Tagged"]


def alternates(response):
    return re.findall(
        r'<link rel="alternate" type="application/(rss|atom)\+xml" title="[^"]*" '
        r'href="([^"]+)">',
        response.content.decode(),
    )


def test_every_page_links_the_site_feeds(client, world):
    for url in ["/", world["article"].get_absolute_url(), "/search/", "/about/ethics/"]:
        links = alternates(client.get(url))
        assert ("rss", reverse("feed-rss")) in links, url
        assert ("atom", reverse("feed-atom")) in links, url


def test_list_pages_link_their_own_feeds_and_those_feeds_answer(client, world):
    Tag.objects.filter(name="sequel").update(name="東京 sequel", slug="東京-sequel")
    tag = Tag.objects.get()
    pages = {
        "section": (world["section"].get_absolute_url(), world["section"].slug),
        "tag": (reverse("articles:tag", args=[tag.slug]), tag.slug),
        "author": (world["author"].get_absolute_url(), world["author"].slug),
        "franchise": (world["franchise"].get_absolute_url(), world["franchise"].slug),
    }
    for kind, (url, slug) in pages.items():
        links = alternates(client.get(url))
        for fmt in ("rss", "atom"):
            feed_url = reverse(f"feed-{kind}-{fmt}", args=[slug])
            assert (fmt, feed_url) in links, (url, links)
            assert [e.title for e in parse(client, feed_url).entries] == [
                "Sequel confirmed"
            ]
