import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import services
from articles.models import Article, Transition
from tests.articles.test_corrections_versions import RIGHT as RIGHT_TEXT
from tests.articles.test_corrections_versions import due_versions
from tests.factories import draft_by, in_state, make_editor, make_writer

Status = Article.Status


@pytest.mark.django_db
class TestSubmit:
    def test_writer_submits_own_draft(self, writer):
        article = draft_by(writer)
        services.submit_for_review(article, by=writer)
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW
        entry = Transition.objects.get(article=article)
        assert (entry.action, entry.from_status, entry.to_status, entry.by) == (
            "submit",
            "draft",
            "in_review",
            writer,
        )

    def test_submission_mail_goes_to_editors_after_commit(
        self, writer, editor, django_capture_on_commit_callbacks
    ):
        editor.email = "ed@example.org"
        editor.save()
        article = draft_by(writer)
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_for_review(article, by=writer)
        assert [m.to for m in mail.outbox] == [["ed@example.org"]]
        assert article.title in mail.outbox[0].subject

    def test_writer_cannot_submit_another_writers_draft(self, writer, other_writer):
        article = draft_by(other_writer)
        with pytest.raises(PermissionDenied):
            services.submit_for_review(article, by=writer)
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert not Transition.objects.exists()

    def test_article_in_review_cannot_be_submitted_again(self, writer):
        article = in_state(Status.IN_REVIEW, writer)
        with pytest.raises(ValidationError, match="in review"):
            services.submit_for_review(article, by=writer)


@pytest.mark.django_db
class TestEditorsOnly:
    @pytest.mark.parametrize(
        "call",
        [
            lambda a, u: services.approve(a, by=u),
            lambda a, u: services.request_changes(a, by=u, comment="Fix it"),
            lambda a, u: services.publish(a, by=u),
            lambda a, u: services.schedule(
                a, by=u, at=timezone.now() + dt.timedelta(days=1)
            ),
            lambda a, u: services.unpublish(a, by=u),
            lambda a, u: services.retract(a, by=u, note="Wrong"),
        ],
        ids=["approve", "request_changes", "publish", "schedule", "unpublish", "retract"],
    )
    def test_writer_is_refused_every_editor_transition(self, writer, call):
        article = in_state(Status.IN_REVIEW, writer)
        with pytest.raises(PermissionDenied):
            call(article, writer)
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW
        assert not Transition.objects.exists()

    def test_writer_cannot_publish_own_draft(self, writer):
        article = in_state(Status.APPROVED, writer)
        with pytest.raises(PermissionDenied):
            services.publish(article, by=writer)
        assert not Article.objects.published().exists()


@pytest.mark.django_db
class TestFullLoop:
    def test_request_changes_returns_draft_with_comment(self, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        services.request_changes(article, by=editor, comment="  Source the date.  ")
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert Transition.objects.get().reason == "Source the date."

    def test_request_changes_needs_a_comment(self, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        with pytest.raises(ValidationError, match="comment is required"):
            services.request_changes(article, by=editor, comment="  ")

    def test_approve_then_publish_sets_times_once(self, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        services.approve(article, by=editor)
        services.publish(article, by=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.first_published_at == article.published_at
        assert article.updated_at is None
        assert Article.objects.published().get() == article
        actions = list(
            Transition.objects.order_by("at", "id").values_list("action", flat=True)
        )
        assert actions == ["approve", "publish"]

    def test_cannot_publish_from_review_without_approval(self, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        with pytest.raises(ValidationError):
            services.publish(article, by=editor)

    def test_unpublish_then_republish_marks_an_update(self, writer, editor):
        article = in_state(Status.APPROVED, writer)
        services.publish(article, by=editor)
        first = Article.objects.get(pk=article.pk).first_published_at
        services.unpublish(article, by=editor, reason="Legal hold")
        assert not Article.objects.published().exists()
        Article.objects.filter(pk=article.pk).update(status=Status.APPROVED)
        services.publish(article, by=editor)
        article.refresh_from_db()
        assert article.first_published_at == first
        assert article.updated_at is not None

    def test_retract_keeps_url_public_with_note(self, writer, editor):
        article = in_state(Status.APPROVED, writer)
        services.publish(article, by=editor)
        services.retract(article, by=editor, note="The interview did not happen.")
        article.refresh_from_db()
        assert article.status == Status.RETRACTED
        assert article.retraction_note == "The interview did not happen."
        assert not Article.objects.published().exists()
        assert Article.objects.public().get() == article

    def test_retraction_needs_a_note(self, writer, editor):
        article = in_state(Status.APPROVED, writer)
        services.publish(article, by=editor)
        with pytest.raises(ValidationError):
            services.retract(article, by=editor, note="")


@pytest.mark.django_db
class TestScheduling:
    def test_scheduled_article_is_invisible_until_its_time(self, writer, editor):
        article = in_state(Status.APPROVED, writer)
        at = timezone.now() + dt.timedelta(hours=2)
        services.schedule(article, by=editor, at=at)
        assert not Article.objects.published().exists()
        assert not Article.objects.public().exists()
        # Time passes; no job has run, yet the query shows it.
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert Article.objects.published().get() == article

    def test_schedule_in_the_past_is_refused(self, writer, editor):
        article = in_state(Status.APPROVED, writer)
        with pytest.raises(ValidationError, match="future"):
            services.schedule(
                article, by=editor, at=timezone.now() - dt.timedelta(minutes=1)
            )

    def test_command_publishes_due_articles_once(self, writer, editor):
        due = in_state(Status.APPROVED, writer)
        later = in_state(Status.APPROVED, writer)
        services.schedule(due, by=editor, at=timezone.now() + dt.timedelta(hours=1))
        services.schedule(later, by=editor, at=timezone.now() + dt.timedelta(days=1))
        Article.objects.filter(pk=due.pk).update(
            published_at=timezone.now() - dt.timedelta(minutes=1)
        )
        first, second = io.StringIO(), io.StringIO()
        call_command("publish_scheduled", stdout=first)
        call_command("publish_scheduled", stdout=second)
        assert "1 scheduled article(s) published" in first.getvalue()
        assert "0 scheduled article(s) published" in second.getvalue()
        due.refresh_from_db()
        later.refresh_from_db()
        assert due.status == Status.PUBLISHED
        assert later.status == Status.SCHEDULED
        system_entries = Transition.objects.filter(by=None, action="publish")
        assert list(system_entries.values_list("article", flat=True)) == [due.pk]


@pytest.mark.django_db
def test_a_run_overlapping_another_never_records_an_article_twice(
    writer, editor, monkeypatch
):
    articles = [in_state(Status.APPROVED, writer) for _ in range(3)]
    for article in articles:
        services.schedule(article, by=editor, at=timezone.now() + dt.timedelta(hours=1))
    Article.objects.update(published_at=timezone.now() - dt.timedelta(minutes=1))
    real_record = services._record
    nested = []

    def record_then_let_another_run_in(*args, **kwargs):
        entry = real_record(*args, **kwargs)
        if not nested:
            nested.append(None)
            # A second run starts after the first listed the due articles.
            nested[0] = services.publish_due()
        return entry

    monkeypatch.setattr(services, "_record", record_then_let_another_run_in)
    first = services.publish_due()
    assert len(first) + len(nested[0]) == 3
    assert Transition.objects.filter(by=None, action="publish").count() == 3


def publish_due_twice_at_once(timeout):
    """Two scheduled-publisher runs started together, each on its own connection.

    Returns how many articles each published, and the errors they raised.
    """
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(len(services.publish_due()))
        except Exception as exc:  # surfaced by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks whole tables across "
    "threads; the PostgreSQL run of the suite covers real concurrency.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_the_scheduled_publisher_record_each_article_once(
    writer, editor
):
    articles = [in_state(Status.APPROVED, writer) for _ in range(5)]
    for article in articles:
        services.schedule(article, by=editor, at=timezone.now() + dt.timedelta(hours=1))
    Article.objects.update(published_at=timezone.now() - dt.timedelta(minutes=1))

    results, errors = publish_due_twice_at_once(timeout=30)
    assert errors == []
    assert sum(results) == 5
    assert Transition.objects.filter(by=None, action="publish").count() == 5
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 5


# Scheduled new versions (the rest: tests/articles/test_corrections_versions.py).
# Here, after the test above: a transactional test's flush drops the groups
# the migrations made, so it must come last and recreate them.


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks whole tables across "
    "threads; the PostgreSQL run of the suite covers real concurrency.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_publish_each_scheduled_version_once():
    # Runs after the test above, whose flush took the migrated groups away.
    from django.apps import apps

    from articles.roles import sync_roles

    sync_roles(apps)
    writer, editor = make_writer(), make_editor()
    lives = due_versions(4, writer, editor)
    results, errors = publish_due_twice_at_once(timeout=60)
    assert errors == []
    assert sum(results) == 4
    assert Transition.objects.filter(by=None, action="publish").count() == 4
    for live in lives:
        live.refresh_from_db()
        assert live.body == RIGHT_TEXT
