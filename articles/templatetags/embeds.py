"""The article body as readers see it: {% load embeds %}{{ article.body|embeds }}."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import embeds as embed_html
from articles import inline_images

register = template.Library()


@register.filter
def embeds(body, images=None):
    """The sanitised body with each embed as a click-to-load placeholder and each
    library picture or gallery as its responsive <picture>s.

    ``images`` maps ids to library images read beforehand (a live blog reads
    those of all its updates at once); without it the body's own are read.
    """
    if not isinstance(images, dict):
        images = None  # not given, or "" from a template variable that is not set
    # The body was cleaned on save (articles/sanitize.py); placeholders are
    # built with format_html from a provider and an id that passed parse_ref.
    html = inline_images.render(
        embed_html.placeholders(body or "", thumbnails=images), images=images
    )
    return mark_safe(html)  # noqa: S308


@register.filter
def embed_link(url):
    """A live update's embed address: the click-to-load placeholder for a supported
    provider's URL, else a plain link to it."""
    ref = embed_html.ref_from_url(url)
    found = embed_html.parse_ref(ref) if ref else None
    if found:
        provider, ident = found
        return embed_html.placeholder(provider, ident)
    return format_html(
        '<p class="live-update-embed"><a href="{}" rel="nofollow noopener">'
        "See the post this update refers to</a></p>",
        url,
    )
