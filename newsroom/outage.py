"""A friendly 503 while the database is unreachable, and recovery without a restart."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("newsroom.outage")

# Seconds a reader (or a crawler) should wait before trying again.
RETRY_AFTER = 10


class DatabaseOutageMiddleware:
    """Answer 503 with Retry-After when a view cannot reach the database.

    OperationalError and InterfaceError are what psycopg and sqlite3 raise when
    the server is down, restarting or refusing connections. Django drops a
    connection that raised them at the end of the request, so the next request
    connects afresh: once the database is back, pages are back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unreachable for %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        # Rendered without the request: context processors would query.
        html = render_to_string(
            "503.html",
            {
                "site_name": settings.SITE_NAME,
                "retry_after": RETRY_AFTER,
                "request_path": request.get_full_path(),
            },
        )
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        # Neither the page cache nor nginx's microcache may keep the outage.
        add_never_cache_headers(response)
        return response
