"""HTTP caching for the public site: Cache-Control, validators, a shared page cache.

Every anonymous GET (or HEAD) of a public page is stored whole in the default cache
under its path plus only the query parameters the page uses (``QUERY_PARAMS``), so
``?utm_source=…`` or random junk is served from the same entry and cannot fill the
cache. An entry depends on the keys the view named in its ``Cache-Tag`` header
(``article:42 claim:7 …``, see franchise/cache.py), or on the keys this module
gives its route (lists: ``list:articles``), or else on ``site``, which every change
moves. newsroom/signals.py invalidates exactly the keys a change affects.

Lists expire no later than the next scheduled publication, so a scheduled article
appears everywhere at its time; their Cache-Control max-age is capped the same way.

With several worker processes the cache must be shared (CACHE_URL=redis://…): a
local-memory cache is per process.
"""

import contextvars
import functools
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from franchise import cache as dependency_cache

PAGE_KEY_PREFIX = "newsroom:page:"
SITE_KEY = "site"
LIST_KEY = dependency_cache.LIST_KEY
# Never shared: editors' screens, unpublished previews, embargoed pictures.
PRIVATE_PREFIXES = ("/admin/", "/preview/", "/media/embargoed/")
PUBLIC_CACHE_CONTROL = {
    "public": True,
    "max_age": 60,
    "s_maxage": 300,
    "stale_while_revalidate": 600,
}
# Headers a stored page may not carry; everything else is replayed as stored.
UNSTORED_HEADERS = {"set-cookie", "date"}
LIST_PARAMS = ("page", "before")
SEARCH_PARAMS = ("q", "section", "kind", "date_from", "date_to", "page")
# Per route (URL name): the query parameters the page uses, and the keys it
# depends on when the view sends no Cache-Tag of its own.
ROUTES = {
    "articles:home": (LIST_PARAMS, (LIST_KEY,)),
    "articles:section": (LIST_PARAMS, (LIST_KEY,)),
    "articles:tag": (LIST_PARAMS, (LIST_KEY,)),
    "articles:author": (LIST_PARAMS, (LIST_KEY,)),
    "articles:detail": ((), (SITE_KEY,)),
    "franchise:film-detail": ((), (SITE_KEY,)),
    "franchise:person-detail": ((), (SITE_KEY,)),
    "franchise:song-detail": ((), (SITE_KEY,)),
    "franchise:franchise-detail": ((), (LIST_KEY, SITE_KEY)),
    "sitemap-index": ((), (LIST_KEY, SITE_KEY)),
    "sitemap": (("p",), (LIST_KEY, SITE_KEY)),
    "news-sitemap": (("p",), (LIST_KEY,)),
    "search": (SEARCH_PARAMS, (LIST_KEY, SITE_KEY)),
    "corrections": (("page",), (LIST_KEY, SITE_KEY)),
    "robots-txt": ((), (SITE_KEY,)),
}
FEED_KEYS = (LIST_KEY,)
# Query parameters that only ever track a visitor; dropped on unknown routes.
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga"}

_request_memo = contextvars.ContextVar("newsroom_cache_request_memo", default=None)


def page_cache_seconds():
    """How long a stored page lives; 0 turns the page cache off (settings)."""
    return settings.PAGE_CACHE_SECONDS


def is_private_path(path):
    return path.startswith(PRIVATE_PREFIXES)


def may_be_personal(request):
    """True when the request could belong to a signed-in user."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


# Routes, parameters and dependencies -----------------------------------------


def route_of(request):
    """(query parameters, default dependency keys) of the requested page.

    None for an unknown route that carries query parameters other than trackers:
    such a page is rendered but never stored, so junk cannot fill the cache.
    """
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    route = resolved_route(urlconf, request.path_info)
    if route is None:
        return (), (SITE_KEY,)
    view_name, url_name, params = route
    if view_name in ROUTES:
        return ROUTES[view_name]
    if url_name and url_name.startswith("feed-"):
        return (), FEED_KEYS
    if params is not None:
        return tuple(params), (SITE_KEY,)
    if any(not is_tracking(name) for name in request.GET):
        return None
    return (), (SITE_KEY,)


@functools.lru_cache(maxsize=4096)
def resolved_route(urlconf, path_info):
    """``(view name, URL name, the view's cache_query_params)``, None if no route.

    Remembered per path: a page cache hit would otherwise spend a sixth of its
    time walking the URL patterns again.
    """
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", match.func)
    return match.view_name, match.url_name, getattr(view, "cache_query_params", None)


def is_tracking(name):
    return name.startswith("utm_") or name in TRACKING_PARAMS


def page_key(request, params):
    """The entry's key: host, path and only the parameters the page uses."""
    pairs = [(p, v) for p in sorted(params) for v in request.GET.getlist(p)]
    url = f"{request.get_host()}{request.path}?{urlencode(pairs)}"
    return PAGE_KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def dependency_keys(response, default):
    header = response.get("Cache-Tag", "")
    return tuple(header.split()) or tuple(default)


# List expiry ---------------------------------------------------------------------


NEXT_PUBLICATION_KEY = "newsroom:next-publication"
# Kept this long when nothing is scheduled; scheduling moves list:articles anyway.
NOTHING_SCHEDULED_SECONDS = 300


def next_publication():
    """When the next scheduled article goes live (None if none).

    Kept in the cache: newsroom/signals.py refreshes it whenever an article that
    is or was listed changes, so a request normally reads it from there; after
    its time, or when the cache lost it, one index-served query finds the next.
    """
    memo = _request_memo.get()
    if memo is not None and "next" in memo:
        return memo["next"]
    now = timezone.now()
    stored = dependency_cache.get(NEXT_PUBLICATION_KEY)
    if stored is not None and (stored[0] is None or stored[0] > now):
        upcoming = stored[0]
    else:
        upcoming = refresh_next_publication(since=dependency_cache.now_version())
    if memo is not None:
        memo["next"] = upcoming
    return upcoming


def refresh_next_publication(since=None):
    """Look the next publication up and keep it until then (or until lists move)."""
    now = timezone.now()
    upcoming = scheduled_after(now)
    seconds = (
        int((upcoming - now).total_seconds())
        if upcoming is not None
        else NOTHING_SCHEDULED_SECONDS
    )
    dependency_cache.set(
        NEXT_PUBLICATION_KEY,
        (upcoming,),
        [LIST_KEY],
        seconds,
        since=since,
        capped=False,
    )
    return upcoming


def scheduled_after(moment):
    """The first publication time after ``moment`` (the status/date index serves it).

    An embargo lifting is a publication too: an article whose embargo ends
    appears in lists then, so lists expire no later than the next embargo time.
    """
    from articles.models import Article

    listed = Article.objects.filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
        deleted_at__isnull=True,
    )
    times = [
        listed.filter(published_at__gt=moment)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
        listed.filter(embargo_until__gt=moment)
        .order_by("embargo_until")
        .values_list("embargo_until", flat=True)
        .first(),
    ]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def seconds_until_next_publication():
    """The longest a list may be kept; None when nothing is scheduled."""
    upcoming = next_publication()
    if upcoming is None:
        return None
    return max(0, int((upcoming - timezone.now()).total_seconds()))


def register_expiry_hooks():
    """Lists depend on ``list:articles``; none may outlive the next publication."""
    dependency_cache.expiry_hooks[LIST_KEY] = seconds_until_next_publication


def cap_cache_control(response, limit):
    """Lower max-age and s-maxage to ``limit`` seconds."""
    patch_cache_control(
        response,
        max_age=min(PUBLIC_CACHE_CONTROL["max_age"], limit),
        s_maxage=min(PUBLIC_CACHE_CONTROL["s_maxage"], limit),
    )


def content_etag(request, content):
    """A strong ETag of the body, ignoring the per-response CSP nonce."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        content = content.replace(str(nonce).encode(), b"")
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


class PublicPageCacheMiddleware:
    """Cache headers for every response and a shared cache of anonymous public pages.

    Place it right after WhiteNoise, before SessionMiddleware and the CSP middleware,
    so a stored page keeps the CSP header that matches its nonce. HEAD is answered
    as GET (same headers, no body) on every public page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            with dependency_cache.request_scope():
                return self.handle(request)
        finally:
            _request_memo.reset(token)

    def handle(self, request):
        head = request.method == "HEAD" and not is_private_path(request.path)
        if head:
            # Views (and require_GET) then answer exactly as they do for GET.
            request.method = "GET"
        response = self.respond(request)
        if head:
            request.method = "HEAD"
            length = len(response.content) if not response.streaming else None
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
        return response

    def respond(self, request):
        shareable = self.is_shareable_request(request)
        route = route_of(request) if shareable else None
        store = route is not None and page_cache_seconds() > 0
        if store:
            key = page_key(request, route[0])
            stored = dependency_cache.get(key)
            if stored is not None:
                return self.replay(request, stored)
        since = dependency_cache.now_version()
        response = self.get_response(request)
        if is_private_path(request.path) or may_be_personal(request):
            self.make_private(response)
            return response
        if not shareable:
            return response
        if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            # A cookie, or a CSRF token rendered for it, is personal to this visitor.
            self.make_private(response)
            return response
        if (
            response.status_code != 200
            or response.streaming
            # A view that chose its own caching policy keeps it.
            or response.has_header("Cache-Control")
        ):
            return response
        keys = dependency_keys(response, route[1] if route else (SITE_KEY,))
        response["Cache-Tag"] = response["Surrogate-Key"] = " ".join(keys)
        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
        limit = dependency_cache.capped_timeout(keys, PUBLIC_CACHE_CONTROL["s_maxage"])
        if limit < PUBLIC_CACHE_CONTROL["s_maxage"]:
            cap_cache_control(response, limit)
        response["ETag"] = content_etag(request, response.content)
        current = dependency_cache.versions(keys, since=since)
        changed = max(current.values()) / 1e9
        response["Last-Modified"] = http_date(changed)
        if store:
            dependency_cache.set(
                key, self.freeze(response), keys, page_cache_seconds(), since=since
            )
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(changed),
            response=response,
        )

    @staticmethod
    def is_shareable_request(request):
        return (
            request.method == "GET"
            and not is_private_path(request.path)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def make_private(response):
        if response.has_header("Cache-Control"):
            # patch_cache_control drops "public" when "private" is added.
            patch_cache_control(response, private=True)
        else:
            patch_cache_control(response, private=True, no_store=True)

    @staticmethod
    def freeze(response):
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        return (response.status_code, headers, response.content)

    @staticmethod
    def replay(request, stored):
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        etag = response.get("ETag")
        last_modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=parse_http_date_safe(last_modified)
            if last_modified
            else None,
            response=response,
        )
