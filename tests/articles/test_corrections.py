import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import services
from articles.models import Correction, Transition
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_correction_is_appended_bumps_updated_and_is_audited(editor):
    article = make_article(published_at=timezone.now() - dt.timedelta(days=1))
    correction = services.add_correction(
        article, by=editor, text="The sequel's subtitle is unconfirmed."
    )
    article.refresh_from_db()
    assert article.updated_at == correction.published_at
    assert article.modified_at == correction.published_at
    assert list(Correction.objects.public()) == [correction]
    entry = Transition.objects.get(action="correct")
    assert entry.by == editor
    assert "subtitle" in entry.reason


def test_writer_cannot_add_a_correction(writer):
    article = make_article()
    with pytest.raises(PermissionDenied):
        services.add_correction(article, by=writer, text="x")
    assert not Correction.objects.exists()


def test_drafts_cannot_be_corrected_and_empty_text_is_refused(editor):
    with pytest.raises(ValidationError, match="published"):
        services.add_correction(make_article(published=False), by=editor, text="x")
    with pytest.raises(ValidationError, match="Write the correction"):
        services.add_correction(make_article(), by=editor, text="  ")


def test_corrections_on_unpublished_articles_are_not_public(editor):
    article = make_article()
    services.add_correction(article, by=editor, text="Fixed a name.")
    services.unpublish(article, by=editor)
    assert not Correction.objects.public().exists()
