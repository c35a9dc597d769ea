"""A per-client request budget for the API, counted in the shared cache."""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")
KEY_PREFIX = "newsroom:api-rate"


def parse_rate(text):
    """'120/min' -> (120, 60); '' or 'off' -> None (no limit)."""
    raw = (text or "").strip().lower()
    if raw in {"", "off", "none", "0"}:
        return None
    match = RATE_RE.match(raw)
    if not match or match.group(2) not in PERIODS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"API_RATE_LIMIT must look like '120/min' (per s, min, hour or day), "
            f"or 'off'; got {text!r}."
        )
    return int(match.group(1)), PERIODS[match.group(2)]


def client_address(request):
    """The client's IP; behind a trusted proxy, the last address it forwarded."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.API_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return remote


def check(request):
    """Count this request; returns (allowed, limit, remaining, retry_after)."""
    rate = parse_rate(settings.API_RATE_LIMIT)
    if rate is None:
        return True, None, None, 0
    limit, period = rate
    now = time.time()
    window = int(now // period)
    key = f"{KEY_PREFIX}:{period}:{window}:{client_address(request)}"
    # add() then incr() so concurrent workers share one counter per window.
    cache.add(key, 0, period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, period + 1)
        count = 1
    retry_after = max(1, int((window + 1) * period - now) + 1)
    return count <= limit, limit, max(0, limit - count), retry_after
