"""The read-only JSON API: resources, public-only content, errors, HTTP behaviour."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from franchise.dates import Precision
from franchise.models import Claim
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    # The rate-limit counters live in the shared cache; start every test at zero.
    cache.clear()
    yield
    cache.clear()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, (
        response.json() if response["Content-Type"].startswith("application/json")
        else None
    )


def release_window(film, text, *, sources=(), **kw):
    from franchise.dates import parse

    date, precision = parse(text)
    return f.make_claim(
        film,
        property=Claim.Property.RELEASE_WINDOW,
        value=text,
        value_date=date,
        value_precision=precision,
        sources=sources,
        **kw,
    )


# --- resources ---------------------------------------------------------------------


def test_article_detail_has_body_bylines_tags_sources_quotes_claims_corrections(client):
    film = f.make_film(title="Sequel")
    source = f.make_source(title="Interview with the star", outlet="PulseBeat")
    claim = f.make_claim(film, value="Echoes", sources=[source])
    author = f.make_author(display_name="Ana Writer", role="Film editor")
    image = f.make_image(alt_text="The star", credit="Jane Doe / Netflix")
    article = f.make_article(
        title="The sequel is happening",
        body="<p>It <strong>is</strong>.</p>",
        authors=[author],
        tags=["Sequels"],
        lead_image=image,
        kind=Article.Kind.INTERVIEW,
    )
    article.films.add(film)
    article.claims.add(claim)
    f.make_citation(article, source, supports="the title")
    f.make_quote(article, words="We are back.", source=source)
    f.make_correction(article, text="We misspelt her name.")

    response, data = get(client, f"/api/v1/articles/{article.pk}")

    assert response.status_code == 200
    assert data["body_html"] == "<p>It <strong>is</strong>.</p>"
    assert data["kind"] == "interview"
    assert data["authors"] == [
        {"slug": author.slug, "name": "Ana Writer", "role": "Film editor"}
    ]
    assert [t["name"] for t in data["tags"]] == ["Sequels"]
    assert data["lead_image"]["alt_text"] == "The star"
    assert data["lead_image"]["credit"] == "Jane Doe / Netflix"
    assert data["lead_image"]["url"].startswith("http://testserver/media/")
    assert data["citations"][0]["source"]["title"] == "Interview with the star"
    assert data["citations"][0]["supports"] == "the title"
    assert data["quotes"][0]["words"] == "We are back."
    assert data["quotes"][0]["source"]["outlet"] == "PulseBeat"
    assert data["corrections"][0]["text"] == "We misspelt her name."
    assert data["claims"][0]["value"] == "Echoes"
    assert data["films"][0]["title"] == "Sequel"
    assert data["url"] == f"http://testserver{article.get_absolute_url()}"


def test_article_lead_image_lists_its_renditions(client):
    from articles.images import make_renditions

    image = f.make_image()
    make_renditions(image)
    article = f.make_article(lead_image=image)

    _, data = get(client, f"/api/v1/articles/{article.pk}")

    renditions = data["lead_image"]["renditions"]
    assert renditions, "renditions were made"
    assert {"ratio", "width", "height", "format", "url"} <= set(renditions[0])
    assert all(r["url"].startswith("http://testserver/media/") for r in renditions)


def test_article_list_filters(client):
    section = f.make_section(slug="tv")
    author = f.make_author()
    film = f.make_film()
    match = f.make_article(
        section=section, authors=[author], tags=["Netflix"], kind=Article.Kind.REVIEW
    )
    match.films.add(film)
    other = f.make_article(tags=["Cinema"])

    def ids(query):
        _, data = get(client, f"/api/v1/articles?{query}")
        return [a["id"] for a in data["results"]]

    assert set(ids("")) == {match.pk, other.pk}
    assert ids("section=tv") == [match.pk]
    assert ids("tag=netflix") == [match.pk]
    assert ids(f"author={author.slug}") == [match.pk]
    assert ids(f"film={film.slug}") == [match.pk]
    assert ids("kind=review") == [match.pk]
    assert ids("section=no-such-section") == []


def test_article_list_updated_since(client):
    now = timezone.now()
    old = f.make_article(published_at=now - dt.timedelta(days=10))
    updated = f.make_article(
        published_at=now - dt.timedelta(days=10), updated_at=now - dt.timedelta(hours=1)
    )
    fresh = f.make_article(published_at=now - dt.timedelta(hours=2))
    since = (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")

    _, data = get(client, f"/api/v1/articles?updated_since={since}")

    assert {a["id"] for a in data["results"]} == {updated.pk, fresh.pk}
    assert old.pk not in {a["id"] for a in data["results"]}


def test_claim_has_structured_value_sources_history_and_competitors(client, editor):
    film = f.make_film()
    interview = f.make_source(title="Interview")
    email = f.make_source(title="Email")
    spring = release_window(film, "spring 2026", sources=[interview])
    summer = release_window(film, "summer 2027", sources=[email])
    f.make_status_change(
        spring, from_status="rumoured", to_status="reported", reason="Second source"
    )

    _, data = get(client, f"/api/v1/claims/{spring.pk}")

    assert data["structured_value"] == {
        "type": "date",
        "date": "2026-03-01",
        "precision": Precision.SEASON,
        "start": "2026-03-01",
        "end": "2026-05-31",
        "number": None,
        "person": None,
    }
    assert [s["title"] for s in data["sources"]] == ["Interview"]
    assert data["history"][0]["reason"] == "Second source"
    assert data["history"][0]["to_status"] == "reported"
    assert data["disputed"] is True
    assert [c["id"] for c in data["competing_claims"]] == [summer.pk]
    assert "note" not in data


def test_claims_list_competitors_match_claim_competitors(client):
    film = f.make_film()
    a = release_window(film, "spring 2026")
    b = release_window(film, "summer 2027")
    agree = release_window(film, "2026-03")  # overlaps spring: agrees with a
    plain = f.make_claim(film, value="Only one")

    _, data = get(client, f"/api/v1/claims?film={film.slug}")

    listed = {c["id"]: {x["id"] for x in c["competing_claims"]} for c in data["results"]}
    for claim in (a, b, agree, plain):
        assert listed[claim.pk] == set(claim.competitors().values_list("pk", flat=True))
    assert listed[b.pk] == {a.pk, agree.pk}


def test_disputes_list_both_values_with_their_sources(client):
    film = f.make_film(title="Purple Hearts 2")
    interview = f.make_source(title="Interview with Sofia Carson")
    report = f.make_source(title="Another outlet's report")
    release_window(film, "spring 2026", sources=[interview])
    release_window(film, "summer 2027", sources=[report])
    f.make_claim(film, property=Claim.Property.DIRECTOR, value="Only one")

    _, data = get(client, "/api/v1/disputes")

    assert len(data["results"]) == 1
    dispute = data["results"][0]
    assert dispute["subject"]["name"] == "Purple Hearts 2"
    assert dispute["property"] == "release_window"
    values = {c["value"]: [s["title"] for s in c["sources"]] for c in dispute["claims"]}
    assert values == {
        "spring 2026": ["Interview with Sofia Carson"],
        "summer 2027": ["Another outlet's report"],
    }


def test_resolved_dispute_leaves_the_disputes_list(client, editor):
    from franchise.services import resolve_dispute

    film = f.make_film()
    winner = release_window(film, "spring 2026")
    release_window(film, "summer 2027")
    resolve_dispute(winner, by=editor, reason="Netflix confirmed")

    _, data = get(client, "/api/v1/disputes")
    assert data["results"] == []
    _, claim = get(client, f"/api/v1/claims/{winner.pk}")
    assert claim["status"] == "confirmed"
    assert claim["disputed"] is False
    assert claim["history"][0]["reason"] == "Netflix confirmed"


def test_film_person_song_details_carry_credits(client):
    film = f.make_film(title="Purple Hearts")
    person = f.make_person(name="Sofia Carson")
    character = f.make_character(name="Cassie")
    f.make_credit(film=film, person=person, job="cast", character=character)
    song = f.make_song(title="Come Back Home", films=[film])
    song.performers.add(person)
    f.make_award(song=song, name="MTV Award")

    _, film_data = get(client, f"/api/v1/films/{film.pk}")
    _, person_data = get(client, f"/api/v1/people/{person.pk}")
    _, song_data = get(client, f"/api/v1/songs/{song.pk}")

    assert film_data["credits"][0]["person"]["name"] == "Sofia Carson"
    assert film_data["credits"][0]["character"]["name"] == "Cassie"
    assert film_data["songs"][0]["title"] == "Come Back Home"
    assert person_data["credits"][0]["film"]["title"] == "Purple Hearts"
    assert person_data["songs_performed"][0]["title"] == "Come Back Home"
    assert song_data["awards"][0]["name"] == "MTV Award"
    assert song_data["performers"][0]["name"] == "Sofia Carson"


def test_cursor_pagination_walks_every_article_once_in_order(client):
    now = timezone.now()
    made = [f.make_article(published_at=now - dt.timedelta(minutes=i)) for i in range(5)]
    # Two articles at the same instant: the id breaks the tie, none is lost.
    made.append(f.make_article(published_at=made[2].published_at))

    seen, url = [], "/api/v1/articles?limit=2"
    while url:
        response, data = get(client, url)
        assert response.status_code == 200
        seen += [a["id"] for a in data["results"]]
        url = data["next"]
    assert sorted(seen) == sorted(a.pk for a in made)
    assert len(seen) == len(set(seen))
    expected = sorted(made, key=lambda a: (a.published_at, a.pk), reverse=True)
    assert seen == [a.pk for a in expected]


def test_next_url_keeps_the_filters(client):
    section = f.make_section(slug="film-news")
    for _ in range(3):
        f.make_article(section=section)
    _, data = get(client, "/api/v1/articles?section=film-news&limit=1")
    assert "section=film-news" in data["next"]
    assert data["next"].startswith("http://testserver/api/v1/articles?")


# --- only public content -------------------------------------------------------------


def hidden_articles():
    """One article in every state a reader must never see through the API."""
    now = timezone.now()
    live = f.make_article(title="Live piece")
    working_copy = f.make_article(
        title="HIDDEN working copy", published=False, draft_of=live, slug=live.slug
    )
    return live, [
        f.make_article(title="HIDDEN draft", published=False),
        f.make_article(
            title="HIDDEN in review", published=False, status=Article.Status.IN_REVIEW
        ),
        f.make_article(
            title="HIDDEN approved", published=False, status=Article.Status.APPROVED
        ),
        f.make_article(
            title="HIDDEN scheduled",
            status=Article.Status.SCHEDULED,
            published_at=now + dt.timedelta(days=1),
        ),
        f.make_article(title="HIDDEN trashed", deleted_at=now),
        working_copy,
    ]


ALL_LISTS = [
    "/api/v1/articles",
    "/api/v1/corrections",
    "/api/v1/claims",
    "/api/v1/disputes",
    "/api/v1/sources",
    "/api/v1/films",
    "/api/v1/people",
    "/api/v1/songs",
]


def test_no_unpublished_article_appears_in_any_endpoint(client):
    film = f.make_film()
    claim = f.make_claim(film, value="Asserted value")
    hidden_source = f.make_source(title="HIDDEN source only a draft cites")
    live, hidden = hidden_articles()
    for article in hidden:
        article.films.add(film)
        article.claims.add(claim)
        f.make_citation(article, hidden_source)
        f.make_quote(article, source=hidden_source)
        f.make_correction(article, text="HIDDEN correction")

    urls = [
        *ALL_LISTS,
        f"/api/v1/claims/{claim.pk}",
        f"/api/v1/films/{film.pk}",
        f"/api/v1/articles?film={film.slug}",
    ]
    for url in urls:
        response, _ = get(client, url)
        assert response.status_code == 200, url
        assert "HIDDEN" not in response.content.decode(), url
    for article in hidden:
        response, _ = get(client, f"/api/v1/articles/{article.pk}")
        assert response.status_code == 404, article.title
    response, _ = get(client, f"/api/v1/sources/{hidden_source.pk}")
    assert response.status_code == 404
    _, data = get(client, "/api/v1/articles")
    assert [a["id"] for a in data["results"]] == [live.pk]


def test_retracted_article_is_a_notice_not_a_listing(client):
    article = f.make_article(
        title="Retracted piece",
        body="<p>HIDDEN body</p>",
        status=Article.Status.RETRACTED,
        retraction_note="We could not stand by this story.",
    )
    _, listing = get(client, "/api/v1/articles")
    assert listing["results"] == []
    response, data = get(client, f"/api/v1/articles/{article.pk}")
    assert response.status_code == 200
    assert data["status"] == "retracted"
    assert data["body_html"] == ""
    assert data["retraction_note"] == "We could not stand by this story."
    assert "HIDDEN" not in response.content.decode()


def test_scheduled_article_appears_once_its_time_has_passed(client):
    article = f.make_article(
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() - dt.timedelta(minutes=1),
    )
    _, data = get(client, "/api/v1/articles")
    assert [a["id"] for a in data["results"]] == [article.pk]
    assert data["results"][0]["status"] == "published"


def test_claim_editor_note_is_never_returned(client):
    claim = f.make_claim(note="HIDDEN how the claim was worded")
    for url in ("/api/v1/claims", f"/api/v1/claims/{claim.pk}", "/api/v1/disputes"):
        response, _ = get(client, url)
        assert "HIDDEN" not in response.content.decode()


def test_asserting_articles_are_published_only(client):
    claim = f.make_claim()
    live = f.make_article()
    draft = f.make_article(published=False)
    for article in (live, draft):
        article.claims.add(claim)
    _, data = get(client, f"/api/v1/claims/{claim.pk}")
    assert [a["id"] for a in data["asserted_by"]] == [live.pk]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles?cursor=not-a-cursor",
        "/api/v1/articles?cursor=WzFd",  # a cursor of another endpoint
        "/api/v1/articles?limit=0",
        "/api/v1/articles?limit=1000",
        "/api/v1/articles?limit=ten",
        "/api/v1/articles?kind=gossip",
        "/api/v1/articles?updated_since=yesterday",
        "/api/v1/articles?section=../etc",
        "/api/v1/claims?status=true",
        "/api/v1/claims/abc",
        "/api/v1/claims/0",
        "/api/v1/claims/99999999999999999999",
        "/api/v1/disputes?cursor=%5B%5D",
    ],
)
def test_bad_parameters_get_400_with_a_json_message(client, url):
    response, data = get(client, url)
    assert response.status_code == 400, url
    assert isinstance(data["detail"], str) and data["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_bad_cursor_message_says_what_to_do(client):
    _, data = get(client, "/api/v1/claims?cursor=garbage")
    assert data["detail"] == (
        "The cursor is not one this API gave out; start again without it."
    )


def test_missing_resource_is_a_json_404(client):
    response, data = get(client, "/api/v1/films/424242")
    assert response.status_code == 404
    assert data == {"detail": "Not found."}


def test_writes_are_refused(client):
    response = client.post("/api/v1/articles", data={}, content_type="application/json")
    assert response.status_code == 405


# --- HTTP: validators, CORS, rate limit, cache tags --------------------------------------


def test_etag_gives_304_and_changes_with_content(client):
    article = f.make_article(title="First title")
    url = f"/api/v1/articles/{article.pk}"
    first = client.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"

    Article.objects.filter(pk=article.pk).update(title="Second title")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_if_modified_since_gives_304(client):
    article = f.make_article(published_at=timezone.now() - dt.timedelta(days=2))
    url = f"/api/v1/articles/{article.pk}"
    last_modified = client.get(url)["Last-Modified"]
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304


def test_last_modified_moves_when_anything_public_changes(client):
    import time

    from franchise import cache as dependency_cache

    claim = f.make_claim()
    url = f"/api/v1/claims/{claim.pk}"
    # What the response shows last changed 100 s ago (HTTP dates count seconds).
    for key in client.get(url)["Cache-Tag"].split():
        cache.set(dependency_cache.version_key(key), time.time_ns() - 100 * 10**9, None)
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    # A source added to the claim changes no timestamp on the claim's own row.
    claim.sources.add(f.make_source(title="New source"))
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200
    assert response["Last-Modified"] != last_modified


def test_source_urls_are_web_addresses_only(client):
    claim = f.make_claim(
        sources=[
            f.make_source(url="javascript:alert(1)"),
            f.make_source(url="https://example.com/a"),
        ]
    )
    _, data = get(client, f"/api/v1/claims/{claim.pk}")
    assert sorted(s["url"] for s in data["sources"]) == ["", "https://example.com/a"]


def test_cors_allows_any_origin_and_answers_preflight(client):
    response = client.get("/api/v1/films", headers={"Origin": "https://app.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]

    preflight = client.options(
        "/api/v1/films",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "If-None-Match"


def test_head_answers_like_get_without_a_body(client):
    f.make_film()
    response = client.head("/api/v1/films")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = "3/min"
    statuses = [client.get("/api/v1/films").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/films")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "limit is 3" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_rate_limit_is_per_client(client, settings):
    settings.API_RATE_LIMIT = "1/min"
    assert client.get("/api/v1/films", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/films", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/films", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_rate_limit_trusts_forwarded_for_only_from_trusted_proxies(client, settings):
    settings.API_RATE_LIMIT = "1/min"
    settings.API_TRUSTED_PROXIES = ["127.0.0.1"]
    for ip in ("198.51.100.1", "198.51.100.2"):
        response = client.get(
            "/api/v1/films", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=ip
        )
        assert response.status_code == 200
    # From an untrusted address the header is ignored: one budget for 10.0.0.9.
    for status in (200, 429):
        response = client.get(
            "/api/v1/films", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.1.1.{status}"
        )
        assert response.status_code == status


@pytest.mark.parametrize("value", ["120/min", "5/s", "1000/hour", "off", ""])
def test_rate_setting_accepts(value):
    from newsroom.api.ratelimit import parse_rate

    parse_rate(value)


@pytest.mark.parametrize("value", ["lots", "120/fortnight", "0/min", "-1/min", "1.5/s"])
def test_rate_setting_rejects_bad_values(value):
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.api.ratelimit import parse_rate

    with pytest.raises(ImproperlyConfigured, match="API_RATE_LIMIT"):
        parse_rate(value)


def test_cache_tags_name_what_the_response_shows(client):
    film = f.make_film()
    claim = f.make_claim(film)
    article = f.make_article()
    article.films.add(film)
    article.claims.add(claim)

    detail = client.get(f"/api/v1/articles/{article.pk}")["Cache-Tag"].split()
    assert {f"article:{article.pk}", f"film:{film.pk}", f"claim:{claim.pk}"} <= set(
        detail
    )
    listing = client.get("/api/v1/articles")["Cache-Tag"].split()
    assert {"list:articles", f"article:{article.pk}"} <= set(listing)
    claim_tags = client.get(f"/api/v1/claims/{claim.pk}")["Cache-Tag"].split()
    assert {f"claim:{claim.pk}", f"film:{film.pk}"} <= set(claim_tags)


def test_api_responses_are_not_stored_by_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    film = f.make_film(title="Before")
    assert client.get(f"/api/v1/films/{film.pk}").json()["title"] == "Before"
    type(film).objects.filter(pk=film.pk).update(title="After")
    assert client.get(f"/api/v1/films/{film.pk}").json()["title"] == "After"


# --- schema and docs -------------------------------------------------------------------------


def test_openapi_document_lists_every_resource(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/articles",
        "/api/v1/articles/{pk}",
        "/api/v1/claims",
        "/api/v1/claims/{pk}",
        "/api/v1/disputes",
        "/api/v1/sources",
        "/api/v1/sources/{pk}",
        "/api/v1/corrections",
        "/api/v1/films/{pk}",
        "/api/v1/people/{pk}",
        "/api/v1/songs/{pk}",
    ):
        assert "get" in schema["paths"][path], path
    assert response["Access-Control-Allow-Origin"] == "*"


def test_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "//" not in html.replace("<!DOCTYPE html>", "").split("<body", 1)[0]
    assert '"validatorUrl": null' in html
    import re

    assert not re.search(r"""(src|href)=["']https?://""", html)
    # The site's CSP still applies and allows only our own scripts.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_docs_static_files_are_served(client):
    response = client.get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200
