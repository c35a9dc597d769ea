"""The bulk loader for the benchmark corpus (shared/bench/corpus.py)."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from taggit.models import Tag, TaggedItem

from articles.models import Article, AuthorProfile, Byline, Citation, Section
from franchise.models import Source
from tests import factories
from tests.paths import SHARED

CORPUS_SCRIPT = SHARED / "bench" / "corpus.py"


@pytest.fixture(scope="module")
def corpus_lines():
    # shared/ sits beside the repository on every machine and in CI.
    assert CORPUS_SCRIPT.exists(), f"{CORPUS_SCRIPT} is missing: clone shared/ beside"
    result = subprocess.run(
        [sys.executable, str(CORPUS_SCRIPT), "--n", "50", "--seed", "42"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.splitlines()


@pytest.fixture
def corpus(tmp_path, corpus_lines):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(corpus_lines) + "\n", encoding="utf-8")
    return path


def load(path):
    out = StringIO()
    call_command("load_corpus", str(path), stdout=out)
    return out.getvalue()


def write_lines(tmp_path, lines):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_load_corpus_creates_published_articles_with_relations(corpus, corpus_lines):
    records = [json.loads(line) for line in corpus_lines]

    output = load(corpus)

    assert "Loaded 50 articles" in output
    assert " s." in output
    assert Article.objects.published().count() == 50
    first = Article.objects.get(slug=records[0]["slug"])
    assert first.title == records[0]["title"]
    assert first.section.name == records[0]["section"]
    assert [b.author.display_name for b in first.bylines.all()] == records[0]["authors"]
    assert sorted(t.name for t in first.tags.all()) == sorted(records[0]["tags"])
    assert [c.source.url for c in first.citations.all()] == [
        s["url"] for s in records[0]["sources"]
    ]
    assert Byline.objects.count() == sum(len(r["authors"]) for r in records)
    assert TaggedItem.objects.count() == sum(len(r["tags"]) for r in records)
    assert Citation.objects.count() == sum(len(r["sources"]) for r in records)
    assert Tag.objects.count() == len({t for r in records for t in r["tags"]})
    assert AuthorProfile.objects.count() == len(
        {a for r in records for a in r["authors"]}
    )
    assert Section.objects.count() == len({r["section"] for r in records})


@pytest.mark.django_db
def test_load_corpus_maps_source_kinds(corpus, corpus_lines):
    load(corpus)

    kinds = set(Source.objects.values_list("kind", flat=True))

    assert kinds <= set(Source.Kind.values)
    assert Source.Kind.INTERVIEW in kinds or Source.Kind.OUTLET_REPORT in kinds


@pytest.mark.django_db
def test_load_corpus_sanitises_bodies(tmp_path, corpus_lines):
    record = json.loads(corpus_lines[0])
    record["body_html"] = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    path = write_lines(tmp_path, [json.dumps(record)])

    load(path)

    body = Article.objects.get(slug=record["slug"]).body
    assert "script" not in body
    assert "onclick" not in body
    assert "Hi" in body


@pytest.mark.django_db
def test_load_corpus_twice_skips_existing_slugs(corpus):
    load(corpus)

    output = load(corpus)

    assert "Loaded 0 articles (50 already present)" in output
    assert Article.objects.count() == 50


@pytest.mark.django_db
def test_load_corpus_reuses_existing_tags_authors_and_sections(corpus, corpus_lines):
    record = json.loads(corpus_lines[0])
    factories.make_section(name=record["section"], slug=record["section"].lower())
    Tag.objects.create(name=record["tags"][0].upper(), slug="existing-tag")

    load(corpus)

    assert Tag.objects.filter(name__iexact=record["tags"][0]).count() == 1
    assert Section.objects.filter(name=record["section"]).count() == 1


@pytest.mark.django_db
def test_load_corpus_refuses_malformed_line_and_loads_nothing(tmp_path, corpus_lines):
    path = write_lines(tmp_path, [corpus_lines[0], corpus_lines[1], "{not json"])

    with pytest.raises(CommandError, match="line 3"):
        load(path)

    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_load_corpus_refuses_record_missing_a_field(tmp_path, corpus_lines):
    record = json.loads(corpus_lines[1])
    del record["section"]
    path = write_lines(tmp_path, [corpus_lines[0], json.dumps(record)])

    with pytest.raises(CommandError, match=r"line 2: missing field 'section'"):
        load(path)

    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_load_corpus_refuses_unknown_source_kind(tmp_path, corpus_lines):
    record = json.loads(corpus_lines[0])
    record["sources"] = [{"name": "X", "url": "https://x.example/", "kind": "rumour"}]
    path = write_lines(tmp_path, [json.dumps(record)])

    with pytest.raises(CommandError, match="line 1: unknown source kind"):
        load(path)


@pytest.mark.django_db
def test_load_corpus_refuses_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "nope.jsonl")


@pytest.mark.django_db
def test_load_corpus_gives_reserved_section_names_their_own_address(
    tmp_path, corpus_lines
):
    record = json.loads(corpus_lines[0])
    record["section"] = "People"
    path = write_lines(tmp_path, [json.dumps(record)])

    load(path)

    assert Section.objects.get(name="People").slug == "people-news"


@pytest.mark.django_db
def test_load_corpus_builds_the_search_index(corpus, corpus_lines):
    load(corpus)

    if connection.vendor == "postgresql":
        assert not Article.objects.filter(search_vector__isnull=True).exists()
        assert Article.objects.filter(search_vector="sequel").exists() == any(
            "sequel" in line.lower() for line in corpus_lines
        )
    else:
        from articles.search import search_articles

        term = json.loads(corpus_lines[0])["title"].split()[0]
        assert search_articles(term).exists()
