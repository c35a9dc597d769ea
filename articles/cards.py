"""Article cards rendered once per version and reused by every list.

A card (includes/article_card.html) shows the article's own fields, its
section, its lead image and its bylines, so its stored HTML depends on exactly
``article:<pk>``, ``section:<pk>``, ``image:<pk>`` and ``author:<pk>`` (see
franchise/cache.py). A publication moves ``list:articles``, so the home page and
every section, tag and author page are built again, but their cards are read back
in one round trip: only a card whose own rows changed is rendered again.

Like the article page's render cache, only anonymous readers' lists use it,
and ``RENDER_CACHE_SECONDS = 0`` turns it off.
"""

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from franchise import cache as dependency_cache

CARD_TEMPLATE = "includes/article_card.html"
CARD_PREFIX = dependency_cache.RENDER_PREFIX + "card:"


def card_key(article, level):
    return f"{CARD_PREFIX}{article.pk}:{level}"


def card_keys(article):
    """What a card shows: the article, its section, lead image and authors."""
    keys = [f"article:{article.pk}", f"section:{article.section_id}"]
    if article.lead_image_id:
        keys.append(f"image:{article.lead_image_id}")
    keys += [f"author:{byline.author_id}" for byline in article.bylines.all()]
    return keys


def attach_cards(request, articles, level, since):
    """Give each article (from ``for_cards()``) its rendered card, as ``card_html``.

    Stored cards are read in one round trip; the others are rendered here and
    stored, unless a row they show moved after ``since`` (the time, taken before
    the cards' rows were read, from which the stored HTML is known current).
    Nothing happens for signed-in users or with the render cache off: the list
    template then includes the card template itself.
    """
    seconds = getattr(settings, "RENDER_CACHE_SECONDS", 0)
    if seconds <= 0 or not dependency_cache.is_anonymous_public_request(request):
        return articles
    by_key = {card_key(article, level): article for article in articles}
    stored = dependency_cache.get_many(by_key)
    template = None
    for key, article in by_key.items():
        html = stored.get(key)
        if html is None:
            template = template or get_template(CARD_TEMPLATE)
            html = template.render({"article": article, "level": level})
            dependency_cache.set(key, html, card_keys(article), seconds, since=since)
        # Rendered by the card template, which escapes every field it prints.
        article.card_html = mark_safe(html)  # noqa: S308
    return articles
