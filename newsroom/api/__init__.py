"""The read-only JSON API under /api/v1/ (Django Ninja).

``main`` builds the API from the routers in ``articles`` and ``knowledge``;
``http`` adds what every response needs (CORS, rate limit, validators);
``pagination`` holds the opaque keyset cursors. Nothing here writes.
"""
