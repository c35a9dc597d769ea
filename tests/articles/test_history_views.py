import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles import revisions, services
from articles.models import Article, EditorialComment, Revision
from tests import factories as f
from tests.factories import draft_by

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def revised(article, by, **changes):
    """Save the changes to the article and record the revision."""
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    return revisions.record(article, by=by)


def all_urls(article):
    return [
        reverse("articles_admin:revisions", args=[article.pk]),
        reverse("articles_admin:diff", args=[article.pk, 1, 2]),
        reverse("articles_admin:comments", args=[article.pk]),
        reverse("articles_admin:preview", args=[article.pk]),
        reverse("articles_admin:preview_links", args=[article.pk]),
    ]


# Who gets in


def test_urls_live_under_the_admin():
    assert reverse("articles_admin:revisions", args=[5]) == (
        "/admin/newsroom/articles/5/history/"
    )
    assert reverse("articles_admin:diff", args=[5, 1, 2]).startswith("/admin/")
    assert reverse("articles_admin:restore", args=[5, 1]).startswith("/admin/")


def test_reader_without_staff_status_is_sent_to_the_login_page(client, reader):
    article = f.make_article(published=False)
    client.force_login(reader)
    for url in all_urls(article):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_anonymous_post_to_restore_is_sent_to_the_login_page(client):
    article = f.make_article(published=False)
    first = revisions.record(article)
    response = client.post(reverse("articles_admin:restore", args=[article.pk, 1]))
    assert response.status_code == 302
    assert Revision.objects.filter(article=article).count() == 1
    assert first.number == 1


def test_staff_without_view_permission_is_refused(client):
    article = f.make_article(published=False)
    revisions.record(article)
    revisions.record(article)
    staff = f.make_user(is_staff=True)
    client.force_login(staff)
    for url in all_urls(article):
        assert client.get(url).status_code == 403, url


def test_staff_with_view_permission_only_can_read_the_history(client):
    article = f.make_article(published=False)
    revisions.record(article)
    staff = f.make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(staff)
    assert client.get(all_urls(article)[0]).status_code == 200


# History


def test_history_lists_revisions_newest_first_and_transitions_in_time_order(
    client, writer, editor
):
    article = draft_by(writer, title="First headline")
    revisions.record(article, by=writer, note="first go")
    revised(article, writer, title="Second headline")
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Name the source.")
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:revisions", args=[article.pk])))

    assert "first go" in page
    assert page.index('name="a" value="2"') < page.index('name="a" value="1"')
    assert "writer-fixture" in page
    assert page.index("submitted for review") < page.index("changes requested")
    assert "Name the source." in page
    assert "editor-fixture" in page
    assert "Restore as new draft" in page


def test_history_shows_the_kind_of_each_revision(client, writer):
    article = draft_by(writer)
    first = revisions.record(article, by=writer)
    revisions.record(article, by=writer, kind=Revision.Kind.REFUSED)
    revisions.restore(first, by=writer)
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:revisions", args=[article.pk])))

    assert "refused: based on a stale version" in page
    assert "restored from an earlier revision" in page
    assert "restored from revision 1" in page


def test_compare_form_leads_to_the_diff(client, writer):
    article = draft_by(writer)
    revisions.record(article, by=writer)
    revisions.record(article, by=writer)
    client.force_login(writer)
    url = reverse("articles_admin:revisions", args=[article.pk])

    response = client.get(url, {"a": "1", "b": "2"})

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "articles_admin:diff", args=[article.pk, 1, 2]
    )


def test_history_of_a_working_copy_is_the_live_articles_history(client, editor):
    live = f.make_article(title="Live story")
    revisions.record(live, by=editor, note="as published")
    copy = services.start_new_version(live, by=editor)
    client.force_login(editor)

    page = html(client.get(reverse("articles_admin:revisions", args=[copy.pk])))

    assert "as published" in page
    assert "new version started" in page


# Diff


def test_diff_shows_changed_fields_and_body_paragraphs(client, writer):
    old_section, new_section = (
        f.make_section(name="Old desk"),
        f.make_section(name="New desk"),
    )
    article = draft_by(
        writer,
        title="Old headline",
        body="<p>Kept paragraph.</p><p>Old words here.</p>",
        section=old_section,
    )
    revisions.record(article, by=writer)
    revised(
        article,
        writer,
        title="New headline",
        body="<p>Kept paragraph.</p><p>New words here.</p>",
        section=new_section,
    )
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:diff", args=[article.pk, 1, 2])))

    assert "Headline" in page
    assert "<del>Old headline</del>" in page
    assert "<ins>New headline</ins>" in page
    # Ids are shown as names.
    assert "<del>Old desk</del>" in page and "<ins>New desk</ins>" in page
    assert "Removed: </span>Old words here.</del>" in page
    assert "Added: </span>New words here.</ins>" in page
    assert (
        'class="diff-same"><span class="diff-mark" aria-hidden="true"> </span>Kept'
        in page
    )
    assert "Dek" not in page.split("Changed fields")[1]


def test_diff_marks_skipped_unchanged_paragraphs_between_changes(client, writer):
    paras = [f"Paragraph {i}." for i in range(8)]
    article = draft_by(writer, body="".join(f"<p>{p}</p>" for p in paras))
    revisions.record(article, by=writer)
    changed = ["Changed first.", *paras[1:7], "Changed last."]
    revised(article, writer, body="".join(f"<p>{p}</p>" for p in changed))
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:diff", args=[article.pk, 1, 2])))
    body = page.split('class="diff-body"')[1].split("</ul>")[0]

    assert body.count('class="diff-gap"') == 1
    assert body.index("Changed first.") < body.index("diff-gap")
    assert body.index("diff-gap") < body.index("Changed last.")
    assert "Paragraph 4." not in body


def test_diff_reads_the_same_whichever_order_the_numbers_come_in(client, writer):
    article = draft_by(writer, title="Old headline")
    revisions.record(article, by=writer)
    revised(article, writer, title="New headline")
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:diff", args=[article.pk, 2, 1])))

    assert "<del>Old headline</del>" in page
    assert "<ins>New headline</ins>" in page


def test_diff_names_related_rows_and_marks_deleted_ones(client, writer):
    article = draft_by(writer)
    revisions.record(article, by=writer)
    kept, gone = f.make_film(title="Purple Hearts 2"), f.make_film(title="Gone film")
    article.films.set([kept, gone])
    revisions.record(article, by=writer)
    gone_pk = gone.pk
    gone.delete()
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:diff", args=[article.pk, 1, 2])))

    assert "Purple Hearts 2" in page
    assert f"(deleted, #{gone_pk})" in page


def test_diff_of_a_revision_that_does_not_exist_is_not_found(client, writer):
    article = draft_by(writer)
    revisions.record(article, by=writer)
    client.force_login(writer)
    response = client.get(reverse("articles_admin:diff", args=[article.pk, 1, 9]))
    assert response.status_code == 404


def test_diff_never_reads_another_articles_revisions(client, writer):
    article, other = draft_by(writer), draft_by(writer)
    revisions.record(other, by=writer)
    revisions.record(other, by=writer)
    client.force_login(writer)
    response = client.get(reverse("articles_admin:diff", args=[article.pk, 1, 2]))
    assert response.status_code == 404


# Restore


def test_restore_post_brings_back_the_old_text_as_a_restored_revision(client, writer):
    article = draft_by(writer, title="Original headline")
    revisions.record(article, by=writer)
    revised(article, writer, title="Rewritten headline")
    client.force_login(writer)

    response = client.post(
        reverse("articles_admin:restore", args=[article.pk, 1]), follow=True
    )

    article.refresh_from_db()
    assert article.title == "Original headline"
    latest = article.revisions.first()
    assert (latest.number, latest.kind) == (3, Revision.Kind.RESTORED)
    assert latest.created_by == writer
    assert any("Revision 1 is back" in m for m in messages_of(response))


def test_restore_of_a_published_article_starts_a_new_version_from_it(
    client, editor
):
    article = f.make_article(title="Live headline")
    revisions.record(article, by=editor)
    revised(article, editor, title="Live headline, edited")
    client.force_login(editor)

    response = client.post(
        reverse("articles_admin:restore", args=[article.pk, 1]), follow=True
    )

    article.refresh_from_db()
    assert article.title == "Live headline, edited"  # readers keep the live text
    version = Article.objects.get(draft_of=article)
    assert version.title == "Live headline"
    assert any("Revision 1 is back" in m for m in messages_of(response))


def test_restore_by_get_changes_nothing(client, writer):
    article = draft_by(writer)
    revisions.record(article, by=writer)
    client.force_login(writer)
    response = client.get(reverse("articles_admin:restore", args=[article.pk, 1]))
    assert response.status_code == 405
    assert article.revisions.count() == 1


def test_writer_can_read_another_writers_history_but_not_restore_it(
    client, writer, other_writer
):
    article = draft_by(other_writer, title="Theirs")
    revisions.record(article, by=other_writer)
    revised(article, other_writer, title="Theirs, edited")
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:revisions", args=[article.pk])))
    response = client.post(reverse("articles_admin:restore", args=[article.pk, 1]))

    assert "Restore as new draft" not in page
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Theirs, edited"
    assert article.revisions.count() == 2


def test_writer_cannot_restore_their_own_article_once_submitted(client, writer):
    article = draft_by(writer, title="Mine")
    revisions.record(article, by=writer)
    revised(article, writer, title="Mine, edited")
    services.submit_for_review(article, by=writer)
    client.force_login(writer)

    response = client.post(reverse("articles_admin:restore", args=[article.pk, 1]))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Mine, edited"


def test_restore_of_a_revision_that_does_not_exist_is_not_found(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(reverse("articles_admin:restore", args=[article.pk, 4]))
    assert response.status_code == 404


# Comments


def test_writer_comments_on_their_draft_and_an_editor_resolves_it(
    client, writer, editor
):
    article = draft_by(writer)
    client.force_login(writer)
    url = reverse("articles_admin:comments", args=[article.pk])

    response = client.post(url, {"text": "  Is the date right?  "})

    assert response.status_code == 302
    comment = EditorialComment.objects.get(article=article)
    assert (comment.text, comment.author) == ("Is the date right?", writer)

    client.force_login(editor)
    page = html(client.get(url))
    assert "Is the date right?" in page and "writer-fixture" in page
    resolve = reverse("articles_admin:resolve_comment", args=[article.pk, comment.pk])
    client.post(resolve)

    comment.refresh_from_db()
    assert comment.resolved_by == editor
    assert comment.resolved_at is not None


def test_open_comments_come_before_resolved_ones(client, writer, editor):
    article = draft_by(writer)
    first = services.add_comment(article, by=editor, text="Old point, dealt with")
    services.add_comment(article, by=editor, text="Still open")
    services.resolve_comment(first, by=writer)
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:comments", args=[article.pk])))

    assert page.index("Still open") < page.index("Old point, dealt with")
    assert "resolved by writer-fixture" in page


def test_an_empty_comment_is_refused_with_a_message(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(
        reverse("articles_admin:comments", args=[article.pk]),
        {"text": "   "},
        follow=True,
    )
    assert not EditorialComment.objects.exists()
    assert "Write something first." in messages_of(response)


def test_writer_cannot_comment_on_another_writers_draft(client, writer, other_writer):
    article = draft_by(other_writer)
    client.force_login(writer)
    response = client.post(
        reverse("articles_admin:comments", args=[article.pk]), {"text": "Sneaky"}
    )
    assert response.status_code == 403
    assert not EditorialComment.objects.exists()


def test_writer_cannot_resolve_a_comment_on_another_writers_draft(
    client, writer, other_writer, editor
):
    article = draft_by(other_writer)
    comment = services.add_comment(article, by=editor, text="Fix the dek")
    client.force_login(writer)

    response = client.post(
        reverse("articles_admin:resolve_comment", args=[article.pk, comment.pk])
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_a_comment_is_resolved_only_through_its_own_article(client, writer, editor):
    article, other = draft_by(writer), draft_by(writer)
    comment = services.add_comment(article, by=editor, text="Fix the dek")
    client.force_login(editor)
    response = client.post(
        reverse("articles_admin:resolve_comment", args=[other.pk, comment.pk])
    )
    assert response.status_code == 404


def test_writer_sees_the_editors_request_for_changes_on_their_draft(
    client, writer, editor
):
    article = draft_by(writer)
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Cite the phone call.")
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:comments", args=[article.pk])))

    assert "Changes requested" in page
    assert "Cite the phone call." in page


def test_the_request_for_changes_is_gone_once_the_draft_is_resubmitted(
    client, writer, editor
):
    article = draft_by(writer)
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Cite the phone call.")
    services.submit_for_review(article, by=writer)
    client.force_login(writer)

    page = html(client.get(reverse("articles_admin:comments", args=[article.pk])))

    assert "Cite the phone call." not in page


def test_comment_text_is_escaped(client, writer):
    article = draft_by(writer)
    services.add_comment(article, by=writer, text="<script>alert(1)</script>")
    client.force_login(writer)
    page = html(client.get(reverse("articles_admin:comments", args=[article.pk])))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
