"""{% json_ld data %} and {% og_tags article %}: metadata for the page head."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom import structured_data

register = template.Library()

# Inside <script> the HTML parser, not JSON, decides where the element ends:
# escape every character that could close it, open a comment or an entity.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def dumps_for_script(data):
    """JSON that can sit inside a <script> element whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.translate(_SCRIPT_ESCAPES)


@register.simple_tag(takes_context=True)
def json_ld(context, data):
    """A <script type="application/ld+json"> with the page's CSP nonce."""
    if not data:
        return ""
    nonce = context.get("csp_nonce", "")
    body = mark_safe(dumps_for_script(data))  # noqa: S308 -- escaped for <script>
    if nonce:
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', nonce, body
        )
    return format_html('<script type="application/ld+json">{}</script>', body)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """Shortcut: {% article_json_ld article %}, plus a ClaimReview on fact checks."""
    return format_html(
        "{}{}",
        json_ld(context, structured_data.article_json_ld(article)),
        json_ld(context, structured_data.claim_review_json_ld(article)),
    )


@register.inclusion_tag("newsroom/og_tags.html", takes_context=True)
def og_tags(context, article):
    """Open Graph, Twitter card and canonical link for an article page."""
    images = structured_data.article_images(article)
    image = article.shown_lead_image
    return {
        "SITE_NAME": context.get("SITE_NAME"),
        "url": structured_data.absolute(article.get_absolute_url()),
        "title": article.title,
        "description": article.dek,
        "image": images[0] if images else "",
        "image_alt": image.alt_text if image else "",
        "published": article.first_published_at or article.published_at,
        "modified": article.modified_at,
        "section": article.section.name,
        "tags": [tag.name for tag in article.tags.all()],
    }


ENTITY_JSON_LD = {
    "film": structured_data.film_json_ld,
    "person": structured_data.person_json_ld,
    "song": structured_data.song_json_ld,
}


@register.simple_tag(takes_context=True)
def entity_json_ld(context, obj):
    """Movie, Person or MusicRecording for a knowledge-base page."""
    return json_ld(context, ENTITY_JSON_LD[obj._meta.model_name](obj))


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, *parts):
    """BreadcrumbList from name, path pairs: {% breadcrumbs_json_ld "Home" "/" … %}."""
    names, urls = parts[0::2], parts[1::2]
    pairs = [(n, u) for n, u in zip(names, urls, strict=True) if n]
    return json_ld(context, structured_data.breadcrumb_json_ld(pairs))
