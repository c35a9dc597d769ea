"""Who may do what in the newsroom."""

from django.db.models import Q

from articles.models import Article, AuthorProfile, Image
from franchise.models import (
    Award,
    Character,
    Claim,
    Credit,
    Film,
    Person,
    Release,
    Song,
    Source,
)

# ---------------------------------------------------------------------------
# What live articles show
#
# A published, scheduled or approved article shows its images, sources, quotes,
# claims, the films/people/songs of its fact block and links, those films'
# credits and its bylines' author profiles. Only editors change those rows; a
# writer changes what readers see through a new version an editor publishes.
# franchise/locks.py carries the rule to the knowledge base's admin (registered
# in ArticlesConfig.ready()).
# ---------------------------------------------------------------------------

# For each kind of row, the article lookups that reach it.
SHOWN_THROUGH = {
    Image: ["lead_image", "bylines__author__photo"],
    AuthorProfile: ["bylines__author"],
    Source: [
        "citations__source",
        "quotes__source",
        "claims__sources",
        "rated_claim__sources",
    ],
    Claim: ["claims", "rated_claim"],
    Film: ["films", "claims__film", "rated_claim__film"],
    Person: [
        "people",
        "quotes__speaker",
        "claims__person",
        "claims__value_person",
        "rated_claim__person",
        "films__credits__person",
        "citations__source__speaker",
        "quotes__source__speaker",
    ],
    Song: ["songs", "claims__song", "rated_claim__song"],
    Credit: ["films__credits", "claims__film__credits"],
    Character: ["films__credits__character"],
    Release: ["films__releases"],
    Award: ["songs__awards"],
}


def live_articles():
    """Articles whose content readers see or are about to: the QuerySet's
    published articles plus approved and scheduled ones (new versions included)."""
    return Article.objects.published() | Article.objects.not_trashed().filter(
        status__in=[Article.Status.APPROVED, Article.Status.SCHEDULED]
    )


def live_articles_showing(obj):
    """The live articles that show ``obj``; none for a row of another kind."""
    lookups = SHOWN_THROUGH.get(type(obj))
    if not lookups or obj.pk is None:
        return Article.objects.none()
    shows = Q()
    for lookup in lookups:
        shows |= Q(pk__in=Article.objects.filter(**{lookup: obj.pk}).values("pk"))
    return live_articles().filter(shows)


def shown_by(obj):
    """The headlines of the live articles showing ``obj`` (the lock's reasons)."""
    titles = (
        live_articles_showing(obj).order_by("title").values_list("title", flat=True)
    )
    return list(dict.fromkeys(titles))


def may_change_shown_rows(user):
    """Editors (who may publish) change what live articles show."""
    return user.has_perm("articles.publish_article")
