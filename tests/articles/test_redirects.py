import pytest
from django.contrib.redirects.models import Redirect
from django.urls import reverse

from articles import services
from articles.models import Article
from articles.services import remember_old_url
from tests import factories
from tests.factories import change_post

pytestmark = pytest.mark.django_db


def edit(client, article, **fields):
    """Save the article's admin change form with some fields changed."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, change_post(article, **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.select_related("section").get(pk=article.pk)


def rename(client, article, editor, **fields):
    """Change a live article the only way there is: a new version, published."""
    version = services.start_new_version(article, by=editor)
    edit(client, version, **fields)
    version = Article.objects.get(pk=version.pk)
    services.submit_for_review(version, by=editor)
    services.approve(version, by=editor)
    return services.publish(version, by=editor)


def test_live_article_cannot_be_renamed_in_place(client, editor):
    article = factories.make_article(slug="live", authors=[])
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, change_post(article, slug="moved"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).slug == "live"


def test_changing_slug_and_section_in_a_new_version_redirects_the_old_address(
    client, editor
):
    article = factories.make_article(slug="sequel-rumour", authors=[], kind="feature")
    old_url = article.get_absolute_url()
    films = factories.make_section(slug="films")
    client.force_login(editor)
    article = rename(client, article, editor, slug="sequel-confirmed", section=films.pk)
    assert article.get_absolute_url() == "/films/sequel-confirmed/"
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/films/sequel-confirmed/"


def test_two_renames_both_old_addresses_go_straight_to_the_newest(client, editor):
    article = factories.make_article(slug="first", authors=[], kind="feature")
    first_url = article.get_absolute_url()
    client.force_login(editor)
    article = rename(client, article, editor, slug="second")
    second_url = article.get_absolute_url()
    article = rename(client, article, editor, slug="third")
    client.logout()
    for old_url in (first_url, second_url):
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()
    assert Redirect.objects.count() == 2


def test_renaming_back_removes_the_redirect_away_from_the_live_address(client, editor):
    article = factories.make_article(slug="first", authors=[], kind="feature")
    first_url = article.get_absolute_url()
    client.force_login(editor)
    article = rename(client, article, editor, slug="second")
    article = rename(client, article, editor, slug="first")
    assert not Redirect.objects.filter(old_path=first_url).exists()
    assert Redirect.objects.get().new_path == first_url


def test_editing_without_moving_the_article_makes_no_redirect(client, editor):
    article = factories.make_article(authors=[], kind="feature")
    client.force_login(editor)
    rename(client, article, editor, dek="A sharper dek.")
    assert not Redirect.objects.exists()


def test_a_draft_that_was_never_public_leaves_no_redirect(client, editor):
    article = factories.make_article(slug="draft", published=False, authors=[])
    client.force_login(editor)
    edit(client, article, slug="draft-renamed")
    assert not Redirect.objects.exists()


def test_remember_old_url_works_outside_the_admin():
    article = factories.make_article(slug="old", authors=[])
    old_path = article.get_absolute_url()
    article.slug = "new"
    article.save()
    redirect = remember_old_url(article, old_path)
    assert (redirect.old_path, redirect.new_path) == (
        old_path,
        article.get_absolute_url(),
    )
    assert redirect.site_id == 1
    assert remember_old_url(article, article.get_absolute_url()) is None
