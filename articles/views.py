"""The public site: home, section, tag and author lists, and the article page."""

from urllib.parse import urlsplit

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, AuthorProfile, Byline, Citation, Quote, Section
from franchise.facts import build_facts
from franchise.models import Claim, Film, Franchise, Source

PAGE_SIZE = 20
TOP_STORIES = 3
RELATED_ARTICLES = 4


class ArticleListView(ListView):
    """A paginated list of published articles; subclasses narrow it."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(ArticleListView):
    template_name = "articles/home.html"

    def get_queryset(self):
        self.top_stories = list(
            Article.objects.published()
            .filter(is_top_story=True)
            .for_listing()[:TOP_STORIES]
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
            AuthorProfile.objects.select_related("photo").prefetch_related(
                "photo__renditions"
            ),
            slug=self.kwargs["slug"],
        )
        return super().get_queryset().filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def for_article_page(queryset):
    """Everything the article page shows, fetched in a fixed number of queries."""
    return queryset.select_related("section", "lead_image").prefetch_related(
        "lead_image__renditions",
        Prefetch("bylines", Byline.objects.select_related("author")),
        "tags",
        Prefetch("citations", Citation.objects.select_related("source__speaker")),
        Prefetch("quotes", Quote.objects.select_related("speaker", "source__speaker")),
        # All claims of all related films in one query, sources in one more;
        # the prefetch groups them by film.
        Prefetch(
            "films",
            Film.objects.prefetch_related(
                Prefetch(
                    "claims",
                    Claim.objects.prefetch_related(
                        Prefetch("sources", Source.objects.select_related("speaker"))
                    ),
                )
            ),
        ),
        Prefetch("claims", Claim.objects.only("pk")),
        "corrections",
    )


def article_context(article):
    """The article page's context for any article: public, draft or preview."""
    if article.status == Article.Status.RETRACTED:
        return {"article": article}
    sources = sources_of(article)
    return {
        "article": article,
        "sources": sources,
        "source_ids": {entry["source"].pk for entry in sources},
        "fact_boxes": fact_boxes_of(article),
        "related": related_to(article),
    }


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

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
    asserted = {claim.pk for claim in article.claims.all()}
    boxes = []
    for film in article.films.all():
        facts = build_facts(film.claims.all())
        for fact in facts:
            for value in fact.values:
                value.asserted = any(c.pk in asserted for c in value.claims)
            fact.asserted = any(value.asserted for value in fact.values)
        if facts:
            boxes.append({"film": film, "facts": facts})
    return boxes


def related_to(article):
    """Up to four published articles sharing a tag or a film, in one query."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    film_ids = [film.pk for film in article.films.all()]
    if not tag_ids and not film_ids:
        return []
    shares_tag = Article.objects.filter(tags__in=tag_ids).values("pk")
    shares_film = Article.films.through.objects.filter(film__in=film_ids).values(
        "article"
    )
    return list(
        Article.objects.published()
        .filter(Q(pk__in=shares_tag) | Q(pk__in=shares_film))
        .exclude(pk=article.pk)
        .select_related("section")[:RELATED_ARTICLES]
    )
