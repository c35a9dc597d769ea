import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, AuthorProfile, Byline, Image
from tests import factories
from tests.factories import inline_management

pytestmark = pytest.mark.django_db

MAKERS = {
    "section": factories.make_section,
    "authorprofile": factories.make_author,
    "image": factories.make_image,
    "article": factories.make_article,
}


def article_post(section, **fields):
    """The POST the admin add form sends, with empty inlines unless given."""
    data = {
        "title": "Purple Hearts 2 is happening",
        "slug": "purple-hearts-2-is-happening",
        "dek": "The sequel is on.",
        "body": "<p>Body.</p>",
        "kind": Article.Kind.NEWS,
        "section": section.pk,
        "tags": "purple hearts, sequels",
        **inline_management("bylines"),
        **inline_management("citations"),
        **inline_management("quotes"),
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("model", MAKERS)
def test_editor_opens_every_articles_changelist_add_and_change_page(
    client, editor, model
):
    obj = MAKERS[model]()
    client.force_login(editor)
    for url in (
        reverse(f"admin:articles_{model}_changelist"),
        reverse(f"admin:articles_{model}_add"),
        reverse(f"admin:articles_{model}_change", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("articles", [2, 12])
def test_article_changelist_shows_first_byline_with_constant_queries(
    client, editor, django_assert_num_queries, articles
):
    section = factories.make_section(name="Films")
    for _ in range(articles - 1):
        factories.make_article(section=section, authors=[factories.make_author()])
    first = factories.make_author(display_name="Ana First")
    factories.make_article(section=section, authors=[first, factories.make_author()])
    client.force_login(editor)
    # session, user, user and group perms, section filter, two counts, rows,
    # bylines with their authors, two for the date hierarchy
    with django_assert_num_queries(11):
        response = client.get(reverse("admin:articles_article_changelist"))
    assert "Ana First" in response.content.decode()


def test_article_form_renders_the_rich_text_editor(client, writer):
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert "django_prose_editor/editor.js" in html
    # The import map is an inline script: without the nonce CSP would block it.
    nonce = response.context["csp_nonce"]
    assert re.search(rf'<script[^>]*type="importmap"[^>]*nonce="{nonce}"', html) or (
        re.search(rf'<script[^>]*nonce="{nonce}"[^>]*type="importmap"', html)
    )


def test_writer_byline_is_added_when_none_is_given(client, writer):
    writer.first_name, writer.last_name = "Ana", "Writer"
    writer.save()
    section = factories.make_section()
    client.force_login(writer)
    response = client.post(reverse("admin:articles_article_add"), article_post(section))
    assert response.status_code == 302
    article = Article.objects.get()
    profile = AuthorProfile.objects.get(user=writer)
    assert profile.display_name == "Ana Writer"
    assert [b.author for b in article.bylines.all()] == [profile]
    assert article.created_by == writer
    assert set(article.tags.names()) == {"purple hearts", "sequels"}


def test_writer_existing_profile_is_reused_for_the_byline(client, writer):
    profile = factories.make_author(user=writer, display_name="A. W.")
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_add"), article_post(factories.make_section())
    )
    assert list(Article.objects.get().authors.all()) == [profile]
    assert AuthorProfile.objects.count() == 1


def test_writer_byline_is_not_added_when_someone_else_is_named(client, writer):
    other = factories.make_author(display_name="Guest Writer")
    client.force_login(writer)
    data = article_post(factories.make_section())
    data.update(inline_management("bylines", total=1))
    data.update({"bylines-0-author": other.pk, "bylines-0-position": "0"})
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert list(Article.objects.get().authors.all()) == [other]


def test_article_admin_saves_citations_and_quotes(client, writer):
    source = factories.make_source()
    speaker = factories.make_person()
    client.force_login(writer)
    data = article_post(factories.make_section())
    data.update(inline_management("citations", total=1))
    data.update(inline_management("quotes", total=1))
    data.update(
        {
            "citations-0-source": source.pk,
            "citations-0-supports": "filming dates",
            "citations-0-position": "0",
            "quotes-0-speaker": speaker.pk,
            "quotes-0-words": "We start filming in March.",
            "quotes-0-source": source.pk,
            "quotes-0-context": "in a follow-up call",
            "quotes-0-position": "0",
        }
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.citations.get().supports == "filming dates"
    assert article.quotes.get().speaker == speaker


def test_writer_cannot_set_status_through_a_crafted_post(client, writer):
    client.force_login(writer)
    data = article_post(factories.make_section(), status="published")
    client.post(reverse("admin:articles_article_add"), data)
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_writer_cannot_manage_sections(client, writer, action):
    section = factories.make_section(name="Films")
    client.force_login(writer)
    args = [] if action == "add" else [section.pk]
    url = reverse(f"admin:articles_section_{action}", args=args)
    data = {"name": "Renamed", "slug": "renamed", "position": 1, "post": "yes"}
    assert client.post(url, data).status_code == 403
    section.refresh_from_db()
    assert section.name == "Films"


def test_writer_cannot_delete_an_article(client, writer):
    article = factories.make_article()
    client.force_login(writer)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_writer_cannot_bulk_delete_articles(client, writer):
    article = factories.make_article()
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert Article.objects.filter(pk=article.pk).exists()


def test_writer_cannot_edit_author_profiles(client, writer):
    profile = factories.make_author(display_name="Ana")
    client.force_login(writer)
    url = reverse("admin:articles_authorprofile_change", args=[profile.pk])
    response = client.post(url, {"display_name": "Changed", "slug": "changed"})
    assert response.status_code == 403


def test_byline_author_autocomplete_answers(client, writer):
    profile = factories.make_author(display_name="Ana Writer")
    client.force_login(writer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "byline",
            "field_name": "author",
            "term": "ana",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(profile.pk)]


def test_image_admin_upload_keeps_alt_text_and_shows_a_preview(client, writer):
    client.force_login(writer)
    upload = SimpleUploadedFile(
        "premiere.jpg", factories.image_bytes(), content_type="image/jpeg"
    )
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": upload,
            "title": "Premiere",
            "alt_text": "Two actors on a purple carpet",
            "credit": "Jane Doe / Netflix",
            "caption": "",
            "focal_x": "0.5",
            "focal_y": "0.5",
            **inline_management("renditions"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.uploaded_by == writer
    smallest = image.renditions.order_by("width").first()
    assert smallest is not None  # ImageForm made the renditions
    page = client.get(reverse("admin:articles_image_change", args=[image.pk]))
    html = page.content.decode()
    assert 'alt="Two actors on a purple carpet"' in html
    assert smallest.file.url in html


def test_image_admin_refuses_a_file_that_is_not_an_image(client, writer):
    client.force_login(writer)
    upload = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": upload,
            "title": "Bad",
            "alt_text": "x",
            "credit": "x",
            "focal_x": "0.5",
            "focal_y": "0.5",
            **inline_management("renditions"),
        },
    )
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_byline_rows_are_ordered_by_position(client, editor):
    first, second = factories.make_author(), factories.make_author()
    article = factories.make_article(authors=[])
    Byline.objects.create(article=article, author=second, position=1)
    Byline.objects.create(article=article, author=first, position=0)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is Byline
    )
    assert [form.instance.author for form in formset.formset.forms] == [first, second]
