"""The article page's "What this story claims" block: only what the article asserts."""

import re

import pytest
from django.urls import reverse

from articles.models import Correction
from franchise.models import Claim, Source
from tests import factories as f

pytestmark = pytest.mark.django_db


def page_of(client, article):
    url = reverse("articles:detail", args=[article.section.slug, article.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def claims_block(page):
    block = page[page.index('<section class="article-claims"') :]
    return block[: block.index("</section>")]


def text_of(markup):
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def subtitle_dispute():
    """A film whose subtitle two sources give differently."""
    film = f.make_film(title="Purple Hearts 2")
    interview = f.make_source(
        title="Interview with Carson", speaker=f.make_person(name="Sofia Carson")
    )
    email = f.make_source(
        kind=Source.Kind.EMAIL,
        title="Email from the studio",
        speaker_description="a studio publicist",
    )
    ours = f.make_claim(
        film,
        property=Claim.Property.SUBTITLE,
        value="Echoes of Us",
        sources=[interview],
    )
    theirs = f.make_claim(
        film,
        property=Claim.Property.SUBTITLE,
        value="Echoes of Devotion",
        sources=[email],
    )
    return film, ours, theirs, interview, email


def test_an_article_asserting_no_claims_has_no_fact_block(client):
    film, *_ = subtitle_dispute()
    article = f.make_article()
    # Covering a film with disputed facts is not asserting any of them.
    article.films.add(film)
    page = page_of(client, article)
    assert "article-claims" not in page
    assert "What this story claims" not in page
    assert "fact-box" not in page
    assert "Echoes of" not in page


def test_a_disputed_claim_shows_the_competing_value_and_its_source(client):
    film, ours, theirs, interview, email = subtitle_dispute()
    article = f.make_article()
    article.claims.add(ours)
    f.make_citation(article, interview)
    block = claims_block(page_of(client, article))
    assert "What this story claims" in block
    assert "Echoes of Us" in block
    assert '<span class="badge badge--reported">Reported</span>' in block
    assert "1 of 1 disputed" in text_of(block)
    assert (
        "Disputed: Echoes of Devotion (a studio publicist, Email from the studio)"
        in text_of(block)
    )
    # Its own source links to the Sources list; the rival's is only named.
    assert f'<a href="#source-{interview.pk}" title="Interview with Carson">' in block
    assert "via interview, Sofia Carson" in text_of(block)
    assert f"#source-{email.pk}" not in block
    assert f'<a href="{film.get_absolute_url()}">Purple Hearts 2</a>' in block


def test_only_the_claims_the_article_asserts_are_listed(client):
    film, ours, theirs, interview, _ = subtitle_dispute()
    other = f.make_claim(
        film, property=Claim.Property.DIRECTOR, value="Elizabeth Allen"
    )
    article = f.make_article()
    article.films.add(film)
    article.claims.add(ours)
    block = claims_block(page_of(client, article))
    assert block.count('<li class="claim') == 1
    assert "<details" not in block
    assert "Elizabeth Allen" not in block
    assert other.value not in page_of(client, article)


def test_an_undisputed_claim_has_no_dispute_line(client):
    film = f.make_film()
    source = f.make_source(title="Netflix press release")
    claim = f.make_claim(
        film,
        property=Claim.Property.RELEASE_PLATFORM,
        value="Netflix",
        status=Claim.Status.CONFIRMED,
        sources=[source],
    )
    # The same value from a second source agrees; a denied rival is history.
    f.make_claim(film, property=Claim.Property.RELEASE_PLATFORM, value="netflix")
    f.make_claim(
        film,
        property=Claim.Property.RELEASE_PLATFORM,
        value="Cinemas",
        status=Claim.Status.DENIED,
    )
    article = f.make_article()
    article.claims.add(claim)
    block = claims_block(page_of(client, article))
    assert '<span class="badge badge--confirmed">Confirmed</span>' in block
    assert "disputed" not in block.replace("none disputed", "")
    assert "Cinemas" not in block


def test_a_claim_source_the_article_does_not_cite_joins_the_sources_list(client):
    _, ours, _, interview, _ = subtitle_dispute()
    article = f.make_article()
    article.claims.add(ours)
    page = page_of(client, article)
    assert f'<li id="source-{interview.pk}">' in page
    assert f'<a href="#source-{interview.pk}" title="Interview with Carson">' in page


def test_a_claim_about_a_person_links_to_the_person_page(client):
    person = f.make_person(name="Sofia Carson")
    ours = f.make_claim(person, property=Claim.Property.AGE, value="32")
    f.make_claim(person, property=Claim.Property.AGE, value="31")
    article = f.make_article()
    article.claims.add(ours)
    block = claims_block(page_of(client, article))
    assert "Disputed: 31 (no source cited)" in text_of(block)
    assert f'<a href="{person.get_absolute_url()}">' in block


def test_the_story_comes_before_claims_sources_tags_and_related(client):
    _, ours, _, interview, _ = subtitle_dispute()
    article = f.make_article(body="<p>The story itself.</p>", tags=["sequels"])
    f.make_article(tags=["sequels"], title="Another sequel story")
    article.claims.add(ours)
    f.make_citation(article, interview)
    Correction.objects.create(article=article, text="We misspelt a name.")
    page = page_of(client, article)
    order = [
        page.index('class="article-header"'),
        page.index('class="article-body"'),
        page.index('class="article-corrections"'),
        page.index('class="article-claims"'),
        page.index('class="article-sources"'),
        page.index('class="article-tags"'),
        page.index('class="related-articles"'),
    ]
    assert order == sorted(order)


def test_many_undisputed_claims_fold_behind_the_disputed_ones(client):
    film, ours, _, interview, _ = subtitle_dispute()
    article = f.make_article()
    article.claims.add(ours)
    for i in range(6):
        article.claims.add(
            f.make_claim(film, property=Claim.Property.PLOT, value=f"Plot {i}")
        )
    block = claims_block(page_of(client, article))
    folded = block[block.index("<details") :]
    assert "6 more, not disputed" in folded
    assert all(f"Plot {i}" in folded for i in range(6))
    assert "Echoes of Us" not in folded and "Echoes of Us" in block
