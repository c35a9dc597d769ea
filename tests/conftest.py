import pytest

from tests import factories


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
