"""The article form's autosave slot: who may write it, what it keeps, when it goes."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAutosave, Revision, Transition
from tests import factories

pytestmark = pytest.mark.django_db

Status = Article.Status
KEY = "0b6f3c1e-2a4d-4f7e-9c11-8e5d2a7b9f30"


def slot_url(article):
    return reverse("articles_admin:autosave", args=[article.pk])


NEW_URL = reverse("articles_admin:autosave_new")


def fields(**changes):
    """What autosave.js posts: the article form's own fields."""
    data = {
        "title": "Purple Hearts 2 is happening",
        "slug": "purple-hearts-2-is-happening",
        "dek": "The sequel is on.",
        "body": "<p>Filming starts in the spring.</p>",
        "kind": Article.Kind.NEWS,
        "section": "",
        "tags": "purple hearts, sequels",
        "unconfirmed": "on",
        "is_top_story": "",
        "labels": "{}",
    }
    data.update(changes)
    return data


def row(article):
    """Everything of the article's row and history an autosave must not touch."""
    values = Article.objects.filter(pk=article.pk).values().get()
    return (
        values,
        Revision.objects.filter(article=article).count(),
        Transition.objects.filter(article=article).count(),
    )


# Permissions ------------------------------------------------------------------


def test_writer_autosaves_own_draft(client, writer):
    article = factories.draft_by(writer)
    client.force_login(writer)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 200, response.content
    slot = ArticleAutosave.objects.get(user=writer, article=article)
    assert slot.base_version == article.version
    assert slot.data["fields"]["title"] == "Purple Hearts 2 is happening"
    assert slot.data["fields"]["unconfirmed"] is True
    assert slot.data["fields"]["is_top_story"] is False
    assert response.json()["time"] == timezone.localtime(slot.saved_at).strftime(
        "%H:%M"
    )


def test_writer_cannot_autosave_into_another_writers_draft(
    client, writer, other_writer
):
    article = factories.draft_by(other_writer)
    client.force_login(writer)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 403
    assert not ArticleAutosave.objects.exists()


@pytest.mark.parametrize(
    "status", [Status.PUBLISHED, Status.SCHEDULED, Status.IN_REVIEW]
)
def test_writer_cannot_autosave_into_a_live_or_submitted_article(
    client, writer, status
):
    article = factories.in_state(status, writer)
    client.force_login(writer)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_editor_cannot_autosave_into_a_live_article(client, editor, writer):
    article = factories.in_state(Status.PUBLISHED, writer)
    client.force_login(editor)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 403


def test_editor_autosaves_a_writers_draft(client, editor, writer):
    article = factories.draft_by(writer)
    client.force_login(editor)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 200
    assert ArticleAutosave.objects.get().user == editor


def test_anonymous_and_non_staff_cannot_autosave(client, reader):
    article = factories.make_article(published=False)
    response = client.post(slot_url(article), fields())
    assert response.status_code == 302  # to the admin's login
    client.force_login(reader)
    assert client.post(NEW_URL, fields(draft_key=KEY)).status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_autosave_is_csrf_protected(writer):
    article = factories.draft_by(writer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    response = client.post(slot_url(article), fields(base_version=article.version))
    assert response.status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_beacon_with_the_csrf_token_as_a_form_field_is_accepted(writer):
    article = factories.draft_by(writer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    # The change form sets the CSRF cookie and carries the token, as a page does.
    page = client.get(factories.change_url(article))
    token = page.context["csrf_token"]
    response = client.post(
        slot_url(article),
        fields(base_version=article.version, csrfmiddlewaretoken=str(token)),
    )
    assert response.status_code == 200
    assert ArticleAutosave.objects.filter(user=writer, article=article).exists()


def test_writer_never_reads_or_discards_another_users_slot(
    client, writer, other_writer
):
    article = factories.draft_by(other_writer)
    ArticleAutosave.objects.create(
        user=other_writer, article=article, data={"fields": {"title": "Secret"}}
    )
    client.force_login(writer)
    # Writers may read the article; the slot they reach is only ever their own.
    assert client.get(slot_url(article)).json() == {"slot": None}
    client.delete(slot_url(article))
    assert ArticleAutosave.objects.count() == 1


# Size and text ------------------------------------------------------------------


def test_autosave_over_one_megabyte_is_refused_with_413(client, writer):
    article = factories.draft_by(writer)
    client.force_login(writer)
    body = "<p>" + "x" * (1024 * 1024) + "</p>"
    response = client.post(slot_url(article), fields(body=body))
    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]
    response = client.post(NEW_URL, fields(body=body, draft_key=KEY))
    assert response.status_code == 413
    assert not ArticleAutosave.objects.exists()


def test_autosave_under_the_limit_is_kept(client, writer):
    client.force_login(writer)
    body = "<p>" + "x" * 900_000 + "</p>"
    response = client.post(NEW_URL, fields(body=body, draft_key=KEY))
    assert response.status_code == 200
    assert ArticleAutosave.objects.get().data["fields"]["body"] == body


def test_autosave_cleans_text_like_the_forms(client, writer):
    client.force_login(writer)
    response = client.post(
        NEW_URL,
        fields(
            draft_key=KEY,
            dek="The sequel\x07 is on.",
            body="<p>Spring\x00.</p><script>alert(1)</script>",
        ),
    )
    assert response.status_code == 200
    kept = ArticleAutosave.objects.get().data["fields"]
    assert kept["dek"] == "The sequel is on."
    assert kept["body"] == "<p>Spring.</p>"


def test_autosave_refuses_a_control_character_in_the_headline(client, writer):
    client.force_login(writer)
    response = client.post(NEW_URL, fields(draft_key=KEY, title="Bad\x07 title"))
    assert response.status_code == 400
    assert "U+0007" in response.json()["detail"]
    assert not ArticleAutosave.objects.exists()


def test_new_draft_needs_a_draft_key(client, writer):
    client.force_login(writer)
    assert client.post(NEW_URL, fields()).status_code == 400
    assert client.post(NEW_URL, fields(draft_key="x\x00")).status_code == 400
    assert not ArticleAutosave.objects.exists()


# GET and DELETE -------------------------------------------------------------------


def test_get_offers_the_slot_and_delete_discards_it(client, writer):
    article = factories.draft_by(writer)
    client.force_login(writer)
    assert client.get(slot_url(article)).json() == {"slot": None}
    client.post(slot_url(article), fields(base_version=article.version))
    slot = client.get(slot_url(article)).json()["slot"]
    assert slot["fields"]["body"] == "<p>Filming starts in the spring.</p>"
    assert slot["stale"] is False
    assert slot["message"] == f"You have unsaved changes from {slot['time']}."
    assert client.delete(slot_url(article)).status_code == 200
    assert not ArticleAutosave.objects.exists()
    assert client.get(slot_url(article)).json() == {"slot": None}


def test_second_autosave_replaces_the_first(client, writer):
    article = factories.draft_by(writer)
    client.force_login(writer)
    client.post(slot_url(article), fields(title="First"))
    client.post(slot_url(article), fields(title="Second"))
    assert ArticleAutosave.objects.get().data["fields"]["title"] == "Second"


def test_new_drafts_are_kept_by_key_and_the_newest_is_offered(client, writer):
    client.force_login(writer)
    other = "5d1f0d1e-0000-4f7e-9c11-8e5d2a7b9f30"
    client.post(NEW_URL, fields(draft_key=other, title="Older"))
    client.post(NEW_URL, fields(draft_key=KEY, title="Newer"))
    client.post(NEW_URL, fields(draft_key=KEY, title="Newest"))
    assert ArticleAutosave.objects.count() == 2
    slot = client.get(NEW_URL).json()["slot"]
    assert (slot["draft_key"], slot["fields"]["title"]) == (KEY, "Newest")
    older = client.get(NEW_URL, {"key": other}).json()["slot"]
    assert older["fields"]["title"] == "Older"
    assert client.delete(NEW_URL).status_code == 400
    client.delete(f"{NEW_URL}?key={KEY}")
    assert client.get(NEW_URL).json()["slot"]["draft_key"] == other


def test_slot_older_than_the_articles_last_save_is_not_offered(client, writer):
    article = factories.draft_by(writer)
    ArticleAutosave.objects.create(
        user=writer,
        article=article,
        base_version=article.version,
        data={"fields": {"title": "Old"}},
        saved_at=article.edited_at - dt.timedelta(minutes=5),
    )
    client.force_login(writer)
    assert client.get(slot_url(article)).json() == {"slot": None}


def test_slot_from_before_someone_elses_save_says_so(client, writer, editor):
    article = factories.draft_by(writer)
    client.force_login(writer)
    client.post(slot_url(article), fields(base_version=article.version))
    editors = Client()
    editors.force_login(editor)
    saved = editors.post(
        factories.change_url(article),
        factories.change_post(article, title="The editor's headline"),
    )
    assert saved.status_code == 302
    slot = client.get(slot_url(article)).json()["slot"]
    assert slot["stale"] is True
    assert slot["base_version"] == article.version
    assert editor.get_username() in slot["message"]
    assert "refused as a conflict" in slot["message"]


def test_restored_stale_text_is_refused_by_the_stale_save_check(
    client, writer, editor
):
    """Restoring puts the slot's base version back: the save is refused, not
    written over the editor's."""
    article = factories.draft_by(writer)
    client.force_login(writer)
    client.post(slot_url(article), fields(base_version=article.version))
    editors = Client()
    editors.force_login(editor)
    editors.post(
        factories.change_url(article),
        factories.change_post(article, title="The editor's headline"),
    )
    slot = client.get(slot_url(article)).json()["slot"]
    response = client.post(
        factories.change_url(article),
        factories.change_post(
            article,
            title=slot["fields"]["title"],
            body=slot["fields"]["body"],
            base_version=slot["base_version"],
        ),
    )
    assert response.status_code == 200
    assert "Someone saved this article after you opened it" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "The editor's headline"
    # Not saved, so the writer's slot stays.
    assert ArticleAutosave.objects.filter(user=writer, article=article).exists()


# Never the article ---------------------------------------------------------------


def test_autosave_never_changes_the_article_or_its_history(client, writer):
    article = factories.draft_by(writer)
    before = row(article)
    client.force_login(writer)
    client.post(slot_url(article), fields(title="Typed", base_version=1))
    client.get(slot_url(article))
    client.delete(slot_url(article))
    assert row(article) == before


# A real save deletes the slot ------------------------------------------------------


def test_saving_the_change_form_deletes_the_users_slot_only(
    client, writer, editor
):
    article = factories.draft_by(writer)
    ArticleAutosave.objects.create(user=writer, article=article, base_version=1)
    ArticleAutosave.objects.create(user=editor, article=article, base_version=1)
    client.force_login(writer)
    response = client.post(
        factories.change_url(article), factories.change_post(article, title="Saved")
    )
    assert response.status_code == 302
    assert list(ArticleAutosave.objects.values_list("user", flat=True)) == [editor.pk]


def test_saving_the_add_form_deletes_its_draft_slot(client, writer):
    section = factories.make_section()
    client.force_login(writer)
    client.post(NEW_URL, fields(draft_key=KEY))
    other = "5d1f0d1e-0000-4f7e-9c11-8e5d2a7b9f30"
    client.post(NEW_URL, fields(draft_key=other))
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(section, autosave_draft_key=KEY),
    )
    assert response.status_code == 302
    assert list(ArticleAutosave.objects.values_list("draft_key", flat=True)) == [
        other
    ]


def test_a_refused_save_keeps_the_slot(client, writer):
    article = factories.draft_by(writer)
    ArticleAutosave.objects.create(user=writer, article=article, base_version=1)
    client.force_login(writer)
    response = client.post(
        factories.change_url(article),
        factories.change_post(article, base_version=article.version + 5),
    )
    assert response.status_code == 200
    assert ArticleAutosave.objects.filter(user=writer, article=article).exists()


# The form loads the script --------------------------------------------------------


def test_add_and_change_forms_load_autosave(client, writer):
    article = factories.draft_by(writer)
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "newsroom/autosave" in html
    assert f'data-url="{NEW_URL}"' in html
    html = client.get(factories.change_url(article)).content.decode()
    assert f'data-url="{slot_url(article)}"' in html


def test_read_only_form_does_not_autosave(client, writer):
    article = factories.in_state(Status.IN_REVIEW, writer)
    client.force_login(writer)
    html = client.get(factories.change_url(article)).content.decode()
    assert "newsroom/autosave" not in html


# Query counts ------------------------------------------------------------------


@pytest.mark.parametrize("films", [1, 5])
def test_autosave_post_runs_a_bounded_number_of_queries(
    client, writer, django_assert_num_queries, films
):
    article = factories.draft_by(writer)
    ids = [str(factories.make_film().pk) for _ in range(films)]
    client.force_login(writer)
    data = fields(base_version=article.version, films=ids)
    client.post(slot_url(article), data)  # the slot exists: the steady state
    # session, user, article, bylines, two for permissions, the slot's
    # update_or_create (savepoint, select, update, release)
    with django_assert_num_queries(10):
        response = client.post(slot_url(article), data)
    assert response.status_code == 200
    assert ArticleAutosave.objects.get().data["fields"]["films"] == ids


def test_autosave_get_runs_a_bounded_number_of_queries(
    client, writer, editor, django_assert_num_queries
):
    article = factories.draft_by(writer)
    client.force_login(writer)
    client.post(slot_url(article), fields(base_version=article.version))
    # session, user, article, bylines, two for permissions, the slot
    with django_assert_num_queries(7):
        assert client.get(slot_url(article)).json()["slot"]
    editors = Client()
    editors.force_login(editor)
    editors.post(factories.change_url(article), factories.change_post(article))
    # A stale slot names who saved last: one more query.
    with django_assert_num_queries(8):
        assert client.get(slot_url(article)).json()["slot"]["stale"]


def test_offer_gives_the_time_in_the_sites_time_zone(client, writer, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # UTC+9, no summer time
    client.force_login(writer)
    client.post(NEW_URL, fields(draft_key=KEY))
    saved_at = ArticleAutosave.objects.get().saved_at
    slot = client.get(NEW_URL).json()["slot"]
    tokyo = saved_at + dt.timedelta(hours=9)
    assert slot["time"].endswith(tokyo.strftime("%H:%M"))
    assert slot["time"] != saved_at.strftime("%H:%M")


def test_add_form_sent_back_with_errors_keeps_its_draft_key(client, writer):
    section = factories.make_section()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(section, title="", autosave_draft_key=KEY),
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The form holds what was typed: the script offers nothing, and goes on
    # autosaving into the same slot.
    assert "data-resubmitted" in html
    assert f'data-draft-key="{KEY}"' in html
