"""The demo's knowledge-base pages as readers see them."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from franchise.models import Film, Franchise, Person, Song

pytestmark = pytest.mark.django_db

# How the demo data's notes for editors refer to the seed documents.
SEED_NOTE = re.compile(r"\bseed\s+0\d\d\b|Named only in", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the module, inside a transaction rolled back after."""
    media = tmp_path_factory.mktemp("demo-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_no_page_of_the_knowledge_base_shows_the_editors_notes_on_the_seeds(
    client, demo
):
    pages = [
        *Song.objects.all(),
        *Franchise.objects.all(),
        *Film.objects.all(),
        *Person.objects.all(),
    ]
    assert len(pages) > 20
    for obj in pages:
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert not SEED_NOTE.search(html), (
            obj.get_absolute_url(),
            SEED_NOTE.search(html),
        )


def test_the_sequels_page_shows_its_disputes_in_the_header_and_first_in_the_box(
    client, demo
):
    html = client.get("/films/purple-hearts-2/").content.decode()
    start = html.index('class="entity__header"')
    header = html[start : html.index("</header>", start)]
    assert "Not announced" not in header
    assert header.count('class="disputed"') >= 3  # subtitle, status, release
    box = html[html.index('class="fact-box"') :]
    assert box.index('id="disputed-facts"') < box.index("Not in dispute")
    assert "Reported in <a href=" in box
