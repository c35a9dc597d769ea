"""Site-wide URLs; included before the apps so their slugs cannot shadow these."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from newsroom import feeds, views
from newsroom.sitemaps import NEWS_SITEMAPS, SITEMAPS

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        views.sitemap_index,
        {"sitemaps": SITEMAPS},
        name="sitemap-index",
    ),
    path(
        "sitemaps/<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "news-sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "newsroom/news_sitemap.xml"},
        name="news-sitemap",
    ),
    path("feeds/rss/", feeds.LatestRss(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestAtom(), name="feed-atom"),
    path("feeds/section/<slug:slug>/rss/", feeds.SectionRss(), name="feed-section-rss"),
    path("feeds/section/<slug:slug>/atom/", feeds.SectionAtom(), name="feed-section-atom"),
    # Tag slugs keep Unicode (as the tag pages do), which <slug:> would refuse.
    path("feeds/tag/<str:slug>/rss/", feeds.TagRss(), name="feed-tag-rss"),
    path("feeds/tag/<str:slug>/atom/", feeds.TagAtom(), name="feed-tag-atom"),
    path("feeds/author/<slug:slug>/rss/", feeds.AuthorRss(), name="feed-author-rss"),
    path("feeds/author/<slug:slug>/atom/", feeds.AuthorAtom(), name="feed-author-atom"),
    path(
        "feeds/franchise/<slug:slug>/rss/",
        feeds.FranchiseRss(),
        name="feed-franchise-rss",
    ),
    path(
        "feeds/franchise/<slug:slug>/atom/",
        feeds.FranchiseAtom(),
        name="feed-franchise-atom",
    ),
]
