"""The live updates screen: who may post, edit and delete, by the requests sent."""

import datetime as dt

import pytest
from django.urls import reverse

from articles import liveblog
from articles.admin import ACTION_FIELD
from articles.models import LiveUpdate, Transition
from tests import factories
from tests.factories import change_url

pytestmark = pytest.mark.django_db


def list_url(article):
    return reverse("articles_admin:live_updates", args=[article.pk])


def edit_url(update):
    return reverse(
        "articles_admin:live_update_edit", args=[update.article_id, update.pk]
    )


def delete_url(update):
    return reverse(
        "articles_admin:live_update_delete", args=[update.article_id, update.pk]
    )


def test_writer_on_the_blog_posts_an_update_from_the_screen(client, writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    client.force_login(writer)
    page = client.get(list_url(article))
    assert page.status_code == 200 and b"Post an update" in page.content
    response = client.post(
        list_url(article),
        {"body": "Red carpet opens.\n\nCrowds outside.", "key_event": "on"},
    )
    assert response.status_code == 302
    update = LiveUpdate.objects.get(article=article)
    assert update.author == writer and update.key_event
    assert update.body == "<p>Red carpet opens.</p>\n\n<p>Crowds outside.</p>"


def test_writer_not_on_the_blog_gets_403_for_a_crafted_post(client, writer):
    article = factories.make_live_blog()
    client.force_login(writer)
    response = client.post(list_url(article), {"body": "sneaky"})
    assert response.status_code == 403
    assert not LiveUpdate.objects.exists()


def test_reader_is_sent_to_log_in_and_posts_nothing(client, reader):
    article = factories.make_live_blog()
    client.force_login(reader)
    response = client.post(list_url(article), {"body": "sneaky"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.logout()
    response = client.post(list_url(article), {"body": "sneaky"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not LiveUpdate.objects.exists()


def test_editor_posts_to_any_live_blog(client, editor):
    article = factories.make_live_blog()
    client.force_login(editor)
    client.post(list_url(article), {"body": "<p>From the desk</p>"})
    assert LiveUpdate.objects.get(article=article).author == editor


def test_an_empty_post_gets_a_message_and_keeps_nothing(client, editor):
    article = factories.make_live_blog()
    client.force_login(editor)
    response = client.post(list_url(article), {"body": "   "})
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not LiveUpdate.objects.exists()


def test_the_screen_is_404_for_an_article_that_is_not_live(client, editor):
    client.force_login(editor)
    assert client.get(list_url(factories.make_article())).status_code == 404


def test_writer_cannot_edit_or_delete_someone_elses_update(client, writer, editor):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    update = liveblog.post_update(article, by=editor, body="<p>editor's</p>")
    client.force_login(writer)
    assert client.post(edit_url(update), {"body": "mine now"}).status_code == 403
    assert client.post(delete_url(update)).status_code == 403
    update.refresh_from_db()
    assert update.body == "<p>editor's</p>"


def test_writer_edits_and_deletes_their_own_update(client, writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    update = liveblog.post_update(article, by=writer, body="<p>tpyo</p>")
    client.force_login(writer)
    assert client.get(edit_url(update)).status_code == 200
    client.post(edit_url(update), {"body": "typo fixed"})
    update.refresh_from_db()
    assert update.body == "<p>typo fixed</p>" and update.edited_at
    client.post(delete_url(update))
    assert not LiveUpdate.objects.exists()


def test_delete_needs_a_post(client, editor):
    update = liveblog.post_update(
        factories.make_live_blog(), by=editor, body="<p>x</p>"
    )
    client.force_login(editor)
    assert client.get(delete_url(update)).status_code == 405


def test_editor_ends_live_coverage_with_the_change_form_button(client, editor):
    article = factories.make_live_blog()
    client.force_login(editor)
    liveblog.post_update(article, by=editor, body="<p>Lights down.</p>")
    form = client.get(change_url(article)).content.decode()
    assert 'value="end_live_coverage"' in form and 'id="live-updates-link"' in form
    assert 'id="live-updates"' in form and "Lights down." in form
    client.post(
        change_url(article),
        {ACTION_FIELD: "end_live_coverage", "_selected_action": str(article.pk)},
    )
    article.refresh_from_db()
    assert article.coverage_ended_at is not None
    assert article.transitions.filter(action=Transition.Action.END_LIVE).exists()
    response = client.post(list_url(article), {"body": "late"}, follow=True)
    assert b"The live coverage has ended." in response.content
    assert LiveUpdate.objects.count() == 1


def test_writer_cannot_end_live_coverage_by_a_crafted_post(client, writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    client.force_login(writer)
    response = client.post(
        change_url(article),
        {ACTION_FIELD: "end_live_coverage", "_selected_action": str(article.pk)},
    )
    assert response.status_code in {302, 403}
    article.refresh_from_db()
    assert article.coverage_ended_at is None


def test_edit_and_delete_buttons_name_the_update_by_its_date_and_time(
    client, editor, settings
):
    settings.TIME_ZONE = "UTC"
    article = factories.make_live_blog()
    update = LiveUpdate.objects.create(
        article=article,
        body="<p>x</p>",
        posted_at=dt.datetime(2026, 12, 7, 14, 5, tzinfo=dt.UTC),
    )
    client.force_login(editor)
    html = client.get(list_url(article)).content.decode()
    assert (
        f'href="{edit_url(update)}" aria-label="Edit the update of 7 Dec 2026, 14:05"'
        in html
    )
    assert 'aria-label="Delete the update of 7 Dec 2026, 14:05"' in html
    # The visible time and the edit screen's heading carry the year too: a blog
    # kept open across New Year lists updates of two years.
    assert ">7 Dec 2026, 14:05</time>" in html
    edit = client.get(edit_url(update)).content.decode()
    assert "Edit the update of 7 Dec 2026, 14:05</h2>" in edit
