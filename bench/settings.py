"""Benchmark settings: the production settings, plus the page cache middleware.

Used only by bench/run.py, so the figures hold even before the middleware is
listed in newsroom/settings.py.
"""

import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import MIDDLEWARE

PAGE_CACHE = "newsroom.caching.PublicPageCacheMiddleware"
if PAGE_CACHE not in MIDDLEWARE:
    MIDDLEWARE = list(MIDDLEWARE)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, PAGE_CACHE
    )
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
