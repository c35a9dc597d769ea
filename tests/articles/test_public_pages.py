
"""The public site: home, section, tag, author and article pages."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Rendition
from articles.views import cursor_of
from franchise.models import Claim, Source
from tests import factories as f
from tests.paths import TESTDATA

pytestmark = pytest.mark.django_db



# A few hostile strings that always run, from xss_payloads.txt and blns.json.
HOSTILE = [
    "<script>alert(123)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>//INJECTX",
    '<a href="javascript:alert(1)" onmouseover=alert(1)>INJECTX HOVER</a>',
    "'';!--\"<XSS>=&{()}",
    "</title><script>alert(1)</script>",
    "Ṱ̺̺̕o͞ ̷i̲̬͇̪͙n̝̗͕v̟̜̘̦͟o̶̙̰̠kè͚̮̺̪̹̱̤ ̖t̝͕̳̣̻̪͞h̼͓̲̦̳̘̲e͇̣̰̦̬͎",
    "‮ test‭",
    "𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐 🐵 🙈",
    "\u00a0\u2028\u2029 ",
]


def hostile_strings():
    """The inline sample, plus every payload from the shared test data if present."""
    strings = list(HOSTILE)
    if (TESTDATA / "xss_payloads.txt").exists():
        strings += (TESTDATA / "xss_payloads.txt").read_text().splitlines()
    if (TESTDATA / "blns.json").exists():
        strings += json.loads((TESTDATA / "blns.json").read_text())
    return [s for s in dict.fromkeys(strings) if s.strip()]


def html(response):
    return response.content.decode()


def detail_url(article):
    return reverse("articles:detail", args=[article.section.slug, article.slug])


def unpublished_articles(section):
    """One article in every state a reader must not see."""
    future = timezone.now() + dt.timedelta(days=1)
    return [
        f.make_article(section=section, title="Draft piece", published=False),
        f.make_article(
            section=section,
            title="Review piece",
            published=False,
            status=Article.Status.IN_REVIEW,
        ),
        f.make_article(
            section=section,
            title="Approved piece",
            published=False,
            status=Article.Status.APPROVED,
        ),
        f.make_article(
            section=section,
            title="Scheduled piece",
            status=Article.Status.SCHEDULED,
            published_at=future,
        ),
        f.make_article(section=section, title="Future piece", published_at=future),
    ]


def with_renditions(image):
    """Give an image the renditions the picture tag reads, without Pillow work."""
    for width in (320, 640):
        for fmt in ("jpeg", "webp"):
            Rendition.objects.create(
                image=image,
                ratio="16x9",
                width=width,
                height=width * 9 // 16,
                format=fmt,
                file=f"renditions/{image.token}-{width}.{fmt}",
            )
    return image


def rich_article(count, **kw):
    """An article with ``count`` each of tags, bylines, citations, quotes, films,
    claims on those films (each disputed by a rival claim), and related articles."""
    tags = [f"topic {i}" for i in range(count)]
    films = [f.make_film() for _ in range(count)]
    article = f.make_article(
        authors=[f.make_author() for _ in range(count)],
        tags=tags,
        lead_image=with_renditions(f.make_image()),
        **kw,
    )
    article.films.set(films)
    for i in range(count):
        source = f.make_source(speaker=f.make_person(), outlet="Outlet")
        f.make_citation(article, source, supports=f"fact {i}", position=i)
        f.make_quote(article, source=f.make_source(), context="by phone")
        claim = f.make_claim(
            films[i],
            sources=[source],
            property=Claim.Property.RELEASE_PLATFORM,
            value="Netflix",
        )
        article.claims.add(claim)
        # A rival value from another source: the claim is disputed.
        f.make_claim(
            films[i],
            sources=[f.make_source(speaker=f.make_person())],
            property=Claim.Property.RELEASE_PLATFORM,
            value="Cinemas",
        )
        f.make_article(section=article.section, tags=[tags[i]])
    return article


# Home


def test_home_lists_published_articles_newest_first(client):
    section = f.make_section()
    now = timezone.now()
    older = f.make_article(section=section, published_at=now - dt.timedelta(days=2))
    newer = f.make_article(section=section, published_at=now - dt.timedelta(days=1))
    page = html(client.get(reverse("articles:home")))
    assert page.index(newer.title) < page.index(older.title)


def test_home_never_lists_unpublished_or_retracted_articles(client):
    section = f.make_section()
    hidden = unpublished_articles(section)
    hidden.append(
        f.make_article(section=section, title="Gone", status=Article.Status.RETRACTED)
    )
    f.make_article(section=section, title="Live piece")
    page = html(client.get(reverse("articles:home")))
    assert "Live piece" in page
    for article in hidden:
        assert article.title not in page


def test_home_shows_three_newest_top_stories_first(client):
    now = timezone.now()
    tops = [
        f.make_article(
            title=f"Top {i}",
            is_top_story=True,
            published_at=now - dt.timedelta(hours=i),
        )
        for i in range(4)
    ]
    response = client.get(reverse("articles:home"))
    assert [a.pk for a in response.context["top_stories"]] == [a.pk for a in tops[:3]]
    page = html(response)
    top_block = page[page.index("Top stories") : page.index('id="latest-heading"')]
    assert "Top 0" in top_block and "Top 2" in top_block
    assert "Top 3" not in top_block
    # The fourth, not a top story on the page, is still among the latest.
    assert tops[3] in response.context["articles"]
    assert tops[0] not in response.context["articles"]


def test_home_links_franchise_hubs_with_published_coverage(client):
    covered = f.make_franchise(name="Purple Hearts")
    uncovered = f.make_franchise(name="Nothing Yet")
    draft_only = f.make_franchise(name="Draft Only")
    f.make_article().films.add(f.make_film(franchise=covered))
    f.make_article(published=False).films.add(f.make_film(franchise=draft_only))
    f.make_film(franchise=uncovered)
    page = html(client.get(reverse("articles:home")))
    url = reverse("franchise:franchise-detail", args=[covered.slug])
    assert f'href="{url}"' in page
    assert "Nothing Yet" not in page
    assert "Draft Only" not in page


def older_link(response):
    """The "Older stories" address of a list page, or None."""
    cursor = response.context["older_cursor"]
    return f"?before={cursor}" if cursor else None


def test_home_lists_twenty_a_page_and_links_to_older_stories(client):
    section = f.make_section()
    for _ in range(21):
        f.make_article(section=section)
    first = client.get(reverse("articles:home"))
    assert len(first.context["articles"]) == 20
    assert older_link(first) in html(first)
    assert "Older stories" in html(first)
    second = client.get(reverse("articles:home") + older_link(first))
    assert second.status_code == 200
    assert len(second.context["articles"]) == 1
    assert older_link(second) is None
    assert "Older stories" not in html(second)
    assert "Newest stories" in html(second)
    shown = [a.pk for a in first.context["articles"]]
    assert second.context["articles"][0].pk not in shown


def test_keyset_pages_split_articles_published_at_the_same_moment(client):
    section = f.make_section()
    when = timezone.now() - dt.timedelta(hours=1)
    made = [f.make_article(section=section, published_at=when) for _ in range(25)]
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url() + older_link(first))
    pages = [a.pk for a in first.context["articles"]] + [
        a.pk for a in second.context["articles"]
    ]
    # Ties on published_at are broken by the primary key: none lost, none twice.
    assert pages == sorted((a.pk for a in made), reverse=True)


@pytest.mark.parametrize(
    "cursor", ["", "abc", "12_", "_12", "-1_2", "1.5_2", "99999999999999999999_1",
               "1_99999999999999999999", "123456"]
)
def test_bad_cursor_redirects_to_the_first_page(client, cursor):
    section = f.make_section()
    f.make_article(section=section)
    for url in (reverse("articles:home"), section.get_absolute_url()):
        response = client.get(url, {"before": cursor})
        assert response.status_code == 302, cursor
        assert response["Location"] == url


@pytest.mark.parametrize("name", ["home", "section", "tag", "author"])
def test_lists_never_count_the_archive(client, name):
    author = f.make_author()
    article = f.make_article(authors=[author], tags=["sequels"])
    url = {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["sequels"]),
        "author": author.get_absolute_url(),
    }[name]
    with CaptureQueriesContext(connection) as queries:
        # An old ?page= link is a parameter the list no longer reads.
        response = client.get(url, {"page": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["articles"] == [article]
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


# Section, tag, author


def test_section_lists_only_its_published_articles(client):
    section = f.make_section(name="Films")
    mine = f.make_article(section=section, title="In this section")
    f.make_article(title="Elsewhere")
    hidden = unpublished_articles(section)
    response = client.get(section.get_absolute_url())
    assert list(response.context["articles"]) == [mine]
    page = html(response)
    assert "<h1>Films</h1>" in page
    for article in hidden:
        assert article.title not in page


def test_the_navigation_marks_the_section_being_read(client):
    films = f.make_section(name="Films")
    music = f.make_section(name="Music")
    page = html(client.get(films.get_absolute_url()))
    nav = page[page.index('<nav class="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'<a href="{films.get_absolute_url()}" aria-current="page">Films</a>' in nav
    assert f'<a href="{music.get_absolute_url()}">Music</a>' in nav
    assert nav.count("aria-current") == 1


def test_unknown_section_is_not_found(client):
    assert client.get("/no-such-section/").status_code == 404


def test_tag_page_lists_published_articles_with_the_tag(client):
    tagged = f.make_article(tags=["sequels"])
    f.make_article(tags=["other"])
    f.make_article(tags=["sequels"], published=False, title="Draft tagged")
    response = client.get(reverse("articles:tag", args=["sequels"]))
    assert list(response.context["articles"]) == [tagged]
    assert "Draft tagged" not in html(response)


def test_tag_with_unicode_slug_has_a_working_page(client):
    article = f.make_article(tags=["Café société"])
    tag = article.tags.get()
    response = client.get(reverse("articles:tag", args=[tag.slug]))
    assert response.status_code == 200
    assert article.title in html(response)
    assert f'href="{reverse("articles:tag", args=[tag.slug])}"' in html(
        client.get(detail_url(article))
    )


def test_unknown_tag_is_not_found(client):
    assert client.get(reverse("articles:tag", args=["nope"])).status_code == 404


def test_author_page_shows_profile_and_their_published_articles(client):
    author = f.make_author(
        display_name="Ana Ruiz", role="Film editor", bio="Covers sequels."
    )
    theirs = f.make_article(authors=[author])
    f.make_article(title="Someone else's")
    f.make_article(authors=[author], published=False, title="Their draft")
    response = client.get(author.get_absolute_url())
    page = html(response)
    assert list(response.context["articles"]) == [theirs]
    assert "<h1>Ana Ruiz</h1>" in page
    assert "Film editor" in page and "Covers sequels." in page
    assert "Their draft" not in page


def test_unknown_author_is_not_found(client):
    assert client.get(reverse("articles:author", args=["nobody"])).status_code == 404


# Article page: visibility


def test_unpublished_articles_are_not_found(client):
    for article in unpublished_articles(f.make_section()):
        assert client.get(detail_url(article)).status_code == 404, article.title


def test_wrong_section_slug_is_not_found(client):
    article = f.make_article()
    other = f.make_section()
    url = reverse("articles:detail", args=[other.slug, article.slug])
    assert client.get(url).status_code == 404


def test_retracted_article_keeps_its_url_with_a_notice_instead_of_the_body(client):
    article = f.make_article(
        status=Article.Status.RETRACTED, body="<p>The withdrawn words.</p>"
    )
    response = client.get(detail_url(article))
    page = html(response)
    assert response.status_code == 200
    assert "This article has been retracted" in page
    assert "The withdrawn words." not in page
    assert article.title in page


# Article page: content


def test_article_shows_kind_label_and_unconfirmed_label(client):
    rumour = f.make_article(kind=Article.Kind.RUMOUR_ROUNDUP, unconfirmed=True)
    page = html(client.get(detail_url(rumour)))
    assert '<span class="article-kind">Rumour roundup</span>' in page
    assert '<span class="article-unconfirmed">Unconfirmed</span>' in page

    news = f.make_article(kind=Article.Kind.INTERVIEW)
    page = html(client.get(detail_url(news)))
    assert '<span class="article-kind">Interview</span>' in page
    assert "Unconfirmed" not in page


def test_article_shows_headline_dek_body_and_meta(client, settings):
    settings.SITE_URL = "https://news.example"
    article = f.make_article(
        title="Sequel confirmed",
        dek="Carson says yes.",
        body="<p>It is <strong>happening</strong>.</p>",
    )
    page = html(client.get(detail_url(article)))
    assert '<h1 class="article-title">Sequel confirmed</h1>' in page
    assert '<meta name="description" content="Carson says yes.">' in page
    assert (
        f'<link rel="canonical" href="https://news.example{detail_url(article)}">'
        in page
    )
    assert "<p>It is <strong>happening</strong>.</p>" in page


def test_article_bylines_link_to_author_pages(client):
    ana = f.make_author(display_name="Ana")
    ben = f.make_author(display_name="Ben")
    cy = f.make_author(display_name="Cy")
    page = html(client.get(detail_url(f.make_article(authors=[ana, ben, cy]))))
    assert (
        f'By <a href="{ana.get_absolute_url()}" rel="author">Ana</a>, '
        f'<a href="{ben.get_absolute_url()}" rel="author">Ben</a> and '
        f'<a href="{cy.get_absolute_url()}" rel="author">Cy</a>'
    ) in page


def test_article_shows_updated_time_only_when_it_differs(client, settings):
    settings.TIME_ZONE = "UTC"
    published = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)
    same = f.make_article(published_at=published, updated_at=published)
    page = html(client.get(detail_url(same)))
    assert (
        '<time datetime="2025-03-14T09:30:00+00:00">14 March 2025, 09:30 UTC</time>'
        in page
    )
    assert "Updated" not in page

    later = f.make_article(
        published_at=published, updated_at=published + dt.timedelta(days=1)
    )
    page = html(client.get(detail_url(later)))
    assert 'Updated <time datetime="2025-03-15T09:30:00+00:00">' in page


def test_article_lead_image_has_caption_and_credit(client):
    image = with_renditions(
        f.make_image(alt_text="Carson on stage", credit="Jo Lee / AP")
    )
    article = f.make_article(lead_image=image, lead_image_caption="At the premiere.")
    page = html(client.get(detail_url(article)))
    figure = page[page.index('<figure class="article-lead-image">') :]
    figure = figure[: figure.index("</figure>")]
    assert "<picture>" in figure
    assert 'alt="Carson on stage"' in figure
    assert "At the premiere." in figure
    assert "Photo: Jo Lee / AP" in figure


def test_quotes_are_not_repeated_but_their_sources_and_speakers_are_listed(client):
    article = f.make_article(body="<p>“We're in the writers' room,” she said.</p>")
    source = f.make_source(kind=Source.Kind.PHONE_CALL, title="Call with Carson")
    f.make_quote(
        article,
        speaker=f.make_person(name="Sofia Carson"),
        words="We're in the writers' room.",
        source=source,
        context="in a follow-up call",
    )
    page = html(client.get(detail_url(article)))
    # The body carries the quote; no "What they said" section repeats it.
    assert "What they said" not in page
    assert 'class="quote"' not in page
    assert page.count("writers") == 1
    # The quoted source is listed even though no citation names it.
    entry = page[page.index(f'<li id="source-{source.pk}">') :]
    entry = entry[: entry.index("</li>")]
    assert "Call with Carson" in entry and "Phone call" in entry
    assert "Quoted: Sofia Carson" in entry


def test_a_quoted_speaker_the_source_does_not_name_is_listed_with_it(client):
    article = f.make_article()
    source = f.make_source(kind=Source.Kind.UNSTATED)
    f.make_quote(article, speaker=None, speaker_name="A Reddit user", source=source)
    f.make_quote(article, source=None)
    page = html(client.get(detail_url(article)))
    entry = page[page.index(f'<li id="source-{source.pk}">') :]
    assert "Quoted: A Reddit user" in entry[: entry.index("</li>")]


def test_sources_section_lists_kind_who_outlet_date_record_and_support(client):
    article = f.make_article()
    on = f.make_source(
        kind=Source.Kind.INTERVIEW,
        title="Interview with Sofia Carson",
        speaker=f.make_person(name="Sofia Carson"),
        outlet="PulseBeat Magazine",
        date=dt.date(2025, 3, 14),
        url="https://pulsebeat.example/carson",
    )
    off = f.make_source(
        kind=Source.Kind.EMAIL,
        speaker_description="a studio insider",
        on_record=False,
        url="javascript:alert(1)",
    )
    f.make_citation(article, on, supports="the sequel is in writing", position=0)
    f.make_citation(article, off, position=1)
    page = html(client.get(detail_url(article)))
    sources = " ".join(page[page.index('id="sources-heading"') :].split())
    assert sources.index("Interview with Sofia Carson") < sources.index("Email")
    assert (
        '<span class="source-kind">Interview</span> · Sofia Carson · PulseBeat Magazine'
        ' · <time datetime="2025-03-14">14 March 2025</time>'
    ) in sources
    assert '<span class="source-on-record">On the record</span>' in sources
    assert "Supports: the sequel is in writing" in sources
    assert (
        '<a href="https://pulsebeat.example/carson" rel="nofollow noopener">' in sources
    )
    assert "a studio insider" in sources
    assert "Not on the record" in sources
    assert "javascript:" not in page


def test_article_without_sources_says_it_names_none(client):
    page = html(client.get(detail_url(f.make_article())))
    assert "This article names no sources." in page


def test_article_tags_link_to_tag_pages(client):
    article = f.make_article(tags=["sequels", "Netflix"])
    page = html(client.get(detail_url(article)))
    for tag in article.tags.all():
        url = reverse("articles:tag", args=[tag.slug])
        assert f'<a href="{url}" rel="tag">{tag.name}</a>' in page


def test_related_articles_share_a_tag_or_a_film(client):
    film = f.make_film()
    now = timezone.now()
    article = f.make_article(tags=["sequels"])
    article.films.add(film)
    by_tag = f.make_article(tags=["sequels"], title="By tag")
    by_film = f.make_article(title="By film")
    by_film.films.add(film)
    f.make_article(title="Unrelated")
    f.make_article(tags=["sequels"], published=False, title="Unpublished related")
    related = client.get(detail_url(article)).context["related"]
    assert set(related) == {by_tag, by_film}

    for i in range(5):
        f.make_article(tags=["sequels"], published_at=now + dt.timedelta(seconds=-i))
    related = client.get(detail_url(article)).context["related"]
    assert len(related) == 4
    assert article not in related


# Hostile input


def assert_escaped(text, page):
    if "\n" not in text and "\r" not in text:
        assert escape(text) in page, text
    if "<" in text:
        assert text not in page, text


def test_hostile_strings_are_escaped_on_the_article_page_and_lists(client):
    section = f.make_section()
    author = f.make_author()
    strings = hostile_strings()
    # Four strings an article (headline, dek, tags, quotes) keeps the sweep quick.
    for i in range(0, len(strings), 4):
        chunk = strings[i : i + 4]
        article = f.make_article(
            section=section,
            authors=[author],
            title=chunk[0][:300],
            dek=chunk[-1],
            tags=[text[:100] for text in chunk],
        )
        for text in chunk:
            # Quotes show in the body only; their source and speaker are listed.
            source = f.make_source(title=text[:300])
            f.make_quote(article, words=text, speaker=None, speaker_name=text[:200])
            f.make_quote(article, words=text, speaker=None, source=source)
        response = client.get(detail_url(article))
        assert response.status_code == 200, chunk
        page = html(response)
        assert_escaped(chunk[0][:300], page)
        for text in chunk:
            assert_escaped(text[:200], page)
    listing, url = "", section.get_absolute_url()
    while url:
        response = client.get(url)
        listing += html(response)
        older = older_link(response)
        url = section.get_absolute_url() + older if older else None
    for text in strings[::4]:
        assert_escaped(text[:300], listing)


def test_hostile_tags_have_working_pages_or_plain_names(client):
    article = f.make_article(tags=[text[:100] for text in HOSTILE])
    page = html(client.get(detail_url(article)))
    for tag in article.tags.all():
        assert escape(tag.name) in page
        if tag.slug:
            tag_page = client.get(reverse("articles:tag", args=[tag.slug]))
            assert tag_page.status_code == 200, tag.name
            assert_escaped(article.title, html(tag_page))


# Query counts: the same with one and with thirty of everything.


@pytest.mark.parametrize("count", [1, 30])
def test_article_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, count
):
    article = rich_article(count)
    # nav sections; the article (section, lead image); bylines; renditions;
    # tags; corrections; the claims (asserted, rivals); their sources; the
    # Sources list (citations and quotes); related articles.
    with django_assert_num_queries(10):
        response = client.get(detail_url(article))
    assert response.status_code == 200
    claims = response.context["claims"]
    assert len(claims) == count
    assert all(len(claim.disputes) == 1 for claim in claims)
    # Each cited source, then each quoted one.
    assert len(response.context["sources"]) == 2 * count


@pytest.mark.parametrize("count", [1, 30])
def test_list_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, count
):
    section = f.make_section()
    author = f.make_author()
    franchise = f.make_franchise()
    for i in range(3 if count == 1 else 25):
        article = f.make_article(
            section=section,
            authors=[author, *[f.make_author() for _ in range(count - 1)]],
            tags=["shared", *[f"tag {j}" for j in range(count - 1)]],
            lead_image=with_renditions(f.make_image()),
            is_top_story=i < 2,
        )
        article.films.add(f.make_film(franchise=franchise))
    older = "?before=" + cursor_of(Article.objects.newest_first().first())
    urls = {
        # nav, top stories (with bylines and renditions), the page (with
        # bylines and renditions), franchises; no count.
        reverse("articles:home"): 8,
        # An older page skips the top stories.
        reverse("articles:home") + older: 5,
        # nav, section, the page (with bylines and renditions).
        section.get_absolute_url(): 5,
        section.get_absolute_url() + older: 5,
        reverse("articles:tag", args=["shared"]): 5,
        author.get_absolute_url(): 5,
    }
    for url, queries in urls.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_time_elements_carry_whole_seconds(client, settings):
    """HTML refuses fractions of a second in <time datetime>; the Nu checker flags them."""
    settings.TIME_ZONE = "UTC"
    published = dt.datetime(2025, 3, 14, 9, 30, 5, 123456, tzinfo=dt.UTC)
    article = f.make_article(published_at=published, updated_at=published)
    page = html(client.get(detail_url(article)))
    assert '<time datetime="2025-03-14T09:30:05+00:00">' in page
    assert re.findall(r'<time datetime="[^"]*\.\d+', page) == []


def test_home_page_describes_the_site_to_search_engines(client, settings):
    settings.SITE_DESCRIPTION = "Film news, <sourced> & checked."
    page = html(client.get("/"))
    assert (
        '<meta name="description" content="Film news, &lt;sourced&gt; &amp; checked.">'
        in page
    )

    settings.SITE_DESCRIPTION = ""
    assert 'name="description"' not in html(client.get("/"))
