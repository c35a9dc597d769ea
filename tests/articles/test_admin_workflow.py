"""The editorial workflow in the article admin: buttons, bulk actions, permissions."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.admin import ACTION_FIELD
from articles.models import Article, Correction, Revision, Transition
from tests import factories
from tests.factories import (
    change_post,
    change_url,
    draft_by,
    in_state,
    inline_management,
)

pytestmark = pytest.mark.django_db
Status = Article.Status
CHANGELIST = "admin:articles_article_changelist"


def press(client, article, action, **fields):
    """The POST a workflow button sends from the change form."""
    data = {ACTION_FIELD: action, "_selected_action": str(article.pk)}
    return client.post(change_url(article), data | fields)


def confirm(client, article, action, **fields):
    """The POST of the intermediate form a button leads to."""
    data = {f"workflow-{name}": value for name, value in fields.items()}
    return press(client, article, action, _confirm="1", **data)


def bulk(client, action, *articles, url=None):
    """The POST the changelist sends for a bulk action."""
    return client.post(
        url or reverse(CHANGELIST),
        {
            "action": action,
            "_selected_action": [str(a.pk) for a in articles],
            "index": "0",
        },
    )


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def status_of(article):
    return Article.objects.get(pk=article.pk).status


def actions_of(article):
    return list(
        Transition.objects.filter(article=article)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# Buttons on the change form: each role's real request.


class TestSubmit:
    def test_writer_submits_own_draft_with_the_button(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        response = press(client, article, "submit_for_review")
        assert response.status_code == 302
        assert response["Location"] == change_url(article)
        assert status_of(article) == Status.IN_REVIEW
        entry = Transition.objects.get(article=article)
        assert (entry.action, entry.from_status, entry.to_status, entry.by) == (
            "submit",
            "draft",
            "in_review",
            writer,
        )

    def test_writer_cannot_submit_another_writers_draft(
        self, client, writer, other_writer
    ):
        article = draft_by(other_writer)
        client.force_login(writer)
        assert press(client, article, "submit_for_review").status_code == 403
        assert status_of(article) == Status.DRAFT
        assert not Transition.objects.exists()

    def test_submitting_twice_is_refused_with_a_message(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(writer)
        response = press(client, article, "submit_for_review")
        assert response.status_code == 302
        assert any("in review" in m for m in message_texts(response))
        assert not Transition.objects.exists()


class TestApprove:
    def test_editor_approves_an_article_in_review(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        assert press(client, article, "approve").status_code == 302
        assert status_of(article) == Status.APPROVED
        assert Transition.objects.get(article=article).by == editor

    def test_writer_crafted_approve_is_refused(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(writer)
        assert press(client, article, "approve").status_code == 403
        assert status_of(article) == Status.IN_REVIEW
        assert not Transition.objects.exists()


class TestRequestChanges:
    def test_the_button_asks_for_a_comment_first(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = press(client, article, "request_changes")
        assert response.status_code == 200
        assert 'name="workflow-comment"' in response.content.decode()
        assert status_of(article) == Status.IN_REVIEW

    def test_editor_sends_it_back_with_the_comment(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = confirm(client, article, "request_changes", comment="Cite the call")
        assert response.status_code == 302
        assert status_of(article) == Status.DRAFT
        entry = Transition.objects.get(article=article)
        assert (entry.action, entry.reason) == ("request_changes", "Cite the call")

    def test_an_empty_comment_is_refused_on_the_form(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = confirm(client, article, "request_changes", comment="  ")
        assert response.status_code == 200
        assert response.context["form"].errors
        assert status_of(article) == Status.IN_REVIEW

    def test_writer_crafted_request_is_refused(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(writer)
        response = confirm(client, article, "request_changes", comment="Never mind")
        assert response.status_code == 403
        assert status_of(article) == Status.IN_REVIEW
        assert not Transition.objects.exists()


class TestPublish:
    def test_editor_publishes_an_approved_article(self, client, writer, editor):
        article = in_state(Status.APPROVED, writer)
        client.force_login(editor)
        assert press(client, article, "publish_now").status_code == 302
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.published_at is not None
        entry = Transition.objects.get(article=article)
        assert (entry.action, entry.by, entry.overridden_checks) == (
            "publish",
            editor,
            [],
        )

    def test_writer_crafted_publish_gets_403_and_nothing_changes(self, client, writer):
        article = in_state(Status.APPROVED, writer)
        client.force_login(writer)
        assert press(client, article, "publish_now").status_code == 403
        article.refresh_from_db()
        assert article.status == Status.APPROVED
        assert article.published_at is None
        assert not Transition.objects.exists()

    def test_failed_checks_are_listed_with_an_override_form(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        response = press(client, article, "publish_now")
        assert response.status_code == 200
        html = response.content.decode()
        assert "News pieces must cite at least one source." in html
        assert 'name="workflow-override_reason"' in html
        assert status_of(article) == Status.APPROVED

    def test_editor_overrides_the_checks_with_a_logged_reason(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        response = confirm(
            client, article, "publish_now", override_reason="Statement on air"
        )
        assert response.status_code == 302
        assert status_of(article) == Status.PUBLISHED
        entry = Transition.objects.get(article=article)
        assert entry.reason == "Statement on air"
        assert entry.overridden_checks == ["News pieces must cite at least one source."]

    def test_an_override_without_a_reason_publishes_nothing(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        response = confirm(client, article, "publish_now", override_reason=" ")
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "News pieces must cite" in response.content.decode()
        assert status_of(article) == Status.APPROVED
        assert not Transition.objects.exists()

    def test_approval_also_runs_the_checks_and_takes_an_override(
        self, client, writer, editor
    ):
        article = in_state(Status.IN_REVIEW, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        assert press(client, article, "approve").status_code == 200
        assert status_of(article) == Status.IN_REVIEW
        confirm(client, article, "approve", override_reason="Source is on file")
        assert status_of(article) == Status.APPROVED
        assert Transition.objects.get().overridden_checks


class TestSchedule:
    def test_editor_schedules_in_the_newsroom_time_zone(self, client, writer, editor):
        article = in_state(Status.APPROVED, writer)
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        when = (timezone.now() + dt.timedelta(days=2)).astimezone(zone)
        when = when.replace(second=0, microsecond=0)
        client.force_login(editor)
        response = confirm(
            client, article, "schedule", at=when.strftime("%Y-%m-%dT%H:%M")
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.SCHEDULED
        assert article.published_at == when
        assert Transition.objects.get().action == "schedule"

    def test_a_time_in_the_past_is_refused_on_the_form(self, client, writer, editor):
        article = in_state(Status.APPROVED, writer)
        client.force_login(editor)
        response = confirm(client, article, "schedule", at="2001-01-01T10:00")
        assert response.status_code == 200
        assert "Choose a publication time in the future." in response.content.decode()
        assert status_of(article) == Status.APPROVED

    def test_writer_crafted_schedule_is_refused(self, client, writer):
        article = in_state(Status.APPROVED, writer)
        client.force_login(writer)
        response = confirm(client, article, "schedule", at="2099-01-01T10:00")
        assert response.status_code == 403
        assert status_of(article) == Status.APPROVED


class TestLiveArticleActions:
    def test_editor_unpublishes_with_a_reason(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        response = confirm(client, article, "unpublish", reason="Legal asked")
        assert response.status_code == 302
        assert status_of(article) == Status.DRAFT
        assert Transition.objects.get().reason == "Legal asked"

    def test_editor_retracts_with_a_public_note(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        confirm(client, article, "retract", note="The interview was fabricated.")
        article.refresh_from_db()
        assert article.status == Status.RETRACTED
        assert article.retraction_note == "The interview was fabricated."
        assert Transition.objects.get().action == "retract"

    def test_editor_adds_a_correction(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        response = confirm(
            client,
            article,
            "add_correction",
            kind=Correction.Kind.CLARIFICATION,
            text="The sequel was announced in May, not June.",
            how="note",
        )
        assert response.status_code == 302
        correction = Correction.objects.get(article=article)
        assert correction.kind == Correction.Kind.CLARIFICATION
        assert correction.by == editor
        assert Transition.objects.get().action == "correct"

    @pytest.mark.parametrize(
        "action, fields",
        [
            ("unpublish", {"reason": "No"}),
            ("retract", {"note": "No"}),
            ("add_correction", {"kind": "correction", "text": "No"}),
        ],
    )
    def test_writer_crafted_posts_are_refused(self, client, writer, action, fields):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(writer)
        assert confirm(client, article, action, **fields).status_code == 403
        assert status_of(article) == Status.PUBLISHED
        assert not Transition.objects.exists()
        assert not Correction.objects.exists()

    def test_writer_starts_a_new_version_of_own_live_article(self, client, writer):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(writer)
        response = press(client, article, "start_new_version")
        copy = Article.objects.get(draft_of=article)
        assert response.status_code == 302
        assert response["Location"] == change_url(copy)
        assert copy.status == Status.DRAFT
        assert actions_of(article) == ["new_version"]
        # Pressing again opens the same working copy.
        again = press(client, article, "start_new_version")
        assert again["Location"] == change_url(copy)
        assert Article.objects.filter(draft_of=article).count() == 1

    def test_another_writer_cannot_start_a_new_version(
        self, client, writer, other_writer
    ):
        article = in_state(Status.PUBLISHED, other_writer)
        client.force_login(writer)
        assert press(client, article, "start_new_version").status_code == 403
        assert not Article.objects.filter(draft_of=article).exists()


class TestTrash:
    def test_editor_moves_to_trash_and_restores(self, client, writer, editor):
        article = draft_by(writer)
        client.force_login(editor)
        response = press(client, article, "move_to_trash")
        assert response["Location"] == reverse(CHANGELIST)
        assert Article.objects.get(pk=article.pk).deleted_at is not None
        press(client, article, "restore")
        assert Article.objects.get(pk=article.pk).deleted_at is None
        assert actions_of(article) == ["delete", "restore"]

    def test_writer_crafted_trash_is_refused(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        assert press(client, article, "move_to_trash").status_code == 403
        assert Article.objects.get(pk=article.pk).deleted_at is None

    def test_admin_delete_moves_the_article_to_the_trash(self, client, editor):
        article = factories.make_article()
        client.force_login(editor)
        url = reverse("admin:articles_article_delete", args=[article.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "Move to the trash" in page.content.decode()
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.deleted_at is not None
        assert actions_of(article) == ["delete"]

    def test_writer_cannot_delete_through_the_admin(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        url = reverse("admin:articles_article_delete", args=[article.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert Article.objects.get(pk=article.pk).deleted_at is None


class TestButtonsShown:
    def buttons(self, client, article):
        response = client.get(change_url(article))
        assert response.status_code == 200
        return [name for name, _ in response.context["workflow_buttons"]]

    def test_writer_sees_only_submit_on_own_draft(self, client, writer):
        client.force_login(writer)
        assert self.buttons(client, draft_by(writer)) == ["submit_for_review"]

    def test_writer_sees_no_buttons_on_another_writers_draft(
        self, client, writer, other_writer
    ):
        client.force_login(writer)
        assert self.buttons(client, draft_by(other_writer)) == []

    def test_editor_sees_the_buttons_of_each_state(self, client, writer, editor):
        client.force_login(editor)
        expected = {
            Status.IN_REVIEW: ["approve", "request_changes", "move_to_trash"],
            Status.APPROVED: [
                "request_changes",
                "publish_now",
                "schedule",
                "move_to_trash",
            ],
            Status.PUBLISHED: [
                "unpublish",
                "retract",
                "add_correction",
                "start_new_version",
                "move_to_trash",
            ],
        }
        for status, names in expected.items():
            assert self.buttons(client, in_state(status, writer)) == names

    def test_trashed_article_offers_only_restore(self, client, writer, editor):
        article = draft_by(writer)
        Article.objects.filter(pk=article.pk).update(deleted_at=timezone.now())
        client.force_login(editor)
        assert self.buttons(client, article) == ["restore"]

    def test_an_editable_draft_saves_and_moves_with_one_button(self, client, writer):
        client.force_login(writer)
        html = client.get(change_url(draft_by(writer))).content.decode()
        # The panel's button saves the form, then submits (test_edit_panel.py).
        assert 'name="_move" value="submit_for_review"' in html
        assert f'name="{ACTION_FIELD}" value="submit_for_review"' not in html

    def test_buttons_of_a_read_only_article_post_the_action_field(
        self, client, writer, editor
    ):
        client.force_login(editor)
        html = client.get(change_url(in_state(Status.PUBLISHED, writer))).content
        assert f'name="{ACTION_FIELD}" value="unpublish"' in html.decode()


# Bulk actions on the changelist.


class TestBulkActions:
    def test_writer_bulk_publish_is_refused_for_every_article(self, client, writer):
        articles = [in_state(Status.APPROVED, writer) for _ in range(2)]
        client.force_login(writer)
        response = bulk(client, "publish_selected", *articles)
        assert response.status_code == 302
        texts = message_texts(response)
        assert len([t for t in texts if t.startswith("Refused")]) == 2
        assert all(status_of(a) == Status.APPROVED for a in articles)
        assert not Transition.objects.exists()

    def test_editor_bulk_publish_reports_each_article(self, client, writer, editor):
        ready = in_state(Status.APPROVED, writer, title="Ready")
        draft = draft_by(writer, title="Not ready")
        client.force_login(editor)
        response = bulk(client, "publish_selected", ready, draft)
        texts = message_texts(response)
        assert "Published: “Ready”." in texts
        assert any(t.startswith("Refused for “Not ready”") for t in texts)
        assert status_of(ready) == Status.PUBLISHED
        assert status_of(draft) == Status.DRAFT

    def test_bulk_publish_refuses_an_article_failing_the_checks(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        texts = message_texts(bulk(client, "publish_selected", article))
        assert any("must cite at least one source" in t for t in texts)
        assert status_of(article) == Status.APPROVED

    def test_writer_bulk_submits_own_drafts_only(self, client, writer, other_writer):
        mine, theirs = draft_by(writer), draft_by(other_writer)
        client.force_login(writer)
        bulk(client, "submit_selected", mine, theirs)
        assert status_of(mine) == Status.IN_REVIEW
        assert status_of(theirs) == Status.DRAFT

    @pytest.mark.parametrize(
        "action, start, end",
        [
            ("approve_selected", Status.IN_REVIEW, Status.APPROVED),
            ("unpublish_selected", Status.PUBLISHED, Status.DRAFT),
        ],
    )
    def test_editor_bulk_transitions(self, client, writer, editor, action, start, end):
        articles = [in_state(start, writer) for _ in range(2)]
        client.force_login(editor)
        bulk(client, action, *articles)
        assert [status_of(a) for a in articles] == [end, end]
        assert Transition.objects.filter(by=editor).count() == 2

    def test_writer_bulk_approve_changes_nothing(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(writer)
        bulk(client, "approve_selected", article)
        assert status_of(article) == Status.IN_REVIEW

    def test_editor_bulk_trash_and_restore_from_the_trash_list(
        self, client, writer, editor
    ):
        article = draft_by(writer)
        client.force_login(editor)
        bulk(client, "trash_selected", article)
        assert Article.objects.get(pk=article.pk).deleted_at is not None
        trash_url = reverse(CHANGELIST) + "?trash=1"
        bulk(client, "restore_selected", article, url=trash_url)
        assert Article.objects.get(pk=article.pk).deleted_at is None

    def test_writer_bulk_trash_is_refused(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        bulk(client, "trash_selected", article)
        assert Article.objects.get(pk=article.pk).deleted_at is None

    def test_delete_selected_is_not_offered(self, client, editor):
        factories.make_article()
        client.force_login(editor)
        response = client.get(reverse(CHANGELIST))
        choices = dict(response.context["action_form"].fields["action"].choices)
        assert "delete_selected" not in choices
        assert "trash_selected" in choices
        bulk(client, "delete_selected", Article.objects.get())
        assert Article.objects.not_trashed().count() == 1


# Object permissions and live articles.


class TestObjectPermissions:
    def test_writer_sees_another_writers_draft_read_only(
        self, client, writer, other_writer
    ):
        article = draft_by(other_writer)
        client.force_login(writer)
        response = client.get(change_url(article))
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False
        assert "You can read this article but not change it." in (
            response.content.decode()
        )

    def test_writer_crafted_change_of_another_writers_draft_is_refused(
        self, client, writer, other_writer
    ):
        article = draft_by(other_writer, title="Theirs")
        client.force_login(writer)
        response = client.post(change_url(article), change_post(article, title="Mine"))
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).title == "Theirs"
        assert not Revision.objects.exists()

    def test_writer_cannot_change_own_article_once_submitted(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer, title="Sent")
        client.force_login(writer)
        response = client.post(change_url(article), change_post(article, title="X"))
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).title == "Sent"

    def test_editor_changes_an_article_in_review(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = client.post(change_url(article), change_post(article, title="Ed"))
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).title == "Ed"

    @pytest.mark.parametrize(
        "status", [Status.PUBLISHED, Status.SCHEDULED, Status.RETRACTED]
    )
    def test_live_article_is_read_only_even_for_editors(
        self, client, writer, editor, status
    ):
        article = in_state(status, writer, title="Live")
        client.force_login(editor)
        response = client.post(change_url(article), change_post(article, title="X"))
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).title == "Live"

    def test_superuser_cannot_edit_a_live_article_either(self, client, writer):
        article = in_state(Status.PUBLISHED, writer, title="Live")
        root = User.objects.create_superuser("root", password="pass-word-123")
        client.force_login(root)
        response = client.post(change_url(article), change_post(article, title="X"))
        assert response.status_code == 403

    def test_live_article_page_explains_how_to_change_it(self, client, writer):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(writer)
        html = client.get(change_url(article)).content.decode()
        assert (
            "This article is live. Start a new version to change it; readers see "
            "this version until an editor publishes the new one."
        ) in html

    def test_live_article_page_links_the_pending_version(self, client, writer):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(writer)
        press(client, article, "start_new_version")
        copy = Article.objects.get(draft_of=article)
        response = client.get(change_url(article))
        assert f'href="{change_url(copy)}"' in response.content.decode()
        assert dict(response.context["workflow_buttons"])["start_new_version"] == (
            "Open the new version"
        )

    def test_working_copy_says_readers_still_see_the_live_version(self, client, writer):
        article = in_state(Status.PUBLISHED, writer, title="Sequel confirmed")
        client.force_login(writer)
        press(client, article, "start_new_version")
        copy = Article.objects.get(draft_of=article)
        response = client.get(change_url(copy))
        html = response.content.decode()
        assert "New version of" in html
        assert "readers still see the live version" in html
        assert response.context["has_change_permission"] is True


class TestChangelist:
    def test_trash_is_hidden_from_the_desk_and_listed_apart(self, client, editor):
        kept = factories.make_article(title="Kept")
        gone = factories.make_article(title="Gone")
        Article.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
        client.force_login(editor)
        desk = client.get(reverse(CHANGELIST))
        assert list(desk.context["cl"].result_list) == [kept]
        trash = client.get(reverse(CHANGELIST) + "?trash=1")
        assert list(trash.context["cl"].result_list) == [gone]

    def test_working_copies_are_labelled(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer, title="Sequel confirmed")
        client.force_login(writer)
        press(client, article, "start_new_version")
        client.force_login(editor)
        html = client.get(reverse(CHANGELIST)).content.decode()
        assert "(new version of “Sequel confirmed”)" in html

    @pytest.mark.parametrize("count", [2, 20])
    def test_changelist_queries_do_not_grow_with_articles(
        self, client, writer, editor, django_assert_num_queries, count
    ):
        section = factories.make_section()
        for i in range(count):
            live = in_state(Status.PUBLISHED, writer, section=section)
            if i % 2:
                client.force_login(writer)
                press(client, live, "start_new_version")
        client.force_login(editor)
        # session, user, user and group perms, trash-filtered section lookup,
        # two counts, rows, bylines with authors, two for the date hierarchy
        with django_assert_num_queries(11):
            response = client.get(reverse(CHANGELIST))
        assert len(response.context["cl"].result_list) == count + count // 2


# Saves: a revision each time, and no silent overwrite.


class TestSaves:
    def test_every_save_records_a_revision_and_bumps_the_version(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        response = client.post(
            change_url(article), change_post(article, title="Second title")
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.version == 2
        revision = Revision.objects.get(article=article)
        assert revision.data["title"] == "Second title"
        assert revision.created_by == writer
        assert revision.kind == Revision.Kind.SAVED

    def test_adding_an_article_records_its_first_revision(self, client, writer):
        section = factories.make_section()
        client.force_login(writer)
        data = change_post(draft_by(writer), slug="brand-new", title="Brand new")
        data.pop("base_version")
        data["section"] = section.pk
        response = client.post(reverse("admin:articles_article_add"), data)
        assert response.status_code == 302
        article = Article.objects.get(slug="brand-new")
        revision = Revision.objects.get(article=article)
        assert revision.data["title"] == "Brand new"
        assert revision.data["authors"]  # the writer's byline, saved before

    def test_change_form_carries_the_version_it_was_loaded_at(self, client, writer):
        article = draft_by(writer)
        Article.objects.filter(pk=article.pk).update(version=7)
        client.force_login(writer)
        html = client.get(change_url(article)).content.decode()
        assert 'name="base_version" value="7"' in html

    def test_second_of_two_concurrent_saves_is_refused_and_kept(self, writer, editor):
        source = factories.make_source()
        article = draft_by(writer, title="Original")
        first, second = logged_in(writer), logged_in(editor)
        # Both open the same draft at version 1.
        loaded = first.get(change_url(article)).context["adminform"].form
        second.get(change_url(article))
        base = loaded["base_version"].value()
        assert base == 1

        response = first.post(
            change_url(article),
            change_post(article, title="Writer's title", base_version=base),
        )
        assert response.status_code == 302

        typed = change_post(
            article,
            title="Editor's title",
            body="<p>Editor's new paragraph.</p>",
            base_version=base,
            **inline_management("citations", total=1),
            **{
                "citations-0-source": source.pk,
                "citations-0-supports": "the date",
                "citations-0-position": "0",
            },
        )
        response = second.post(change_url(article), typed)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Not saved." in html
        assert writer.username in html
        assert "Headline" in response.context["conflict"]["fields"]
        assert "Sources cited" in response.context["conflict"]["fields"]
        # The form comes back with what the editor typed.
        assert response.context["adminform"].form["title"].value() == "Editor's title"

        article.refresh_from_db()
        assert article.title == "Writer's title"
        assert article.version == 2
        assert not article.citations.exists()
        refused = Revision.objects.get(kind=Revision.Kind.REFUSED)
        assert refused.created_by == editor
        assert refused.data["title"] == "Editor's title"
        assert "Editor's new paragraph." in refused.data["body"]
        assert refused.data["citations"] == [
            {"source": source.pk, "supports": "the date", "position": 0}
        ]
        assert response.context["conflict"]["revision"] == refused

    def test_a_save_without_the_loaded_version_is_refused(self, client, writer):
        article = draft_by(writer, title="Original")
        client.force_login(writer)
        data = change_post(article, title="Blind")
        data.pop("base_version")
        assert client.post(change_url(article), data).status_code == 200
        assert Article.objects.get(pk=article.pk).title == "Original"


# The audit trail.


class TestAuditAdmin:
    @pytest.fixture
    def transition(self, writer):
        article = draft_by(writer)
        return Transition.objects.create(
            article=article,
            action=Transition.Action.SUBMIT,
            from_status=Status.DRAFT,
            to_status=Status.IN_REVIEW,
            by=writer,
            reason="ready",
        )

    def test_editor_reads_the_audit_trail(self, client, editor, transition):
        client.force_login(editor)
        response = client.get(reverse("admin:articles_transition_changelist"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "draft → in review" in html
        assert change_url(transition.article) in html

    def test_audit_trail_search_finds_article_and_user(
        self, client, editor, writer, transition
    ):
        client.force_login(editor)
        url = reverse("admin:articles_transition_changelist")
        for term in (transition.article.title, writer.username):
            response = client.get(url, {"q": term})
            assert list(response.context["cl"].result_list) == [transition]

    @pytest.mark.parametrize("who", ["editor", "superuser"])
    def test_nobody_changes_or_deletes_a_transition(
        self, client, editor, transition, who
    ):
        user = editor
        if who == "superuser":
            user = User.objects.create_superuser("root", password="pass-word-123")
        client.force_login(user)
        change = reverse("admin:articles_transition_change", args=[transition.pk])
        delete = reverse("admin:articles_transition_delete", args=[transition.pk])
        add = reverse("admin:articles_transition_add")
        assert client.post(change, {"reason": "rewritten"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.post(add, {"reason": "forged"}).status_code == 403
        bulk_delete = client.post(
            reverse("admin:articles_transition_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [transition.pk],
                "post": "yes",
            },
        )
        assert bulk_delete.status_code in {200, 302}
        transition.refresh_from_db()
        assert transition.reason == "ready"
        assert Transition.objects.count() == 1

    def test_corrections_are_listed_read_only(self, client, editor, writer):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        confirm(
            client,
            article,
            "add_correction",
            kind="correction",
            text="Fixed.",
            how="note",
        )
        correction = Correction.objects.get()
        listing = client.get(reverse("admin:articles_correction_changelist"))
        assert "Fixed." in listing.content.decode()
        url = reverse("admin:articles_correction_change", args=[correction.pk])
        assert client.post(url, {"text": "Changed"}).status_code == 403
        delete = reverse("admin:articles_correction_delete", args=[correction.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        correction.refresh_from_db()
        assert correction.text == "Fixed."


def test_every_admin_save_is_in_the_audit_trail(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(change_url(article), change_post(article, dek="Sharper."))
    assert response.status_code == 302
    entry = Transition.objects.filter(article=article).latest("at", "id")
    assert (entry.action, entry.by, entry.from_status, entry.to_status) == (
        "edit",
        writer,
        "draft",
        "draft",
    )
    revision = article.revisions.latest("number")
    assert entry.reason == f"revision {revision.number}"
