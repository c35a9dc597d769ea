"""Every API endpoint runs the same number of queries for 1 or 50 related rows."""

import pytest
from django.core.cache import cache

from articles.images import make_renditions
from franchise.models import Claim
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def article_with(n):
    film = f.make_film()
    article = f.make_article(
        authors=[f.make_author() for _ in range(n)],
        tags=[f"tag {i}" for i in range(n)],
        lead_image=f.make_image(),
    )
    make_renditions(article.lead_image)
    speaker = f.make_person()
    for i in range(n):
        source = f.make_source(speaker=speaker)
        f.make_citation(article, source)
        f.make_quote(article, source=source, speaker=f.make_person())
        f.make_correction(article)
        article.claims.add(f.make_claim(film, value=f"v{i}", sources=[source]))
        article.films.add(f.make_film())
        article.people.add(f.make_person())
        article.songs.add(f.make_song())
    return article


def articles(n):
    section = f.make_section()
    image = f.make_image()
    make_renditions(image)
    for i in range(n):
        a = f.make_article(section=section, tags=[f"t{i}", "shared"], lead_image=image)
        f.make_correction(a)
    return section


def claims_about(n):
    """n disputed pairs of claims on one film, each with sources and history."""
    film = f.make_film()
    for i in range(2 * n):
        claim = f.make_claim(
            film,
            property=Claim.Property.TITLE,
            qualifier=f"q{i // 2}",
            value=f"Title {i}",
            sources=[f.make_source(speaker=f.make_person()) for _ in range(2)],
        )
        f.make_status_change(claim, Claim.Status.CONFIRMED)
    return film


def claim_with(n):
    film = f.make_film()
    claim = f.make_claim(
        film,
        property=Claim.Property.TITLE,
        sources=[f.make_source(speaker=f.make_person()) for _ in range(n)],
        value_person=f.make_person(),
    )
    for _ in range(n):
        f.make_status_change(claim, Claim.Status.CONFIRMED)
        f.make_claim(film, property=Claim.Property.TITLE, value=f"Other {f.n()}")
        f.make_article().claims.add(claim)
    return claim


def source_with(n):
    source = f.make_source(speaker=f.make_person())
    for _ in range(n):
        f.make_claim(sources=[source])
        f.make_citation(f.make_article(), source)
        f.make_quote(f.make_article(), source=source)
    return source


def film_with(n):
    film = f.make_film(franchise=f.make_franchise())
    for i in range(n):
        f.make_credit(film=film, job="cast", character=f.make_character())
        f.make_release(film=film, country=f"{i:02d}"[:2])
        f.make_song(films=[film])
    return film


def person_with(n):
    person = f.make_person()
    for _ in range(n):
        f.make_credit(person=person, job="cast", character=f.make_character())
        f.make_song().performers.add(person)
        f.make_song().writers.add(person)
    return person


def song_with(n):
    song = f.make_song()
    for i in range(n):
        song.films.add(f.make_film())
        song.performers.add(f.make_person())
        song.writers.add(f.make_person())
        f.make_award(song=song, name=f"Award {i}")
    return song


def many(make):
    def build(n):
        for _ in range(n):
            make()

    return build


CASES = {
    "article detail": (article_with, lambda a: f"/api/v1/articles/{a.pk}", 11),
    "article list": (articles, lambda s: "/api/v1/articles?limit=100", 4),
    "corrections": (articles, lambda s: "/api/v1/corrections?limit=100", 1),
    "claims": (claims_about, lambda film: "/api/v1/claims?limit=100", 4),
    "claim detail": (claim_with, lambda c: f"/api/v1/claims/{c.pk}", 5),
    "disputes": (claims_about, lambda film: "/api/v1/disputes?limit=100", 5),
    "sources": (source_with, lambda s: "/api/v1/sources?limit=100", 1),
    "source detail": (source_with, lambda s: f"/api/v1/sources/{s.pk}", 3),
    "films": (many(f.make_film), lambda _: "/api/v1/films?limit=100", 1),
    "film detail": (film_with, lambda film: f"/api/v1/films/{film.pk}", 4),
    "people": (many(f.make_person), lambda _: "/api/v1/people?limit=100", 1),
    "person detail": (person_with, lambda p: f"/api/v1/people/{p.pk}", 4),
    "songs": (many(f.make_song), lambda _: "/api/v1/songs?limit=100", 1),
    "song detail": (song_with, lambda s: f"/api/v1/songs/{s.pk}", 5),
}


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize("case", CASES)
def test_query_count_does_not_grow_with_related_rows(
    client, django_assert_num_queries, case, n
):
    build, url_of, expected = CASES[case]
    url = url_of(build(n))
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
