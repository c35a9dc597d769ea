import datetime as dt

import feedparser
import pytest
from django.utils import timezone

from articles import services
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(editor):
    article = make_article(
        title="Sequel dated", published_at=timezone.now() - dt.timedelta(days=1)
    )
    correction = services.add_correction(
        article, by=editor, text="The release window is disputed, not 2026."
    )
    return article, correction


def test_corrections_page_lists_each_correction_with_its_article(client, corrected):
    article, correction = corrected
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "The release window is disputed, not 2026." in response.text
    assert f'href="{article.get_absolute_url()}#correction-{correction.pk}"' in (
        response.text
    )


def test_corrections_page_runs_a_constant_number_of_queries(
    client, editor, django_assert_num_queries
):
    for i in range(3):
        services.add_correction(make_article(), by=editor, text=f"Fix {i}")
    with django_assert_num_queries(3):
        client.get("/corrections/")
    for i in range(20):
        services.add_correction(make_article(), by=editor, text=f"More {i}")
    with django_assert_num_queries(3):
        client.get("/corrections/")


def test_corrections_of_unpublished_articles_are_not_listed(client, corrected, editor):
    article, _ = corrected
    services.unpublish(article, by=editor)
    response = client.get("/corrections/")
    assert "The release window is disputed" not in response.text


def test_corrections_feed_parses_with_stable_ids(client, corrected):
    _, correction = corrected
    response = client.get("/corrections/feed/")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    (entry,) = feed.entries
    assert entry.title == "Correction: Sequel dated"
    assert entry.id.endswith(f":correction-{correction.pk}")
    assert entry.link.startswith("http://localhost:8000/")


def test_hostile_correction_text_is_escaped(client, editor):
    article = make_article()
    services.add_correction(article, by=editor, text="<script>alert(1)</script>")
    response = client.get("/corrections/")
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text
