"""A rumour roundup always carries the reader-visible "Unconfirmed" label."""

import importlib

import pytest
from django.apps import apps

from articles.models import Article
from tests.factories import change_post, change_url, draft_by, make_article

pytestmark = pytest.mark.django_db
Kind = Article.Kind


def test_a_rumour_roundup_without_claims_shows_readers_the_label(client):
    article = make_article(kind=Kind.RUMOUR_ROUNDUP, unconfirmed=False)
    assert not article.claims.exists()
    assert Article.objects.get(pk=article.pk).unconfirmed is True
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert 'class="article-unconfirmed">Unconfirmed<' in response.content.decode()


def test_unticking_the_label_on_a_rumour_roundup_in_the_admin_keeps_it(
    client, writer
):
    article = draft_by(writer, kind=Kind.RUMOUR_ROUNDUP)
    client.force_login(writer)
    # An unticked checkbox is simply absent from the POST.
    response = client.post(change_url(article), change_post(article))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).unconfirmed is True


def test_turning_a_piece_into_a_rumour_roundup_labels_it(writer):
    article = draft_by(writer, kind=Kind.FEATURE)
    assert article.unconfirmed is False
    article.kind = Kind.RUMOUR_ROUNDUP
    article.save(update_fields=["kind"])
    assert Article.objects.get(pk=article.pk).unconfirmed is True


def test_other_kinds_keep_the_writers_choice(writer):
    article = draft_by(writer, kind=Kind.FEATURE, unconfirmed=False)
    assert Article.objects.get(pk=article.pk).unconfirmed is False


def test_the_migration_labels_rumour_roundups_saved_before(writer):
    article = draft_by(writer, kind=Kind.RUMOUR_ROUNDUP)
    other = draft_by(writer, kind=Kind.FEATURE)
    Article.objects.filter(pk__in=[article.pk, other.pk]).update(unconfirmed=False)
    migration = importlib.import_module(
        "articles.migrations.0012_rumour_roundups_are_unconfirmed"
    )
    migration.label_rumour_roundups(apps, None)
    assert Article.objects.get(pk=article.pk).unconfirmed is True
    assert Article.objects.get(pk=other.pk).unconfirmed is False
