"""schema.org JSON-LD for articles, films, people and songs, as plain dicts.

Everything here reads what the view prefetched (renditions, bylines, tags,
credits); nothing queries. Absolute URLs come from SITE_URL.
"""

import functools

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import strip_tags

from articles.models import Article, ClaimRating
from franchise.dates import Precision
from franchise.models import Claim

# The closest schema.org NewsArticle subtype for each article kind.
ARTICLE_TYPES = {
    "news": "ReportageNewsArticle",
    "feature": "BackgroundNewsArticle",
    "interview": "NewsArticle",
    "review": "ReviewNewsArticle",
    "analysis": "AnalysisNewsArticle",
    "opinion": "OpinionNewsArticle",
    "rumour_roundup": "NewsArticle",
    "live": "LiveBlogPosting",
}
IMAGE_RATIOS = ("16x9", "4x3", "1x1")
# A fact check's verdict on schema.org's 1 (false) to 5 (true) scale; "unproven"
# has no place on it, so it carries its label only.
RATING_VALUES = {
    ClaimRating.FALSE: 1,
    ClaimRating.MOSTLY_FALSE: 2,
    ClaimRating.MIXED: 3,
    ClaimRating.MOSTLY_TRUE: 4,
    ClaimRating.TRUE: 5,
}
LOGO_PATH = "newsroom/logo.png"


@functools.cache
def logo_url():
    """The publisher logo's absolute URL, or "" until the file exists."""
    if finders.find(LOGO_PATH) is None:
        return ""
    return absolute(static(LOGO_PATH))


def absolute(url):
    """An absolute URL on this site for a path (or the URL if already absolute)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + url


def _iso(value):
    return value.isoformat() if value else None


def _drop_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def organization_json_ld():
    """The publisher, with links to its published standards (Trust Project)."""
    standards = {key: absolute(url) for key, url, _title in settings.STANDARDS_PAGES}
    return (
        {
            "@context": "https://schema.org",
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
            "publishingPrinciples": absolute("/about/ethics/"),
        }
        | standards
        | ({"logo": {"@type": "ImageObject", "url": logo_url()}} if logo_url() else {})
    )


def _publisher():
    data = organization_json_ld()
    del data["@context"]
    return data


def article_images(article):
    """The largest rendition of the lead image in each ratio, as absolute URLs."""
    image = article.shown_lead_image
    if image is None:
        return []
    best = {}
    for rendition in image.renditions.all():
        if rendition.ratio in IMAGE_RATIOS:
            current = best.get(rendition.ratio)
            if current is None or rendition.width > current.width:
                best[rendition.ratio] = rendition
    urls = [absolute(best[ratio].file.url) for ratio in IMAGE_RATIOS if ratio in best]
    return urls or [absolute(image.file.url)]


def _person(name, url):
    return _drop_empty({"@type": "Person", "name": name, "url": absolute(url)})


def article_json_ld(article, request=None):
    """NewsArticle (or its subtype for the article's kind)."""
    url = absolute(article.get_absolute_url())
    live = (
        live_blog_json_ld(article)
        if article.kind == "live" and article.status != "retracted"
        else {}
    )
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": ARTICLE_TYPES.get(article.kind, "NewsArticle"),
            "headline": article.title[:110],
            "description": article.dek,
            "image": article_images(article),
            "datePublished": _iso(article.first_published_at or article.published_at),
            "dateModified": _iso(article.modified_at),
            "author": [
                _person(b.author.display_name, b.author.get_absolute_url())
                for b in article.bylines.all()
            ],
            "publisher": _publisher(),
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "articleSection": article.section.name,
            "keywords": [tag.name for tag in article.tags.all()],
            "inLanguage": settings.LANGUAGE_CODE,
            # schema.org/correction: each published correction, clarification or
            # update, so search engines see what changed and when.
            "correction": [
                {
                    "@type": "CorrectionComment",
                    "text": f"{c.get_kind_display()}: {c.text}",
                    "datePublished": _iso(c.published_at),
                    "url": absolute(c.get_absolute_url()),
                }
                for c in article.corrections.all()
            ],
        }
        | live
    )


def _live_updates(article):
    """The updates the page read (``article.live_update_list``), else one query."""
    updates = getattr(article, "live_update_list", None)
    if updates is None:
        from articles.models import LiveUpdate

        updates = list(
            LiveUpdate.objects.filter(article=article).for_page().newest_first()
        )
    return updates


def _update_author(update):
    profile = getattr(update.author, "author_profile", None) if update.author else None
    if profile is not None:
        return _person(profile.display_name, profile.get_absolute_url())
    name = update.author_name
    return {"@type": "Person", "name": name} if name else _publisher()


def live_blog_json_ld(article):
    """The LiveBlogPosting additions: coverage times and each update, newest first."""
    url = absolute(article.get_absolute_url())
    updates = _live_updates(article)
    # The page changes with every update, not only with the article's own text.
    moments = [article.modified_at] + [u.edited_at or u.posted_at for u in updates]
    moments = [moment for moment in moments if moment is not None]
    return _drop_empty(
        {
            "dateModified": _iso(max(moments)) if moments else None,
            "coverageStartTime": _iso(
                article.first_published_at or article.published_at
            ),
            "coverageEndTime": _iso(article.coverage_ended_at),
            "liveBlogUpdate": [
                _drop_empty(
                    {
                        "@type": "BlogPosting",
                        "headline": update.headline[:110],
                        "articleBody": strip_tags(update.body),
                        "datePublished": _iso(update.posted_at),
                        "dateModified": _iso(update.edited_at),
                        "author": _update_author(update),
                        "url": f"{url}#{update.anchor}",
                    }
                )
                for update in updates
            ],
        }
    )


def breadcrumb_json_ld(items):
    """BreadcrumbList from (name, url) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(url),
            }
            for position, (name, url) in enumerate(items, start=1)
        ],
    }


def film_json_ld(film):
    """Movie (or TVSeries), with director and actors from prefetched credits."""
    directors, actors = [], []
    for credit in film.credits.all():
        person = _person(credit.person.name, credit.person.get_absolute_url())
        if credit.status not in {"confirmed", "reported"}:
            continue  # rumours, talks, denials and departures are not credits
        if credit.job == "director":
            directors.append(person)
        elif credit.job == "cast":
            actors.append(person)
    published = None
    if film.release_date and film.release_precision == Precision.DAY:
        published = film.release_date.isoformat()
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "TVSeries" if film.format == "series" else "Movie",
            "name": film.title,
            "url": absolute(film.get_absolute_url()),
            "description": film.synopsis,
            "datePublished": published,
            "director": directors,
            "actor": actors,
            "isBasedOn": film.based_on,
        }
    )


def person_json_ld(person):
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": person.name,
            "url": absolute(person.get_absolute_url()),
            "description": person.bio,
            "birthDate": _iso(person.born),
        }
    )


def song_json_ld(song):
    """MusicRecording, with performers and films from prefetched relations."""
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "MusicRecording",
            "name": song.title,
            "url": absolute(song.get_absolute_url()),
            "byArtist": [
                _person(p.name, p.get_absolute_url()) for p in song.performers.all()
            ],
            "isPartOf": [
                {
                    "@type": "Movie",
                    "name": f.title,
                    "url": absolute(f.get_absolute_url()),
                }
                for f in song.films.all()
            ],
        }
    )


def _rated_claim(article):
    """The rated claim with its subject and sources: prefetched, or two queries."""
    # The article page hands over the claim with its sources already read.
    if Article.rated_claim.is_cached(article):
        return article.rated_claim
    return Claim.objects.for_display().get(pk=article.rated_claim_id)


def _source_date(source):
    # Only a full date is a schema.org Date; "spring 2026" is not one.
    return _iso(source.date) if source.date_precision == Precision.DAY else None


def _claim_author(sources):
    """Who made the claim: the first named speaker, else the first outlet."""
    for source in sources:
        if source.speaker_id:
            return _person(source.speaker.name, source.speaker.get_absolute_url())
    for source in sources:
        if source.outlet:
            return {"@type": "Organization", "name": source.outlet}
    return None


def _rating(article):
    value = RATING_VALUES.get(article.rating)
    label = article.get_rating_display()
    if value is None:
        return {"@type": "Rating", "alternateName": label}
    return {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": label,
    }


def claim_review_json_ld(article):
    """ClaimReview for a fact check that rates a claim; None for anything else."""
    if article.kind != "fact_check" or not article.rated_claim_id or not article.rating:
        return None
    claim = _rated_claim(article)
    sources = sorted(claim.sources.all(), key=lambda s: (s.date is None, s.date))
    appearances = [
        _drop_empty(
            {
                "@type": "CreativeWork",
                "url": source.url,
                "name": source.title,
                "datePublished": _source_date(source),
            }
        )
        for source in sources
        if source.url.startswith(("http://", "https://"))
    ]
    item = {
        "@type": "Claim",
        "author": _claim_author(sources),
        "datePublished": _source_date(sources[0]) if sources else None,
        "appearance": appearances,
        "firstAppearance": appearances[0] if appearances else None,
    }
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": absolute(article.get_absolute_url()),
            "claimReviewed": str(claim),
            "itemReviewed": _drop_empty(item),
            "reviewRating": _rating(article),
            "author": _publisher(),
            "datePublished": _iso(article.first_published_at or article.published_at),
        }
    )
