import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from tests import factories


def uses_live_server(item):
    return "live_server" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    """Mark every test that starts a live server, so `-m live_server` finds them all."""
    for item in items:
        if uses_live_server(item):
            item.add_marker(pytest.mark.live_server)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """SQLite in a temporary file, not in memory, when live-server tests run.

    For an in-memory database Django hands the test thread's one connection to the
    live server, whose request threads then use it at the same time as each other
    and as the test: sqlite3 fails at random with "InterfaceError: bad parameter or
    other API misuse". With a file every thread opens its own connection, and WAL
    with IMMEDIATE transactions (settings) lets them take turns.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    on_sqlite = database["ENGINE"].endswith("sqlite3")
    if not on_sqlite or database.get("TEST", {}).get("NAME"):
        yield
        return
    if not any(uses_live_server(item) for item in request.session.items):
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="newsroom-test-db-"))
    database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    yield
    shutil.rmtree(folder, ignore_errors=True)


class RequestGate:
    """The live server's application behind a gate that counts requests in flight.

    A browser test ends while the page may still be sending (the autosave beacon
    a closing tab fires, the panel's checks). The test database's flush then takes
    exclusive locks, and a request still reading deadlocks it (seen on
    PostgreSQL); one arriving after the flush writes into the next test. So when
    a test ends the gate closes: what is in flight finishes, what comes later is
    answered 503 without touching the database, and the flush runs alone.
    """

    def __init__(self, app):
        self.app = app
        self.state = threading.Condition()
        self.is_open = True
        self.in_flight = 0

    def __call__(self, environ, start_response):
        with self.state:
            if not self.is_open:
                start_response(
                    "503 Service Unavailable", [("Content-Type", "text/plain")]
                )
                return [b"The test that sent this request has ended."]
            self.in_flight += 1
        try:
            result = self.app(environ, start_response)
            try:
                # Read the whole response here, so "finished" includes its body and
                # Django's request_finished (which closes the database connection).
                return [b"".join(result)]
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            with self.state:
                self.in_flight -= 1
                self.state.notify_all()

    def open(self):
        with self.state:
            self.is_open = True

    def close_and_drain(self, seconds=60):
        with self.state:
            self.is_open = False
            if not self.state.wait_for(lambda: self.in_flight == 0, timeout=seconds):
                raise AssertionError(
                    f"{self.in_flight} live-server request(s) still running {seconds} s "
                    "after the test ended"
                )


@pytest.fixture(autouse=True)
def _live_server_gate(request):
    """Open the gate for a live-server test; close it, and drain, before its flush."""
    if not uses_live_server(request.node):
        yield
        return
    # Requested here so they are torn down after this fixture: the gate closes
    # (and the page's last requests finish) before the database is flushed.
    request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    httpd = live_server.thread.httpd
    gate = httpd.get_app()
    if not isinstance(gate, RequestGate):
        gate = RequestGate(gate)
        httpd.set_app(gate)
    gate.open()
    yield
    gate.close_and_drain()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and renditions to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def writer(db):
    return factories.make_writer("writer-fixture")


@pytest.fixture
def other_writer(db):
    return factories.make_writer("other-writer-fixture")


@pytest.fixture
def editor(db):
    return factories.make_editor("editor-fixture")


@pytest.fixture
def reader(db):
    return factories.make_user("reader-fixture")
