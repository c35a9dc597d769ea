"""ClaimReview JSON-LD on fact checks: what the rated claim is and our verdict."""

import datetime as dt
import json
import re

import pytest
from django.db.models import Prefetch
from django.template import Context, Template

from articles.models import Article, ClaimRating
from franchise.dates import Precision
from franchise.models import Claim, Source
from newsroom import structured_data
from tests.factories import (
    make_article,
    make_claim,
    make_film,
    make_person,
    make_source,
)

SITE_URL = "https://news.example.org"
pytestmark = pytest.mark.django_db
SCRIPT = re.compile(
    r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.DOTALL
)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def rated(claim, rating=ClaimRating.FALSE, **kw):
    return make_article(
        kind=Article.Kind.FACT_CHECK, rated_claim=claim, rating=rating, **kw
    )


def subtitle_claim(**kw):
    film = make_film(title="Purple Hearts 2")
    speaker = make_person(name="Sofia Carson")
    sources = [
        make_source(
            title="Reddit thread",
            kind=Source.Kind.SOCIAL_POST,
            url="https://reddit.example/r/purplehearts/1",
            date=dt.date(2026, 2, 1),
            speaker_description="a Reddit user",
        ),
        make_source(
            title="Interview with Sofia Carson",
            outlet="Fan Weekly",
            url="https://fanweekly.example/sofia",
            date=dt.date(2026, 1, 10),
            speaker=speaker,
        ),
        make_source(title="A phone call", kind=Source.Kind.PHONE_CALL),
    ]
    return make_claim(film, value="Echoes of Us", sources=sources, **kw)


def rendered_json_ld(article):
    html = Template("{% load structured_data %}{% article_json_ld article %}").render(
        Context({"csp_nonce": "n0nce", "article": article})
    )
    return [json.loads(body) for body in SCRIPT.findall(html)]


def page_article(article):
    """The article as the article page fetches it, rated claim included."""
    return (
        Article.objects.select_related(
            "section",
            "lead_image",
            "rated_claim__film",
            "rated_claim__person",
            "rated_claim__song",
        )
        .prefetch_related(
            "bylines__author",
            "tags",
            "corrections",
            Prefetch("rated_claim__sources", Source.objects.select_related("speaker")),
        )
        .get(pk=article.pk)
    )


def test_fact_check_carries_a_claim_review_with_the_verdict():
    article = rated(subtitle_claim(), ClaimRating.FALSE)
    data = structured_data.claim_review_json_ld(page_article(article))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["url"] == SITE_URL + article.get_absolute_url()
    assert data["claimReviewed"] == "Purple Hearts 2 — subtitle: Echoes of Us"
    assert data["datePublished"] == article.first_published_at.isoformat()
    assert data["author"]["@type"] == "NewsMediaOrganization"
    assert data["author"]["url"] == SITE_URL + "/"
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }


def test_item_reviewed_is_the_claim_where_it_appeared_and_who_made_it():
    article = rated(subtitle_claim())
    item = structured_data.claim_review_json_ld(page_article(article))["itemReviewed"]
    assert item["@type"] == "Claim"
    # Earliest first; the phone call has no address, so it is no appearance.
    assert [a["url"] for a in item["appearance"]] == [
        "https://fanweekly.example/sofia",
        "https://reddit.example/r/purplehearts/1",
    ]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://fanweekly.example/sofia",
        "name": "Interview with Sofia Carson",
        "datePublished": "2026-01-10",
    }
    assert item["datePublished"] == "2026-01-10"
    assert item["author"]["@type"] == "Person"
    assert item["author"]["name"] == "Sofia Carson"


def test_claim_author_falls_back_to_the_outlet_and_fuzzy_dates_are_left_out():
    claim = make_claim(
        value="Echoes of Us",
        sources=[
            make_source(
                outlet="Fan Daily",
                url="https://fandaily.example/x",
                date=dt.date(2026, 3, 1),
                date_precision=Precision.MONTH,
            )
        ],
    )
    item = structured_data.claim_review_json_ld(page_article(rated(claim)))[
        "itemReviewed"
    ]
    assert item["author"] == {"@type": "Organization", "name": "Fan Daily"}
    assert "datePublished" not in item
    assert "datePublished" not in item["firstAppearance"]


def test_claim_without_sources_is_still_reviewed():
    data = structured_data.claim_review_json_ld(page_article(rated(make_claim())))
    assert data["itemReviewed"] == {"@type": "Claim"}


@pytest.mark.parametrize(
    ("rating", "value", "label"),
    [
        (ClaimRating.FALSE, 1, "False"),
        (ClaimRating.MOSTLY_FALSE, 2, "Mostly false"),
        (ClaimRating.MIXED, 3, "Half true"),
        (ClaimRating.MOSTLY_TRUE, 4, "Mostly true"),
        (ClaimRating.TRUE, 5, "True"),
    ],
)
def test_ratings_map_onto_one_to_five(rating, value, label):
    data = structured_data.claim_review_json_ld(
        page_article(rated(make_claim(), rating))
    )
    assert data["reviewRating"]["ratingValue"] == value
    assert data["reviewRating"]["alternateName"] == label
    assert (
        data["reviewRating"]["bestRating"],
        data["reviewRating"]["worstRating"],
    ) == (
        5,
        1,
    )


def test_unproven_has_a_label_and_no_number():
    data = structured_data.claim_review_json_ld(
        page_article(rated(make_claim(), ClaimRating.UNPROVEN))
    )
    assert data["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_no_claim_review_for_other_kinds_or_unrated_fact_checks():
    claim = make_claim()
    news = make_article(kind=Article.Kind.NEWS)
    unrated = make_article(kind=Article.Kind.FACT_CHECK, rated_claim=claim)
    no_claim = make_article(kind=Article.Kind.FACT_CHECK, rating=ClaimRating.TRUE)
    for article in (news, unrated, no_claim):
        assert structured_data.claim_review_json_ld(page_article(article)) is None
        types = [data["@type"] for data in rendered_json_ld(page_article(article))]
        assert types == [structured_data.ARTICLE_TYPES.get(article.kind, "NewsArticle")]


def test_article_json_ld_tag_adds_the_claim_review_as_a_second_script():
    article = page_article(rated(subtitle_claim(), ClaimRating.MOSTLY_FALSE))
    news, review = rendered_json_ld(article)
    assert news["@type"] == "NewsArticle"
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["ratingValue"] == 2


def test_article_page_carries_the_claim_review(client):
    article = rated(subtitle_claim(), ClaimRating.TRUE)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    scripts = [json.loads(b) for b in SCRIPT.findall(response.content.decode())]
    [review] = [data for data in scripts if data.get("@type") == "ClaimReview"]
    assert review["claimReviewed"] == "Purple Hearts 2 — subtitle: Echoes of Us"
    assert review["reviewRating"]["ratingValue"] == 5


def test_hostile_claim_values_stay_inside_the_script():
    claim = make_claim(value='</script><script>alert(1)</script><!-- "\u2028')
    html = Template("{% load structured_data %}{% article_json_ld article %}").render(
        Context({"csp_nonce": "n0nce", "article": page_article(rated(claim))})
    )
    assert html.count("<script") == 2
    assert html.count("</script") == 2
    review = json.loads(SCRIPT.findall(html)[1])
    assert review["claimReviewed"].endswith(claim.value)


@pytest.mark.parametrize("sources", [1, 6])
def test_claim_review_query_count_is_constant(django_assert_num_queries, sources):
    claim = make_claim(
        sources=[
            make_source(speaker=make_person(), url=f"https://x.example/{i}")
            for i in range(sources)
        ]
    )
    article = rated(claim)
    prefetched = page_article(article)
    with django_assert_num_queries(0):
        structured_data.claim_review_json_ld(prefetched)
    # Without the prefetch: the claim with its subject, then sources with speakers.
    plain = Article.objects.select_related("section").get(pk=article.pk)
    with django_assert_num_queries(2):
        data = structured_data.claim_review_json_ld(plain)
    assert len(data["itemReviewed"]["appearance"]) == sources
    assert Claim.objects.count() == 1


def test_fact_check_page_renders_its_claim_review_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    from articles.models import Article, ClaimRating
    from tests.factories import make_article, make_claim, make_source

    claim = make_claim(value="Echoes of Devotion", sources=[make_source()])
    article = make_article(
        kind=Article.Kind.FACT_CHECK, rated_claim=claim, rating=ClaimRating.FALSE
    )
    client.get(article.get_absolute_url())  # warm the content-type cache
    # The article page's fixed count (test_article_page_runs_a_fixed_number_of
    # _queries); the rated claim and its sources come with the claims block.
    with django_assert_max_num_queries(10):
        response = client.get(article.get_absolute_url())
    assert '"ClaimReview"' in response.text
