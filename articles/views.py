"""The public site: home, section, tag and author lists, and the article page.

Public pages read an article's small child tables (bylines, tags, citations,
quotes, corrections, renditions, films) as JSON arrays computed inside the
article's own query, so their query count stays constant and low whatever the
number of rows; see ``Rows``.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    Aggregate,
    Exists,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date, parse_datetime
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from articles.cache_keys import article_page_keys
from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Correction,
    Quote,
    Rendition,
    Section,
)
from franchise.cache import RenderCacheMixin
from franchise.facts import build_facts
from franchise.models import Claim, Film, Franchise, Person, Source

PAGE_SIZE = 20
TOP_STORIES = 3
RELATED_ARTICLES = 4
# What a related-coverage line shows; the bodies stay in the database.
RELATED_FIELDS = (
    "title",
    "slug",
    "kind",
    "unconfirmed",
    "published_at",
    "section__slug",
    "section__name",
)


# Child rows as JSON -----------------------------------------------------------


class JSONArrayAgg(Aggregate):
    """Rows aggregated into one JSON array, on SQLite and on PostgreSQL."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="JSONB_AGG", **extra_context
        )


def _to_python(model_field, value):
    """A JSON scalar back to what the database column would have given."""
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        parsed = parse_datetime(value)
        # SQLite stores UTC without an offset; PostgreSQL's JSON carries one.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if isinstance(model_field, models.DateField):
        return parse_date(value)
    if isinstance(model_field, models.BooleanField):
        return bool(value)  # SQLite's JSON says 0 and 1
    if isinstance(model_field, models.FloatField):
        return float(value)
    return value


@dataclass(frozen=True)
class Rows:
    """The columns of one model (and of related rows) as a JSON object.

    ``nested`` maps a foreign key's name to the shape of the row it points to;
    ``skip`` names long columns no public page reads (they load on access).
    """

    model: type
    nested: dict = field(default_factory=dict)
    skip: tuple = ()

    def fields(self):
        return [f for f in self.model._meta.concrete_fields if f.name not in self.skip]

    def expression(self, prefix=""):
        parts = {f.attname: F(prefix + f.attname) for f in self.fields()}
        for name, shape in self.nested.items():
            parts[name] = shape.expression(f"{prefix}{name}__")
        return JSONObject(**parts)

    def build(self, data, db):
        """A model instance from one JSON object, as if the database had loaded it."""
        pk = self.model._meta.pk.attname
        if data is None or data.get(pk) is None:
            return None
        fields = [f for f in self.fields() if f.attname in data]
        instance = self.model.from_db(
            db,
            [f.attname for f in fields],
            [_to_python(f, data[f.attname]) for f in fields],
        )
        for name, shape in self.nested.items():
            related = shape.build(data.get(name), db)
            if related is not None:
                setattr(instance, name, related)
        return instance

    def build_all(self, rows, db, ordering=None):
        """Instances of every object of a JSON array, in the model's order."""
        instances = [self.build(data, db) for data in rows or []]
        instances = [i for i in instances if i is not None]
        return sort_like_database(instances, ordering or self.model._meta.ordering)


def sort_like_database(instances, ordering):
    """Sort by Meta.ordering-style keys, NULLs placed as PostgreSQL places them."""
    for key in reversed(ordering):
        descending = key.startswith("-")
        name = key.lstrip("-")
        instances.sort(
            key=lambda i, n=name: (getattr(i, n) is None, getattr(i, n)),
            reverse=descending,
        )
    return instances


def json_rows(queryset, link, outer, expression):
    """A subquery: the rows of ``queryset`` whose ``link`` is ``outer``, as JSON."""
    grouped = (
        queryset.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(rows=JSONArrayAgg(expression))
        .values("rows")
    )
    return Subquery(grouped, output_field=JSONField())


def set_prefetched(instance, name, objects):
    """Fill ``instance.<name>.all()`` as prefetch_related would."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


PERSON = Rows(Person, skip=("bio",))
AUTHOR = Rows(AuthorProfile, skip=("bio",))
SOURCE = Rows(Source, nested={"speaker": PERSON}, skip=("note",))
BYLINE = Rows(Byline, nested={"author": AUTHOR})
CORRECTION = Rows(Correction)
RENDITION = Rows(Rendition)
TAG = Rows(Tag)
FILM = Rows(Film, skip=("synopsis",))
CITATION = Rows(Citation, nested={"source": SOURCE})
QUOTE = Rows(Quote, nested={"speaker": PERSON, "source": SOURCE})


def tag_rows():
    """The article's tags in the order they were added (taggit's order)."""
    content_type = ContentType.objects.get_for_model(Article)
    return json_rows(
        TaggedItem.objects.filter(content_type=content_type),
        "object_id",
        "pk",
        JSONObject(tag=TAG.expression("tag__"), added=F("id")),
    )


def byline_rows():
    """The article's bylines with their authors, as one JSON column."""
    return json_rows(Byline.objects.all(), "article", "pk", BYLINE.expression())


def with_card_rows(queryset):
    """What an article card shows, in the list's one query: see ``unpack_cards``."""
    return queryset.select_related("section", "lead_image").annotate(
        byline_rows=byline_rows(),
        rendition_rows=json_rows(
            Rendition.objects.all(), "image", "lead_image_id", RENDITION.expression()
        ),
    )


def unpack_cards(articles):
    """Turn the JSON columns of ``with_card_rows`` into prefetched relations."""
    articles = list(articles)
    for article in articles:
        db = article._state.db
        if hasattr(article, "byline_rows"):
            bylines = BYLINE.build_all(article.byline_rows, db)
            set_prefetched(article, "bylines", bylines)
            del article.byline_rows
        if hasattr(article, "rendition_rows"):
            if article.lead_image is not None:
                renditions = RENDITION.build_all(article.rendition_rows, db)
                set_prefetched(article.lead_image, "renditions", renditions)
            del article.rendition_rows
    return articles


# Lists ----------------------------------------------------------------------------


class ArticleListView(ListView):
    """A paginated list of published articles; subclasses narrow it."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return with_card_rows(Article.objects.published())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One query for the page's cards; the template then reads no more.
        context["articles"] = context["object_list"] = unpack_cards(
            context["object_list"]
        )
        return context


class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        self.top_stories = unpack_cards(
            with_card_rows(Article.objects.published().filter(is_top_story=True))[
                :TOP_STORIES
            ]
        )
        # The top stories already lead the page; the latest list skips them.
        return (
            super()
            .get_queryset()
            .exclude(pk__in=[article.pk for article in self.top_stories])
        )

    def get_context_data(self, **kwargs):
        covered_films = Article.films.through.objects.filter(
            film__franchise=OuterRef("pk"),
            article__in=Article.objects.published(),
        )
        return super().get_context_data(
            top_stories=self.top_stories,
            franchises=Franchise.objects.filter(Exists(covered_films)),
            **kwargs,
        )


class SectionView(ArticleListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["section"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            AuthorProfile.objects.select_related("photo").annotate(
                rendition_rows=json_rows(
                    Rendition.objects.all(), "image", "photo_id", RENDITION.expression()
                )
            ),
            slug=self.kwargs["slug"],
        )
        if self.author.photo is not None:
            set_prefetched(
                self.author.photo,
                "renditions",
                RENDITION.build_all(self.author.rendition_rows, self.author._state.db),
            )
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


# The article page --------------------------------------------------------------


def for_article_page(queryset):
    """The article with everything its page shows, in one query.

    ``article_context`` turns the JSON columns into the usual relations
    (``article.bylines.all()`` and so on) and adds the fact boxes (one more
    query) and related articles (one more).
    """
    # A fact check's rated claim feeds its ClaimReview markup.
    queryset = queryset.select_related(
        "rated_claim__film", "rated_claim__person", "rated_claim__song"
    ).prefetch_related(
        Prefetch("rated_claim__sources", Source.objects.select_related("speaker"))
    )
    return with_card_rows(queryset).annotate(
        tag_rows=tag_rows(),
        citation_rows=json_rows(
            Citation.objects.all(), "article", "pk", CITATION.expression()
        ),
        quote_rows=json_rows(Quote.objects.all(), "article", "pk", QUOTE.expression()),
        correction_rows=json_rows(
            Correction.objects.all(), "article", "pk", CORRECTION.expression()
        ),
        film_rows=json_rows(
            Article.films.through.objects.all(),
            "article",
            "pk",
            FILM.expression("film__"),
        ),
    )


def unpack_article(article):
    """Turn the JSON columns of ``for_article_page`` into prefetched relations."""
    if not hasattr(article, "tag_rows"):
        return article
    db = article._state.db
    unpack_cards([article])
    tagged = sorted(article.tag_rows or [], key=lambda row: row["added"])
    set_prefetched(article, "tags", [TAG.build(row["tag"], db) for row in tagged])
    set_prefetched(article, "citations", CITATION.build_all(article.citation_rows, db))
    set_prefetched(article, "quotes", QUOTE.build_all(article.quote_rows, db))
    corrections = CORRECTION.build_all(article.correction_rows, db)
    for correction in corrections:
        correction.article = article  # its URL is the article's
    set_prefetched(article, "corrections", corrections)
    set_prefetched(article, "films", FILM.build_all(article.film_rows, db))
    del article.tag_rows, article.citation_rows, article.quote_rows
    del article.correction_rows, article.film_rows
    return article


def load_film_claims(article):
    """Claims of the article's films with their sources, in one query.

    Each claim carries ``asserted``: whether this article states it.
    """
    films = list(article.films.all())
    if not films:
        return
    asserted = Article.claims.through.objects.filter(
        article_id=article.pk, claim_id=OuterRef("pk")
    )
    claims = Claim.objects.filter(film__in=films).annotate(
        source_rows=json_rows(
            Claim.sources.through.objects.all(),
            "claim",
            "pk",
            SOURCE.expression("source__"),
        ),
        asserted=Exists(asserted),
    )
    by_film = {film.pk: [] for film in films}
    for claim in claims:
        set_prefetched(
            claim, "sources", SOURCE.build_all(claim.source_rows, claim._state.db)
        )
        by_film[claim.film_id].append(claim)
    for film in films:
        set_prefetched(film, "claims", by_film[film.pk])


def article_context(article):
    """The article page's context for any article: public, draft or preview."""
    unpack_article(article)
    if article.status == Article.Status.RETRACTED:
        return {"article": article}
    load_film_claims(article)
    sources = sources_of(article)
    return {
        "article": article,
        "sources": sources,
        "source_ids": {entry["source"].pk for entry in sources},
        "fact_boxes": fact_boxes_of(article),
        "related": related_to(article),
    }


class ArticleDetailView(RenderCacheMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def cache_dependencies(self, context):
        return article_page_keys(context)

    def get_queryset(self):
        return for_article_page(
            Article.objects.public().filter(section__slug=self.kwargs["section"])
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | article_context(self.object)


def sources_of(article):
    """Cited sources in order, then any quoted source the citations missed."""
    entries = [(c.source, c.supports) for c in article.citations.all()]
    seen = {source.pk for source, _ in entries}
    for quote in article.quotes.all():
        if quote.source_id and quote.source_id not in seen:
            seen.add(quote.source_id)
            entries.append((quote.source, ""))
    return [
        {"source": source, "supports": supports, "url": web_url(source.url)}
        for source, supports in entries
    ]


def web_url(url):
    """The URL if it is a web address; rows written outside forms may hold others."""
    return url if urlsplit(url).scheme in {"http", "https"} else ""


def fact_boxes_of(article):
    """One fact box per related film, marking the values this article asserts."""
    boxes = []
    for film in article.films.all():
        facts = build_facts(film.claims.all())
        for fact in facts:
            for value in fact.values:
                value.asserted = any(_asserted(article, c) for c in value.claims)
            fact.asserted = any(value.asserted for value in fact.values)
        if facts:
            boxes.append({"film": film, "facts": facts})
    return boxes


def _asserted(article, claim):
    if hasattr(claim, "asserted"):
        return claim.asserted
    return claim.pk in {c.pk for c in article.claims.all()}


def related_to(article):
    """Up to four published articles sharing a tag or a film, in one query.

    Newest first: the database walks the publication-time index and stops at
    the fourth match, instead of gathering every article that shares a tag.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    film_ids = [film.pk for film in article.films.all()]
    if not tag_ids and not film_ids:
        return []
    shares = Q()
    if tag_ids:
        shares |= Exists(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id=OuterRef("pk"),
                tag_id__in=tag_ids,
            )
        )
    if film_ids:
        shares |= Exists(
            Article.films.through.objects.filter(
                article=OuterRef("pk"), film_id__in=film_ids
            )
        )
    return list(
        Article.objects.published()
        .filter(shares)
        .exclude(pk=article.pk)
        .select_related("section")
        .only(*RELATED_FIELDS)[:RELATED_ARTICLES]
    )
