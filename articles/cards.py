"""Article cards rendered once per version and reused by every list.

A card (includes/article_card.html) shows the article's own fields, its
section, its lead image and its bylines, so its stored HTML depends on exactly
``article:<pk>``, ``section:<pk>``, ``image:<pk>`` and ``author:<pk>`` (see
franchise/cache.py). A publication moves ``list:articles``, so the home page and
every section, tag and author page are built again, but their cards are read back
in one round trip: only a card whose own rows changed is rendered again, and only
its bylines and renditions are read.

Like the article page's render cache, only anonymous readers' lists use it,
and ``RENDER_CACHE_SECONDS = 0`` turns it off.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from articles.cache_keys import card_keys
from articles.models import card_prefetches
from franchise import cache as dependency_cache

CARD_TEMPLATE = "includes/article_card.html"
CARD_PREFIX = dependency_cache.RENDER_PREFIX + "card:"


def card_key(article, level):
    return f"{CARD_PREFIX}{article.pk}:{level}"


def list_cards(request, queryset, level, since):
    """The articles of a ``for_cards()`` queryset, each with its card as ``card_html``.

    Stored cards are read in one round trip; the others get their bylines and
    renditions (the same queries ``for_cards()`` runs) and are rendered and
    stored, unless a row they show moved after ``since`` (taken before the rows
    were read). For signed-in users or with the render cache off this is just
    the queryset's articles, and the list template includes the card template.
    """
    seconds = getattr(settings, "RENDER_CACHE_SECONDS", 0)
    if seconds <= 0 or not dependency_cache.is_anonymous_public_request(request):
        articles = list(queryset)
        for article in articles:
            # Set, so the list template's test finds the attribute: a failed
            # lookup costs the template engine an exception and a dir().
            article.card_html = ""
        return articles
    articles = list(queryset.prefetch_related(None))
    keys = {article.pk: card_key(article, level) for article in articles}
    stored = dependency_cache.get_many(keys.values())
    missing = [article for article in articles if keys[article.pk] not in stored]
    if missing:
        prefetch_related_objects(missing, *card_prefetches())
        template = get_template(CARD_TEMPLATE)
    for article in missing:
        html = template.render({"article": article, "level": level})
        dependency_cache.set(
            keys[article.pk], html, card_keys(article), seconds, since=since
        )
        stored[keys[article.pk]] = html
    for article in articles:
        # Rendered by the card template, which escapes every field it prints.
        article.card_html = mark_safe(stored[keys[article.pk]])  # noqa: S308
    return articles
