"""RSS 2.0 and Atom feeds for the site, and per section, tag, author and franchise."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from articles.models import Article, AuthorProfile, Byline, Section
from franchise.models import Franchise

FEED_SIZE = 30
# XML 1.0 cannot carry these at all; Django's writer raises on them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DC = "http://purl.org/dc/elements/1.1/"


def xml_text(value):
    """Text safe to put in an XML document: forbidden characters dropped."""
    return _NOT_XML.sub("", str(value or ""))


def absolute(path):
    return settings.SITE_URL + path


def article_guid(article):
    """An id that survives slug and section changes: a tag: URI (RFC 4151)."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    first = article.first_published_at or article.published_at
    return f"tag:{host},{first:%Y-%m-%d}:article-{article.pk}"


class MultiAuthorRss(Rss201rev2Feed):
    """RSS with one dc:creator per author."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)


class MultiAuthorAtom(Atom1Feed):
    """Atom with one <author> (name and page) per author."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


class ArticleFeed(Feed):
    """Newest published articles; subclasses narrow ``articles`` to one object."""

    feed_type = MultiAuthorRss
    kind = "rss"
    language = "en-gb"

    def text(self, value):
        """Text for an element readers decode as HTML in RSS (#6533), so escaped
        once more; Atom marks its titles as plain text, so no second escape."""
        value = xml_text(value)
        return escape(value) if self.kind == "rss" else value

    def title(self, obj):
        return self.text(settings.SITE_NAME)

    def description(self, obj):
        return self.text(f"The latest from {settings.SITE_NAME}.")

    subtitle = description

    def link(self, obj):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj):
        return absolute(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    url_name = "feed-rss"

    def url_kwargs(self, obj):
        return {}

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        # Everything each item needs in three queries, however many authors or tags.
        return (
            self.articles(obj)
            .select_related("section")
            .prefetch_related(
                Prefetch("bylines", Byline.objects.select_related("author")), "tags"
            )
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return self.text(item.title)

    def item_description(self, item):
        # Both formats carry descriptions as HTML (Atom: <summary type="html">);
        # the dek is plain text.
        return escape(xml_text(item.dek))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return article_guid(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at or item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_categories(self, item):
        return [xml_text(tag.name) for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        return {
            "authors": [
                (xml_text(b.author.display_name), absolute(b.author.get_absolute_url()))
                for b in item.bylines.all()
            ]
        }


class AtomMixin:
    feed_type = MultiAuthorAtom
    kind = "atom"


class LatestRss(ArticleFeed):
    url_name = "feed-rss"


class LatestAtom(AtomMixin, LatestRss):
    url_name = "feed-atom"


class SlugFeed(ArticleFeed):
    """A feed about one object found by its slug."""

    model = None
    noun = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj):
        return self.text(f"{obj} — {settings.SITE_NAME}")

    def description(self, obj):
        return self.text(f"The latest {self.noun} {obj} from {settings.SITE_NAME}.")

    subtitle = description

    def link(self, obj):
        return absolute(obj.get_absolute_url())


class SectionRss(SlugFeed):
    model, noun, url_name = Section, "in", "feed-section-rss"

    def articles(self, obj):
        return Article.objects.published().filter(section=obj)


class SectionAtom(AtomMixin, SectionRss):
    url_name = "feed-section-atom"


class TagRss(SlugFeed):
    model, noun, url_name = Tag, "tagged", "feed-tag-rss"

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)

    def link(self, obj):
        return absolute(reverse("articles:tag", args=[obj.slug]))


class TagAtom(AtomMixin, TagRss):
    url_name = "feed-tag-atom"


class AuthorRss(SlugFeed):
    model, noun, url_name = AuthorProfile, "by", "feed-author-rss"

    def articles(self, obj):
        return Article.objects.published().filter(bylines__author=obj)


class AuthorAtom(AtomMixin, AuthorRss):
    url_name = "feed-author-atom"


class FranchiseRss(SlugFeed):
    model, noun, url_name = Franchise, "on", "feed-franchise-rss"

    def articles(self, obj):
        # Coverage of any film of the franchise; an article about two of its
        # films appears once.
        covering = Article.films.through.objects.filter(film__franchise=obj)
        return Article.objects.published().filter(pk__in=covering.values("article"))


class FranchiseAtom(AtomMixin, FranchiseRss):
    url_name = "feed-franchise-atom"
