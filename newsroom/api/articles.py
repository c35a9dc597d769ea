"""Articles, and the corrections appended to them, as readers can see them.

Lists show published articles (``Article.objects.published()``); a detail also
answers for a retraction notice (``public()``), as the site does. Every endpoint
runs a fixed number of queries whatever the number of tags, bylines or sources.
"""

import datetime as dt
from typing import Literal

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from articles.models import Article, Byline, Citation, Correction, Quote
from franchise.models import Claim
from newsroom.api import schemas
from newsroom.api.errors import ApiError
from newsroom.api.http import set_cache_tags
from newsroom.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Order, page

router = Router(tags=["articles"])

ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}
PK = Path(..., ge=1, le=2**63 - 1, description="The resource's id.")
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Results per page.")
CURSOR = Query(None, max_length=500, description="The `next` cursor of a page.")
SLUG = {"max_length": 100, "pattern": r"^[-\w]+$"}
ARTICLE_ORDER = Order(("published_at", "datetime"), ("id", "int"), descending=True)
CORRECTION_ORDER = Order(("published_at", "datetime"), ("id", "int"), descending=True)


def for_cards(queryset):
    """Articles with what a list entry shows: section, bylines, tags, picture."""
    return queryset.select_related("section", "lead_image").prefetch_related(
        Prefetch("bylines", Byline.objects.select_related("author")),
        "tags",
        "lead_image__renditions",
    )


def for_detail(queryset):
    """Articles with everything the detail shows, one query per relation."""
    return for_cards(queryset).prefetch_related(
        "films",
        "people",
        "songs",
        Prefetch("citations", Citation.objects.select_related("source__speaker")),
        Prefetch("quotes", Quote.objects.select_related("speaker", "source__speaker")),
        Prefetch("corrections", Correction.objects.order_by("published_at", "id")),
        Prefetch("claims", Claim.objects.select_related("film", "person", "song")),
    )


def aware(moment, name):
    """A timezone-aware datetime (UTC when none was given), or a 400."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ApiError(f"{name} is out of range.") from None


@router.get(
    "/articles",
    response={200: schemas.ArticlePage, **ERRORS},
    url_name="articles",
    summary="Published articles, newest first",
)
def list_articles(
    request: HttpRequest,
    response: HttpResponse,
    section: str | None = Query(None, description="Section slug.", **SLUG),
    tag: str | None = Query(None, description="Tag slug.", **SLUG),
    author: str | None = Query(None, description="Author slug.", **SLUG),
    film: str | None = Query(None, description="Film slug.", **SLUG),
    kind: Literal[tuple(Article.Kind.values)] | None = Query(
        None, description="Article label."
    ),
    updated_since: dt.datetime | None = Query(
        None,
        description="Only articles published or updated at or after this time "
        "(ISO 8601; UTC when no offset is given).",
    ),
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    articles = Article.objects.published()
    if section:
        articles = articles.filter(section__slug=section)
    if tag:
        articles = articles.filter(tags__slug=tag)
    if author:
        articles = articles.filter(bylines__author__slug=author)
    if film:
        articles = articles.filter(films__slug=film)
    if kind:
        articles = articles.filter(kind=kind)
    if updated_since:
        since = aware(updated_since, "updated_since")
        articles = articles.filter(Q(published_at__gte=since) | Q(updated_at__gte=since))
    if tag or author or film:
        articles = articles.distinct()
    rows, next_url = page(
        request, for_cards(articles), ARTICLE_ORDER, limit=limit, cursor=cursor
    )
    set_cache_tags(response, ["list:articles", *(f"article:{a.pk}" for a in rows)])
    return {"results": rows, "next": next_url}


@router.get(
    "/articles/{pk}",
    response={200: schemas.ArticleDetailOut, **ERRORS},
    url_name="article",
    summary="One article with its body, sources, quotes, claims and corrections",
)
def get_article(request: HttpRequest, response: HttpResponse, pk: int = PK):
    article = get_object_or_404(for_detail(Article.objects.public()), pk=pk)
    set_cache_tags(
        response,
        [
            f"article:{article.pk}",
            *(f"film:{f.pk}" for f in article.films.all()),
            *(f"claim:{c.pk}" for c in article.claims.all()),
        ],
    )
    return article


@router.get(
    "/corrections",
    response={200: schemas.CorrectionPage, **ERRORS},
    url_name="corrections",
    summary="Corrections, clarifications and updates, newest first",
)
def list_corrections(
    request: HttpRequest,
    response: HttpResponse,
    limit: int = LIMIT,
    cursor: str | None = CURSOR,
):
    corrections = Correction.objects.public().select_related("article__section")
    rows, next_url = page(
        request, corrections, CORRECTION_ORDER, limit=limit, cursor=cursor
    )
    set_cache_tags(
        response, ["list:corrections", *(f"article:{c.article_id}" for c in rows)]
    )
    return {"results": rows, "next": next_url}
