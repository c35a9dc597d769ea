"""Live blog updates: posted, edited and deleted without republishing the article.

An update is its own row (``LiveUpdate``): the article's text, version and
revisions stay as they are. Saving or deleting an update moves the article's
cache key (newsroom/signals.py, ``PARTS``), so the public page shows it at once.
Ending the coverage is a transition (``services.end_live_coverage``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, LiveUpdate
from articles.permissions import can_change_live_update, can_post_live_update
from articles.sanitize import clean_html

# The longest body an update may have, in characters of cleaned HTML.
MAX_BODY = 20_000


def _checked_body(body):
    cleaned = clean_html(body or "")
    if not strip_tags(cleaned).replace("&nbsp;", "").strip():
        raise ValidationError("Write the update first: its text is empty.")
    if len(cleaned) > MAX_BODY:
        raise ValidationError(
            f"An update holds up to {MAX_BODY:,} characters; split this one."
        )
    return cleaned


def _refuse(article, user):
    if not article.is_live_blog:
        raise ValidationError(f"“{article.title}” is not a live blog.")
    if article.coverage_ended_at is not None:
        raise ValidationError(f"The live coverage of “{article.title}” has ended.")
    raise PermissionDenied(
        "Writers post to the live blogs they are on; editors to any live blog."
    )


@transaction.atomic
def post_update(
    article, *, by, body, title="", key_event=False, image=None, embed_url=""
):
    """Add a timestamped update to a live blog."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not can_post_live_update(article, by):
        _refuse(article, by)
    return LiveUpdate.objects.create(
        article=article,
        author=by,
        title=(title or "").strip(),
        body=_checked_body(body),
        key_event=bool(key_event),
        image=image,
        embed_url=(embed_url or "").strip(),
    )


@transaction.atomic
def edit_update(
    update, *, by, body, title="", key_event=False, image=None, embed_url=""
):
    """Change an update's words or flags; readers see it marked as edited."""
    if not can_change_live_update(update, by):
        _refuse(update.article, by)
    update.title = (title or "").strip()
    update.body = _checked_body(body)
    update.key_event = bool(key_event)
    update.image = image
    update.embed_url = (embed_url or "").strip()
    update.edited_at = timezone.now()
    update.save()
    return update


@transaction.atomic
def delete_update(update, *, by):
    """Remove an update from the live blog."""
    if not can_change_live_update(update, by):
        _refuse(update.article, by)
    update.delete()
