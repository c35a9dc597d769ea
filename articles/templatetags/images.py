"""Responsive pictures from an image's prefetched renditions: {% load images %}."""

from django import template
from django.conf import settings

register = template.Library()

# The plain <img src> for browsers that ignore srcset: wide enough for a
# desktop column, small enough for a phone on a slow connection.
DEFAULT_SRC_WIDTH = 960


def _renditions(image, ratio):
    """Renditions of one ratio, read from the prefetch cache when there is one."""
    # .all() (not .filter()) so a prefetch_related("...renditions") is reused.
    return sorted(
        (r for r in image.renditions.all() if r.ratio == ratio), key=lambda r: r.width
    )


def _srcset(renditions):
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


@register.inclusion_tag("includes/picture.html")
def picture(image, ratio="original", sizes="100vw", loading="lazy", css_class=""):
    """A <picture> of WebP and JPEG/PNG renditions, or of the original file.

    Nothing for an image under embargo: its files are not served yet.
    """
    if not image or not image.is_public:
        return {"image": None}
    renditions = _renditions(image, ratio)
    webp = [r for r in renditions if r.format == "webp"]
    fallback = [r for r in renditions if r.format != "webp"]
    context = {
        "image": image,
        "alt": image.alt_text,
        "sizes": sizes,
        "loading": "eager" if loading == "eager" else "lazy",
        "css_class": css_class,
        "srcset": "",
        "webp_srcset": "",
    }
    if not fallback:
        return context | {
            "src": image.file.url,
            "width": image.width,
            "height": image.height,
        }
    src = next((r for r in fallback if r.width >= DEFAULT_SRC_WIDTH), fallback[-1])
    return context | {
        "src": src.file.url,
        "width": src.width,
        "height": src.height,
        "srcset": _srcset(fallback),
        "webp_srcset": _srcset(webp),
    }


@register.simple_tag(takes_context=True)
def rendition_url(context, image, ratio="original", width=1280, format="jpeg"):
    """Absolute URL of the rendition nearest the width, e.g. for og:image."""
    if not image or not image.is_public:
        return ""
    renditions = [r for r in _renditions(image, ratio) if r.format == format]
    if not renditions and format == "jpeg":
        renditions = [r for r in _renditions(image, ratio) if r.format == "png"]
    if renditions:
        # The largest not wider than asked for, else the smallest there is.
        fitting = [r for r in renditions if r.width <= int(width)]
        url = (fitting[-1] if fitting else renditions[0]).file.url
    else:
        url = image.file.url
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(url)
    return settings.SITE_URL + url if url.startswith("/") else url
