"""Sitemaps: one section per kind of page, plus a Google News sitemap."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, AuthorProfile, Section
from franchise.models import Film, Franchise, Person, Song
from newsroom.feeds import xml_text

NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Absolute URLs from SITE_URL: the sites framework's row says example.com."""

    limit = 5000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _live(**link):
    """The newest publication time among the published articles ``link`` reaches.

    "Published" is ``Article.objects.published()``, the one definition: the
    trash, retractions and future schedules stay out, past schedules count.
    """
    return Subquery(
        Article.objects.published()
        .filter(**link)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


class ArticleSitemap(SiteSitemap):
    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "published_at", "updated_at", "section__slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.modified_at


class SectionSitemap(SiteSitemap):
    def items(self):
        return Section.objects.annotate(
            latest=_live(section=OuterRef("pk"))
        ).order_by("position", "name")

    def lastmod(self, item):
        return item.latest


class AuthorSitemap(SiteSitemap):
    """Authors with at least one published article."""

    def items(self):
        return (
            AuthorProfile.objects.annotate(
                latest=_live(bylines__author=OuterRef("pk"))
            )
            .filter(latest__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.latest


class TagSitemap(SiteSitemap):
    def items(self):
        tagged = Article.objects.published().values("pk")
        return (
            Tag.objects.filter(
                taggit_taggeditem_items__content_type__app_label="articles",
                taggit_taggeditem_items__content_type__model="article",
                taggit_taggeditem_items__object_id__in=tagged,
            )
            # A tag saved before tags always got a slug has no page to list.
            .exclude(slug="")
            .distinct()
            .order_by("name")
        )

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class PlainSitemap(SiteSitemap):
    """Knowledge-base pages; they carry no timestamp, so no lastmod."""

    model = None

    def items(self):
        return self.model.objects.order_by("slug").only("slug")


class FranchiseSitemap(PlainSitemap):
    model = Franchise


class FilmSitemap(PlainSitemap):
    model = Film


class PersonSitemap(PlainSitemap):
    model = Person


class SongSitemap(PlainSitemap):
    model = Song


class NewsSitemap(ArticleSitemap):
    """Articles first published in the last two days, for Google News."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return list(
            Article.objects.published()
            .filter(first_published_at__gte=since)
            .select_related("section")
            .order_by("-first_published_at", "-pk")[:NEWS_LIMIT]
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["news_title"] = xml_text(url["item"].title)
            url["publication_name"] = xml_text(settings.SITE_NAME)
            url["publication_language"] = settings.LANGUAGE_CODE.split("-")[0]
        return urls


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "franchises": FranchiseSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "songs": SongSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}
