"""The fast paths of the public site: plain prefetched reads, lean search, bulk load."""

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.management.commands import load_corpus
from articles.models import Article, Correction
from articles.views import article_context, related_to
from tests import factories as f

pytestmark = pytest.mark.django_db


def page_article(article):
    """The article as the article page loads it."""
    return Article.objects.filter(pk=article.pk).for_page().get()


def test_child_rows_come_back_as_the_database_stores_them(django_assert_num_queries):
    first, second = f.make_author(display_name="Ana"), f.make_author(display_name="Bo")
    article = f.make_article(authors=[second, first], tags=["zebra", "apple"])
    when = timezone.now().replace(microsecond=123456) - dt.timedelta(days=2)
    later = Correction.objects.create(article=article, text="Later", published_at=when)
    earlier = Correction.objects.create(
        article=article, text="Earlier", published_at=when - dt.timedelta(hours=1)
    )
    loaded = page_article(article)
    with django_assert_num_queries(0):
        assert [b.author.display_name for b in loaded.bylines.all()] == ["Bo", "Ana"]
        assert [t.name for t in loaded.tags.all()] == ["zebra", "apple"]
        corrections = list(loaded.corrections.all())
        assert corrections == [earlier, later]
        # Aware datetimes equal to the stored ones, on SQLite and PostgreSQL.
        assert corrections[1].published_at == when
        assert corrections[1].get_absolute_url().endswith(f"#correction-{later.pk}")


def test_quotes_without_speaker_or_source_leave_the_sources_list_alone(
    django_assert_num_queries,
):
    article = f.make_article()
    f.make_quote(article, speaker=None, speaker_name="A fan", source=None)
    loaded = page_article(article)
    # Claims (none, so no sources query), the Sources list, related articles.
    with django_assert_num_queries(3):
        context = article_context(loaded)
    assert context["sources"] == [] and context["claims"] == []


def test_card_queries_never_read_the_body(django_assert_num_queries):
    f.make_article(body="<p>Long body</p>", lead_image=f.make_image())
    with CaptureQueriesContext(connection) as queries:
        [card] = Article.objects.published().for_cards()
    article_query = queries[0]["sql"]
    assert '"body"' not in article_query and '"search_vector"' not in article_query
    with django_assert_num_queries(0):
        assert card.section.name and card.lead_image.alt_text
        assert list(card.bylines.all()) and list(card.lead_image.renditions.all()) == []


def test_no_code_outside_tests_touches_private_queryset_caches():
    root = Path(__file__).resolve().parents[2]
    private = re.compile(r"_result_cache|_prefetch_done|_prefetched_objects_cache")
    offenders = [
        str(path.relative_to(root))
        for folder in ("articles", "franchise", "newsroom", "bench")
        for path in (root / folder).rglob("*.py")
        if private.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_plain_article_page_runs_eight_queries(client, django_assert_num_queries):
    article = f.make_article()
    url = reverse("articles:detail", args=[article.section.slug, article.slug])
    client.get(url)  # warm the content-type cache
    # Navigation; the article; bylines, tags, corrections; claims; the
    # Sources list; related articles. No lead image, so no renditions.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_related_articles_are_the_newest_matches_and_only_public_ones():
    now = timezone.now()
    film = f.make_film()
    article = f.make_article(tags=["sequels"])
    article.films.add(film)
    old = f.make_article(tags=["sequels"], published_at=now - dt.timedelta(days=9))
    newest = [
        f.make_article(tags=["sequels"], published_at=now - dt.timedelta(days=i))
        for i in range(1, 4)
    ]
    by_film = f.make_article(published_at=now - dt.timedelta(hours=12))
    by_film.films.add(film)
    f.make_article(tags=["sequels"], published=False)
    related = related_to(page_article(article))
    assert related == [by_film, *newest]
    assert old not in related


def test_search_page_shares_one_sections_query_with_the_navigation(client):
    section = f.make_section(name="Unique nav section")
    response = client.get(reverse("search"), {"q": "anything"})
    page = response.content.decode()
    # In the filter and in the navigation, from a single list.
    assert page.count("Unique nav section") == 2
    assert response.context["nav_sections"] == [section]


def test_search_finds_a_match_beyond_the_snippet_window():
    words = " ".join(f"word{i}" for i in range(search.SNIPPET_SOURCE_CHARS // 4))
    article = f.make_article(title="Long", body=f"<p>{words} okapi</p>")
    search.update_search_vector(article)
    [found] = search.with_snippets(list(search.search_articles("okapi")))
    assert found.pk == article.pk
    assert "<script" not in found.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_bulk_load_rebuilds_the_search_index_when_it_drops_it(tmp_path, monkeypatch):
    monkeypatch.setattr(load_corpus, "REBUILD_INDEX_FROM", 1)
    record = {
        "title": "Okapi season",
        "slug": "okapi-season",
        "dek": "A dek",
        "body_html": "<p>The okapi returns.</p>",
        "tags": ["Wildlife", "wildlife"],
        "authors": ["Ann Example", "Ann Example"],
        "published_at": "2024-01-02T03:04:05Z",
        "section": "Nature",
        "sources": [{"name": "Zoo", "url": "https://zoo.test/", "kind": "review"}],
    }
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    call_command("load_corpus", str(path), stdout=StringIO())
    article = Article.objects.get(slug="okapi-season")
    # Repeated tags and authors collapse to one row each.
    assert article.tags.count() == 1 and article.bylines.count() == 1
    assert [a.title for a in search.search_articles("okapi")] == ["Okapi season"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_gin'"
        )
        assert "gin" in cursor.fetchone()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN output is PostgreSQL's"
)
def test_list_queries_are_served_by_indexes_on_postgresql():
    sections = [f.make_section() for _ in range(5)]
    now = timezone.now()
    states = [Article.Status.PUBLISHED] * 9 + [Article.Status.DRAFT]
    Article.objects.bulk_create(
        Article(
            title=f"Filler {i}",
            slug=f"filler-{i}",
            body="<p>" + "words " * 200 + "</p>",
            section=sections[i % 5],
            status=states[i % 10],
            published_at=now - dt.timedelta(minutes=i),
            is_top_story=i % 97 == 0,
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    published = Article.objects.published().for_cards().newest_first()
    top = list(published.filter(is_top_story=True)[:3])
    latest = published.exclude(pk__in=[a.pk for a in top])
    last = latest[19]
    queries = {
        "top stories": published.filter(is_top_story=True)[:3],
        "latest": latest[:21],
        "older latest": latest.older_than(last.published_at, last.pk)[:21],
        "section": published.filter(section=sections[2])[:21],
        "older section": published.filter(section=sections[2]).older_than(
            last.published_at, last.pk
        )[:21],
    }
    for name, queryset in queries.items():
        plan = queryset.explain()
        assert "Seq Scan on articles_article" not in plan, f"{name}:\n{plan}"
        assert "Index" in plan, f"{name}:\n{plan}"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN output is PostgreSQL's"
)
def test_article_page_reads_its_sources_by_key_on_postgresql():
    """The Sources list costs the same in a large archive: no scan of every source."""
    from franchise.models import Source

    Source.objects.bulk_create(
        Source(
            title=f"Archive source {i}", key=f"archive-{i}", kind=Source.Kind.INTERVIEW
        )
        for i in range(5000)
    )
    article = f.make_article()
    f.make_citation(article)
    f.make_quote(article)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE franchise_source")
    with CaptureQueriesContext(connection) as queries:
        context = article_context(page_article(article))
    assert len(context["sources"]) == 2
    reads = [q["sql"] for q in queries if 'FROM "franchise_source"' in q["sql"]]
    assert reads
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on franchise_source" not in plan, f"{sql}\n{plan}"
