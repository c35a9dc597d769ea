"""The one place article HTML is cleaned before it is stored or shown."""

import re

import nh3

from articles import embeds, inline_images
from franchise.text import find_unsafe, strip_unsafe

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "figure",
    "figcaption",
    "cite",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    # An embed: provider and id only, checked in _attribute (articles/embeds.py).
    # A library picture or a gallery: ids only (articles/inline_images.py).
    "figure": {
        "data-embed",
        "data-embed-title",
        "data-embed-image",
        "data-image",
        "data-image-caption",
        "data-gallery",
    },
}
URL_SCHEMES = {"http", "https", "mailto"}


def _attribute(element, attribute, value):
    # Browsers read "\\" in a URL as "/": "\\\\evil.example" would leave the site.
    if attribute == "href":
        return value.replace("\\", "%5C")
    if attribute == "data-embed":
        return value if embeds.parse_ref(value) else None
    if attribute == "data-embed-title":
        return embeds.clean_title(value) or None
    if attribute in {"data-image", "data-embed-image"}:
        return inline_images.clean_image_id(value)
    if attribute == "data-image-caption":
        return inline_images.clean_caption(value) or None
    if attribute == "data-gallery":
        return inline_images.clean_gallery(value)
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # Word and Google Docs wrap content in these; keep the text, drop the wrapper.
    clean_content_tags={"script", "style", "title", "xml", "template", "noscript"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    attribute_filter=_attribute,
)


# Google Docs wraps a whole pasted document in <b id="docs-internal-guid-…">,
# which would otherwise make the entire article bold.
_GDOCS_WRAPPER = re.compile(r"<b\b[^>]*\bid=[\"']?docs-internal-guid[^>]*>", re.I)


def _unwrap_google_docs(html):
    match = _GDOCS_WRAPPER.search(html)
    if not match:
        return html
    rest = html[match.end() :]
    closing = rest.lower().rfind("</b>")
    if closing != -1:
        rest = rest[:closing] + rest[closing + 4 :]
    return html[: match.start()] + rest


_EMPTY_PARAGRAPHS = ("<p></p>", "<p><br></p>")


def _drop_trailing_empty_paragraphs(html):
    """``html`` without the empty paragraphs (and spaces) it ends with.

    Read from the end: a regular expression anchored at the end still tries
    every position of a long body.
    """
    while True:
        stripped = html.rstrip()
        empty = next((p for p in _EMPTY_PARAGRAPHS if stripped.endswith(p)), None)
        if empty is None:
            return html
        html = stripped[: -len(empty)]


def clean_html(html):
    """Sanitise rich text: no scripts, handlers, inline styles or unsafe links."""
    if not html:
        return ""
    cleaned = _cleaner.clean(strip_unsafe(_unwrap_google_docs(html))).strip()
    if find_unsafe(cleaned):
        # Entities such as &#1; decode to control characters; removing them can
        # join "java&#1;script:" into a scheme, so the result is cleaned again.
        cleaned = _cleaner.clean(strip_unsafe(cleaned)).strip()
    if "data-" in cleaned:
        # An embed or a picture keeps no content of its own; dropping it can
        # leave a stray tag, so the result is cleaned again.
        reduced = inline_images.canonical(embeds.canonical(cleaned))
        if reduced != cleaned:
            cleaned = _cleaner.clean(reduced).strip()
    # The editor's empty document is a single empty paragraph, and the paragraph
    # it adds after an embed or a picture may stay empty at the end.
    return _drop_trailing_empty_paragraphs(cleaned)
