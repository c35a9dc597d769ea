import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from articles import revisions, services
from articles.models import Article, Revision
from tests.factories import (
    make_article,
    make_author,
    make_citation,
    make_film,
    make_person,
    make_quote,
    make_source,
)

pytestmark = pytest.mark.django_db


def test_snapshot_holds_fields_and_every_relation(writer):
    author = make_author()
    article = make_article(published=False, authors=[author], tags=["Sequels", "Netflix"])
    film = make_film()
    article.films.add(film)
    source = make_source()
    make_citation(article, source, supports="filming dates")
    speaker = make_person()
    make_quote(article, speaker=speaker, source=source, words="We start in March.")

    data = revisions.snapshot(article)

    assert data["title"] == article.title
    assert data["body"] == article.body
    assert data["tags"] == ["Netflix", "Sequels"]
    assert data["authors"] == [author.pk]
    assert data["films"] == [film.pk]
    assert data["citations"] == [
        {"source": source.pk, "supports": "filming dates", "position": 0}
    ]
    assert data["quotes"][0]["words"] == "We start in March."
    assert data["quotes"][0]["speaker"] == speaker.pk


def test_revisions_are_numbered_per_article(writer):
    one, two = make_article(published=False), make_article(published=False)
    assert revisions.record(one, by=writer).number == 1
    assert revisions.record(one, by=writer).number == 2
    assert revisions.record(two, by=writer).number == 1


def test_the_same_number_twice_is_refused_by_the_database(writer):
    article = make_article(published=False)
    revisions.record(article, by=writer)
    with pytest.raises(IntegrityError):
        Revision.objects.create(article=article, number=1, status="draft", data={})


def test_diff_lists_changed_fields_and_body_paragraphs(writer):
    article = make_article(
        published=False, title="Old headline", body="<p>Same.</p><p>Old words.</p>"
    )
    old = revisions.record(article, by=writer)
    article.title = "New headline"
    article.body = "<p>Same.</p><p>New words.</p>"
    article.save()
    new = revisions.record(article, by=writer)

    changes = {c.field: c for c in revisions.diff(old, new)}

    assert set(changes) == {"title", "body"}
    assert changes["title"].old == "Old headline"
    assert changes["title"].new == "New headline"
    assert "-Old words." in changes["body"].lines
    assert "+New words." in changes["body"].lines
    assert " Same." in changes["body"].lines


def test_restore_brings_back_content_as_a_new_revision(writer):
    author = make_author()
    article = make_article(
        published=False, authors=[author], tags=["old"], created_by=writer
    )
    source = make_source()
    make_citation(article, source)
    first = revisions.record(article, by=writer)
    original_title = article.title

    article.title = "Rewritten"
    article.save()
    article.tags.set(["new"])
    article.citations.all().delete()
    revisions.record(article, by=writer)

    restored = revisions.restore(first, by=writer)

    article.refresh_from_db()
    assert article.title == original_title
    assert list(article.tags.names()) == ["old"]
    assert list(article.citations.values_list("source", flat=True)) == [source.pk]
    assert restored.kind == Revision.Kind.RESTORED
    assert restored.number == 3
    assert "revision 1" in restored.note


def test_restore_skips_rows_deleted_since(writer):
    article = make_article(published=False, created_by=writer)
    film = make_film()
    article.films.add(film)
    first = revisions.record(article, by=writer)
    article.films.clear()
    film.delete()

    revisions.restore(first, by=writer)

    assert article.films.count() == 0


def test_restore_onto_a_live_article_is_refused(editor):
    article = make_article(published=True)
    first = revisions.record(article, by=editor)
    with pytest.raises(ValidationError, match="Only a draft"):
        revisions.restore(first, by=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_restore_of_a_live_story_goes_onto_its_working_copy(editor):
    article = make_article(published=True, title="Live headline")
    first = revisions.record(article, by=editor)
    version = services.start_new_version(article, by=editor)
    version.title = "Rewritten headline"
    version.save()

    revisions.restore(first, by=editor)

    version.refresh_from_db()
    article.refresh_from_db()
    assert version.title == "Live headline"
    assert article.title == "Live headline"
    assert article.status == Article.Status.PUBLISHED


def test_restore_needs_the_right_to_edit(writer, other_writer):
    article = make_article(published=False, created_by=other_writer, authors=[])
    first = revisions.record(article, by=other_writer)
    with pytest.raises(PermissionDenied):
        revisions.restore(first, by=writer)
