"""Cache invalidation: every change moves exactly the dependency keys it affects.

Signals are used for this and nothing else (STYLE.md). Connected in
NewsroomConfig.ready() through connect(). Keys are ``<kind>:<pk>`` (see KINDS) plus
``list:articles`` for every list of articles and ``site`` for pages that name no
keys of their own (search, corrections, flat pages); see newsroom/caching.py.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from franchise import cache as dependency_cache
from newsroom import caching
from newsroom.caching import LIST_KEY, SITE_KEY

# A row of each of these is shown under its own key.
KINDS = {
    "articles.article": "article",
    "articles.image": "image",
    "articles.authorprofile": "author",
    "articles.section": "section",
    "franchise.claim": "claim",
    "franchise.source": "source",
    "franchise.person": "person",
    "franchise.film": "film",
    "franchise.song": "song",
    "franchise.franchise": "franchise",
    "franchise.character": "character",
    "taggit.tag": "tag",
}
# Rows shown only as part of another: (foreign key attname, kind of its target).
PARTS = {
    "articles.byline": (("article_id", "article"), ("author_id", "author")),
    "articles.citation": (("article_id", "article"),),
    "articles.quote": (("article_id", "article"),),
    "articles.correction": (("article_id", "article"),),
    # A live blog's update shows on its page only (cards never show updates).
    "articles.liveupdate": (("article_id", "article"),),
    "articles.rendition": (("image_id", "image"),),
    "franchise.credit": (
        ("film_id", "film"),
        ("person_id", "person"),
        ("character_id", "character"),
    ),
    "franchise.release": (("film_id", "film"),),
    "franchise.award": (("song_id", "song"),),
    "franchise.claimstatuschange": (("claim_id", "claim"),),
}
# Whatever these show is on every list card too.
CARD_KINDS = {"image", "author", "section", "tag", "franchise"}
# Rows that only move pages without keys of their own (flat pages, redirects).
SITE_ONLY_APPS = {"flatpages", "redirects", "sites"}


def key(kind, pk):
    return f"{kind}:{pk}" if pk is not None else None


def is_listed(article):
    """Public now, or scheduled or embargoed: either way, lists must be rebuilt."""
    if article.is_public:
        return True
    return (
        article.status in {article.Status.PUBLISHED, article.Status.SCHEDULED}
        and article.published_at is not None
        and (article.published_at > timezone.now() or article.is_embargoed)
        and article.deleted_at is None
    )


def article_was_listed(article):
    """Whether the stored row (before this save) was public or scheduled."""
    if article.pk is None:
        return False
    stored = type(article)._default_manager.filter(pk=article.pk).first()
    return stored is not None and is_listed(stored)


def remember_article_visibility(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.label_lower != "articles.article":
        return
    # Listed now means the lists move anyway; only a save that hides it needs the
    # stored row.
    instance._was_listed = is_listed(instance) or article_was_listed(instance)


def article_keys(article):
    """The article, and when readers could see it, every page listing it."""
    keys = [key("article", article.pk)]
    if getattr(article, "_was_listed", False) or is_listed(article):
        keys += [LIST_KEY, key("section", article.section_id)]
        if article.pk is not None:
            keys += [key("tag", pk) for pk in article.tags.values_list("pk", flat=True)]
            for relation, kind in (
                ("films", "film"),
                ("people", "person"),
                ("songs", "song"),
                ("authors", "author"),
            ):
                pks = getattr(article, relation).values_list("pk", flat=True)
                keys += [key(kind, pk) for pk in pks]
    return keys


def claim_keys(claim):
    return [
        key("claim", claim.pk),
        key("film", claim.film_id),
        key("person", claim.person_id),
        key("song", claim.song_id),
    ]


def public_article(article_id):
    from articles.models import Article

    return Article.objects.public().filter(pk=article_id).exists()


def keys_for(instance):
    """Every key a saved or deleted row affects; empty when no page shows it."""
    meta = instance._meta
    label = meta.label_lower
    if meta.app_label in SITE_ONLY_APPS:
        return [SITE_KEY]
    if label == "articles.article":
        return article_keys(instance)
    if label == "franchise.claim":
        return claim_keys(instance)
    if label == "taggit.taggeditem":
        # Tags of anything but articles show nowhere public.
        model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
        if model is None or model._meta.label_lower != "articles.article":
            return []
        keys = [key("article", instance.object_id), key("tag", instance.tag_id)]
        if public_article(instance.object_id):
            keys.append(LIST_KEY)
        return keys
    if label in KINDS:
        keys = [key(KINDS[label], instance.pk)]
        if KINDS[label] in CARD_KINDS:
            keys.append(LIST_KEY)
        return keys
    if label in PARTS:
        keys = [key(kind, getattr(instance, attname)) for attname, kind in PARTS[label]]
        if label == "articles.byline" and public_article(instance.article_id):
            keys.append(LIST_KEY)  # cards show bylines
        return keys
    return []


def invalidate(keys):
    keys = [k for k in keys if k]
    if not keys:
        return
    # Pages without keys of their own (search, corrections, ...) may show
    # anything public, so they move with every change.
    dependency_cache.invalidate(*keys, SITE_KEY)
    if LIST_KEY in keys:
        # The schedule may have changed: look up the next publication now (this
        # transaction sees it) and again once committed, after the lists moved.
        caching.refresh_next_publication()
        transaction.on_commit(caching.refresh_next_publication)


def row_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    invalidate(keys_for(instance))


def row_deleted(sender, instance, **kwargs):
    if instance._meta.label_lower == "articles.article":
        instance._was_listed = True  # the row is gone; be safe
    invalidate(keys_for(instance))


def relation_changed(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    keys = keys_for(instance)
    if not keys and instance._meta.label_lower not in KINDS:
        return
    kind = KINDS.get(model._meta.label_lower)
    if kind is not None:
        keys += [key(kind, pk) for pk in pk_set or ()]
        if kind == "article":
            keys.append(LIST_KEY)  # e.g. film.articles.add(): coverage lists move
    invalidate(keys)


def connect():
    """Hook the handlers up once; safe to call again."""
    pre_save.connect(remember_article_visibility, dispatch_uid="newsroom-cache-pre")
    post_save.connect(row_changed, dispatch_uid="newsroom-cache-save")
    post_delete.connect(row_deleted, dispatch_uid="newsroom-cache-delete")
    m2m_changed.connect(relation_changed, dispatch_uid="newsroom-cache-m2m")
