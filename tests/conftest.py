import shutil
import tempfile
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
