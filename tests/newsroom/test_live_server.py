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


def test_the_gate_lets_a_running_request_finish_and_turns_later_ones_away():
    """What keeps a closing page's last requests away from the test's flush."""
    import threading

    from tests.conftest import RequestGate

    started, release = threading.Event(), threading.Event()
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        started.set()
        release.wait(10)
        start_response("200 OK", [])
        return [b"done"]

    gate = RequestGate(app)
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    running = threading.Thread(
        target=gate, args=({"PATH_INFO": "/first"}, start_response)
    )
    running.start()
    assert started.wait(10)
    drained = threading.Event()
    closing = threading.Thread(target=lambda: (gate.close_and_drain(), drained.set()))
    closing.start()
    for _ in range(1000):
        if not gate.is_open:
            break
        threading.Event().wait(0.01)
    # The gate is closing but the first request is still running: it waits.
    assert not drained.wait(0.3)
    assert gate({"PATH_INFO": "/late"}, start_response) == [
        b"The test that sent this request has ended."
    ]
    release.set()
    assert drained.wait(10)
    running.join(10)
    closing.join(10)
    assert calls == ["/first"]
    assert statuses == ["503 Service Unavailable", "200 OK"]
    gate.open()
    gate({"PATH_INFO": "/next"}, start_response)
    assert calls == ["/first", "/next"]
