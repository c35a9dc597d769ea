"""Cache entries that know what they depend on, and a render cache for views.

A value is stored together with the *versions* of its dependency keys
(``article:42``, ``claim:7``, ``film:3``, ``list:articles`` ...). A read fetches the
entry and the current versions of its keys; any difference is a miss. A change
calls ``invalidate(*keys)``, which moves those versions forward (never backwards),
so exactly the entries that depend on them stop being served; nothing is scanned
or deleted, stale entries expire on their own.

Why it lives in ``franchise``: it is the lowest layer (franchise ← articles ←
newsroom), so every app can import it without breaking the dependency direction.
It imports nothing of ours and only Django's public cache API, so it works on any
backend (local memory, Redis, dummy).

Versions are nanosecond timestamps. That buys one more guarantee: an entry is
stored only if none of its keys moved since the request began (``since``), so a
page rendered from rows an editor changed meanwhile is never stored as current.
"""

import contextlib
import contextvars
import json
import logging
import time
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.middleware.csp import get_nonce

logger = logging.getLogger(__name__)

VERSION_PREFIX = "dep:"
RENDER_PREFIX = "render:"
# Every list of articles depends on this key (coverage lists included).
LIST_KEY = "list:articles"
# Stored HTML carries this in place of the request's CSP nonce.
NONCE_PLACEHOLDER = "__CSP_NONCE__"
# Remembers which keys an entry depended on last time, so a warm read asks the
# cache for the entry and its versions in one get_many.
_known_dependencies = {}
_KNOWN_LIMIT = 4096
# Functions giving the longest a key's entries may live, e.g. "list:articles" →
# seconds until the next scheduled publication. Registered by higher layers.
expiry_hooks = {}
# Versions this request has already read or moved, inside request_scope(): a
# page served from the render cache needs its keys' versions again for its
# headers and the page cache, and asking the cache twice costs a round trip.
_request_versions = contextvars.ContextVar("dependency_versions", default=None)


@contextlib.contextmanager
def request_scope():
    """Remember versions read during one request (the page cache middleware)."""
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


def _note_versions(current):
    seen = _request_versions.get()
    if seen is not None:
        seen.update(current)


def now_version():
    return time.time_ns()


def version_key(key):
    return VERSION_PREFIX + key


def versions(keys, *, since=None):
    """Current versions of ``keys``; a missing one starts at ``since`` (or now)."""
    keys = list(dict.fromkeys(keys))
    seen = _request_versions.get() or {}
    result = {k: seen[k] for k in keys if k in seen}
    asked = [k for k in keys if k not in result]
    if asked:
        found = cache.get_many([version_key(k) for k in asked])
        result |= {k: found.get(version_key(k)) for k in asked}
    start = since if since is not None else now_version()
    for key, value in result.items():
        if value is None:
            # add() so two workers starting a key together agree on one value.
            cache.add(version_key(key), start, None)
            result[key] = cache.get(version_key(key)) or start
    _note_versions(result)
    return {k: result[k] for k in keys}


def get(key):
    """The stored value, or None if it is missing or any dependency moved on.

    ``get_many`` for one key, kept apart because every page cache hit runs it.
    """
    guess = _known_dependencies.get(key, ())
    found = cache.get_many([key, *(version_key(k) for k in guess)])
    entry = found.get(key)
    if entry is None:
        return None
    value, stored_versions = entry
    missing = [version_key(k) for k in stored_versions if version_key(k) not in found]
    if missing:
        found |= cache.get_many(missing)
    return value if _still_current(key, stored_versions, found) else None


def get_many(keys):
    """``{key: value}`` of the entries still current among ``keys``.

    One round trip reads the entries and the versions of the keys each depended
    on last time; only an entry seen for the first time costs a second one.
    """
    keys = list(dict.fromkeys(keys))
    wanted = list(keys)
    for key in keys:
        wanted += [version_key(k) for k in _known_dependencies.get(key, ())]
    found = cache.get_many(list(dict.fromkeys(wanted)))
    entries = {key: found[key] for key in keys if found.get(key) is not None}
    missing = {
        version_key(dep)
        for _value, stored_versions in entries.values()
        for dep in stored_versions
        if version_key(dep) not in found
    }
    if missing:
        found |= cache.get_many(list(missing))
    return {
        key: value
        for key, (value, stored_versions) in entries.items()
        if _still_current(key, stored_versions, found)
    }


def _still_current(key, stored_versions, found):
    """Whether every dependency still has the version stored with the entry
    (``found`` holds the versions read); remembers the entry's keys."""
    _remember(key, tuple(stored_versions))
    for dep, version in stored_versions.items():
        if found.get(version_key(dep)) != version:
            return False
    _note_versions(stored_versions)
    return True


def set(key, value, keys, timeout, *, since=None, capped=True):  # noqa: A001
    """Store ``value`` under ``key`` depending on ``keys``; returns the versions.

    Nothing is stored (None is returned) when ``timeout`` is not positive or a
    key moved on after ``since`` (the request's start): the value may be stale.
    ``capped=False`` skips the expiry hooks (for the hooks' own entries).
    """
    keys = tuple(dict.fromkeys(keys))
    current = versions(keys, since=since)
    if capped:
        timeout = capped_timeout(keys, timeout)
    if timeout <= 0:
        return None
    if since is not None and any(v > since for v in current.values()):
        return None
    cache.set(key, (value, current), timeout)
    _remember(key, keys)
    return current


def capped_timeout(keys, timeout, **hook_kwargs):
    """``timeout`` cut down by every expiry hook of ``keys`` (seconds)."""
    for key in keys:
        hook = expiry_hooks.get(key)
        if hook is not None:
            limit = hook(**hook_kwargs)
            if limit is not None:
                timeout = min(timeout, limit)
    return timeout


def _remember(key, keys):
    if len(_known_dependencies) >= _KNOWN_LIMIT:
        _known_dependencies.clear()
    _known_dependencies[key] = keys


def bump(keys):
    """Move each key's version forward, even if the clock went backwards."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    now = now_version()
    old = cache.get_many([version_key(k) for k in keys])
    moved = {k: max(now, old.get(version_key(k), 0) + 1) for k in keys}
    cache.set_many({version_key(k): v for k, v in moved.items()}, None)
    _note_versions(moved)


def invalidate(*keys):
    """Entries depending on any of ``keys`` are stale from now on.

    Bumped now and again after commit: a request that read the old rows before
    the commit and stores after it must not leave them current. The CDN purge
    (``CDN_PURGE_URL``) runs after commit, best effort.
    """
    keys = tuple(dict.fromkeys(k for k in keys if k))
    if not keys:
        return
    bump(keys)

    def after_commit():
        bump(keys)
        purge_cdn(keys)

    transaction.on_commit(after_commit)


def purge_cdn(keys):
    """POST the purged keys to CDN_PURGE_URL; errors are logged, never raised."""
    url = getattr(settings, "CDN_PURGE_URL", "")
    if not url or not keys:
        return
    if not url.startswith(("http://", "https://")):
        logger.warning("CDN_PURGE_URL must be an http(s) URL, not %r", url)
        return
    body = json.dumps({"tags": list(keys)}).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Surrogate-Key": " ".join(keys),
        },
    )
    try:
        timeout = getattr(settings, "CDN_PURGE_TIMEOUT", 2)
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except Exception:  # noqa: BLE001 - a purge must never break the request
        logger.warning("CDN purge of %s failed", " ".join(keys), exc_info=True)


# The render cache --------------------------------------------------------------


def cache_tag_header(keys):
    return " ".join(dict.fromkeys(keys))


def is_anonymous_public_request(request):
    """Only anonymous readers' GET/HEAD requests share rendered pages."""
    if request.method not in {"GET", "HEAD"}:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def render_key(request, params=()):
    """``render:<path>`` plus only the query parameters the view uses."""
    pairs = [(p, v) for p in sorted(params) for v in request.GET.getlist(p)]
    query = "&".join(f"{p}={v}" for p, v in pairs)
    return RENDER_PREFIX + request.path + (f"?{query}" if query else "")


def with_placeholder(request, content):
    nonce = get_nonce(request)
    if nonce:
        content = content.replace(str(nonce), NONCE_PLACEHOLDER)
    return content


def with_nonce(request, content):
    if NONCE_PLACEHOLDER in content:
        # Reading the nonce makes the CSP middleware put it in the header too.
        content = content.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    return content


class RenderCacheMixin:
    """Serve a view's rendered HTML from the cache until what it shows changes.

    Opt in with one base class and a ``cache_dependencies(self, context)`` method
    returning the keys of everything the page shows. ``render_cache_params``
    names the query parameters the page uses (others never reach the key).
    Signed-in users and previews never read or write it.
    """

    render_cache_params = ()

    def cache_dependencies(self, context):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if not is_anonymous_public_request(request):
            return super().get(request, *args, **kwargs)
        from django.http import HttpResponse

        seconds = getattr(settings, "RENDER_CACHE_SECONDS", 0)
        key = render_key(request, self.render_cache_params)
        stored = get(key) if seconds > 0 else None
        if stored is not None:
            content, content_type, keys = stored
            response = HttpResponse(
                with_nonce(request, content), content_type=content_type
            )
            response["Cache-Tag"] = response["Surrogate-Key"] = keys
            return response
        since = now_version()
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None)
        if response.status_code != 200 or context is None:
            return response
        # Sent even with the render cache off: the page cache and a CDN use it.
        keys = cache_tag_header(self.cache_dependencies(context))
        response["Cache-Tag"] = response["Surrogate-Key"] = keys
        if seconds <= 0:
            return response

        def store(rendered):
            content = with_placeholder(request, rendered.content.decode())
            value = (content, rendered["Content-Type"], keys)
            set(key, value, keys.split(), seconds, since=since)

        response.add_post_render_callback(store)
        return response


# Keys of knowledge-base pages ----------------------------------------------------


def subject_page_keys(context):
    """A film, person or song page: the subject, its facts, credits, coverage."""
    subject = context["object"]
    kind = subject._meta.model_name
    keys = [f"{kind}:{subject.pk}", LIST_KEY]
    box = context.get("facts")
    for fact in getattr(box, "facts", box) or ():
        for value in fact.values:
            for claim in value.claims:
                keys.append(f"claim:{claim.pk}")
                for source in claim.sources.all():
                    keys.append(f"source:{source.pk}")
                    if source.speaker_id:
                        keys.append(f"person:{source.speaker_id}")
                    # "Reported in": the published articles citing the source.
                    keys += [
                        f"article:{a.pk}" for a in getattr(source, "reported_in", ())
                    ]
    for name in ("cast", "crew", "cast_credits", "crew_credits"):
        for credit in context.get(name) or ():
            keys += [f"person:{credit.person_id}", f"film:{credit.film_id}"]
            if credit.character_id:
                keys.append(f"character:{credit.character_id}")
    for relation, key_kind in (
        ("films", "film"),
        ("performers", "person"),
        ("writers", "person"),
    ):
        if kind == "song":
            keys += [f"{key_kind}:{o.pk}" for o in getattr(subject, relation).all()]
    keys += [f"article:{article.pk}" for article in context.get("coverage") or ()]
    return list(dict.fromkeys(keys))
