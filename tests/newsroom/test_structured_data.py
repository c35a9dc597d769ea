import datetime as dt
import json
import re

import pytest
from django.db.models import Prefetch
from django.template import Context, Template
from django.test import RequestFactory

from articles import services
from articles.models import Article, Byline, Rendition
from franchise.dates import Precision
from franchise.models import Credit, Film, Song
from newsroom import structured_data
from newsroom.templatetags.structured_data import dumps_for_script
from tests.factories import (
    make_article,
    make_author,
    make_character,
    make_credit,
    make_film,
    make_image,
    make_person,
    make_song,
)
from tests.paths import TESTDATA

SITE_URL = "https://news.example.org"
pytestmark = pytest.mark.django_db
SCRIPT = re.compile(
    r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.DOTALL
)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def hostile_strings():
    blns = json.loads((TESTDATA / "blns.json").read_text())
    xss = (TESTDATA / "xss_payloads.txt").read_text().splitlines()
    return blns + xss + ["</script><script>alert(1)</script>", "<!--", "\u2028\u2029"]


def loaded(article):
    """The article as a page view fetches it."""
    return (
        Article.objects.select_related("section", "lead_image")
        .prefetch_related(
            "lead_image__renditions",
            Prefetch("bylines", Byline.objects.select_related("author")),
            "tags",
            "corrections",
        )
        .get(pk=article.pk)
    )


def render(template, **context):
    request = RequestFactory().get("/")
    return Template("{% load structured_data %}" + template).render(
        Context({"request": request, "csp_nonce": "n0nce", **context})
    )


def with_renditions(image):
    for ratio, width in [("16x9", 800), ("16x9", 1600), ("4x3", 1200), ("1x1", 600),
                         ("original", 2000)]:
        Rendition.objects.create(
            image=image, ratio=ratio, width=width, height=width // 2, format="jpeg",
            file=f"renditions/2026/11/{image.token}-{ratio}-{width}.jpg",
        )


def test_article_json_ld_has_the_required_fields(django_assert_num_queries):
    image = make_image()
    with_renditions(image)
    author = make_author(display_name="Ana Writer")
    article = make_article(
        title="Sequel confirmed", dek="A short dek.", kind=Article.Kind.REVIEW,
        lead_image=image, authors=[author], tags=["sequel", "netflix"],
    )
    article.updated_at = article.published_at + dt.timedelta(hours=2)
    article.save()
    article = loaded(article)
    with django_assert_num_queries(0):
        data = structured_data.article_json_ld(article)
    assert data["@type"] == "ReviewNewsArticle"
    assert data["headline"] == "Sequel confirmed"
    assert data["description"] == "A short dek."
    assert data["datePublished"] == article.first_published_at.isoformat()
    assert data["dateModified"] == article.updated_at.isoformat()
    assert data["author"] == [
        {"@type": "Person", "name": "Ana Writer", "url": SITE_URL + author.get_absolute_url()}
    ]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["url"] == SITE_URL + "/"
    assert data["mainEntityOfPage"]["@id"] == SITE_URL + article.get_absolute_url()
    assert data["articleSection"] == article.section.name
    assert sorted(data["keywords"]) == ["netflix", "sequel"]
    assert [url.rsplit("-", 2)[-2:] for url in data["image"]] == [
        ["16x9", "1600.jpg"], ["4x3", "1200.jpg"], ["1x1", "600.jpg"]
    ]
    assert all(url.startswith(SITE_URL + "/media/") for url in data["image"])


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [("news", "ReportageNewsArticle"), ("analysis", "AnalysisNewsArticle"),
     ("opinion", "OpinionNewsArticle"), ("feature", "BackgroundNewsArticle"),
     ("interview", "NewsArticle")],
)
def test_article_json_ld_uses_the_subtype_for_the_kind(kind, schema_type):
    article = loaded(make_article(kind=kind))
    assert structured_data.article_json_ld(article)["@type"] == schema_type


def test_json_ld_tag_carries_the_nonce_and_valid_json():
    html = render("{% json_ld data %}", data={"name": "A & B"})
    assert html.startswith('<script type="application/ld+json" nonce="n0nce">')
    [body] = SCRIPT.findall(html)
    assert json.loads(body) == {"name": "A & B"}
    assert "&" not in body


def test_json_ld_for_hostile_headlines_never_breaks_out_of_the_script():
    section = None
    for i, text in enumerate(hostile_strings()):
        kw = {"section": section} if section else {}
        article = make_article(
            title=text[:300] or "x", slug=f"h-{i}", dek=text, tags=[], authors=[],
            **kw,
        )
        section = article.section
        html = render("{% article_json_ld article %}", article=loaded(article))
        assert html.count("<script") == 1, text
        assert html.count("</script") == 1, text
        [body] = SCRIPT.findall(html)
        assert "</script" not in body.lower()
        assert "<!--" not in body
        assert "\u2028" not in body and "\u2029" not in body
        data = json.loads(body)
        assert data["headline"] == (text[:300] or "x")[:110], text
        assert {"@type", "headline", "datePublished", "publisher"} <= set(data)


def test_dumps_for_script_escapes_the_dangerous_characters():
    text = dumps_for_script({"a": "</script><!-- & \u2028\u2029 >"})
    assert text == (
        '{"a":"\\u003C/script\\u003E\\u003C!-- \\u0026 \\u2028\\u2029 \\u003E"}'
    )
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_breadcrumb_json_ld_numbers_items_with_absolute_urls():
    data = structured_data.breadcrumb_json_ld([("Home", "/"), ("News", "/news/")])
    assert data["@type"] == "BreadcrumbList"
    assert data["itemListElement"][1] == {
        "@type": "ListItem", "position": 2, "name": "News", "item": SITE_URL + "/news/",
    }


def test_film_json_ld_lists_director_and_actors_and_a_day_precise_release(
    django_assert_num_queries,
):
    film = make_film(
        title="Purple Hearts 2", release_date=dt.date(2026, 3, 14),
        release_precision=Precision.DAY,
    )
    director = make_person(name="Liz Allen Rosenbaum")
    actor = make_person(name="Sofia Carson")
    gone = make_person(name="Left the cast")
    make_credit(film=film, person=director, job=Credit.Job.DIRECTOR)
    make_credit(film=film, person=actor, job=Credit.Job.CAST, character=make_character())
    make_credit(film=film, person=gone, job=Credit.Job.CAST, status="departed",
                character=make_character())
    film = Film.objects.prefetch_related("credits__person").get(pk=film.pk)
    with django_assert_num_queries(0):
        data = structured_data.film_json_ld(film)
    assert data["@type"] == "Movie"
    assert data["datePublished"] == "2026-03-14"
    assert [p["name"] for p in data["director"]] == ["Liz Allen Rosenbaum"]
    assert [p["name"] for p in data["actor"]] == ["Sofia Carson"]
    assert data["url"] == SITE_URL + film.get_absolute_url()


def test_film_json_ld_omits_a_release_known_only_to_the_month():
    film = make_film(release_date=dt.date(2026, 3, 1), release_precision=Precision.MONTH)
    film = Film.objects.prefetch_related("credits__person").get(pk=film.pk)
    assert "datePublished" not in structured_data.film_json_ld(film)


def test_person_and_song_json_ld():
    person = make_person(name="Sofia Carson", born=dt.date(1993, 4, 10))
    data = structured_data.person_json_ld(person)
    assert data == {
        "@context": "https://schema.org", "@type": "Person", "name": "Sofia Carson",
        "url": SITE_URL + person.get_absolute_url(), "birthDate": "1993-04-10",
    }
    song = make_song(title="Come Back Home", films=[make_film(title="Purple Hearts")])
    song.performers.add(person)
    song = Song.objects.prefetch_related("performers", "films").get(pk=song.pk)
    data = structured_data.song_json_ld(song)
    assert data["@type"] == "MusicRecording"
    assert data["byArtist"][0]["name"] == "Sofia Carson"
    assert data["isPartOf"][0]["name"] == "Purple Hearts"


def test_organization_json_ld_names_the_publication(settings):
    data = structured_data.organization_json_ld()
    assert data["@type"] == "NewsMediaOrganization"
    assert data["name"] == settings.SITE_NAME
    assert data["url"] == SITE_URL + "/"


def test_og_tags_render_escaped_absolute_metadata_and_canonical():
    image = make_image(alt_text='A "purple" heart')
    with_renditions(image)
    article = make_article(
        title='Hearts <b>"quoted"</b>', dek="Dek & more", lead_image=image,
        tags=["sequel"],
    )
    html = render("{% og_tags article %}", article=loaded(article), SITE_NAME="Pulse")
    url = SITE_URL + article.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert (
        '<meta property="og:title" content="Hearts &lt;b&gt;&quot;quoted&quot;&lt;/b&gt;">'
        in html
    )
    assert '<meta property="og:description" content="Dek &amp; more">' in html
    assert 'name="twitter:card" content="summary_large_image"' in html
    assert f'content="{SITE_URL}/media/renditions/' in html
    assert '<meta property="article:tag" content="sequel">' in html


def test_article_json_ld_states_its_corrections_and_modified_time(editor):
    article = make_article(title="Sequel dated")
    correction = services.add_correction(
        article, by=editor, text="The release window is disputed."
    )
    data = structured_data.article_json_ld(loaded(article))
    (entry,) = data["correction"]
    assert entry["@type"] == "CorrectionComment"
    assert entry["text"] == "Correction: The release window is disputed."
    assert entry["url"].endswith(f"#correction-{correction.pk}")
    assert data["dateModified"] == correction.published_at.isoformat()


def test_publisher_links_the_newsroom_standards(settings):
    url_of = {key: url for key, url, _title in settings.STANDARDS_PAGES}
    absolute = structured_data.absolute
    data = structured_data.organization_json_ld()
    assert data["@type"] == "NewsMediaOrganization"
    for key in (
        "correctionsPolicy",
        "verificationFactCheckingPolicy",
        "unnamedSourcesPolicy",
        "ethicsPolicy",
        "masthead",
    ):
        assert data[key] == absolute(url_of[key])


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S
        )
    ]


def test_film_page_states_a_movie_with_only_credits_we_stand_behind(client):
    from tests.factories import make_franchise

    film = make_film(title="Purple Hearts 2", franchise=make_franchise(name="Purple Hearts"))
    make_credit(film=film, person=make_person(name="Sofia Carson"), job="cast")
    make_credit(
        film=film, person=make_person(name="Jacob Elordi"), job="cast", status="rumoured"
    )
    blocks = json_ld_blocks(client.get(film.get_absolute_url()).text)
    movie = next(b for b in blocks if b["@type"] == "Movie")
    assert [a["name"] for a in movie["actor"]] == ["Sofia Carson"]
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    assert [i["name"] for i in crumbs["itemListElement"]] == [
        "Home",
        "Purple Hearts",
        "Purple Hearts 2",
    ]


def test_person_and_song_pages_state_their_types(client):


    person = make_person(name="Sofia Carson")
    song = make_song(title="Come Back…Home…")
    song.performers.add(person)
    types = {b["@type"] for b in json_ld_blocks(client.get(person.get_absolute_url()).text)}
    assert types == {"Person", "BreadcrumbList"}
    types = {b["@type"] for b in json_ld_blocks(client.get(song.get_absolute_url()).text)}
    assert types == {"MusicRecording", "BreadcrumbList"}


def test_article_page_carries_breadcrumbs(client):
    article = make_article(title="Sequel dated")
    blocks = json_ld_blocks(client.get(article.get_absolute_url()).text)
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == "Sequel dated"
