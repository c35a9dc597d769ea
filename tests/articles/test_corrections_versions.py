"""Corrections that correct, scheduled new versions, history restores that succeed."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import revisions, services
from articles.admin import ACTION_FIELD
from articles.models import Article, Correction, Transition
from tests.factories import (
    change_url,
    in_state,
    make_citation,
    make_source,
)

pytestmark = pytest.mark.django_db
Status = Article.Status
WRONG = "<p>The sequel starts filming in June.</p>"
RIGHT = "<p>The sequel starts filming in May.</p>"


@pytest.fixture
def live(writer):
    article = in_state(
        Status.PUBLISHED,
        writer,
        title="Sequel dated",
        body=WRONG,
        kind=Article.Kind.FEATURE,
    )
    make_citation(article, make_source(title="Interview"))
    return article


def correct(client, article, **fields):
    data = {
        ACTION_FIELD: "add_correction",
        "_selected_action": str(article.pk),
        "_confirm": "1",
    }
    data.update({f"workflow-{key}": value for key, value in fields.items()})
    return client.post(change_url(article), data)


def fix_text(version, body=RIGHT):
    version.body = body
    version.save()


def through_review(version, writer, editor):
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)


# Corrections that correct


def test_correct_this_article_opens_a_new_version_carrying_the_note(
    client, live, editor
):
    client.force_login(editor)
    response = correct(
        client, live, kind="correction", text="Filming starts in May, not June."
    )

    version = Article.objects.get(draft_of=live)
    assert response.status_code == 302
    assert response.url == change_url(version)
    assert version.pending_correction == {
        "kind": "correction",
        "text": "Filming starts in May, not June.",
    }
    assert version.status == Status.DRAFT
    # Nothing reaches readers yet: the live text and the log are as they were.
    live.refresh_from_db()
    assert live.body == WRONG
    assert not Correction.objects.exists()


def test_publishing_the_correcting_version_changes_the_text_and_publishes_the_note(
    client, live, writer, editor
):
    version = services.start_correction(
        live, by=editor, text="Filming starts in May, not June."
    )
    fix_text(version)
    through_review(version, writer, editor)

    services.publish(version, by=editor)

    live.refresh_from_db()
    assert live.body == RIGHT
    assert not Article.objects.filter(draft_of=live).exists()
    correction = Correction.objects.get(article=live)
    assert (correction.kind, correction.text) == (
        "correction",
        "Filming starts in May, not June.",
    )
    assert live.updated_at == correction.published_at
    assert Transition.objects.filter(article=live, action="correct").exists()
    page = client.get(live.get_absolute_url()).content.decode()
    assert "filming in May" in page and "filming in June" not in page
    assert "Filming starts in May, not June." in page
    assert '"correction"' in page  # JSON-LD, as for every correction
    log = client.get(reverse("corrections")).content.decode()
    assert "Filming starts in May, not June." in log


def test_a_correction_on_a_version_in_progress_joins_it(live, writer, editor):
    version = services.start_new_version(live, by=writer)
    corrected = services.start_correction(
        live, by=editor, text="The studio is Netflix.", kind="clarification"
    )
    assert corrected == version
    version.refresh_from_db()
    assert version.pending_correction["kind"] == "clarification"


def test_writer_cannot_start_a_correction_even_by_a_crafted_post(
    client, live, writer
):
    client.force_login(writer)
    response = correct(client, live, kind="correction", text="Mine.")
    assert response.status_code == 403
    assert not Article.objects.filter(draft_of=live).exists()
    with pytest.raises(PermissionDenied):
        services.start_correction(live, by=writer, text="Mine.")


def test_the_note_only_correction_publishes_at_once_and_keeps_the_text(
    client, live, editor
):
    client.force_login(editor)
    response = correct(
        client, live, kind="clarification", text="Netflix is the studio.", how="note"
    )
    assert response.status_code == 302
    assert not Article.objects.filter(draft_of=live).exists()
    assert Correction.objects.get(article=live).kind == "clarification"


def test_a_scheduled_article_is_offered_only_the_note(client, writer, editor):
    article = in_state(Status.SCHEDULED, writer)
    client.force_login(editor)
    page = client.post(
        change_url(article),
        {ACTION_FIELD: "add_correction", "_selected_action": str(article.pk)},
    ).content.decode()
    assert 'value="note"' in page and 'value="version"' not in page
    with pytest.raises(ValidationError, match="not live yet"):
        services.start_correction(article, by=editor, text="Later.")


def test_empty_correction_note_is_refused_and_no_version_opens(live, editor):
    with pytest.raises(ValidationError, match="Write the correction"):
        services.start_correction(live, by=editor, text="  ")
    assert not Article.objects.filter(draft_of=live).exists()


# Scheduled new versions


def scheduled_version(live, writer, editor, at):
    version = services.start_new_version(live, by=writer)
    fix_text(version)
    through_review(version, writer, editor)
    return services.schedule(version, by=editor, at=at)


def test_a_scheduled_version_replaces_the_live_text_when_its_time_comes(
    live, writer, editor
):
    at = timezone.now() + dt.timedelta(hours=1)
    version = scheduled_version(live, writer, editor, at)
    assert services.publish_due() == []  # not yet
    live.refresh_from_db()
    assert live.body == WRONG
    assert list(Article.objects.published()) == [live]

    Article.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert list(Article.objects.published()) == [live]  # never listed itself
    published = services.publish_due()

    live.refresh_from_db()
    assert published == [live]
    assert live.body == RIGHT
    assert live.updated_at is not None
    assert not Article.objects.filter(pk=version.pk).exists()
    move = Transition.objects.filter(article=live, action="publish").first()
    assert (move.by, move.from_status, move.reason) == (
        None,
        Status.SCHEDULED,
        "scheduled time reached",
    )
    assert services.publish_due() == []  # safe to run twice


def test_the_command_publishes_a_scheduled_correction_with_its_note(
    live, writer, editor
):
    version = services.start_correction(live, by=editor, text="May, not June.")
    fix_text(version)
    through_review(version, writer, editor)
    services.schedule(version, by=editor, at=timezone.now() + dt.timedelta(hours=1))
    Article.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )

    call_command("publish_scheduled", stdout=io.StringIO())

    live.refresh_from_db()
    assert live.body == RIGHT
    assert Correction.objects.get(article=live).text == "May, not June."


def test_a_scheduled_version_of_an_article_taken_down_meanwhile_waits(
    live, writer, editor
):
    version = scheduled_version(
        live, writer, editor, timezone.now() + dt.timedelta(hours=1)
    )
    services.unpublish(live, by=editor, reason="Legal")
    Article.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.publish_due() == []
    version.refresh_from_db()
    assert version.status == Status.SCHEDULED
    live.refresh_from_db()
    assert live.body == WRONG


def test_editor_schedules_a_new_version_from_its_form(client, live, writer, editor):
    version = services.start_new_version(live, by=writer)
    through_review(version, writer, editor)
    client.force_login(editor)
    response = client.post(
        change_url(version),
        {
            ACTION_FIELD: "schedule",
            "_selected_action": str(version.pk),
            "_confirm": "1",
            "workflow-at": "2099-01-01T10:00",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == Status.SCHEDULED


# History offers only what succeeds


def history(client, article):
    return client.get(reverse("articles_admin:revisions", args=[article.pk]))


def offered_restore(client, article, number):
    """The history's restore button for ``number``, pressed: its label and result."""
    page = history(client, article)
    label = page.context["restore_label"] if page.context["can_restore"] else None
    return label, client.post(
        reverse("articles_admin:restore", args=[article.pk, number])
    )


def test_live_article_offers_a_new_version_from_the_revision_and_it_works(
    client, live, writer
):
    revisions.record(live, by=writer)
    live.title = "Sequel dated, edited"
    live.save()
    revisions.record(live, by=writer)
    client.force_login(writer)

    page = history(client, live).content.decode()
    assert "Restore as new draft" not in page
    assert "Start a new version from this revision" in page
    label, response = offered_restore(client, live, 1)

    assert label == "Start a new version from this revision"
    assert response.status_code == 302
    version = Article.objects.get(draft_of=live)
    assert version.title == "Sequel dated"
    live.refresh_from_db()
    assert live.title == "Sequel dated, edited"


def test_live_article_with_a_version_in_progress_restores_onto_it(
    client, live, writer
):
    revisions.record(live, by=writer)
    version = services.start_new_version(live, by=writer)
    version.title = "Changed in the version"
    version.save()
    client.force_login(writer)
    label, response = offered_restore(client, live, 1)
    assert label == "Restore onto the new version"
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.title == "Sequel dated"


@pytest.mark.parametrize(
    "state", [Status.IN_REVIEW, Status.APPROVED, Status.SCHEDULED, Status.RETRACTED]
)
def test_states_that_cannot_be_restored_offer_nothing_and_refuse_the_post(
    client, writer, editor, state
):
    article = in_state(state, writer)
    revisions.record(article, by=writer)
    revisions.record(article, by=writer)
    client.force_login(editor)
    page = history(client, article)
    assert not page.context["can_restore"]
    assert "Restore" not in page.content.decode().split("Workflow, in time order")[0]
    response = client.post(reverse("articles_admin:restore", args=[article.pk, 1]))
    assert response.status_code == 403


def test_draft_offers_restore_as_new_draft_and_it_works(client, writer):
    article = in_state(Status.DRAFT, writer, title="First")
    revisions.record(article, by=writer)
    article.title = "Second"
    article.save()
    revisions.record(article, by=writer)
    client.force_login(writer)
    label, response = offered_restore(client, article, 1)
    assert label == "Restore as new draft"
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "First"


def test_other_writer_is_offered_nothing_on_a_live_article(
    client, live, writer, other_writer
):
    revisions.record(live, by=writer)
    revisions.record(live, by=writer)
    client.force_login(other_writer)
    assert not history(client, live).context["can_restore"]
    response = client.post(reverse("articles_admin:restore", args=[live.pk, 1]))
    assert response.status_code == 403
    assert not Article.objects.filter(draft_of=live).exists()


# Action pages show the article, in the admin's look


LONG_BODY = "<p>" + " ".join(f"word{i}" for i in range(100)) + " &amp; more</p>"


@pytest.mark.parametrize(
    "action, state",
    [
        ("request_changes", Status.IN_REVIEW),
        ("add_correction", Status.PUBLISHED),
        ("schedule", Status.APPROVED),
        ("unpublish", Status.PUBLISHED),
        ("retract", Status.PUBLISHED),
    ],
)
def test_action_pages_show_headline_status_and_a_short_preview(
    client, writer, editor, action, state
):
    article = in_state(state, writer, title="Sequel dated & cast", body=LONG_BODY)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        {ACTION_FIELD: action, "_selected_action": str(article.pk)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<ol class="breadcrumbs">' in page
    assert '<li aria-current="page">' in page
    assert "Sequel dated &amp; cast" in page
    assert f"<strong>{article.get_status_display()}</strong>" in page
    assert "word0 word1" in page and "word59…" in page
    assert "word60" not in page
    assert 'class="module aligned' in page  # the admin's own fieldset
    assert "admin/css/forms.css" in page


def test_the_versions_history_shows_the_correction_it_carries(client, live, editor):
    version = services.start_correction(live, by=editor, text="May, not June.")
    client.force_login(editor)
    page = history(client, version).content.decode()
    assert "carries a correction note" in page
    assert "May, not June." in page


def due_versions(count, writer, editor):
    lives = []
    for i in range(count):
        live = in_state(Status.PUBLISHED, writer, title=f"Live {i}", body=WRONG)
        scheduled_version(
            live, writer, editor, timezone.now() + dt.timedelta(hours=1)
        )
        lives.append(live)
    Article.objects.filter(draft_of__isnull=False).update(
        published_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return lives


def test_a_run_overlapping_another_publishes_each_version_once(
    writer, editor, monkeypatch
):
    due_versions(2, writer, editor)
    real = services._publish_new_version
    nested = []

    def publish_then_let_another_run_in(*args, **kwargs):
        live = real(*args, **kwargs)
        if not nested:
            # A second run starts after the first listed the due versions.
            nested.append(None)
            nested[0] = services.publish_due()
        return live

    monkeypatch.setattr(
        services, "_publish_new_version", publish_then_let_another_run_in
    )
    first = services.publish_due()
    assert len(first) + len(nested[0]) == 2
    assert not Article.objects.filter(draft_of__isnull=False).exists()
    assert Transition.objects.filter(by=None, action="publish").count() == 2
