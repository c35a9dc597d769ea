"""The one place article HTML is cleaned before it is stored or shown."""

import re

import nh3

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
}
URL_SCHEMES = {"http", "https", "mailto"}



def _attribute(element, attribute, value):
    # Browsers read "\\" in a URL as "/": "\\\\evil.example" would leave the site.
    if attribute == "href":
        return value.replace("\\", "%5C")
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


def clean_html(html):
    """Sanitise rich text: no scripts, handlers, inline styles or unsafe links."""
    if not html:
        return ""
    cleaned = _cleaner.clean(strip_unsafe(_unwrap_google_docs(html))).strip()
    if find_unsafe(cleaned):
        # Entities such as &#1; decode to control characters; removing them can
        # join "java&#1;script:" into a scheme, so the result is cleaned again.
        cleaned = _cleaner.clean(strip_unsafe(cleaned)).strip()
    # The editor's empty document is a single empty paragraph.
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
