"""Workflow mail reaches the right people, after commit, with the article's link."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import draft_by, in_state, make_editor, make_writer

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://newsroom.example"


@pytest.fixture
def people(writer, editor):
    writer.email = "writer@newsroom.example"
    writer.save()
    editor.email = "editor@newsroom.example"
    editor.save()
    return writer, editor


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a step and return the mails it sent once its transaction committed."""

    def run(step, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step(*args, **kwargs)
        return list(mail.outbox)

    return run


def link(article):
    return "https://newsroom.example" + reverse(
        "admin:articles_article_change", args=[article.pk]
    )


def test_submission_tells_the_editors_with_the_link(people, sent):
    writer, editor = people
    article = draft_by(writer, title="Sequel dated")
    [message] = sent(services.submit_for_review, article, by=writer)
    assert message.to == ["editor@newsroom.example"]
    assert "Sequel dated" in message.subject
    assert link(article) in message.body


def test_changes_requested_tells_the_writers_with_the_comment(people, sent):
    writer, editor = people
    article = in_state(Status.IN_REVIEW, writer)
    [message] = sent(
        services.request_changes, article, by=editor, comment="Cite the phone call."
    )
    assert message.to == ["writer@newsroom.example"]
    assert "Cite the phone call." in message.body
    assert link(article) in message.body


def test_approval_and_publication_tell_the_writers(people, sent):
    writer, editor = people
    article = in_state(Status.IN_REVIEW, writer)
    [approved] = sent(services.approve, article, by=editor)
    [published] = sent(services.publish, article, by=editor)
    assert approved.to == published.to == ["writer@newsroom.example"]
    assert "Approved" in approved.subject and "Published" in published.subject
    assert link(article) in approved.body and link(article) in published.body


def test_scheduled_publication_tells_the_writers_when_it_happens(people, sent):
    writer, editor = people
    article = in_state(Status.APPROVED, writer)
    services.schedule(article, by=editor, at=timezone.now() + dt.timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    [message] = sent(services.publish_due)
    assert message.to == ["writer@newsroom.example"]
    assert "scheduled time" in message.body


def test_a_published_new_version_links_to_the_live_article(people, sent):
    writer, editor = people
    live = in_state(Status.PUBLISHED, writer)
    version = services.start_new_version(live, by=writer)
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)
    [message] = sent(services.publish, version, by=editor)
    assert link(live) in message.body


def test_a_comment_tells_the_other_participants_not_its_author(people, sent):
    writer, editor = people
    other_editor = make_editor(email="second@newsroom.example")
    bystander = make_writer(email="bystander@newsroom.example")
    article = draft_by(writer)
    services.add_comment(article, by=other_editor, text="Is the date firm?")

    [message] = sent(services.add_comment, article, by=writer, text="Yes, May.")

    assert message.to == ["second@newsroom.example"]
    assert "Yes, May." in message.body
    assert link(article) in message.body
    [reply] = sent(services.add_comment, article, by=editor, text="Thanks.")
    assert reply.to == ["second@newsroom.example", "writer@newsroom.example"]
    assert bystander.email not in reply.to


def test_the_actor_is_not_told_of_their_own_step(people, sent):
    writer, editor = people
    article = draft_by(editor)  # an editor writing: submits to the other editors
    assert sent(services.submit_for_review, article, by=editor) == []


def test_a_rolled_back_step_sends_nothing(people, django_capture_on_commit_callbacks):
    writer, _ = people
    article = draft_by(writer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.submit_for_review(article, by=writer)
                raise RuntimeError("the desk fell over")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []


def test_a_correction_tells_the_writers_what_to_fix_in_the_new_version(
    people, sent
):
    writer, editor = people
    live = in_state(Status.PUBLISHED, writer)
    [message] = sent(
        services.start_correction, live, by=editor, text="May, not June."
    )
    version = Article.objects.get(draft_of=live)
    assert message.to == ["writer@newsroom.example"]
    assert "May, not June." in message.body
    assert link(version) in message.body
