"""Previews of unpublished articles: signed links, and the public page they open,
marked and kept out of indexes."""

import datetime as dt

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.models import Article, PreviewLink
from articles.permissions import can_share
from articles.views import article_context

PREVIEW_TEMPLATE = "admin/articles/history/article_preview.html"

# Links ------------------------------------------------------------------------

PREVIEW_SALT = "articles.preview-link"


def create_preview_link(article, *, by, days=7, note=""):
    """A link that shows the current draft to someone without an account."""
    if not can_share(article, by):
        raise PermissionDenied("Only the article's writers or an editor can share it.")
    if not 1 <= days <= 30:
        raise ValidationError("A preview link lasts between 1 and 30 days.")
    return PreviewLink.objects.create(
        article=article,
        created_by=by,
        note=note,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def revoke_preview_link(link, *, by):
    """Stop a preview link from opening, at once."""
    if not can_share(link.article, by):
        raise PermissionDenied("You cannot revoke this link.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def preview_token(link):
    """The signed value in a preview link's URL, the same every time it is shown.

    No timestamp in the signature: expiry and revocation live on the row.
    """
    return signing.Signer(salt=PREVIEW_SALT).sign(link.token)


def link_from_token(value):
    """The active preview link a signed URL value points at, or None."""
    try:
        token = signing.Signer(salt=PREVIEW_SALT).unsign(value)
    except signing.BadSignature:
        return None
    return (
        PreviewLink.objects.active()
        .select_related("article")
        .filter(token=token)
        .first()
    )


# The page ---------------------------------------------------------------------


def render_preview(request, article):
    """The article as readers would see it, with a banner, never indexed or cached."""
    context = article_context(article) | {
        "preview": True,
        "TIME_ZONE_NAME": timezone.get_current_timezone_name(),
    }
    response = render(request, PREVIEW_TEMPLATE, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def preview_article(queryset):
    """The one article of ``queryset`` with everything its page shows, or None."""
    return queryset.for_page().first()


def public_preview(request, token):
    """A signed preview link, opened by someone who may have no account."""
    link = link_from_token(token)
    article = None
    if link is not None:
        article = preview_article(
            Article.objects.not_trashed().filter(pk=link.article_id)
        )
    if article is None:
        # Forged, expired, revoked or trashed: one answer, so nothing leaks.
        raise Http404("No such preview.")
    return render_preview(request, article)
