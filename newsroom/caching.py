"""HTTP caching for the public site: Cache-Control, validators, a shared page cache.

Every anonymous GET of a public page is stored whole in the default cache, keyed by
URL and the site *generation*: a timestamp bumped (see newsroom/signals.py) whenever
something readers can see changes. Bumping it orphans every stored page at once, so
the next request renders fresh content; the orphans expire on their own.

With several worker processes the cache must be shared (CACHE_URL=redis://…): a
local-memory cache is per process, so another worker's copy may lag by up to
PAGE_CACHE_SECONDS after a change.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "newsroom:generation"
PAGE_KEY_PREFIX = "newsroom:page"
# Never shared: editors' screens and unpublished previews.
PRIVATE_PREFIXES = ("/admin/", "/preview/")
PUBLIC_CACHE_CONTROL = {
    "public": True,
    "max_age": 60,
    "s_maxage": 300,
    "stale_while_revalidate": 600,
}
# Headers a stored page may not carry; everything else is replayed as stored.
UNSTORED_HEADERS = {"set-cookie", "date"}


def page_cache_seconds():
    """How long a stored page lives; 0 turns the page cache off (settings)."""
    return settings.PAGE_CACHE_SECONDS


def site_generation():
    """When anything public last changed, as a float timestamp (starts at first use)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so two workers starting together agree on one value.
        cache.add(GENERATION_KEY, time.time(), None)
        generation = cache.get(GENERATION_KEY) or time.time()
    return generation


def bump_generation():
    """Mark the public site as changed: every stored page becomes stale."""
    # Never go backwards, even if the clock does: validators must keep moving.
    previous = cache.get(GENERATION_KEY) or 0
    cache.set(GENERATION_KEY, max(time.time(), previous + 0.001), None)


def is_private_path(path):
    return path.startswith(PRIVATE_PREFIXES)


def may_be_personal(request):
    """True when the request could belong to a signed-in user."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def page_key(request, generation):
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{generation!r}:{url}"


def content_etag(request, content):
    """A strong ETag of the body, ignoring the per-response CSP nonce."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        content = content.replace(str(nonce).encode(), b"")
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


class PublicPageCacheMiddleware:
    """Cache headers for every response and a shared cache of anonymous public pages.

    Place it right after WhiteNoise, before SessionMiddleware and the CSP middleware,
    so a stored page keeps the CSP header that matches its nonce.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        shareable = self.is_shareable_request(request)
        store = shareable and page_cache_seconds() > 0
        if shareable:
            generation = site_generation()
        if store:
            key = page_key(request, generation)
            stored = cache.get(key)
            if stored is not None:
                return self.replay(request, stored)
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
        patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
        response["ETag"] = content_etag(request, response.content)
        response["Last-Modified"] = http_date(generation)
        if store:
            cache.set(key, self.freeze(response), page_cache_seconds())
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=int(generation),
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
