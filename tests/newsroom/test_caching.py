"""HTTP caching: headers, conditional requests and the shared page cache.

These tests route through tiny views defined here, so they hold whatever the real
templates look like; the middleware and the signals are what is under test.
"""

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.http import http_date
from django.views import View

from articles.models import Article
from franchise import cache as dependency_cache
from franchise.models import Claim
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


class NoncePage(View):
    def get(self, request):
        template = engines["django"].from_string(
            '<p>{{ rendered }}</p><script nonce="{{ csp_nonce }}"></script>'
        )
        rendered = str(dependency_cache.now_version())
        response = TemplateResponse(request, template, {"rendered": rendered})
        response["X-Rendered"] = rendered
        return response


class CachedNoncePage(dependency_cache.RenderCacheMixin, NoncePage):
    def cache_dependencies(self, context):
        return ["article:1"]


def cookie_page(request):
    response = HttpResponse("<p>hello</p>")
    response.set_cookie("seen", "1")
    return response


def admin_page(request):
    return HttpResponse(f"<p>{Article.objects.count()} articles</p>")


urlpatterns = [
    path("news/<slug:slug>/", article_page),
    path("cookie/", cookie_page),
    path("nonce/", CachedNoncePage.as_view()),
    path("admin/report/", admin_page),
    path("preview/<slug:slug>/", article_page),
    # The real site behind the tiny views, for the render cache and lists.
    path("", include("newsroom.urls")),
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


# The dependency-key primitive ------------------------------------------------------


@pytest.mark.django_db
def test_entry_is_served_until_one_of_its_keys_moves():
    dependency_cache.set("entry", "value", ["article:1", "claim:2"], 60)
    dependency_cache.set("other", "value", ["article:3"], 60)

    assert dependency_cache.get("entry") == "value"
    dependency_cache.invalidate("claim:2")

    assert dependency_cache.get("entry") is None
    assert dependency_cache.get("other") == "value"


@pytest.mark.django_db
def test_get_many_returns_only_the_entries_still_current():
    dependency_cache.set("a", "value a", ["article:1"], 60)
    dependency_cache.set("b", "value b", ["article:2"], 60)
    dependency_cache.invalidate("article:2")

    assert dependency_cache.get_many(["a", "b", "never-stored"]) == {"a": "value a"}


@pytest.mark.django_db
def test_versions_never_go_backwards(monkeypatch):
    dependency_cache.invalidate("article:1")
    first = dependency_cache.versions(["article:1"])["article:1"]
    monkeypatch.setattr(dependency_cache, "now_version", lambda: 5)

    dependency_cache.invalidate("article:1")

    assert dependency_cache.versions(["article:1"])["article:1"] > first


@pytest.mark.django_db
def test_entry_rendered_before_a_change_is_not_stored():
    since = dependency_cache.now_version()
    dependency_cache.invalidate("article:1")  # an editor saves meanwhile

    dependency_cache.set("entry", "old page", ["article:1"], 60, since=since)

    assert dependency_cache.get("entry") is None


@pytest.mark.django_db
def test_primitive_works_on_the_dummy_backend(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    from django.core.cache import caches

    caches._settings = None  # noqa: SLF001 - rebuild from the new setting
    try:
        dependency_cache.set("entry", "value", ["article:1"], 60)
        dependency_cache.invalidate("article:1")
        assert dependency_cache.get("entry") is None
    finally:
        caches._settings = None  # noqa: SLF001


# The render cache on the real pages ----------------------------------------------


@pytest.fixture
def render_cache(settings):
    """The render cache on, the page cache off, so each request reaches the view."""
    settings.RENDER_CACHE_SECONDS = 300
    settings.PAGE_CACHE_SECONDS = 0


def film_with_claim():
    film = factories.make_film(slug="purple-hearts-2", title="Purple Hearts 2")
    source = factories.make_source(title="Netflix press release")
    claim = factories.make_claim(film, sources=[source], value="Echoes of Devotion")
    return film, claim, source


def article_about(film, **kw):
    """An article covering the film and asserting its claims, which it then shows."""
    article = factories.make_article(**kw)
    article.films.add(film)
    article.claims.add(*Claim.objects.about(film))
    return article


def stored(path):
    return dependency_cache.get(dependency_cache.RENDER_PREFIX + path)


@pytest.mark.django_db
def test_second_article_request_skips_queries_and_template(
    client, render_cache, django_assert_num_queries
):
    film, _claim, _source = film_with_claim()
    article = article_about(film, tags=["sequel"])
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.status_code == 200
    assert b"Echoes of Devotion" in second.content
    assert first["Cache-Tag"] == second["Cache-Tag"]


@pytest.mark.django_db
def test_render_cache_hit_reads_the_cache_once(client, render_cache, monkeypatch):
    """The hit checked its keys' versions; the headers reuse them, not re-ask."""
    film, _claim, _source = film_with_claim()
    article = article_about(film, tags=["sequel"])
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())  # learns the entry's keys
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(
        cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys)
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response["Last-Modified"]
    assert len(reads) == 1
    assert f"article:{article.pk}" in response["Cache-Tag"]


@pytest.mark.django_db
def test_versions_moved_in_a_request_are_the_ones_it_reads_after():
    with dependency_cache.request_scope():
        before = dependency_cache.versions(["claim:1"])["claim:1"]
        dependency_cache.bump(["claim:1"])
        after = dependency_cache.versions(["claim:1"])["claim:1"]
    assert after > before
    assert after == dependency_cache.versions(["claim:1"])["claim:1"]


@pytest.mark.django_db
def test_replayed_page_carries_this_requests_csp_nonce(client, render_cache):
    first = client.get("/nonce/")
    second = client.get("/nonce/")

    nonce = str(second.wsgi_request._csp_nonce)
    assert f"<p>{first['X-Rendered']}</p>".encode() in second.content  # stored
    assert nonce != str(first.wsgi_request._csp_nonce)
    assert f'<script nonce="{nonce}">'.encode() in second.content
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]
    assert dependency_cache.NONCE_PLACEHOLDER.encode() not in second.content


@pytest.mark.django_db
def test_article_cache_tag_names_what_the_page_shows(client, render_cache):
    film, claim, source = film_with_claim()
    speaker = factories.make_person(name="Sofia Carson")
    quoted = factories.make_source(title="Phone call", speaker=speaker)
    image = factories.make_image()
    article = article_about(film, tags=["sequel"], lead_image=image)
    factories.make_citation(article, source)
    factories.make_quote(article, speaker=speaker, source=quoted)

    response = client.get(article.get_absolute_url())

    keys = set(response["Cache-Tag"].split())
    author = article.bylines.get().author
    tag = article.tags.get()
    assert {
        f"article:{article.pk}",
        f"section:{article.section_id}",
        f"image:{image.pk}",
        f"author:{author.pk}",
        f"tag:{tag.pk}",
        f"film:{film.pk}",
        f"claim:{claim.pk}",
        f"source:{source.pk}",
        f"source:{quoted.pk}",
        f"person:{speaker.pk}",
    } <= keys
    assert response["Surrogate-Key"] == response["Cache-Tag"]
    assert "list:articles" not in keys  # publishing elsewhere leaves it in place


@pytest.mark.django_db
def test_film_cache_tag_names_its_claims_credits_and_coverage(client, render_cache):
    film, claim, source = film_with_claim()
    credit = factories.make_credit(film=film)
    article = article_about(film)

    response = client.get(film.get_absolute_url())

    keys = set(response["Cache-Tag"].split())
    assert {
        f"film:{film.pk}",
        f"claim:{claim.pk}",
        f"source:{source.pk}",
        f"person:{credit.person_id}",
        f"article:{article.pk}",
        "list:articles",
    } <= keys


@pytest.mark.django_db
def test_editing_a_claim_refreshes_every_page_showing_it_and_no_other(
    client, render_cache, django_assert_num_queries
):
    film, claim, _source = film_with_claim()
    first = article_about(film)
    second = article_about(film)
    unrelated = factories.make_article(title="Unrelated")
    pages = [
        first.get_absolute_url(),
        second.get_absolute_url(),
        film.get_absolute_url(),
    ]
    for url in [*pages, unrelated.get_absolute_url()]:
        assert b"Echoes of Devotion" in client.get(url).content or url == (
            unrelated.get_absolute_url()
        )

    claim.value = "Echoes of Us"
    claim.save()

    for url in pages:
        assert stored(url) is None
        content = client.get(url).content
        assert b"Echoes of Us" in content
        assert b"Echoes of Devotion" not in content
    assert stored(unrelated.get_absolute_url()) is not None
    with django_assert_num_queries(0):
        client.get(unrelated.get_absolute_url())


@pytest.mark.django_db
def test_editing_a_source_refreshes_the_pages_citing_it(client, render_cache):
    film, _claim, source = film_with_claim()
    citing = article_about(film)
    factories.make_citation(citing, source)
    unrelated = factories.make_article()
    for url in (citing.get_absolute_url(), film.get_absolute_url()):
        client.get(url)
    client.get(unrelated.get_absolute_url())

    source.title = "Netflix statement, corrected"
    source.outlet = "Tudum"
    source.save()

    assert (
        b"Netflix statement, corrected" in client.get(citing.get_absolute_url()).content
    )
    assert b"Tudum" in client.get(film.get_absolute_url()).content
    assert stored(unrelated.get_absolute_url()) is not None


@pytest.mark.django_db
def test_editing_an_image_refreshes_the_article_leading_with_it(client, render_cache):
    image = factories.make_image(credit="Old credit")
    article = factories.make_article(lead_image=image)
    unrelated = factories.make_article(lead_image=factories.make_image())
    client.get(article.get_absolute_url())
    client.get(unrelated.get_absolute_url())

    image.credit = "Netflix / Jane Doe"
    image.save()

    assert b"Netflix / Jane Doe" in client.get(article.get_absolute_url()).content
    assert stored(unrelated.get_absolute_url()) is not None


@pytest.mark.django_db
def test_editing_a_person_refreshes_pages_quoting_or_crediting_them(
    client, render_cache
):
    speaker = factories.make_person(name="Sofia Carson")
    film = factories.make_film()
    factories.make_credit(film=film, person=speaker)
    article = factories.make_article()
    interview = factories.make_source(title="Interview", speaker=speaker)
    factories.make_quote(article, speaker=speaker, source=interview)
    unrelated = factories.make_article()
    for url in (
        article.get_absolute_url(),
        film.get_absolute_url(),
        unrelated.get_absolute_url(),
    ):
        client.get(url)

    speaker.name = "Sofia Carson (actor)"
    speaker.save()

    assert b"Sofia Carson (actor)" in client.get(article.get_absolute_url()).content
    assert b"Sofia Carson (actor)" in client.get(film.get_absolute_url()).content
    assert stored(unrelated.get_absolute_url()) is not None


@pytest.mark.django_db
def test_publishing_an_article_refreshes_the_film_coverage(client, render_cache):
    film, _claim, _source = film_with_claim()
    client.get(film.get_absolute_url())

    article_about(film, title="Sequel starts filming")

    assert b"Sequel starts filming" in client.get(film.get_absolute_url()).content


@pytest.mark.django_db
def test_signed_in_editor_never_reads_or_writes_the_render_cache(
    client, render_cache, editor
):
    article = factories.make_article(title="Anonymous copy")
    client.get(article.get_absolute_url())
    client.force_login(editor)
    Article.objects.filter(pk=article.pk).update(title="Edited without signals")

    response = client.get(article.get_absolute_url())

    assert b"Edited without signals" in response.content
    client.logout()
    client.cookies.clear()
    assert b"Anonymous copy" in client.get(article.get_absolute_url()).content


@pytest.mark.django_db
def test_render_cache_off_renders_every_time(client, settings):
    settings.RENDER_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SECONDS = 0
    article = factories.make_article(title="First")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Second")

    assert b"Second" in client.get(article.get_absolute_url()).content


# Lists, junk parameters, HEAD ------------------------------------------------------


@pytest.mark.django_db
def test_scheduled_article_is_on_home_and_rss_at_its_time(client):
    factories.make_article(title="Already out")
    due = timezone.now() + dt.timedelta(seconds=2)
    factories.make_article(
        title="Scheduled scoop", status=Article.Status.SCHEDULED, published_at=due
    )
    home = client.get("/")
    feed = client.get("/feeds/rss/")
    assert b"Scheduled scoop" not in home.content
    assert b"Scheduled scoop" not in feed.content
    # Neither the page cache nor a CDN may keep the lists past the publication.
    assert "max-age=1" in home["Cache-Control"] or "max-age=2" in home["Cache-Control"]
    assert "s-maxage=300" not in feed["Cache-Control"]

    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.05)

    assert b"Scheduled scoop" in client.get("/").content
    assert b"Scheduled scoop" in client.get("/feeds/rss/").content


@pytest.mark.django_db
def test_embargoed_article_is_on_home_and_rss_when_its_embargo_lifts(client):
    factories.make_article(title="Already out")
    lifts = timezone.now() + dt.timedelta(seconds=2)
    factories.make_article(title="Embargoed scoop", embargo_until=lifts)
    home = client.get("/")
    feed = client.get("/feeds/rss/")
    assert b"Embargoed scoop" not in home.content
    assert b"Embargoed scoop" not in feed.content
    # Stored lists and shared caches must not outlive the embargo.
    assert "max-age=1" in home["Cache-Control"] or "max-age=2" in home["Cache-Control"]
    assert "s-maxage=300" not in feed["Cache-Control"]

    time.sleep(max(0, (lifts - timezone.now()).total_seconds()) + 0.05)

    assert b"Embargoed scoop" in client.get("/").content
    assert b"Embargoed scoop" in client.get("/feeds/rss/").content


@pytest.mark.django_db
def test_film_coverage_is_kept_no_later_than_an_embargo_on_it(client):
    film = factories.make_film(title="Quokka Returns")
    article = factories.make_article(
        title="Embargoed scoop",
        embargo_until=timezone.now() + dt.timedelta(seconds=30),
    )
    article.films.add(film)
    response = client.get(film.get_absolute_url())
    assert b"Embargoed scoop" not in response.content
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age <= 30
    assert "s-maxage=300" not in response["Cache-Control"]


@pytest.mark.django_db
def test_adding_an_embargo_to_a_live_article_drops_it_from_stored_lists(client):
    article = factories.make_article(title="Out too soon")
    assert b"Out too soon" in client.get("/").content
    article.embargo_until = timezone.now() + dt.timedelta(hours=1)
    article.save()
    assert b"Out too soon" not in client.get("/").content
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_scheduling_an_article_drops_stored_lists(client):
    factories.make_article(title="Already out")
    client.get("/")
    before = dependency_cache.versions([caching.LIST_KEY])

    factories.make_article(
        title="Later",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + dt.timedelta(hours=1),
    )

    assert dependency_cache.versions([caching.LIST_KEY]) != before


@pytest.mark.django_db
def test_list_with_nothing_scheduled_keeps_the_full_lifetime(client):
    factories.make_article()

    response = client.get("/")

    assert "s-maxage=300" in response["Cache-Control"]
    assert response["Cache-Tag"] == "list:articles"


@pytest.mark.django_db
def test_junk_query_strings_are_served_from_the_same_entry(
    client, django_assert_num_queries
):
    factories.make_article(title="Top story")
    client.get("/")

    with django_assert_num_queries(0):
        for junk in ("?utm_source=x&utm_medium=y", "?fbclid=abc", "?gclid=1", "?zz=9"):
            response = client.get("/" + junk)
            assert response.status_code == 200
            assert b"Top story" in response.content


@pytest.mark.django_db
def test_parameters_a_page_uses_make_their_own_entries(client):
    factories.make_article(title="Findable headline")
    client.get("/search/?q=nothing")

    response = client.get("/search/?q=findable&utm_source=x")

    assert b"Findable headline" in response.content


@pytest.mark.django_db
def test_unknown_parameters_on_an_undeclared_route_are_not_stored(client):
    article = factories.make_article()
    client.get(url_of(article) + "?junk=1")
    client.get(url_of(article) + "?junk=2")

    assert caching.route_of(client.get("/").wsgi_request) is not None
    request = client.get(url_of(article) + "?junk=3").wsgi_request
    assert caching.route_of(request) is None


def test_a_path_is_resolved_once_whatever_its_query_string(rf, monkeypatch):
    calls = []
    real = caching.resolve
    monkeypatch.setattr(
        caching, "resolve", lambda *args: calls.append(args) or real(*args)
    )
    caching.resolved_route.cache_clear()

    home = [caching.route_of(rf.get("/" + query)) for query in ("", "?utm_source=x")]
    search = caching.route_of(rf.get("/search/?q=sequel"))

    assert home == [caching.ROUTES["articles:home"]] * 2
    assert search == caching.ROUTES["search"]
    assert [path for path, _urlconf in calls] == ["/", "/search/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sitemap.xml", "/feeds/rss/", "article"])
def test_head_answers_like_get(client, path):
    article = factories.make_article()
    path = article.get_absolute_url() if path == "article" else path

    got = client.get(path)
    head = client.head(path)

    assert got.status_code == head.status_code == 200
    assert head.content == b""
    for header in ("Content-Type", "Cache-Tag", "ETag", "Cache-Control"):
        assert head[header] == got[header]


# The CDN purge hook ------------------------------------------------------------


@pytest.fixture
def purge_server():
    """A local HTTP server recording the purge requests it receives."""
    import http.server
    import json
    import threading

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            length = int(self.headers["Content-Length"])
            received.append(
                (json.loads(self.rfile.read(length)), self.headers["Surrogate-Key"])
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/purge", received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_change_posts_its_keys_to_the_cdn_after_commit(settings, purge_server):
    url, received = purge_server
    settings.CDN_PURGE_URL = url
    film = factories.make_film()
    received.clear()

    claim = factories.make_claim(film)

    tags = {tag for body, _header in received for tag in body["tags"]}
    assert {f"claim:{claim.pk}", f"film:{film.pk}"} <= tags
    assert all(header == " ".join(body["tags"]) for body, header in received)


@pytest.mark.django_db
def test_no_purge_url_posts_nothing(settings, monkeypatch):
    settings.CDN_PURGE_URL = ""
    calls = []
    monkeypatch.setattr(
        "urllib.request.urlopen", lambda *a, **kw: calls.append(a) or None
    )

    dependency_cache.purge_cdn(["article:1"])

    assert calls == []


@pytest.mark.django_db
def test_unreachable_cdn_is_logged_and_never_raised(settings, caplog):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{port}/purge"

    dependency_cache.purge_cdn(["article:1"])

    assert "CDN purge of article:1 failed" in caplog.text


@pytest.mark.django_db
def test_cached_article_page_keeps_its_embed_placeholder_and_frame_policy(
    client, django_assert_num_queries
):
    article = factories.make_article(
        body='<p>Watch.</p><figure data-embed="youtube:dQw4w9WgXcQ"></figure>'
    )
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.content == first.content
    assert b"Play video on YouTube</button>" in second.content
    assert "frame-src https://open.spotify.com" in second["Content-Security-Policy"]


@pytest.mark.django_db
def test_credit_change_of_a_picture_in_the_body_is_visible_on_next_request(client):
    image = factories.make_image(credit="Old Agency")
    article = factories.make_article(body=f'<figure data-image="{image.pk}"></figure>')
    assert b"Photo: Old Agency" in client.get(article.get_absolute_url()).content

    image.credit = "New Agency"
    image.save()

    assert b"Photo: New Agency" in client.get(article.get_absolute_url()).content


@pytest.mark.django_db
def test_credit_change_of_an_embeds_thumbnail_is_visible_on_next_request(client):
    still = factories.make_image(credit="Old Agency")
    article = factories.make_article(
        body=f'<figure data-embed="vimeo:76979871" data-embed-image="{still.pk}">'
        "</figure>"
    )
    assert b"Picture: Old Agency" in client.get(article.get_absolute_url()).content

    still.credit = "New Agency"
    still.save()

    assert b"Picture: New Agency" in client.get(article.get_absolute_url()).content
