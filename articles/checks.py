"""Publish checks: what an article must carry before readers see it.

``check_publishable`` raises one ``PublishBlocked`` carrying every problem, so a
caller recognises a failed check by catching it, and the checks run once.
"""

from django.core.exceptions import ValidationError

from articles.models import Article
from franchise.models import Claim

NEEDS_SOURCES = {Article.Kind.NEWS, Article.Kind.INTERVIEW}


class PublishBlocked(ValidationError):
    """The article fails one or more publish checks; ``problems`` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems)


def publish_problems(article):
    """Every reason the article is not fit to publish, as readable sentences."""
    problems = []
    image = article.lead_image
    if image is not None:
        if not image.alt_text.strip():
            problems.append("The lead image has no alt text.")
        if not image.credit.strip():
            problems.append("The lead image has no credit.")
    if article.kind in NEEDS_SOURCES and not article.citations.exists():
        problems.append(
            f"{article.get_kind_display()} pieces must cite at least one source."
        )
    for quote in article.quotes.select_related("speaker", "source"):
        words = quote.words[:40]
        if not quote.speaker_display.strip():
            problems.append(f"The quote “{words}…” has no speaker.")
        if quote.source_id is None:
            problems.append(f"The quote “{words}…” has no source.")
    claims = list(article.claims.all())
    for claim in claims:
        if claim.status in {Claim.Status.DENIED, Claim.Status.RETRACTED}:
            problems.append(
                f"The article asserts a {claim.get_status_display()} claim: {claim}."
            )
    shaky = [c for c in claims if c.status == Claim.Status.RUMOURED]
    disputed = Claim.objects.disputed().filter(pk__in=[c.pk for c in claims])
    if (shaky or disputed.exists()) and not article.unconfirmed:
        problems.append(
            "The article asserts rumoured or disputed claims but does not carry "
            "the reader-visible “Unconfirmed” label."
        )
    return problems


def check_publishable(article):
    """Raise ``PublishBlocked`` with every problem, or return quietly."""
    problems = publish_problems(article)
    if problems:
        raise PublishBlocked(problems)
