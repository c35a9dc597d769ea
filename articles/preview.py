"""Previews of unpublished articles: the public page, marked and kept out of indexes."""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from articles import workflow
from articles.models import Article
from articles.views import article_context

PREVIEW_TEMPLATE = "admin/articles/history/article_preview.html"


def render_preview(request, article):
    """The article as readers would see it, with a banner, never indexed or cached."""
    context = article_context(article) | {"preview": True}
    response = render(request, PREVIEW_TEMPLATE, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def preview_article(queryset):
    """The one article of ``queryset`` with everything its page shows, or None."""
    return queryset.for_page().first()


def public_preview(request, token):
    """A signed preview link, opened by someone who may have no account."""
    link = workflow.link_from_token(token)
    article = None
    if link is not None:
        article = preview_article(
            Article.objects.not_trashed().filter(pk=link.article_id)
        )
    if article is None:
        # Forged, expired, revoked or trashed: one answer, so nothing leaks.
        raise Http404("No such preview.")
    return render_preview(request, article)
