"""HTTP caching: headers, conditional requests and the shared page cache.

These tests route through tiny views defined here, so they hold whatever the real
templates look like; the middleware and the signals are what is under test.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article
from franchise import cache as dependency_cache
from newsroom import caching, signals
from tests import factories

MIDDLEWARE = "newsroom.caching.PublicPageCacheMiddleware"


def article_page(request, slug):
    article = Article.objects.public().filter(slug=slug).first()
    if article is None:
        return HttpResponse("<p>Not found</p>", status=404)
    tags = ", ".join(sorted(tag.name for tag in article.tags.all()))
    who = request.user.username if request.user.is_authenticated else "anonymous"
    nonce = request._csp_nonce
    return HttpResponse(
        f"<h1>{article.title}</h1><p>{article.status} {tags}</p><p>{who}</p>"
        f'<script nonce="{nonce}"></script>'
    )


def cookie_page(request):
    response = HttpResponse("<p>hello</p>")
    response.set_cookie("seen", "1")
    return response


def admin_page(request):
    return HttpResponse(f"<p>{Article.objects.count()} articles</p>")


urlpatterns = [
    path("news/<slug:slug>/", article_page),
    path("cookie/", cookie_page),
    path("admin/report/", admin_page),
    path("preview/<slug:slug>/", article_page),
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The real middleware stack with the page cache placed after WhiteNoise."""
    stack = list(django_settings.MIDDLEWARE)
    stack.insert(
        stack.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, MIDDLEWARE
    )
    settings.MIDDLEWARE = stack
    settings.ROOT_URLCONF = __name__
    settings.PAGE_CACHE_SECONDS = 300
    signals.connect()
    cache.clear()
    yield
    cache.clear()


def url_of(article):
    return f"/news/{article.slug}/"


@pytest.mark.django_db
def test_anonymous_page_is_public_with_validators(client):
    article = factories.make_article(title="Sequel confirmed")

    response = client.get(url_of(article))

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=60" in cache_control
    assert "s-maxage=300" in cache_control
    assert "stale-while-revalidate=600" in cache_control
    assert response["ETag"].startswith('"')
    site_version = dependency_cache.versions([caching.SITE_KEY])[caching.SITE_KEY]
    assert response["Last-Modified"] == http_date(site_version / 1e9)
    # A page naming no keys of its own depends on "site".
    assert response["Cache-Tag"] == "site"
    assert response["Surrogate-Key"] == "site"


@pytest.mark.django_db
def test_second_anonymous_request_is_served_without_queries(
    client, django_assert_num_queries
):
    article = factories.make_article(title="Sequel confirmed", tags=["sequel"])
    first = client.get(url_of(article))

    with django_assert_num_queries(0):
        second = client.get(url_of(article))

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    # The stored page keeps the CSP header that matches its nonce.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.django_db
def test_edit_to_public_article_is_visible_on_next_request(client):
    article = factories.make_article(title="Old headline")
    assert b"Old headline" in client.get(url_of(article)).content

    article.title = "New headline"
    article.save()

    assert b"New headline" in client.get(url_of(article)).content


@pytest.mark.django_db
def test_publishing_shows_the_article_on_next_request(client):
    article = factories.make_article(published=False)
    assert client.get(url_of(article)).status_code == 404
    client.get("/news/other/")  # a stored page elsewhere must not mask the change

    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()

    assert client.get(url_of(article)).status_code == 200


@pytest.mark.django_db
def test_unpublishing_hides_the_cached_article_on_next_request(client):
    article = factories.make_article()
    assert client.get(url_of(article)).status_code == 200

    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(url_of(article)).status_code == 404


@pytest.mark.django_db
def test_retraction_is_visible_on_next_request(client):
    article = factories.make_article()
    assert b"published" in client.get(url_of(article)).content

    article.status = Article.Status.RETRACTED
    article.save(update_fields=["status"])

    assert b"retracted" in client.get(url_of(article)).content


@pytest.mark.django_db
def test_deleting_a_public_article_is_visible_on_next_request(client):
    article = factories.make_article()
    assert client.get(url_of(article)).status_code == 200

    article.delete()

    assert client.get(url_of(article)).status_code == 404


@pytest.mark.django_db
def test_tagging_a_public_article_is_visible_on_next_request(client):
    article = factories.make_article(tags=["sequel"])
    client.get(url_of(article))

    article.tags.add("casting")

    assert b"casting" in client.get(url_of(article)).content


@pytest.mark.django_db
def test_knowledge_base_change_invalidates_pages_without_keys(client):
    article = factories.make_article()
    client.get(url_of(article))
    before = dependency_cache.versions([caching.SITE_KEY])

    factories.make_claim()

    assert dependency_cache.versions([caching.SITE_KEY]) != before


@pytest.mark.django_db
def test_editing_a_draft_moves_only_its_own_key(client):
    article = factories.make_article(title="Live")
    draft = factories.make_article(published=False, section=article.section)
    source = factories.make_source()
    watched = [f"article:{article.pk}", caching.LIST_KEY, f"source:{source.pk}"]
    before = dependency_cache.versions(watched)
    draft_before = dependency_cache.versions([f"article:{draft.pk}"])

    draft.title = "Still a draft"
    draft.save()
    factories.make_citation(draft, source)

    assert dependency_cache.versions(watched) == before
    assert dependency_cache.versions([f"article:{draft.pk}"]) != draft_before


@pytest.mark.django_db
def test_signed_in_user_gets_private_page_not_the_shared_copy(client, reader):
    article = factories.make_article()
    client.get(url_of(article))  # stores the anonymous page

    client.force_login(reader)
    response = client.get(url_of(article))

    assert b"reader-fixture" in response.content
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_signed_in_page_is_never_shared_with_anonymous_readers(client, reader):
    article = factories.make_article()
    client.force_login(reader)
    client.get(url_of(article))
    client.logout()

    response = client.get(url_of(article))

    assert b"reader-fixture" not in response.content
    assert b"anonymous" in response.content


@pytest.mark.django_db
def test_if_none_match_gets_304_from_stored_page(client, django_assert_num_queries):
    article = factories.make_article()
    etag = client.get(url_of(article))["ETag"]

    with django_assert_num_queries(0):
        response = client.get(url_of(article), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.django_db
def test_if_none_match_with_old_etag_gets_fresh_page(client):
    article = factories.make_article(title="Old headline")
    etag = client.get(url_of(article))["ETag"]
    article.title = "New headline"
    article.save()

    response = client.get(url_of(article), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert b"New headline" in response.content


@pytest.mark.django_db
def test_if_modified_since_gets_304_until_the_page_changes(client):
    article = factories.make_article()
    last_modified = client.get(url_of(article))["Last-Modified"]

    unchanged = client.get(url_of(article), HTTP_IF_MODIFIED_SINCE=last_modified)
    time.sleep(1.01)  # HTTP dates have whole seconds
    dependency_cache.invalidate(caching.SITE_KEY)
    changed = client.get(url_of(article), HTTP_IF_MODIFIED_SINCE=last_modified)

    assert unchanged.status_code == 304
    assert changed.status_code == 200


@pytest.mark.django_db
def test_etag_ignores_csp_nonce_when_page_cache_is_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = factories.make_article()

    first = client.get(url_of(article))
    second = client.get(url_of(article), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Content-Security-Policy"] != ""
    assert second.status_code == 304


@pytest.mark.django_db
def test_page_cache_off_renders_every_request(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    article = factories.make_article()
    client.get(url_of(article))

    # The article and its tags, rendered again.
    with django_assert_num_queries(2):
        response = client.get(url_of(article))

    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_admin_urls_are_private_and_never_stored(client, django_assert_num_queries):
    factories.make_article()
    client.get("/admin/report/")

    with django_assert_num_queries(1):
        response = client.get("/admin/report/")

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_preview_urls_are_private_and_never_stored(client, django_assert_num_queries):
    article = factories.make_article()
    client.get(f"/preview/{article.slug}/")

    response = client.get(f"/preview/{article.slug}/")

    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


@pytest.mark.django_db
def test_response_setting_a_cookie_is_private_and_not_stored(client):
    first = client.get("/cookie/")
    client.cookies.clear()
    second = client.get("/cookie/")

    assert "private" in first["Cache-Control"]
    assert "seen" in second.cookies


@pytest.mark.django_db
def test_post_is_never_served_from_the_page_cache(client):
    article = factories.make_article()
    client.get(url_of(article))

    response = client.post(url_of(article))

    assert "ETag" not in response
