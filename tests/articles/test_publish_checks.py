import pytest
from django.core.exceptions import ValidationError

from articles import checks, services
from articles.models import Article, Quote, Transition
from franchise.models import Claim
from tests.factories import (
    make_article,
    make_citation,
    make_claim,
    make_film,
    make_image,
    make_quote,
    make_source,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


def approved(**kw):
    kw.setdefault("kind", Article.Kind.FEATURE)
    article = make_article(published=False, **kw)
    Article.objects.filter(pk=article.pk).update(status=Status.APPROVED)
    article.refresh_from_db()
    return article


def problems_of(article):
    return checks.publish_problems(article)


def test_a_clean_feature_has_no_problems():
    assert problems_of(approved()) == []


def test_lead_image_needs_alt_text_and_credit():
    image = make_image()
    type(image).objects.filter(pk=image.pk).update(alt_text=" ", credit="")
    article = approved(lead_image=image)
    assert problems_of(article) == [
        "The lead image has no alt text.",
        "The lead image has no credit.",
    ]


@pytest.mark.parametrize("kind", [Article.Kind.NEWS, Article.Kind.INTERVIEW])
def test_news_and_interviews_must_cite_a_source(kind):
    article = approved(kind=kind)
    assert problems_of(article) == [
        f"{article.get_kind_display()} pieces must cite at least one source."
    ]
    make_citation(article)
    assert problems_of(article) == []


def test_every_quote_needs_a_speaker_and_a_source():
    article = approved()
    make_quote(article, words="Nobody said this.", speaker=None, source=None)
    assert problems_of(article) == [
        "The quote “Nobody said this.…” has no speaker.",
        "The quote “Nobody said this.…” has no source.",
    ]
    Quote.objects.update(speaker_name="A fan on X", source=make_source())
    assert problems_of(article) == []


@pytest.mark.parametrize("status", [Claim.Status.DENIED, Claim.Status.RETRACTED])
def test_asserting_a_denied_or_retracted_claim_is_a_problem(status):
    article = approved()
    claim = make_claim(status=status, value="Echoes of Us")
    article.claims.add(claim)
    (problem,) = problems_of(article)
    assert f"asserts a {status} claim" in problem


def test_rumoured_claims_require_the_unconfirmed_label():
    article = approved()
    article.claims.add(make_claim(status=Claim.Status.RUMOURED))
    assert "Unconfirmed" in problems_of(article)[0]
    Article.objects.filter(pk=article.pk).update(unconfirmed=True)
    article.refresh_from_db()
    assert problems_of(article) == []


def test_disputed_claims_require_the_unconfirmed_label():
    film = make_film()
    mine = make_claim(film, value="Echoes of Devotion")
    make_claim(film, value="Echoes of Us")
    article = approved()
    article.claims.add(mine)
    assert "rumoured or disputed" in problems_of(article)[0]


def test_publishing_over_a_failed_check_is_refused_with_the_message(editor):
    article = approved()
    article.claims.add(make_claim(status=Claim.Status.DENIED))
    with pytest.raises(ValidationError) as refused:
        services.publish(article, by=editor)
    assert "denied claim" in " ".join(refused.value.messages)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    assert not Transition.objects.exists()


def test_editor_overrides_with_a_reason_and_the_audit_trail_keeps_it(editor):
    article = approved()
    article.claims.add(make_claim(status=Claim.Status.DENIED))
    services.publish(article, by=editor, override_reason="Denial is itself the story.")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    entry = Transition.objects.get(action="publish")
    assert entry.reason == "Denial is itself the story."
    assert "denied claim" in entry.overridden_checks[0]


def test_checks_also_run_at_approval(editor):
    article = approved(kind=Article.Kind.NEWS)
    Article.objects.filter(pk=article.pk).update(status=Status.IN_REVIEW)
    with pytest.raises(ValidationError, match="cite at least one source"):
        services.approve(article, by=editor)
    services.approve(article, by=editor, override_reason="Source is on file.")
    entry = Transition.objects.get(action="approve")
    assert entry.overridden_checks == ["News pieces must cite at least one source."]
