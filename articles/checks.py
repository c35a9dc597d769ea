"""Publish checks: what an article must carry before readers see it.

``check_publishable`` raises one ``PublishBlocked`` carrying every problem, so a
caller recognises a failed check by catching it, and the checks run once.
"""

from django.core.exceptions import ValidationError

from articles import inline_images
from articles.models import Article
from franchise.models import Claim

NEEDS_SOURCES = {Article.Kind.NEWS, Article.Kind.INTERVIEW}


class PublishBlocked(ValidationError):
    """The article fails one or more publish checks; ``problems`` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems)


def image_problems(article):
    """The lead image and every picture in the body carry alt text and a credit."""
    return [
        *lead_image_problems(article.lead_image),
        *inline_images.problems(article.body),
    ]


def lead_image_problems(image):
    """What a picture lacks to lead a published article (nothing for no picture)."""
    if image is None:
        return []
    problems = []
    if not image.alt_text.strip():
        problems.append("The lead image has no alt text.")
    if not image.credit.strip():
        problems.append("The lead image has no credit.")
    return problems


def source_problems(article):
    """News and interviews cite at least one source."""
    if article.kind in NEEDS_SOURCES and not article.citations.exists():
        return [f"{article.get_kind_display()} pieces must cite at least one source."]
    return []


def quote_problems(article):
    """Every quote names its speaker and its source."""
    problems = []
    for quote in article.quotes.select_related("speaker", "source"):
        words = quote.words[:40]
        if not quote.speaker_display.strip():
            problems.append(f"The quote “{words}…” has no speaker.")
        if quote.source_id is None:
            problems.append(f"The quote “{words}…” has no source.")
    return problems


def claim_problems(claims):
    """No asserted claim may be denied or retracted."""
    return [
        f"The article asserts a {claim.get_status_display()} claim: {claim}."
        for claim in claims
        if claim.status in {Claim.Status.DENIED, Claim.Status.RETRACTED}
    ]


def needs_unconfirmed_label(claims):
    """Whether these claims include a rumoured or a disputed one."""
    if any(c.status == Claim.Status.RUMOURED for c in claims):
        return True
    return Claim.objects.disputed().filter(pk__in=[c.pk for c in claims]).exists()


def label_problems(article, claims):
    """Rumoured or disputed claims need the reader-visible "Unconfirmed" label."""
    if not article.unconfirmed and claims and needs_unconfirmed_label(claims):
        return [
            "The article asserts rumoured or disputed claims but does not carry "
            "the reader-visible “Unconfirmed” label."
        ]
    return []


def publish_problems(article):
    """Every reason the article is not fit to publish, as readable sentences."""
    claims = list(article.claims.all())
    return [
        *image_problems(article),
        *source_problems(article),
        *quote_problems(article),
        *claim_problems(claims),
        *label_problems(article, claims),
    ]


# The article screen's checklist: one line per check, in publish_problems' order.
CHECKLIST = [
    ("image", "Lead image: alt text and credit"),
    ("sources", "A source cited (news and interviews)"),
    ("quotes", "Every quote: speaker and source"),
    ("claims", "No denied or retracted claim"),
    ("label", "“Unconfirmed” label where a claim is rumoured or disputed"),
]


def checklist(article):
    """The publish checks one by one: ``(key, label, problems)`` for the panel."""
    claims = list(article.claims.all())
    found = {
        "image": image_problems(article),
        "sources": source_problems(article),
        "quotes": quote_problems(article),
        "claims": claim_problems(claims),
        "label": label_problems(article, claims),
    }
    return [(key, label, found[key]) for key, label in CHECKLIST]


def check_publishable(article):
    """Raise ``PublishBlocked`` with every problem, or return quietly."""
    problems = publish_problems(article)
    if problems:
        raise PublishBlocked(problems)
