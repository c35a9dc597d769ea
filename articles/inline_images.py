"""Pictures from the image library inside an article body, alone or as a gallery.

The body keeps a reference, never a URL: ``<figure data-image="12"></figure>`` (an
optional ``data-image-caption`` overrides the library's caption) and
``<figure data-gallery="12 7 30"></figure>`` for an ordered set. The sanitiser keeps
only well-formed ids; the public page renders each as the responsive ``<picture>``
with alt text, caption and credit (``render``); the publish checks refuse an
article whose body shows a missing picture or one without alt text or credit.
"""

import re

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

GALLERY_MAX = 24
CAPTION_MAX = 500
_ID = re.compile(r"\A[1-9][0-9]{0,9}\Z")

IMAGE_FIGURE = re.compile(
    r"<figure\s(?P<attrs>[^>]*\bdata-(?:image|gallery)=\"[^\"]*\"[^>]*)>"
    r"(?P<inner>.*?)</figure>",
    re.S,
)
_ATTR = re.compile(r"(?P<name>[a-z-]+)=\"(?P<value>[^\"]*)\"")


def clean_image_id(value):
    value = (value or "").strip()
    return value if _ID.match(value) else None


def clean_gallery(value):
    """ "12 7 30" kept in order, duplicates and bad ids refused (None)."""
    ids = (value or "").replace(",", " ").split()
    if not 1 <= len(ids) <= GALLERY_MAX or len(set(ids)) != len(ids):
        return None
    if not all(_ID.match(i) for i in ids):
        return None
    return " ".join(ids)


def clean_caption(value):
    return " ".join((value or "").split())[:CAPTION_MAX]


def figure_attrs(match):
    """A matched figure's attributes, still escaped as the sanitiser wrote them
    (articles/embeds.py reads its figures the same way)."""
    return {m["name"]: m["value"] for m in _ATTR.finditer(match["attrs"])}


def canonical(html):
    """Every image or gallery figure reduced to its attributes and no content."""

    def replace(match):
        attrs = figure_attrs(match)
        if "data-gallery" in attrs:
            return f'<figure data-gallery="{attrs["data-gallery"]}"></figure>'
        if "data-image" in attrs:
            caption = attrs.get("data-image-caption", "")
            extra = f' data-image-caption="{caption}"' if caption else ""
            return f'<figure data-image="{attrs["data-image"]}"{extra}></figure>'
        return ""

    return IMAGE_FIGURE.sub(replace, html)


def unescape_attr(value):
    """An attribute value as written before the sanitiser escaped it."""
    return (
        value.replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def references(html):
    """Each figure as (match, [ids], caption), in the body's order."""
    if "data-image" not in html and "data-gallery" not in html:
        return []
    found = []
    for match in IMAGE_FIGURE.finditer(html):
        attrs = figure_attrs(match)
        if gallery := clean_gallery(attrs.get("data-gallery")):
            found.append((match, [int(i) for i in gallery.split()], ""))
        elif image := clean_image_id(attrs.get("data-image")):
            caption = unescape_attr(attrs.get("data-image-caption", ""))
            found.append((match, [int(image)], caption))
    return found


def image_ids(html):
    """Every library image the body shows, in order, each once."""
    ids = []
    for _match, found, _caption in references(html or ""):
        ids += [i for i in found if i not in ids]
    return ids


def insertable(image):
    """Only a picture with alt text and a credit may go into a body."""
    return bool(image.alt_text.strip() and image.credit.strip())


def shown(image):
    """Whether readers see it in a body: insertable, and no embargo holds it back."""
    return insertable(image) and image.is_public


def images_by_id(ids):
    # By name: articles.models cleans bodies with articles.sanitize, which reads
    # this module, so importing the models here would close a cycle.
    Image = apps.get_model("articles", "Image")  # noqa: N806
    return {
        image.pk: image
        for image in Image.objects.filter(pk__in=ids).prefetch_related("renditions")
    }


def picture_html(image, sizes):
    from articles.templatetags.images import picture

    return render_to_string("includes/picture.html", picture(image, sizes=sizes))


def _figure(image, caption, css_class, sizes):
    caption = caption or image.caption
    return format_html(
        '<figure class="{}">{}<figcaption>{}<span class="image-credit">'
        "Photo: {}</span></figcaption></figure>",
        css_class,
        mark_safe(picture_html(image, sizes)),  # noqa: S308 -- a template's output
        format_html("{} ", caption) if caption else "",
        image.credit,
    )


def render(html, images=None):
    """The body with each reference as its picture(s); unusable ones left out."""
    found = references(html or "")
    if not found:
        return html
    if images is None:
        images = images_by_id({i for _m, ids, _c in found for i in ids})
    out, last = [], 0
    for match, ids, caption in found:
        out.append(html[last : match.start()])
        usable = [images[i] for i in ids if i in images and shown(images[i])]
        if "data-gallery" in match["attrs"] and usable:
            items = format_html_join(
                "",
                "<li>{}</li>",
                (
                    (
                        _figure(
                            image, "", "gallery-item", "(min-width: 48em) 23em, 50vw"
                        ),
                    )
                    for image in usable
                ),
            )
            out.append(format_html('<div class="gallery"><ul>{}</ul></div>', items))
        elif usable:
            out.append(
                _figure(
                    usable[0], caption, "inline-image", "(min-width: 48em) 46em, 100vw"
                )
            )
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def problems(html):
    """Publish-check sentences for the pictures the body shows."""
    ids = image_ids(html)
    if not ids:
        return []
    images = images_by_id(ids)
    found = []
    for i in ids:
        image = images.get(i)
        if image is None:
            found.append(f"The body shows a picture (#{i}) that is not in the library.")
            continue
        if not image.alt_text.strip():
            found.append(f"The picture “{image.title}” in the body has no alt text.")
        if not image.credit.strip():
            found.append(f"The picture “{image.title}” in the body has no credit.")
    return found
