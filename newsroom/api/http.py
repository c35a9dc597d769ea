"""What every /api/ response carries: CORS, the rate limit, cache validators.

Wrapped around each API view in ``urls.py`` rather than added to MIDDLEWARE, so
the rest of the site is untouched. Responses set their own Cache-Control, which
the site's page cache leaves alone: the API is never stored whole, so every
request is counted against the client's budget.
"""

import functools
import hashlib
import json

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from franchise import cache as dependency_cache
from newsroom.api import ratelimit
from newsroom.caching import SITE_KEY

SAFE_METHODS = {"GET", "HEAD"}
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Cache-Tag, Retry-After, "
    "X-RateLimit-Limit, X-RateLimit-Remaining"
)
CACHE_CONTROL = {"public": True, "max_age": 60}


def cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def preflight(request):
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers",
        "Accept, If-None-Match, If-Modified-Since",
    )
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return cors(response)


def too_many(limit, retry_after):
    body = {
        "detail": f"Too many requests: the limit is {limit} per client; "
        f"try again in {retry_after} s."
    }
    response = HttpResponse(
        json.dumps(body), status=429, content_type="application/json"
    )
    response["Retry-After"] = str(retry_after)
    return response


def etag_of(content):
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def api_view(view):
    """Wrap one API view with CORS, the rate limit and conditional GET."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return preflight(request)
        allowed, limit, remaining, retry_after = ratelimit.check(request)
        if not allowed:
            return cors(too_many(limit, retry_after))
        head = request.method == "HEAD"
        if head:
            # Answered as GET; the server drops the body.
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if limit is not None:
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
        cors(response)
        if request.method in SAFE_METHODS and response.status_code == 200:
            patch_cache_control(response, **CACHE_CONTROL)
            response["ETag"] = etag_of(response.content)
            # When what this response shows last changed, by the same dependency
            # keys as the pages: a row's own time would miss a source added to a
            # claim or an article unpublished.
            keys = response.get("Cache-Tag", "").split() or [SITE_KEY]
            generation = int(max(dependency_cache.versions(keys).values()) / 1e9)
            response["Last-Modified"] = http_date(generation)
            response = get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=generation,
                response=response,
            )
            cors(response)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        if head:
            response.content = b""
        return response

    return wrapped


def set_cache_tags(response, keys):
    """The dependency keys of what this response shows, as the pages name them."""
    response["Cache-Tag"] = response["Surrogate-Key"] = " ".join(dict.fromkeys(keys))
