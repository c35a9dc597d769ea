"""The article screen's side panel: save-and-move buttons, feedback, checks."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.admin import ACTION_FIELD, reading_minutes, word_count
from articles.models import Article, EditorialComment, Transition
from franchise.models import Source
from tests import factories
from tests.articles.test_admin_workflow import message_texts
from tests.factories import change_post, change_url, draft_by, in_state

pytestmark = pytest.mark.django_db
Status = Article.Status
Action = Transition.Action
ADD_URL = reverse("admin:articles_article_add")


def save_and(client, article, move, **fields):
    """The POST of a panel button: the whole form, plus the move it names."""
    return client.post(change_url(article), change_post(article, _move=move, **fields))


def moves_of(article):
    return list(
        Transition.objects.filter(article=article)
        .exclude(action__in=[Action.CREATE, Action.EDIT])
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def fresh(article):
    return Article.objects.get(pk=article.pk)


def panel(response):
    return response.context["panel"]


# Save and move: one press saves the edits and makes the move.


class TestSaveAndMove:
    def test_writer_saves_and_submits_in_one_press(self, client, writer):
        article = draft_by(writer, title="Before")
        client.force_login(writer)
        response = save_and(client, article, "submit_for_review", title="After")
        assert response.status_code == 302
        assert response["Location"] == change_url(article)
        article = fresh(article)
        assert (article.title, article.status) == ("After", Status.IN_REVIEW)
        assert article.version == 2  # the save went through the usual path
        assert article.revisions.get().data["title"] == "After"
        assert moves_of(article) == [Action.SUBMIT]
        assert any("went to the editors" in m for m in message_texts(response))

    def test_writer_saves_and_submits_a_brand_new_article(self, client, writer):
        section = factories.make_section()
        client.force_login(writer)
        data = change_post(
            draft_by(writer), title="Brand new", slug="", _move="submit_for_review"
        )
        data.pop("base_version")
        data["section"] = section.pk
        response = client.post(ADD_URL, data)
        assert response.status_code == 302
        article = Article.objects.get(title="Brand new")
        assert response["Location"] == change_url(article)
        assert article.slug == "brand-new"
        assert article.status == Status.IN_REVIEW
        assert moves_of(article) == [Action.SUBMIT]
        assert article.bylines.get().author.user == writer

    def test_editor_saves_and_approves(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = save_and(client, article, "approve", dek="Tightened.")
        assert response.status_code == 302
        article = fresh(article)
        assert (article.dek, article.status) == ("Tightened.", Status.APPROVED)
        assert moves_of(article) == [Action.APPROVE]

    def test_editor_saves_and_publishes(self, client, writer, editor):
        article = in_state(Status.APPROVED, writer)
        client.force_login(editor)
        response = save_and(client, article, "publish_now", title="Final")
        assert response.status_code == 302
        article = fresh(article)
        assert (article.title, article.status) == ("Final", Status.PUBLISHED)
        assert moves_of(article) == [Action.PUBLISH]

    def test_editor_approves_and_publishes_from_review_in_one_press(
        self, client, writer, editor
    ):
        article = in_state(Status.IN_REVIEW, writer)
        client.force_login(editor)
        response = save_and(client, article, "approve_and_publish", title="Out")
        assert response.status_code == 302
        article = fresh(article)
        assert (article.title, article.status) == ("Out", Status.PUBLISHED)
        assert moves_of(article) == [Action.APPROVE, Action.PUBLISH]

    def test_editor_saves_and_schedules_with_the_time_in_place(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer)
        at = timezone.localtime() + dt.timedelta(days=2)
        client.force_login(editor)
        response = save_and(
            client,
            article,
            "schedule",
            title="Later",
            **{"schedule-at": at.strftime("%Y-%m-%dT%H:%M")},
        )
        assert response.status_code == 302
        article = fresh(article)
        assert (article.title, article.status) == ("Later", Status.SCHEDULED)
        assert article.published_at == at.replace(second=0, microsecond=0)
        assert moves_of(article) == [Action.SCHEDULE]

    def test_a_schedule_in_the_past_keeps_the_edits_and_says_why(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer)
        past = timezone.localtime() - dt.timedelta(hours=1)
        client.force_login(editor)
        response = save_and(
            client,
            article,
            "schedule",
            title="Kept",
            **{"schedule-at": past.strftime("%Y-%m-%dT%H:%M")},
        )
        assert response.status_code == 302
        article = fresh(article)
        assert (article.title, article.status) == ("Kept", Status.APPROVED)
        assert any("future" in m for m in message_texts(response))

    def test_failed_checks_keep_the_edits_and_ask_for_an_override(
        self, client, writer, editor
    ):
        article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
        client.force_login(editor)
        response = save_and(client, article, "publish_now", title="Unsourced")
        assert response.status_code == 200
        html = response.content.decode()
        assert "must cite at least one source" in html
        assert 'name="workflow-override_reason"' in html
        article = fresh(article)
        assert (article.title, article.status) == ("Unsourced", Status.APPROVED)

    @pytest.mark.parametrize(
        "move", ["approve", "approve_and_publish", "publish_now", "schedule"]
    )
    def test_writer_sending_an_editors_button_is_refused_and_keeps_the_edits(
        self, client, writer, move
    ):
        article = draft_by(writer, title="Mine")
        client.force_login(writer)
        at = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        response = save_and(
            client, article, move, title="Edited", **{"schedule-at": at}
        )
        assert response.status_code == 302
        article = fresh(article)
        assert (article.title, article.status) == ("Edited", Status.DRAFT)
        assert moves_of(article) == []
        assert any("is not yours to do" in m for m in message_texts(response))

    def test_an_unknown_move_saves_and_moves_nothing(self, client, writer):
        article = draft_by(writer)
        client.force_login(writer)
        response = save_and(client, article, "delete_everything", title="Safe")
        assert response.status_code == 302
        assert fresh(article).title == "Safe"
        assert moves_of(article) == []

    def test_a_stale_save_moves_nothing(self, client, writer):
        article = draft_by(writer, title="Original")
        Article.objects.filter(pk=article.pk).update(version=2)
        client.force_login(writer)
        data = change_post(
            article, title="Stale", base_version=1, _move="submit_for_review"
        )
        response = client.post(change_url(article), data)
        assert response.status_code == 200
        assert "Not saved." in response.content.decode()
        article = fresh(article)
        assert (article.title, article.status) == ("Original", Status.DRAFT)

    def test_a_writer_cannot_save_and_move_a_submitted_article(self, client, writer):
        article = in_state(Status.IN_REVIEW, writer, title="Sent")
        client.force_login(writer)
        assert save_and(client, article, "approve", title="X").status_code == 403
        assert fresh(article).title == "Sent"


# Which buttons the panel shows.


class TestPanelButtons:
    def moves(self, client, article=None):
        response = client.get(change_url(article) if article else ADD_URL)
        assert response.status_code == 200
        return [name for name, _, _ in panel(response)["moves"]], response

    def test_writer_on_own_draft_gets_save_and_submit(self, client, writer):
        client.force_login(writer)
        moves, response = self.moves(client, draft_by(writer))
        assert moves == ["submit_for_review"]
        html = response.content.decode()
        assert 'name="_continue"' in html and "Save draft" in html
        assert panel(response)["can_trash"] is False
        assert panel(response)["schedule_form"] is None

    def test_the_add_form_offers_save_and_submit(self, client, writer):
        client.force_login(writer)
        moves, response = self.moves(client)
        assert moves == ["submit_for_review"]
        assert 'value="submit_for_review"' in response.content.decode()

    def test_editor_buttons_for_review_and_approval(self, client, writer, editor):
        client.force_login(editor)
        moves, _ = self.moves(client, in_state(Status.IN_REVIEW, writer))
        assert moves == ["approve", "approve_and_publish", "request_changes"]
        moves, response = self.moves(client, in_state(Status.APPROVED, writer))
        assert moves == ["request_changes", "publish_now"]
        assert 'name="schedule-at"' in response.content.decode()
        assert '<label for="id_schedule-at">Publish at</label>' in (
            response.content.decode()
        )

    def test_live_article_sets_the_take_downs_apart_and_has_no_delete(
        self, client, writer, editor
    ):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        response = client.get(change_url(article))
        html = response.content.decode()
        assert [name for name, _ in panel(response)["danger"]] == [
            "unpublish",
            "retract",
        ]
        danger = html[html.index('class="panel-section panel-danger"') :]
        assert f'name="{ACTION_FIELD}" value="unpublish"' in danger
        assert f'name="{ACTION_FIELD}" value="retract"' in danger
        trash = reverse("admin:articles_article_delete", args=[article.pk])
        assert f'href="{trash}"' in danger
        assert 'class="deletelink"' not in html
        assert panel(response)["moves"] == []

    def test_the_trash_link_leads_to_a_confirmation(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        response = client.get(reverse("admin:articles_article_delete", args=[article.pk]))
        assert response.status_code == 200
        assert "Move this article to the trash?" in response.content.decode()
        assert fresh(article).deleted_at is None

    def test_the_old_workflow_fieldset_is_gone(self, client, writer):
        client.force_login(writer)
        html = client.get(change_url(draft_by(writer))).content.decode()
        assert "These buttons do not save edits" not in html
        assert 'id="workflow-actions"' not in html

    def test_panel_queries_do_not_grow_with_comments(self, client, writer, editor):
        article = draft_by(writer)
        client.force_login(writer)

        def count():
            with CaptureQueriesContext(connection) as queries:
                client.get(change_url(article))
            return len(queries)

        services.add_comment(article, by=editor, text="First note.")
        one = count()
        for i in range(6):
            services.add_comment(article, by=editor, text=f"Note {i}.")
        assert count() == one


# Feedback on the article itself.


class TestFeedback:
    def test_writer_sees_the_request_for_changes_on_the_article(
        self, client, writer, editor
    ):
        article = in_state(Status.IN_REVIEW, writer)
        services.request_changes(article, by=editor, comment="Say who told us.")
        client.force_login(writer)
        response = client.get(change_url(article))
        html = factories.html_section(response.content.decode(), "panel-feedback-heading")
        assert "Say who told us." in html
        assert editor.username in html

    def test_panel_dates_carry_their_year(self, client, writer, editor):
        # A draft can sit for months: "4 Dec, 10:00" alone would not say which.
        article = in_state(Status.IN_REVIEW, writer)
        services.request_changes(article, by=editor, comment="Say who told us.")
        comment = services.add_comment(article, by=editor, text="Check the date.")
        last_year = timezone.now() - dt.timedelta(days=400)
        Transition.objects.filter(article=article).update(at=last_year)
        EditorialComment.objects.filter(pk=comment.pk).update(created_at=last_year)
        client.force_login(writer)
        response = client.get(change_url(article))
        label = timezone.localtime(last_year).strftime("%Y, %H:%M")
        feedback = factories.html_section(
            response.content.decode(), "panel-feedback-heading"
        )
        # The request for changes and the open comment.
        assert feedback.count(label) == 2
        # The status box's "Last move".
        assert response.content.decode().count(label) == 3

    def test_the_request_disappears_once_resubmitted(self, client, writer, editor):
        article = in_state(Status.IN_REVIEW, writer)
        services.request_changes(article, by=editor, comment="Say who told us.")
        services.submit_for_review(article, by=writer)
        client.force_login(editor)
        response = client.get(change_url(article))
        assert panel(response)["changes_requested"] is None

    def test_open_comments_are_shown_and_resolved_on_save(self, client, writer, editor):
        article = draft_by(writer)
        comment = services.add_comment(article, by=editor, text="Check the date.")
        client.force_login(writer)
        response = client.get(change_url(article))
        assert "Check the date." in response.content.decode()
        response = client.post(
            change_url(article), change_post(article, title="Fixed", _resolve=comment.pk)
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.resolved_by == writer
        assert fresh(article).title == "Fixed"

    def test_another_writer_cannot_resolve_through_the_panel(
        self, client, writer, other_writer, editor
    ):
        article = draft_by(writer)
        comment = services.add_comment(article, by=editor, text="Check the date.")
        client.force_login(other_writer)
        response = client.post(
            change_url(article), change_post(article, _resolve=comment.pk)
        )
        assert response.status_code == 403
        assert EditorialComment.objects.get(pk=comment.pk).resolved_at is None


# Publish checks and counts.


class TestChecklist:
    def test_checks_list_each_problem_of_the_saved_article(self, client, writer):
        article = draft_by(writer, kind=Article.Kind.NEWS)
        client.force_login(writer)
        checks = dict(
            (key, problems)
            for key, _, problems in panel(client.get(change_url(article)))["checks"]
        )
        assert checks["sources"] == ["News pieces must cite at least one source."]
        assert checks["image"] == checks["quotes"] == checks["label"] == []

    def test_word_count_and_reading_time(self):
        assert word_count("<p>One two</p><p>three</p>") == 3
        assert reading_minutes(0) == 0
        assert reading_minutes(1) == 1
        assert reading_minutes(231) == 2

    def test_the_script_is_loaded_by_the_form(self, client, writer):
        client.force_login(writer)
        html = client.get(ADD_URL).content.decode()
        assert "newsroom/article-panel.js" in html
        assert 'id="publish-checklist"' in html and 'id="word-count"' in html


# The form's shape: folded rarely used fields, a prefilled section.


class TestFormShape:
    def fieldsets(self, client, article=None):
        response = client.get(change_url(article) if article else ADD_URL)
        return {
            name: (list(fs.fields) if hasattr(fs, "fields") else [], fs.classes)
            for fs in response.context["adminform"]
            for name in [fs.name]
        }, response

    def test_slug_and_planning_are_folded_away(self, client, writer):
        client.force_login(writer)
        fieldsets, response = self.fieldsets(client)
        name = "Address, top story and planning"
        assert "collapse" in fieldsets[name][1]
        first = response.context["adminform"].form.fields
        assert "slug" in first  # still sent, filled from the headline
        main = next(iter(response.context["adminform"]))
        assert [f for line in main for f in line.fields] == ["title", "dek", "body"]
        html = response.content.decode()
        assert "prepopulated_fields" in html or 'data-prepopulated' in html or (
            "id_slug" in html and "prepopulate" in html
        )

    def test_the_add_form_starts_in_the_writers_last_section(self, client, writer):
        factories.make_section(name="First")
        mine = factories.make_section(name="Mine")
        draft_by(writer, section=mine)
        client.force_login(writer)
        form = client.get(ADD_URL).context["adminform"].form
        assert form.initial["section"] == mine.pk


# Read-only states read like the page.


class TestReadOnlyBody:
    def test_submitted_article_shows_the_rendered_body_to_its_writer(
        self, client, writer
    ):
        article = in_state(Status.IN_REVIEW, writer)
        Article.objects.filter(pk=article.pk).update(
            body="<p>Filming <strong>starts</strong>.</p><script>alert(1)</script>"
        )
        client.force_login(writer)
        html = client.get(change_url(article)).content.decode()
        assert (
            '<div class="article-rendered-body"><p>Filming <strong>starts</strong>.'
            "</p></div>"
        ) in html
        assert "&lt;p&gt;" not in html
        assert "alert(1)" not in html

    def test_live_article_reads_like_its_page_for_editors(self, client, writer, editor):
        article = in_state(Status.PUBLISHED, writer, body="<p>Live words.</p>")
        client.force_login(editor)
        html = client.get(change_url(article)).content.decode()
        assert '<div class="article-rendered-body"><p>Live words.</p></div>' in html

    def test_an_editable_draft_keeps_the_editor(self, client, writer):
        client.force_login(writer)
        html = client.get(change_url(draft_by(writer))).content.decode()
        assert 'name="body"' in html
        assert "article-rendered-body" not in html


# Source keys are made, never asked for.


class TestSourceKeys:
    def post_source(self, client, title):
        return client.post(
            reverse("admin:franchise_source_add"),
            {
                "kind": Source.Kind.INTERVIEW,
                "title": title,
                "date_precision": "day",
                "on_record": "on",
            },
        )

    def test_the_add_form_does_not_ask_for_a_key(self, client, writer):
        client.force_login(writer)
        html = client.get(reverse("admin:franchise_source_add")).content.decode()
        assert 'name="key"' not in html

    def test_a_new_source_gets_a_unique_key(self, client, writer):
        client.force_login(writer)
        assert self.post_source(client, "Interview with Sofia").status_code == 302
        assert self.post_source(client, "Interview with Sofia").status_code == 302
        keys = sorted(Source.objects.values_list("key", flat=True))
        assert keys == ["interview-with-sofia", "interview-with-sofia-2"]


# The checks the form cannot answer alone, asked as the writer picks.


class TestChecksView:
    url = reverse("admin:articles_article_checks")

    def test_a_picture_without_credit_is_reported(self, client, writer):
        image = factories.make_image(credit=" ")
        client.force_login(writer)
        data = client.get(self.url, {"image": image.pk}).json()
        assert data == {
            "image": ["The lead image has no credit."],
            "claims": [],
            "needs_label": False,
        }

    def test_rumoured_and_denied_claims_are_reported(self, client, writer):
        from franchise.models import Claim

        rumour = factories.make_claim(status=Claim.Status.RUMOURED)
        denied = factories.make_claim(status=Claim.Status.DENIED)
        client.force_login(writer)
        data = client.get(self.url, {"claims": [rumour.pk, denied.pk]}).json()
        assert data["needs_label"] is True
        assert data["claims"] == [f"The article asserts a denied claim: {denied}."]

    def test_nonsense_is_ignored(self, client, writer):
        client.force_login(writer)
        data = client.get(self.url, {"image": "x", "claims": ["1;drop"]}).json()
        assert data == {"image": [], "claims": [], "needs_label": False}

    def test_only_staff_may_ask(self, client, writer):
        response = client.get(self.url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_queries_do_not_grow_with_claims(
        self, client, writer, django_assert_num_queries
    ):
        image = factories.make_image()
        claims = [factories.make_claim() for _ in range(5)]
        client.force_login(writer)
        client.get(self.url)  # the session is read once per request anyway
        # session, user, the user's permissions (two), image, claims, disputed
        with django_assert_num_queries(7):
            client.get(self.url, {"image": image.pk, "claims": [claims[0].pk]})
        with django_assert_num_queries(7):
            client.get(self.url, {"image": image.pk, "claims": [c.pk for c in claims]})


class TestCorrectionOnTheScreen:
    def test_a_correcting_version_shows_the_note_it_will_publish(
        self, client, writer, editor
    ):
        live = in_state(Status.PUBLISHED, writer)
        version = services.start_correction(
            live, by=editor, text="Filming starts in May, not June."
        )
        client.force_login(writer)
        html = client.get(change_url(version)).content.decode()
        note = html[html.index('id="panel-pending-correction"') :]
        assert "Filming starts in May, not June." in note[: note.index("</div>")]

    def test_a_live_article_offers_correct_this_article_once(
        self, client, writer, editor
    ):
        live = in_state(Status.PUBLISHED, writer)
        client.force_login(editor)
        html = client.get(change_url(live)).content.decode()
        assert html.count('value="add_correction"') == 1
