"""Cache invalidation: bump the site generation when anything readers see changes.

Signals are used for this and nothing else (STYLE.md). Connected in
NewsroomConfig.ready() through connect().
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from newsroom.caching import bump_generation

# Apps whose rows appear on public pages.
PUBLIC_APPS = {"articles", "franchise", "taggit", "redirects", "sites"}
# Bookkeeping that never shows on a public page by itself.
IGNORED_MODELS = {"articles.revision", "articles.transition", "articles.rendition"}


def bump_after_commit():
    """Bump now, and again after commit."""
    bump_generation()
    # A request served between the save and the commit would store the old page
    # under the new generation; the second bump orphans it.
    transaction.on_commit(bump_generation)


def is_watched(sender):
    meta = getattr(sender, "_meta", None)
    return (
        meta is not None
        and meta.app_label in PUBLIC_APPS
        and meta.label_lower not in IGNORED_MODELS
    )


def article_was_public(article):
    """Whether the stored row (before this save) was visible to readers."""
    if article.pk is None:
        return False
    return type(article)._default_manager.public().filter(pk=article.pk).exists()


def remember_article_visibility(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.label_lower != "articles.article":
        return
    # Public now means a bump anyway; only a save that hides it needs the old row.
    instance._was_public = instance.is_public or article_was_public(instance)


def concerns_public_page(instance):
    """Articles count only while public; their parts only while their article is."""
    label = instance._meta.label_lower
    if label == "articles.article":
        return getattr(instance, "_was_public", False) or instance.is_public
    article_id = getattr(instance, "article_id", None)
    if label.startswith("articles.") and article_id is not None:
        from articles.models import Article

        return Article.objects.public().filter(pk=article_id).exists()
    return True


def row_changed(sender, instance, raw=False, **kwargs):
    if raw or not is_watched(sender):
        return
    if concerns_public_page(instance):
        bump_after_commit()


def row_deleted(sender, instance, **kwargs):
    if not is_watched(sender):
        return
    if instance._meta.label_lower == "articles.article":
        bump_after_commit()  # the row is gone; be safe
    elif concerns_public_page(instance):
        bump_after_commit()


def relation_changed(sender, instance, action, **kwargs):
    if not action.startswith("post_") or not is_watched(type(instance)):
        return
    if concerns_public_page(instance):
        bump_after_commit()


def connect():
    """Hook the handlers up once; safe to call again."""
    pre_save.connect(remember_article_visibility, dispatch_uid="newsroom-cache-pre")
    post_save.connect(row_changed, dispatch_uid="newsroom-cache-save")
    post_delete.connect(row_deleted, dispatch_uid="newsroom-cache-delete")
    m2m_changed.connect(relation_changed, dispatch_uid="newsroom-cache-m2m")
