"""Draft/live separation: a live article changes only when a new version is published."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import preview, revisions, services
from articles.models import Article, EditorialComment, PreviewLink, Transition
from tests.factories import (
    make_article,
    make_author,
    make_citation,
    make_editor,
    make_source,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def live(writer):
    author = make_author(user=writer)
    article = make_article(
        title="Sofia Carson confirms the sequel",
        kind=Article.Kind.FEATURE,
        authors=[author],
        tags=["sequels"],
        created_by=writer,
    )
    make_citation(article, make_source(title="Interview"))
    return article


def through_review(version, writer, editor):
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)
    return services.publish(version, by=editor)


def test_new_version_copies_everything_and_leaves_the_live_row_alone(live, writer):
    version = services.start_new_version(live, by=writer)

    assert version.pk != live.pk
    assert version.draft_of == live
    assert version.status == Status.DRAFT
    assert version.slug == live.slug
    assert list(version.tags.names()) == ["sequels"]
    assert version.citations.get().source.title == "Interview"
    assert Article.objects.published().get() == live
    assert Transition.objects.get(action="new_version").article == live


def test_starting_twice_returns_the_same_pending_version(live, writer):
    first = services.start_new_version(live, by=writer)
    assert services.start_new_version(live, by=writer) == first
    assert Article.objects.filter(draft_of=live).count() == 1


def test_editing_the_version_never_changes_what_readers_see(client, live, writer):
    version = services.start_new_version(live, by=writer)
    version.title = "Sofia Carson confirms the sequel — and a new song"
    version.body = "<p>Rewritten.</p>"
    version.save()

    page = client.get(live.get_absolute_url())
    assert page.status_code == 200
    assert "a new song" not in page.text
    assert "Rewritten." not in page.text
    assert Article.objects.published().get().title == "Sofia Carson confirms the sequel"


def test_publishing_the_version_updates_the_live_article_in_place(
    client, live, writer, editor
):
    first_published = live.first_published_at
    version = services.start_new_version(live, by=writer)
    version.title = "Sofia Carson confirms the sequel — and a new song"
    version.save()
    version.tags.set(["sequels", "soundtrack"])
    version.citations.all().delete()
    make_citation(version, make_source(title="Follow-up call"))

    published = through_review(version, writer, editor)

    assert published.pk == live.pk
    live.refresh_from_db()
    assert live.title.endswith("and a new song")
    assert live.first_published_at == first_published
    assert live.updated_at is not None
    assert sorted(live.tags.names()) == ["sequels", "soundtrack"]
    assert live.citations.get().source.title == "Follow-up call"
    assert not Article.objects.filter(pk=version.pk).exists()
    assert "and a new song" in client.get(live.get_absolute_url()).text
    history = list(
        Transition.objects.filter(article=live)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert history == ["new_version", "submit", "approve", "publish"]
    flagged = Transition.objects.filter(article=live, on_new_version=True)
    assert set(flagged.values_list("action", flat=True)) == {"submit", "approve"}


def test_a_versions_moves_stay_with_it_until_published(live, writer, editor):
    version = services.start_new_version(live, by=writer)
    services.submit_for_review(version, by=writer)
    services.request_changes(version, by=editor, comment="Source the song title.")
    entry = Transition.objects.get(article=version, action="request_changes")
    assert entry.on_new_version
    assert entry.reason == "Source the song title."


def test_a_new_address_on_publication_redirects_the_old_one(client, live, writer, editor):
    old_url = live.get_absolute_url()
    version = services.start_new_version(live, by=writer)
    version.slug = "carson-confirms-sequel"
    version.save()
    through_review(version, writer, editor)
    live.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == live.get_absolute_url()


def test_version_cannot_take_another_articles_address(live, writer, editor):
    make_article(slug="taken")
    version = services.start_new_version(live, by=writer)
    version.slug = "taken"
    version.save()
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)
    with pytest.raises(ValidationError, match="already uses"):
        services.publish(version, by=editor)
    assert Article.objects.get(pk=live.pk).slug != "taken"


def test_another_writer_cannot_start_a_version(live, other_writer):
    with pytest.raises(PermissionDenied):
        services.start_new_version(live, by=other_writer)


def test_only_published_articles_get_versions(writer):
    draft = make_article(published=False, created_by=writer)
    with pytest.raises(ValidationError, match="edit this one directly"):
        services.start_new_version(draft, by=writer)


def test_versions_can_be_scheduled_and_readers_keep_the_live_text(
    live, writer, editor
):
    version = services.start_new_version(live, by=writer)
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)
    at = timezone.now() + dt.timedelta(hours=1)
    services.schedule(version, by=editor, at=at)
    version.refresh_from_db()
    assert (version.status, version.published_at) == (Status.SCHEDULED, at)
    assert Article.objects.published().get() == live


def test_revisions_of_a_version_continue_the_storys_numbering(live, writer):
    revisions.record(live, by=writer)
    version = services.start_new_version(live, by=writer)
    latest = revisions.record(version, by=writer)
    assert latest.article == live
    assert latest.number == 3  # live, the version's start, this save


class TestTrash:
    def test_trashed_article_disappears_and_comes_back(self, client, live, editor):
        url = live.get_absolute_url()
        services.trash(live, by=editor, reason="Duplicate")
        assert client.get(url).status_code == 404
        assert not Article.objects.published().exists()
        assert Article.objects.trashed().get() == live

        services.restore_from_trash(live, by=editor)
        assert client.get(url).status_code == 200
        actions = Transition.objects.filter(article=live).values_list("action", flat=True)
        assert {"delete", "restore"} <= set(actions)

    def test_writer_cannot_trash(self, live, writer):
        with pytest.raises(PermissionDenied):
            services.trash(live, by=writer)
        assert Article.objects.not_trashed().filter(pk=live.pk).exists()


class TestComments:
    def test_writer_and_editor_comment_and_resolve(self, writer, editor):
        draft = make_article(published=False, created_by=writer)
        comment = services.add_comment(draft, by=editor, text="Which interview?")
        services.resolve_comment(comment, by=writer)
        comment.refresh_from_db()
        assert comment.is_resolved
        assert comment.resolved_by == writer

    def test_writer_cannot_comment_on_another_writers_draft(self, writer, other_writer):
        draft = make_article(published=False, created_by=other_writer, authors=[])
        with pytest.raises(PermissionDenied):
            services.add_comment(draft, by=writer, text="Hi")
        assert not EditorialComment.objects.exists()


class TestPreviewLinks:
    def test_link_opens_until_revoked(self, writer):
        draft = make_article(published=False, created_by=writer)
        link = preview.create_preview_link(draft, by=writer, days=2)
        token = preview.preview_token(link)
        assert preview.link_from_token(token) == link
        preview.revoke_preview_link(link, by=make_editor())
        assert preview.link_from_token(token) is None

    def test_expired_or_forged_links_do_not_open(self, writer):
        draft = make_article(published=False, created_by=writer)
        link = preview.create_preview_link(draft, by=writer)
        PreviewLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert preview.link_from_token(preview.preview_token(link)) is None
        assert preview.link_from_token(link.token) is None  # unsigned
        assert preview.link_from_token("garbage:value") is None

    def test_link_lifetime_is_bounded(self, writer):
        draft = make_article(published=False, created_by=writer)
        with pytest.raises(ValidationError):
            preview.create_preview_link(draft, by=writer, days=90)


def test_a_preview_link_has_one_stable_address(writer, monkeypatch):
    import django.core.signing

    draft = make_article(published=False, created_by=writer)
    link = preview.create_preview_link(draft, by=writer)
    first = preview.preview_token(link)
    # An hour later the page shows the same address to copy.
    later = django.core.signing.time.time() + 3600
    monkeypatch.setattr(django.core.signing.time, "time", lambda: later)
    assert preview.preview_token(link) == first
    assert preview.link_from_token(first) == link
