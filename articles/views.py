"""The public site: home, section, tag and author lists, and the article page.

Reads are plain QuerySet methods (``Article.objects.for_cards()`` and
``.for_page()``) plus two small loaders here for what the article page adds:
its Sources list and the claims it asserts. Every page runs a fixed number of
queries whatever the number of tags, bylines, sources or claims.
"""

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from taggit.models import Tag, TaggedItem

from articles import embeds, inline_images
from articles.cache_keys import article_page_keys
from articles.cards import list_cards
from articles.models import (
    Article,
    AuthorProfile,
    Citation,
    LiveUpdate,
    Quote,
    Section,
)
from articles.templatetags.live_times import reference_day, time_label
from franchise import cache as dependency_cache
from franchise.cache import RenderCacheMixin
from franchise.models import Claim, Franchise, Source

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


# Keyset pagination ---------------------------------------------------------------


class BadCursor(ValueError):
    pass


def cursor_of(article):
    """The ``before`` value that lists what comes after this card."""
    micros = round(article.published_at.timestamp() * 1_000_000)
    return f"{micros}_{article.pk}"


def parse_cursor(value):
    """``(published_at, pk)`` from a ``before`` value, or BadCursor."""
    stamp, sep, pk = value.partition("_")
    if not sep or not stamp.isdigit() or not pk.isdigit() or len(stamp) > 18:
        raise BadCursor(value)
    seconds, micros = divmod(int(stamp), 1_000_000)
    try:
        when = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise BadCursor(value) from error
    if int(pk) > 2**63 - 1:
        raise BadCursor(value)
    return when.replace(microsecond=micros), int(pk)


class ArticleListView(ListView):
    """Published article cards, newest first, linking to older ones by keyset.

    There is no page number and no total count: ``?before=<µs>_<pk>`` names the
    last card shown, and the next page starts after it, so an old page costs
    what the first one does.
    """

    context_object_name = "articles"
    # The cards' heading level: under the page's h1, or under a section's h2.
    card_level = 2

    def get(self, request, *args, **kwargs):
        # Rows read from here on are known current only up to this version.
        self.since = dependency_cache.now_version()
        self.before = None
        if "before" in request.GET:
            try:
                self.before = parse_cursor(request.GET["before"])
            except BadCursor:
                # A mangled or hand-edited link: start again from the newest.
                return redirect(request.path)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Article.objects.published().for_cards().newest_first()

    def get_context_data(self, **kwargs):
        queryset = self.object_list
        if self.before:
            queryset = queryset.older_than(*self.before)
        # One row more than a page tells whether an older page exists.
        rows = list_cards(
            self.request, queryset[: PAGE_SIZE + 1], self.card_level, self.since
        )
        articles = rows[:PAGE_SIZE]
        older = cursor_of(articles[-1]) if len(rows) > PAGE_SIZE else ""
        return super().get_context_data(
            object_list=articles,
            card_level=self.card_level,
            older_cursor=older,
            is_older_page=self.before is not None,
            **kwargs,
        )


class HomeView(ArticleListView):
    template_name = "articles/home.html"
    card_level = 3

    def get_queryset(self):
        listed = super().get_queryset()
        self.top_stories = []
        if "before" not in self.request.GET:
            self.top_stories = list_cards(
                self.request,
                listed.filter(is_top_story=True)[:TOP_STORIES],
                self.card_level,
                self.since,
            )
        # The top stories already lead the page; the latest list skips them.
        return listed.exclude(pk__in=[article.pk for article in self.top_stories])

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
    card_level = 3

    def get_queryset(self):
        self.author = get_object_or_404(
            AuthorProfile.objects.select_related("photo").prefetch_related(
                "photo__renditions"
            ),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


# The article page --------------------------------------------------------------


def article_context(article):
    """The article page's context for any article: public, draft or preview.

    ``article`` comes from ``Article.objects.for_page()``; this adds the claims
    block (two queries), the Sources list (one) and related coverage (one).
    """
    if article.status == Article.Status.RETRACTED:
        return {"article": article}
    live = live_context(article) if article.is_live_blog else {}
    claims = asserted_claims(article)
    sources = sources_of(article, claims)
    disputed = [claim for claim in claims if claim.disputes]
    return {
        "article": article,
        "claims": claims,
        # Disputes lead the block; the rest fold away when there are many.
        "disputed_claims": by_subject(disputed),
        "settled_claims": by_subject([c for c in claims if not c.disputes]),
        "disputed_count": len(disputed),
        "settled_count": len(claims) - len(disputed),
        "sources": sources,
        "source_ids": {entry["source"].pk for entry in sources},
        "related": related_to(article),
        **live,
    }


# Live blogs ----------------------------------------------------------------------

# Seconds between a reader's page asking for new updates (settings may shorten it
# for tests and demos).
LIVE_POLL_SECONDS = 20


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def micros(moment):
    """A time as whole microseconds since the epoch (0 for none), exactly."""
    return (moment - EPOCH) // MICROSECOND if moment else 0


def with_body_pictures(updates):
    """The updates, each given ``body_images``: the library pictures all their
    bodies show (inline, galleries, embeds' thumbnails), read in two queries
    whatever their number, for the template's ``embeds`` filter."""
    ids = set()
    for update in updates:
        ids.update(inline_images.image_ids(update.body))
        ids.update(embeds.thumbnail_ids(update.body))
    images = inline_images.images_by_id(ids) if ids else {}
    for update in updates:
        update.body_images = images
    return updates


def live_context(article):
    """A live blog's updates, newest first, and its key events (one query, plus
    one for image renditions when an update carries a picture, and two for the
    pictures in their bodies)."""
    updates = with_body_pictures(
        list(LiveUpdate.objects.filter(article=article).for_page().newest_first())
    )
    # The JSON-LD reads the same list instead of asking again.
    article.live_update_list = updates
    newest = updates[0].posted_at if updates else None
    return {
        "live_updates": updates,
        "key_events": [update for update in updates if update.key_event],
        # Updates of this day show their time alone, the others their date too.
        "live_day": reference_day(newest, article.coverage_ended_at),
        # What the reader's page knows: the newest id and the latest edit.
        "live_latest_id": max((update.pk for update in updates), default=0),
        "live_edited": max((micros(update.edited_at) for update in updates), default=0),
        "live_poll_seconds": getattr(settings, "LIVE_POLL_SECONDS", LIVE_POLL_SECONDS),
    }


def live_etag(article_pk, ended_at, state):
    """A strong validator of what the updates endpoint can answer."""
    text = "|".join(
        str(part)
        for part in (
            article_pk,
            micros(ended_at),
            state["count"],
            state["latest"] or 0,
            micros(state["edited"]),
            micros(state["posted"]),
        )
    )
    return f'"live-{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def _whole_number(request, name):
    value = request.GET.get(name, "0")
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value)


@require_GET
def live_updates(request, section, slug):
    """What changed on a live blog since the reader's page last asked.

    ``?since=<id>`` is the newest update the page shows and ``edited=<µs>`` the
    latest edit it knows; the answer carries the updates posted after the one
    and edited after the other (rendered), the ids still published (so the
    page drops deleted ones), and whether the coverage has ended.

    Times are labelled as on the page: ``day`` is the day whose updates show
    no date. When the page's ``?day=`` is another (a new day's update came),
    ``times`` relabels every update the page may show.

    Public live blogs only. Two queries answer a 304 (the article, the
    validator's aggregate); a change adds two (the ids, the changed updates
    with their authors), image renditions one when present and the pictures
    in their bodies two, whatever the number of updates.
    """
    since = _whole_number(request, "since")
    edited = _whole_number(request, "edited")
    if since is None or edited is None:
        return JsonResponse(
            {"error": "“since” and “edited” must be whole numbers."}, status=400
        )
    row = (
        Article.objects.public()
        .filter(section__slug=section, slug=slug, kind=Article.Kind.LIVE)
        .exclude(status=Article.Status.RETRACTED)
        .values("pk", "coverage_ended_at")
        .first()
    )
    if row is None:
        raise Http404("No live blog here.")
    updates = LiveUpdate.objects.filter(article_id=row["pk"])
    state = updates.aggregate(
        count=Count("pk"),
        latest=Max("pk"),
        edited=Max("edited_at"),
        posted=Max("posted_at"),
    )
    etag = live_etag(row["pk"], row["coverage_ended_at"], state)
    # If-None-Match compares weakly: a proxy may have marked the tag W/.
    header = request.headers.get("If-None-Match", "")
    sent = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag in sent or "*" in sent:
        response = HttpResponseNotModified()
    else:
        changed = Q(pk__gt=since)
        if edited:
            try:
                after = EPOCH + edited * MICROSECOND
            except OverflowError:
                after = dt.datetime.max.replace(tzinfo=dt.UTC)
            changed |= Q(edited_at__gt=after)
        else:
            changed |= Q(edited_at__isnull=False)
        new = with_body_pictures(
            list(updates.filter(changed).for_page().newest_first()[:50])
        )
        day = reference_day(state["posted"], row["coverage_ended_at"])
        shown = list(updates.values_list("pk", "posted_at", "edited_at"))
        data = {
            "latest": state["latest"] or 0,
            "edited": micros(state["edited"]),
            "count": state["count"],
            "ended": row["coverage_ended_at"] is not None,
            "day": day.isoformat() if day else "",
            "ids": [pk for pk, _posted, _edited in shown],
            "updates": [
                {
                    "id": update.pk,
                    "key_event": update.key_event,
                    "headline": update.headline,
                    "html": render_to_string(
                        "articles/live_update.html",
                        {"update": update, "live_day": day},
                    ),
                }
                for update in new
            ],
        }
        if "day" in request.GET and request.GET["day"] != data["day"]:
            data["times"] = {
                pk: {
                    "posted": time_label(posted, day),
                    "edited": time_label(edited, day),
                }
                for pk, posted, edited in shown
            }
        response = JsonResponse(data)
    response["ETag"] = etag
    # Readers' pages revalidate every time; a shared cache may keep it briefly.
    patch_cache_control(response, public=True, max_age=0, s_maxage=5)
    return response


class ArticleDetailView(RenderCacheMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def cache_dependencies(self, context):
        return article_page_keys(context)

    def get_queryset(self):
        return (
            Article.objects.public()
            .filter(section__slug=self.kwargs["section"])
            .for_page()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | article_context(self.object)


def asserted_claims(article):
    """The claims the article asserts, each with ``disputes``: its live rivals.

    One query reads the asserted claims, the live claims on the same facts and a
    fact check's rated claim; one more reads all their sources. Which rivals
    disagree is decided by ``Claim.competes_with``, the knowledge base's rule.
    """
    asserted = Claim.objects.filter(articles=article)
    rivals = Claim.objects.live().filter(
        conflict_key__in=asserted.exclude(conflict_key="").values("conflict_key")
    )  # the same facts as Claim.objects.on_the_same_facts_as(), as a subquery
    claims = list(
        Claim.objects.filter(
            Q(pk__in=asserted.values("pk"))
            | Q(pk__in=rivals.values("pk"))
            | Q(pk=article.rated_claim_id)
        )
        .select_related("film", "person", "song", "value_person")
        .prefetch_related(Prefetch("sources", Source.objects.select_related("speaker")))
        .annotate(is_asserted=Exists(asserted.filter(pk=OuterRef("pk"))))
    )
    if article.rated_claim_id:
        # The fact check's markup reads its rated claim with sources from here.
        by_pk = {claim.pk: claim for claim in claims}
        article.rated_claim = by_pk[article.rated_claim_id]
    shown = [claim for claim in claims if claim.is_asserted]
    for claim in shown:
        claim.disputes = [other for other in claims if claim.competes_with(other)]
    return shown


def by_subject(claims):
    """``[{"subject", "claims"}]`` in first-seen order, for one heading a subject."""
    groups = {}
    for claim in claims:
        groups.setdefault(claim.subject, []).append(claim)
    return [{"subject": s, "claims": group} for s, group in groups.items()]


def sources_of(article, claims=()):
    """The Sources list: cited sources in order, then sources of quotes and
    asserted claims that the citations missed, in one query for the first two.

    Each entry is ``{"source", "supports", "url"}``.
    """
    cited = Citation.objects.filter(article=article, source=OuterRef("pk"))
    quoted = Quote.objects.filter(article=article, source=OuterRef("pk")).order_by(
        "position", "id"
    )
    # The article's own source ids, so the database reads those rows by key
    # (an OR of two EXISTS would test every source in the archive).
    own = (
        Citation.objects.filter(article=article)
        .values("source_id")
        .union(Quote.objects.filter(article=article).values("source_id"))
    )
    listed = (
        Source.objects.filter(pk__in=own)
        .select_related("speaker")
        .annotate(
            supports=Subquery(cited.values("supports")[:1]),
            cited_position=Subquery(cited.values("position")[:1]),
            cited_id=Subquery(cited.values("id")[:1]),
            quoted_position=Subquery(quoted.values("position")[:1]),
            quoted_id=Subquery(quoted.values("id")[:1]),
            # Who was quoted from it, for a speaker the source itself does not name.
            quoted_speaker=Subquery(
                quoted.annotate(
                    who=Coalesce("speaker__name", NullIf("speaker_name", Value("")))
                ).values("who")[:1]
            ),
        )
        .order_by(
            F("cited_position").asc(nulls_last=True),
            F("cited_id").asc(nulls_last=True),
            "quoted_position",
            "quoted_id",
        )
    )
    entries = [(source, source.supports or "") for source in listed]
    for source, _ in entries:
        if source.quoted_speaker and source.quoted_speaker in source.who:
            source.quoted_speaker = None
    seen = {source.pk for source, _ in entries}
    for claim in claims:
        for source in claim.sources.all():
            if source.pk not in seen:
                seen.add(source.pk)
                entries.append((source, ""))
    return [
        {"source": source, "supports": supports, "url": web_url(source.url)}
        for source, supports in entries
    ]


def web_url(url):
    """The URL if it is a web address; rows written outside forms may hold others."""
    return url if urlsplit(url).scheme in {"http", "https"} else ""


def related_to(article):
    """Up to four published articles sharing a tag or a film, in one query.

    Newest first: the database walks the publication-time index and stops at
    the fourth match, instead of gathering every article that shares a tag.
    """
    content_type = ContentType.objects.get_for_model(Article)
    tag_ids = [tag.pk for tag in article.tags.all()]
    shares = Exists(
        Article.films.through.objects.filter(
            article=OuterRef("pk"),
            film_id__in=Article.films.through.objects.filter(
                article_id=article.pk
            ).values("film_id"),
        )
    )
    if tag_ids:
        shares |= Exists(
            TaggedItem.objects.filter(
                content_type=content_type,
                object_id=OuterRef("pk"),
                tag_id__in=tag_ids,
            )
        )
    return list(
        Article.objects.published()
        .filter(shares)
        .exclude(pk=article.pk)
        .select_related("section")
        .only(*RELATED_FIELDS)[:RELATED_ARTICLES]
    )
