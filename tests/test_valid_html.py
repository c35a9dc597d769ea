"""Every public page type passes the W3C Nu HTML checker, with the demo data and
with hostile data.

The checker (vnu.jar from npm's vnu-jar, run with Debian's Java) starts once for
all pages: they are written to a folder and checked in one call. scripts/test
installs both when missing (into .tools/).
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag

from articles import tags as article_tags
from articles.models import Article, AuthorProfile, Section
from articles.sanitize import clean_html
from franchise.models import Film, Franchise, Person, Song
from tests import factories
from tests.paths import TESTDATA

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar")
)
JAVA = shutil.which("java") or "/usr/bin/java"

pytestmark = pytest.mark.django_db


def hostile_strings():
    blns = json.loads((TESTDATA / "blns.json").read_text())
    xss = (TESTDATA / "xss_payloads.txt").read_text().splitlines()
    return [s for s in blns + xss if s.strip()]


def make_hostile_world():
    """One object of each public kind whose text is hostile (as the admin's
    cleaner leaves it: no control characters)."""
    from franchise.text import strip_unsafe

    strings = [strip_unsafe(s) for s in hostile_strings()]
    joined = " ".join(strings[:150])
    section = factories.make_section(name="<b>Hostile</b> & co", slug="hostile")
    author = factories.make_author(
        display_name=strings[-1][:150], slug="hostile-author", bio=joined
    )
    person = factories.make_person(name=strings[-2][:200], bio=joined)
    film = factories.make_film(title=strings[-3][:200], synopsis=joined)
    song = factories.make_song(title=strings[-4][:200])
    song.films.add(film)
    article = factories.make_article(
        title=strings[-5][:300],
        dek=joined,
        body="".join(f"<p>{s}</p>" for s in strings[:200])
        # An embed's placeholder, its title hostile (clean_html escapes it).
        + clean_html(
            '<figure data-embed="youtube:dQw4w9WgXcQ" '
            f'data-embed-title="{escape(strings[-10])}"></figure>'
            '<figure data-embed="spotify:track/4uLU6hMCjMI75M1A2tKUQC"></figure>'
        ),
        section=section,
        authors=[author],
        lead_image=factories.make_image(alt_text=strings[-6], credit=strings[-7]),
        lead_image_caption=strings[-8][:500],
    )
    # A picture and a gallery in the body, with hostile alt text and credits.
    pictures = [
        factories.make_image(
            alt_text=strings[-11 - i][:300], credit=strings[-20 - i][:200]
        )
        for i in range(3)
    ]
    article.body += clean_html(
        f'<figure data-image="{pictures[0].pk}" '
        f'data-image-caption="{escape(strings[-12])}"></figure>'
        f'<figure data-gallery="{pictures[1].pk} {pictures[2].pk}"></figure>'
    )
    article.save()
    names = [s[:100] for s in strings[-40:] if "," not in s]
    article.tags.set(article_tags.tags_for_names(names[:20] + ["\\", "!!!", "東京"]))
    article.films.add(film)
    article.people.add(person)
    article.songs.add(song)
    factories.make_quote(article, words=joined[:2000], speaker=person)
    factories.make_citation(article, source=factories.make_source(title=strings[-9][:200]))
    return {"article": article, "section": section, "author": author,
            "person": person, "film": film, "song": song}


def local(url):
    """The file path in one of vnu's ``file:/…`` URLs."""
    return (url or "").removeprefix("file:").removeprefix("//")


def page_urls():
    """One or more address of every public page type."""
    urls = ["/", "/corrections/", "/search/", "/search/?q=purple+hearts",
            "/search/?q=%3Cscript%3E"]
    urls += [url for _key, url, _title in settings.STANDARDS_PAGES]
    urls += [s.get_absolute_url() for s in Section.objects.all()]
    urls += [a.get_absolute_url() for a in Article.objects.published()]
    urls += [a.get_absolute_url() for a in AuthorProfile.objects.all()]
    urls += [reverse("articles:tag", args=[t.slug]) for t in Tag.objects.all()]
    for model in (Film, Person, Song, Franchise):
        urls += [obj.get_absolute_url() for obj in model.objects.all()]
    return urls


def test_every_public_page_type_has_no_html_errors(client, tmp_path, settings):
    assert VNU_JAR.is_file(), (
        f"No Nu HTML checker at {VNU_JAR}: run scripts/test (it installs it) or "
        "`npm install --prefix .tools vnu-jar`."
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        call_command("load_demo", stdout=io.StringIO())
        make_hostile_world()
    pages = tmp_path / "pages"
    pages.mkdir()
    files = {}
    kinds = set()
    for i, url in enumerate(page_urls()):
        response = client.get(url)
        assert response.status_code == 200, url
        path = pages / f"page-{i}.html"
        path.write_bytes(response.content)
        files[str(path)] = url
        kinds.add(url.split("/")[1])
    assert {"", "about", "corrections", "search", "tags", "films", "people",
            "songs", "authors", "hostile"} <= kinds, kinds

    # A page known to be invalid proves the checker read the folder.
    canary = pages / "canary.html"
    canary.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<title>x</title></head><body><time datetime="soon">x</time></body></html>'
    )
    result = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         *map(str, sorted(pages.iterdir()))],
        capture_output=True, text=True, timeout=600, check=False,
    )
    report = json.loads(result.stderr or result.stdout)
    assert any(
        local(m.get("url")) == str(canary) and m["type"] == "error"
        for m in report["messages"]
    ), report
    errors = [
        f"{files.get(local(m.get('url')), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if (m["type"] == "error" or m.get("subType") == "fatal")
        and local(m.get("url")) != str(canary)
    ]
    assert errors == [], "\n".join(errors)
