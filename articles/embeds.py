"""Third-party embeds in an article body: stored as a provider and an id, never HTML.

The body keeps ``<figure data-embed="youtube:dQw4w9WgXcQ"></figure>`` (and, if the
writer gave one, ``data-embed-title``). The sanitiser keeps the attribute only when
``parse_ref`` accepts it; the public page turns it into a click-to-load placeholder
(``placeholders``) and feeds and the API into a plain link (``as_links``). The
editor's extension (newsroom/static/newsroom/prose-embed.js) carries the same URL
patterns; this module is the authority.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import inline_images


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    verb: str  # "Play video on YouTube", "Show post on X"
    id_pattern: re.Pattern
    watch: str  # the original page, {id} filled in
    frame: str  # the privacy-friendlier embed page, loaded only after a click
    frame_host: str
    ratio: str = "16x9"


def _id(pattern):
    return re.compile(rf"\A(?:{pattern})\Z")


PROVIDERS = {
    provider.key: provider
    for provider in [
        Provider(
            "youtube",
            "YouTube",
            "Play video on YouTube",
            _id(r"[A-Za-z0-9_-]{11}"),
            "https://www.youtube.com/watch?v={id}",
            "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
            "www.youtube-nocookie.com",
        ),
        Provider(
            "vimeo",
            "Vimeo",
            "Play video on Vimeo",
            _id(r"[0-9]{6,12}"),
            "https://vimeo.com/{id}",
            "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1",
            "player.vimeo.com",
        ),
        Provider(
            "x",
            "X",
            "Show post on X",
            _id(r"[0-9]{5,25}"),
            "https://x.com/i/status/{id}",
            "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
            "platform.twitter.com",
            ratio="post",
        ),
        Provider(
            "instagram",
            "Instagram",
            "Show post on Instagram",
            _id(r"[A-Za-z0-9_-]{5,40}"),
            "https://www.instagram.com/p/{id}/",
            "https://www.instagram.com/p/{id}/embed/",
            "www.instagram.com",
            ratio="post",
        ),
        Provider(
            "tiktok",
            "TikTok",
            "Play video on TikTok",
            _id(r"[0-9]{10,25}"),
            "https://www.tiktok.com/embed/v2/{id}",
            "https://www.tiktok.com/embed/v2/{id}",
            "www.tiktok.com",
            ratio="post",
        ),
        Provider(
            "spotify",
            "Spotify",
            "Play on Spotify",
            _id(r"(?:track|album|playlist|episode|show|artist)/[A-Za-z0-9]{22}"),
            "https://open.spotify.com/{id}",
            "https://open.spotify.com/embed/{id}",
            "open.spotify.com",
            ratio="audio",
        ),
    ]
}
# What the CSP's frame-src must allow, and nothing more (newsroom/settings.py).
FRAME_HOSTS = sorted(f"https://{p.frame_host}" for p in PROVIDERS.values())
TITLE_MAX = 200


def parse_ref(value):
    """("youtube", "dQw4w9WgXcQ") for "youtube:dQw4w9WgXcQ"; None if not valid."""
    key, _, ident = (value or "").partition(":")
    provider = PROVIDERS.get(key)
    if provider and provider.id_pattern.match(ident):
        return provider, ident
    return None


# URL forms a writer may paste, per provider: host (exact) -> path pattern.
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
_PATHS = [
    ("youtube", {"youtu.be"}, re.compile(r"\A/(?P<id>[A-Za-z0-9_-]{11})/?\Z")),
    (
        "youtube",
        _YOUTUBE_HOSTS | {"www.youtube-nocookie.com", "youtube-nocookie.com"},
        re.compile(r"\A/(?:embed|shorts|live|v)/(?P<id>[A-Za-z0-9_-]{11})/?\Z"),
    ),
    (
        "vimeo",
        {"vimeo.com", "www.vimeo.com"},
        re.compile(r"\A/(?P<id>[0-9]{6,12})/?\Z"),
    ),
    ("vimeo", {"player.vimeo.com"}, re.compile(r"\A/video/(?P<id>[0-9]{6,12})/?\Z")),
    (
        "x",
        {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
        re.compile(r"\A/(?:[A-Za-z0-9_]{1,15}|i)/status/(?P<id>[0-9]{5,25})/?\Z"),
    ),
    (
        "instagram",
        {"instagram.com", "www.instagram.com"},
        re.compile(r"\A/(?:p|reel|tv)/(?P<id>[A-Za-z0-9_-]{5,40})(?:/embed)?/?\Z"),
    ),
    (
        "tiktok",
        {"tiktok.com", "www.tiktok.com", "m.tiktok.com"},
        re.compile(
            r"\A/(?:@[A-Za-z0-9_.]{1,32}/video|embed/v2|embed)/(?P<id>[0-9]{10,25})/?\Z"
        ),
    ),
    (
        "spotify",
        {"open.spotify.com"},
        re.compile(
            r"\A(?:/intl-[a-z]{2}(?:-[A-Za-z]{2})?)?(?:/embed)?"
            r"/(?P<id>(?:track|album|playlist|episode|show|artist)/[A-Za-z0-9]{22})/?\Z"
        ),
    ),
]


def ref_from_url(url):
    """ "youtube:dQw4w9WgXcQ" for a supported provider's URL, else None.

    Only https (or http) URLs on the exact hosts above: "youtube.com.evil.example",
    "evilyoutube.com" and "javascript:" are refused.
    """
    url = (url or "").strip()
    if len(url) > 500 or any(c.isspace() or ord(c) < 0x20 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"https", "http"} or parts.username or parts.password:
        return None
    if port not in {None, 80, 443}:
        return None
    host = (parts.hostname or "").lower()
    if host in _YOUTUBE_HOSTS and parts.path in {"/watch", "/watch/"}:
        ids = parse_qs(parts.query).get("v", [])
        ref = f"youtube:{ids[0]}" if ids else None
        return ref if ref and parse_ref(ref) else None
    for key, hosts, path in _PATHS:
        if host in hosts and (match := path.match(parts.path)):
            return f"{key}:{match['id']}"
    return None


def clean_title(value):
    """A writer's title for the placeholder: one line of plain text, kept short."""
    return " ".join((value or "").split())[:TITLE_MAX]


# The form clean_html stores: the sanitiser wrote it, so attributes are quoted and
# escaped; content inside an embed figure is dropped by the sanitiser.
EMBED_FIGURE = re.compile(
    r"<figure\s(?P<attrs>[^>]*\bdata-embed=\"[^\"]*\"[^>]*)>(?P<inner>.*?)</figure>",
    re.S,
)


def canonical(html):
    """Every embed figure reduced to its own attributes and no content."""

    def replace(match):
        attrs = inline_images.figure_attrs(match)
        ref = attrs.get("data-embed", "")
        if not parse_ref(inline_images.unescape_attr(ref)):
            return ""
        extra = "".join(
            f' {name}="{attrs[name]}"'
            for name in ("data-embed-title", "data-embed-image")
            if attrs.get(name)
        )
        return f'<figure data-embed="{ref}"{extra}></figure>'

    return EMBED_FIGURE.sub(replace, html)


def _found(html):
    for match in EMBED_FIGURE.finditer(html):
        attrs = inline_images.figure_attrs(match)
        found = parse_ref(inline_images.unescape_attr(attrs.get("data-embed", "")))
        title = inline_images.unescape_attr(attrs.get("data-embed-title", ""))
        thumbnail = inline_images.clean_image_id(attrs.get("data-embed-image"))
        yield match, found, title, int(thumbnail) if thumbnail else None


def _sub(html, render, thumbnails=None):
    if "data-embed" not in html:
        return html
    out, last = [], 0
    for match, found, title, thumbnail in _found(html):
        out.append(html[last : match.start()])
        if found:
            image = (thumbnails or {}).get(thumbnail)
            out.append(render(*found, title, image))
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def _thumbnail(image):
    if image is None or not inline_images.shown(image):
        return ""
    return format_html(
        '<div class="embed-thumb">{}</div>',
        mark_safe(inline_images.picture_html(image, "(min-width: 48em) 46em, 100vw")),  # noqa: S308
    )


def placeholder(provider, ident, title="", thumbnail=None):
    """A click-to-load placeholder: nothing of the provider's loads until the click.

    The iframe's address waits in data-embed-frame; newsroom/static/newsroom/
    embeds.js swaps it in when the reader presses the button (shown only with
    JavaScript). Without JavaScript the reader follows the plain link. The only
    picture is a local one from the library (``thumbnail``), never the provider's.
    """
    label = f"{provider.verb}: {title}" if title else provider.verb
    return format_html(
        '<figure class="embed embed--{ratio}" data-embed-provider="{key}" '
        'data-embed-frame="{frame}" data-embed-title="{frame_title}">'
        '<div class="embed-box">{thumb}'
        '<button type="button" class="embed-load" hidden>{label}</button>'
        '<p class="embed-notice">Loading it connects to {name}, which may set '
        "cookies.</p>"
        "</div>"
        '<figcaption><span class="embed-provider">{name}</span>{title_part} · '
        '<a href="{watch}" rel="noopener noreferrer nofollow">Open on {name}</a>'
        "{credit}</figcaption></figure>",
        thumb=_thumbnail(thumbnail),
        credit=format_html(" · Picture: {}", thumbnail.credit)
        if _thumbnail(thumbnail)
        else "",
        ratio=provider.ratio,
        key=provider.key,
        frame=provider.frame.format(id=ident),
        frame_title=title or f"{provider.name} embed",
        label=label,
        name=provider.name,
        title_part=format_html(": {}", title) if title else "",
        watch=provider.watch.format(id=ident),
    )


def link(provider, ident, title="", thumbnail=None):
    """The plain link feeds and the API carry instead of an embed."""
    text = f"{provider.name}: {title}" if title else _noun(provider)
    return format_html(
        '<p><a href="{}">{}</a></p>', provider.watch.format(id=ident), text
    )


def _noun(provider):
    kind = "video" if "video" in provider.verb else "post"
    if provider.key == "spotify":
        kind = "audio"
    return f"{provider.name} {kind}"


def thumbnail_ids(html):
    """The library images the body's embeds use as thumbnails."""
    if "data-embed-image" not in (html or ""):
        return []
    return sorted({thumb for _m, _f, _t, thumb in _found(html) if thumb})


def placeholders(html, thumbnails=None):
    """The stored body with each embed turned into its click-to-load placeholder.

    ``thumbnails`` maps image ids to library images; by default those the embeds
    name are read in one query.
    """
    if thumbnails is None and "data-embed-image" in html:
        thumbnails = inline_images.images_by_id(thumbnail_ids(html))
    return _sub(html, placeholder, thumbnails)


def as_links(html):
    """The stored body with each embed turned into a plain link."""
    return _sub(html, link)
