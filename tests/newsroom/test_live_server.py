"""The live server used by the browser tests survives concurrent requests on any database."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from articles.models import Article
from tests import factories


def test_live_server_does_not_share_an_in_memory_sqlite_connection(live_server):
    """Sharing one sqlite3 connection between threads fails at random (issue 10)."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()


def test_live_server_answers_concurrent_requests_while_the_test_queries(live_server):
    articles = [factories.make_article(title=f"Concurrent {i}") for i in range(3)]
    urls = [live_server.url + a.get_absolute_url() for a in articles] + [
        live_server.url + "/",
        live_server.url + "/search/?q=Concurrent",
    ]

    def fetch(url):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=6) as pool:
        pending = [pool.submit(fetch, url) for url in urls * 12]
        # Meanwhile the test thread reads and writes, as a browser test does
        # between page loads.
        while not all(future.done() for future in pending):
            Article.objects.filter(title__startswith="Concurrent").count()
            factories.make_author()
        statuses = [future.result() for future in pending]
    assert statuses == [200] * len(statuses)
