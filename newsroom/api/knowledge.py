"""The knowledge base: films, people, songs, the sourced claims, their sources.

Everything a film, person or song page shows is public, so are their claims
(denied and retracted ones stay visible with their status, as in the fact
boxes); editors' notes are never returned. A source appears when a claim or a
published article relies on it. Disputes use the knowledge base's own rule,
``Claim.objects.conflicting()``, ``Claim.competitors()`` and ``Claim.contradicts()``.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from articles.models import Article, Citation, Quote
from franchise.models import Claim, Credit, Film, Person, Song, Source
from newsroom.api import schemas
from newsroom.api.articles import CURSOR, ERRORS, LIMIT, PK, SLUG
from newsroom.api.http import set_cache_tags
from newsroom.api.pagination import Order, page
from newsroom.api.pagination import next_url as cursor_url

router = Router()

BY_ID = Order(("id", "int"))
BY_CONFLICT = Order(("conflict_key", "str"))
SUBJECTS = ("film", "person", "song")
CLAIM_REFS = Claim.objects.select_related(*SUBJECTS)


def claims_for_display():
    """Claims with subject, sources and history, in a fixed number of queries."""
    return Claim.objects.for_display().prefetch_related("status_changes")


def with_competitors(claims):
    """Attach the live claims each disputed claim competes with (one query)."""
    keys = {c.conflict_key for c in claims if c.conflict_key and c.is_live}
    contenders = (
        list(CLAIM_REFS.conflicting().filter(conflict_key__in=keys)) if keys else []
    )
    for claim in claims:
        claim.api_competitors = [
            other
            for other in contenders
            if claim.is_live
            and other.pk != claim.pk
            and other.conflict_key == claim.conflict_key
            and claim.contradicts(other)
        ]
    return claims


def published_articles():
    return Article.objects.published().select_related("section")


def public_sources():
    """Sources a reader can meet: behind a claim, or cited or quoted in print."""
    published = Article.objects.published()
    return Source.objects.filter(
        Q(Exists(Claim.objects.filter(sources=OuterRef("pk"))))
        | Q(
            Exists(
                Citation.objects.filter(source=OuterRef("pk"), article__in=published)
            )
        )
        | Q(Exists(Quote.objects.filter(source=OuterRef("pk"), article__in=published)))
    ).select_related("speaker")


def claim_tags(claims):
    tags = []
    for claim in claims:
        tags.append(f"claim:{claim.pk}")
        tags.append(f"{claim.subject._meta.model_name}:{claim.subject.pk}")
    return tags


# --- claims and disputes ----------------------------------------------------------


@router.get(
    "/claims",
    response={200: schemas.ClaimPage, **ERRORS},
    url_name="claims",
    tags=["claims"],
    summary="Sourced claims with status, sources, history and competing claims",
)
def list_claims(
    request: HttpRequest,
    response: HttpResponse,
    film: str | None = Query(None, description="Subject film slug.", **SLUG),
    person: str | None = Query(None, description="Subject person slug.", **SLUG),
    song: str | None = Query(None, description="Subject song slug.", **SLUG),
    property: Claim.Property | None = Query(None, description="The fact claimed."),
    status: Claim.Status | None = Query(None, description="The claim's status."),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    claims = claims_for_display()
    for name, slug in (("film", film), ("person", person), ("song", song)):
        if slug:
            claims = claims.filter(**{f"{name}__slug": slug})
    if property:
        claims = claims.filter(property=property)
    if status:
        claims = claims.filter(status=status)
    rows, next_url = page(request, claims, BY_ID, limit=limit, cursor=cursor)
    with_competitors(rows)
    set_cache_tags(response, ["list:claims", *claim_tags(rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/claims/{pk}",
    response={200: schemas.ClaimDetailOut, **ERRORS},
    url_name="claim",
    tags=["claims"],
    summary="One claim, the competing claims when disputed, the articles asserting it",
)
def get_claim(request: HttpRequest, response: HttpResponse, pk: int = PK):
    claim = get_object_or_404(claims_for_display(), pk=pk)
    competitors = claim.competitors().select_related(*SUBJECTS) if claim.is_live else []
    claim.api_competitors = list(competitors)
    claim.api_articles = list(published_articles().filter(claims=claim))
    set_cache_tags(
        response,
        [*claim_tags([claim]), *(f"claim:{c.pk}" for c in claim.api_competitors)],
    )
    return claim


@router.get(
    "/disputes",
    response={200: schemas.DisputePage, **ERRORS},
    url_name="disputes",
    tags=["claims"],
    summary="Facts whose live claims contradict each other, with every value",
)
def list_disputes(
    request: HttpRequest,
    response: HttpResponse,
    film: str | None = Query(None, description="Subject film slug.", **SLUG),
    person: str | None = Query(None, description="Subject person slug.", **SLUG),
    song: str | None = Query(None, description="Subject song slug.", **SLUG),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    conflicting = Claim.objects.conflicting()
    for name, slug in (("film", film), ("person", person), ("song", song)):
        if slug:
            conflicting = conflicting.filter(**{f"{name}__slug": slug})
    keys = conflicting.values_list("conflict_key", flat=True).distinct()
    keys = keys.order_by("conflict_key")
    if cursor:
        keys = keys.filter(BY_CONFLICT.after(BY_CONFLICT.decode(cursor)))
    keys = list(keys[: limit + 1])
    next_url = None
    if len(keys) > limit:
        keys = keys[:limit]
        next_url = cursor_url(request, BY_CONFLICT.encode([keys[-1]]))
    claims = with_competitors(
        list(
            claims_for_display()
            .filter(pk__in=conflicting.filter(conflict_key__in=keys).values("pk"))
            .order_by("conflict_key", "id")
        )
    )
    groups = {}
    for claim in claims:
        groups.setdefault(claim.conflict_key, []).append(claim)
    results = []
    for key in keys:
        members = groups.get(key, [])
        if not members:
            continue
        first = members[0]
        results.append(
            {
                "subject": schemas.subject_of(first, {"request": request}),
                "property": first.property,
                "property_label": first.get_property_display(),
                "qualifier": first.qualifier,
                "claims": members,
            }
        )
    set_cache_tags(response, ["list:disputes", *claim_tags(claims)])
    return {"results": results, "next": next_url}


# --- sources ------------------------------------------------------------------------


@router.get(
    "/sources",
    response={200: schemas.SourcePage, **ERRORS},
    url_name="sources",
    tags=["sources"],
    summary="Sources behind claims and published articles",
)
def list_sources(
    request: HttpRequest,
    response: HttpResponse,
    kind: Source.Kind | None = Query(None, description="Kind of source."),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    sources = public_sources()
    if kind:
        sources = sources.filter(kind=kind)
    rows, next_url = page(request, sources, BY_ID, limit=limit, cursor=cursor)
    set_cache_tags(response, ["list:sources", *(f"source:{s.pk}" for s in rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/sources/{pk}",
    response={200: schemas.SourceDetailOut, **ERRORS},
    url_name="source",
    tags=["sources"],
    summary="One source, the claims it supports and the articles citing it",
)
def get_source(request: HttpRequest, response: HttpResponse, pk: int = PK):
    source = get_object_or_404(
        public_sources().prefetch_related(Prefetch("claims", CLAIM_REFS)), pk=pk
    )
    source.api_articles = list(
        published_articles()
        .filter(Q(citations__source=source) | Q(quotes__source=source))
        .distinct()
    )
    set_cache_tags(
        response,
        [
            f"source:{source.pk}",
            *(f"claim:{c.pk}" for c in source.claims.all()),
            *(f"article:{a.pk}" for a in source.api_articles),
        ],
    )
    return source


# --- films, people, songs -----------------------------------------------------------


@router.get(
    "/films",
    response={200: schemas.FilmPage, **ERRORS},
    url_name="films",
    tags=["films"],
    summary="Films and series",
)
def list_films(
    request: HttpRequest,
    response: HttpResponse,
    slug: str | None = Query(None, description="Film slug.", **SLUG),
    franchise: str | None = Query(None, description="Franchise slug.", **SLUG),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    films = Film.objects.select_related("franchise")
    if slug:
        films = films.filter(slug=slug)
    if franchise:
        films = films.filter(franchise__slug=franchise)
    rows, next_url = page(request, films, BY_ID, limit=limit, cursor=cursor)
    set_cache_tags(response, ["list:films", *(f"film:{f.pk}" for f in rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/films/{pk}",
    response={200: schemas.FilmDetailOut, **ERRORS},
    url_name="film",
    tags=["films"],
    summary="One film with its credits, releases and songs",
)
def get_film(request: HttpRequest, response: HttpResponse, pk: int = PK):
    film = get_object_or_404(
        Film.objects.select_related("franchise").prefetch_related(
            Prefetch("credits", Credit.objects.select_related("person", "character")),
            "releases",
            "songs",
        ),
        pk=pk,
    )
    set_cache_tags(response, [f"film:{film.pk}"])
    return film


@router.get(
    "/people",
    response={200: schemas.PersonPage, **ERRORS},
    url_name="people",
    tags=["people"],
    summary="People",
)
def list_people(
    request: HttpRequest,
    response: HttpResponse,
    slug: str | None = Query(None, description="Person slug.", **SLUG),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    people = Person.objects.all()
    if slug:
        people = people.filter(slug=slug)
    rows, next_url = page(request, people, BY_ID, limit=limit, cursor=cursor)
    set_cache_tags(response, ["list:people", *(f"person:{p.pk}" for p in rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/people/{pk}",
    response={200: schemas.PersonDetailOut, **ERRORS},
    url_name="person",
    tags=["people"],
    summary="One person with their credits and songs",
)
def get_person(request: HttpRequest, response: HttpResponse, pk: int = PK):
    person = get_object_or_404(
        Person.objects.prefetch_related(
            Prefetch("credits", Credit.objects.select_related("film", "character")),
            "songs_performed",
            "songs_written",
        ),
        pk=pk,
    )
    set_cache_tags(response, [f"person:{person.pk}"])
    return person


@router.get(
    "/songs",
    response={200: schemas.SongPage, **ERRORS},
    url_name="songs",
    tags=["songs"],
    summary="Songs",
)
def list_songs(
    request: HttpRequest,
    response: HttpResponse,
    slug: str | None = Query(None, description="Song slug.", **SLUG),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    songs = Song.objects.all()
    if slug:
        songs = songs.filter(slug=slug)
    rows, next_url = page(request, songs, BY_ID, limit=limit, cursor=cursor)
    set_cache_tags(response, ["list:songs", *(f"song:{s.pk}" for s in rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/songs/{pk}",
    response={200: schemas.SongDetailOut, **ERRORS},
    url_name="song",
    tags=["songs"],
    summary="One song with its films, performers, writers and awards",
)
def get_song(request: HttpRequest, response: HttpResponse, pk: int = PK):
    song = get_object_or_404(
        Song.objects.prefetch_related("films", "performers", "writers", "awards"),
        pk=pk,
    )
    set_cache_tags(response, [f"song:{song.pk}"])
    return song
