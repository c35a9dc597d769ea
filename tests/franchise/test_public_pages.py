"""The knowledge base's public pages: franchise hub, film, person, song."""

import datetime as dt
import itertools
import string

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from franchise.models import Claim, Credit, Film, Song, Source
from tests import factories as f
from tests.paths import TESTDATA

pytestmark = pytest.mark.django_db

XSS_FILE = TESTDATA / "xss_payloads.txt"
# Markup payloads: escaping them is what stops them.
PAYLOADS = [line for line in XSS_FILE.read_text().splitlines() if "<" in line][:5]
COUNTRIES = ["".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2)]


def get(client, name, obj):
    return client.get(reverse(f"franchise:{name}", args=[obj.slug]))


def sourced_claim(subject, *, speaker=None, **kw):
    """A claim with two sources, one of them naming its speaker.

    A published article cites the first source and quotes the second, and the
    claim has a line of public history, so the pages have all of it to show.
    """
    sources = [
        f.make_source(speaker=speaker or f.make_person(), outlet="PulseBeat"),
        f.make_source(kind=Source.Kind.EMAIL, on_record=False),
    ]
    claim = f.make_claim(subject, sources=sources, **kw)
    report = f.make_article()
    f.make_citation(report, sources[0])
    f.make_quote(report, source=sources[1])
    f.make_status_change(claim, Claim.Status.REPORTED, reason="Two sources agree")
    return claim


def fact_box_html(html):
    start = html.index('class="fact-box"')
    return html[start : html.index("</section>", start)]


def build_film(n):
    """A film with n of everything a film page shows."""
    franchise = f.make_franchise()
    film = f.make_film(franchise=franchise, sequel_to=f.make_film())
    for i in range(n):
        f.make_credit(
            film=film,
            job=Credit.Job.CAST,
            character=f.make_character(),
            billing_order=i,
            status=Credit.Status.CONFIRMED,
        )
        f.make_credit(film=film, job=Credit.Job.PRODUCER)
        sourced_claim(film, property=Claim.Property.CAST_MEMBER, qualifier=f"Role {i}")
        song = f.make_song(films=[film])
        song.performers.add(f.make_person())
        f.make_award(song=song, name=f"Award {i}")
        f.make_release(film=film, country=COUNTRIES[i])
        f.make_film(sequel_to=film)
        f.make_article().films.add(film)
    return film


def build_person(n):
    person = f.make_person()
    for _ in range(n):
        f.make_credit(person=person, job=Credit.Job.CAST, character=f.make_character())
        f.make_credit(person=person, job=Credit.Job.DIRECTOR)
        f.make_song().performers.add(person)
        f.make_song().writers.add(person)
        sourced_claim(person, property=Claim.Property.PROJECT)
        f.make_article().people.add(person)
    return person


def build_song(n):
    song = f.make_song()
    for i in range(n):
        song.films.add(f.make_film())
        song.performers.add(f.make_person())
        song.writers.add(f.make_person())
        f.make_award(song=song, name=f"Award {i}")
        sourced_claim(song, property=Claim.Property.AWARD)
        f.make_article().songs.add(song)
    return song


def build_franchise(n):
    franchise = f.make_franchise()
    for _ in range(n):
        film = f.make_film(franchise=franchise)
        f.make_character(franchise=franchise)
        f.make_article().films.add(film)
        release_claims(film)
    return franchise


# Film page ------------------------------------------------------------------


def test_film_page_shows_its_details_and_release_precision(client):
    franchise = f.make_franchise(name="Purple Hearts")
    film = f.make_film(
        title="Purple Hearts 2",
        franchise=franchise,
        release_date=dt.date(2027, 6, 1),
        release_precision="season",
        production_status=Film.ProductionStatus.IN_DEVELOPMENT,
        distributor="Netflix",
        based_on="A novel by Tess Wakefield",
        synopsis="Cassie and Luke, years later.",
    )
    html = get(client, "film-detail", film).content.decode()
    assert "<h1>Purple Hearts 2</h1>" in html
    assert "summer 2027" in html
    assert "no exact date yet" in html
    assert "In development" in html
    assert "Netflix" in html
    assert "A novel by Tess Wakefield" in html
    assert "Cassie and Luke, years later." in html
    assert franchise.get_absolute_url() in html
    assert html.count("<h1") == 1


def test_film_page_marks_a_full_release_date_up_for_machines(client):
    film = f.make_film(release_date=dt.date(2022, 7, 29), release_precision="day")
    html = get(client, "film-detail", film).content.decode()
    assert '<time datetime="2022-07-29">29 July 2022</time>' in html


def test_film_page_lists_cast_with_character_and_status(client):
    film = f.make_film()
    carson = f.make_person(name="Sofia Carson")
    cassie = f.make_character(name="Cassie Salazar")
    f.make_credit(
        film=film,
        person=carson,
        job=Credit.Job.CAST,
        character=cassie,
        status=Credit.Status.IN_TALKS,
    )
    f.make_credit(film=film, job=Credit.Job.DIRECTOR, status=Credit.Status.RUMOURED)
    html = get(client, "film-detail", film).content.decode()
    row = html[
        html.index("Sofia Carson") : html.index("</tr>", html.index("Sofia Carson"))
    ]
    assert "Cassie Salazar" in row
    assert "In talks" in row
    assert '<th scope="col">Character</th>' in html
    assert "Director" in html and "Rumoured" in html


def test_film_page_lists_cast_in_billing_order(client):
    film = f.make_film()
    for order, name in [(2, "Second Billed"), (1, "First Billed")]:
        f.make_credit(
            film=film,
            person=f.make_person(name=name),
            job=Credit.Job.CAST,
            character=f.make_character(),
            billing_order=order,
        )
    html = get(client, "film-detail", film).content.decode()
    assert html.index("First Billed") < html.index("Second Billed")


def test_film_page_lists_the_soundtrack_linking_each_song(client):
    film = f.make_film()
    song = f.make_song(title="Come Back Home", films=[film])
    f.make_song(title="Battle Within", films=[film], status=Song.Status.UNRELEASED)
    html = get(client, "film-detail", film).content.decode()
    assert "Soundtrack" in html
    assert f'href="{song.get_absolute_url()}">Come Back Home</a>' in html
    assert "Battle Within" in html and "Unreleased" in html


def test_film_page_fact_box_shows_status_and_sources(client):
    film = f.make_film()
    carson = f.make_person(name="Sofia Carson")
    source = f.make_source(
        kind=Source.Kind.INTERVIEW,
        speaker=carson,
        outlet="PulseBeat Magazine",
        date=dt.date(2025, 5, 2),
    )
    f.make_claim(
        film,
        property=Claim.Property.DIRECTOR,
        value="Elizabeth Allen Rosenbaum",
        status=Claim.Status.CONFIRMED,
        sources=[source],
    )
    html = get(client, "film-detail", film).content.decode()
    assert '<dl class="facts">' in html
    assert "Elizabeth Allen Rosenbaum" in html
    assert "Confirmed" in html
    assert "Interview" in html
    assert "Sofia Carson" in html
    assert "PulseBeat Magazine" in html
    assert '<time datetime="2025-05-02">2 May 2025</time>' in html
    assert "On the record" in html
    assert "Disputed" not in html


def test_film_page_shows_every_value_of_a_disputed_fact_with_its_sources(client):
    film = f.make_film()
    interview = f.make_source(
        kind=Source.Kind.INTERVIEW, speaker=f.make_person(name="Sofia Carson")
    )
    call = f.make_source(
        kind=Source.Kind.PHONE_CALL, speaker_description="a producer", on_record=False
    )
    f.make_claim(
        film, value="Echoes of Us", status=Claim.Status.REPORTED, sources=[interview]
    )
    f.make_claim(
        film, value="Echoes of Devotion", status=Claim.Status.RUMOURED, sources=[call]
    )
    html = fact_box_html(get(client, "film-detail", film).content.decode())
    assert '<span class="disputed">Disputed</span>' in html
    assert "Our sources disagree" in html
    us, devotion = html.index("Echoes of Us"), html.index("Echoes of Devotion")
    first, second = html[us:devotion], html[devotion:]
    assert "Reported" in first and "Sofia Carson" in first and "Interview" in first
    assert "On the record" in first
    assert "Rumoured" in second and "a producer" in second and "Phone call" in second
    assert "Not on the record" in second


def test_film_page_shows_denied_value_without_calling_it_disputed(client):
    film = f.make_film()
    f.make_claim(film, value="Echoes of Us", status=Claim.Status.CONFIRMED)
    f.make_claim(film, value="Purple Hearts 3", status=Claim.Status.DENIED)
    html = get(client, "film-detail", film).content.decode()
    assert "Purple Hearts 3" in html
    assert "Denied" in html
    assert "Disputed" not in html


def test_film_page_lists_published_coverage_newest_first(client, settings):
    film = f.make_film()
    older = f.make_article(title="Older story", kind="interview")
    older.published_at = older.published_at - dt.timedelta(days=3)
    older.save()
    newer = f.make_article(title="Newer story", unconfirmed=True)
    draft = f.make_article(title="Draft story", published=False)
    for article in (older, newer, draft):
        article.films.add(film)
    html = get(client, "film-detail", film).content.decode()
    assert html.index("Newer story") < html.index("Older story")
    assert "Draft story" not in html
    assert newer.get_absolute_url() in html
    assert "Interview" in html
    assert "Unconfirmed" in html


def test_film_page_links_prequel_and_sequels(client):
    first = f.make_film(title="Purple Hearts")
    second = f.make_film(title="Purple Hearts 2", sequel_to=first)
    html = get(client, "film-detail", second).content.decode()
    assert "Sequel to" in html and first.get_absolute_url() in html
    html = get(client, "film-detail", first).content.decode()
    assert "Followed by" in html and second.get_absolute_url() in html


def test_film_page_escapes_hostile_titles_and_claim_values(client):
    for payload in PAYLOADS:
        film = f.make_film(title=payload)
        f.make_claim(film, value=payload, sources=[f.make_source(outlet=payload)])
        html = get(client, "film-detail", film).content.decode()
        assert payload not in html
        assert escape(payload) in html


def test_film_page_does_not_link_a_source_url_that_is_not_http(client):
    film = f.make_film()
    source = f.make_source(outlet="Evil outlet", url="javascript:alert(1)")
    f.make_claim(film, sources=[source])
    html = get(client, "film-detail", film).content.decode()
    assert "Evil outlet" in html
    assert "javascript:" not in html


@pytest.mark.parametrize("n", [2, 50])
def test_film_page_runs_the_same_queries_whatever_the_data(
    client, django_assert_num_queries, n
):
    film = build_film(n)
    f.make_section()  # the navigation has something to list
    # The film with the films that follow it, releases, credits, songs; claims,
    # their sources and history; coverage with the articles citing the sources
    # (one query); the navigation.
    with django_assert_num_queries(9):
        response = get(client, "film-detail", film)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="fact"') == n
    assert html.count('class="source__reported"') == 2 * n
    assert html.count('class="history"') == n


# Person page ----------------------------------------------------------------


def test_person_page_groups_credits_and_lists_songs(client):
    person = f.make_person(name="Sofia Carson", bio="Actress and singer.")
    film = f.make_film(title="Purple Hearts")
    f.make_credit(
        person=person,
        film=film,
        job=Credit.Job.CAST,
        character=f.make_character(name="Cassie Salazar"),
        status=Credit.Status.CONFIRMED,
    )
    f.make_credit(
        person=person,
        film=f.make_film(title="Another Film"),
        job=Credit.Job.EXECUTIVE_PRODUCER,
        status=Credit.Status.REPORTED,
    )
    f.make_song(title="Come Back Home").performers.add(person)
    f.make_song(title="Written Song").writers.add(person)
    sourced_claim(person, property=Claim.Property.PROJECT, value="Purple Hearts 2")
    html = get(client, "person-detail", person).content.decode()
    acting = html[html.index("Acting") : html.index("Behind the camera")]
    assert "Purple Hearts" in acting and "Cassie Salazar" in acting
    assert "Confirmed" in acting
    crew = html[html.index("Behind the camera") :]
    assert "Another Film" in crew and "Executive producer" in crew
    assert "Reported" in crew
    assert "Come Back Home" in html and "Written Song" in html
    assert "Actress and singer." in html
    assert "Current project" in html and "Purple Hearts 2" in html


@pytest.mark.parametrize("n", [2, 50])
def test_person_page_runs_the_same_queries_whatever_the_data(
    client, django_assert_num_queries, n
):
    person = build_person(n)
    with django_assert_num_queries(9):
        response = get(client, "person-detail", person)
    assert response.status_code == 200
    assert response.content.decode().count('class="source__reported"') == 2 * n


# Song page ------------------------------------------------------------------


def test_song_page_shows_films_people_status_and_awards(client):
    song = f.make_song(title="Come Back Home", status=Song.Status.UNRELEASED)
    song.films.add(f.make_film(title="Purple Hearts"))
    song.performers.add(f.make_person(name="Sofia Carson"))
    song.writers.add(f.make_person(name="Justin Tranter"))
    f.make_award(song=song, name="MTV Movie & TV Awards", result="nominated")
    sourced_claim(song, property=Claim.Property.CHART_POSITION, value="No. 12")
    html = get(client, "song-detail", song).content.decode()
    assert "<h1>Come Back Home</h1>" in html
    assert "Purple Hearts" in html
    assert "Sofia Carson" in html and "Justin Tranter" in html
    assert "Unreleased" in html
    assert "Nominated:" in html
    assert "No. 12" in html


@pytest.mark.parametrize("n", [2, 50])
def test_song_page_runs_the_same_queries_whatever_the_data(
    client, django_assert_num_queries, n
):
    song = build_song(n)
    with django_assert_num_queries(10):
        response = get(client, "song-detail", song)
    assert response.status_code == 200
    assert response.content.decode().count('class="history"') == n


# Franchise hub --------------------------------------------------------------


def test_franchise_hub_lists_films_characters_and_coverage(client):
    franchise = f.make_franchise(name="Purple Hearts", description="A romance.")
    first = f.make_film(
        title="Purple Hearts",
        franchise=franchise,
        release_date=dt.date(2022, 7, 29),
        release_precision="day",
        production_status=Film.ProductionStatus.RELEASED,
    )
    second = f.make_film(title="Purple Hearts 2", franchise=franchise)
    f.make_film(title="Unrelated Film")
    f.make_character(name="Cassie Salazar", franchise=franchise)
    story = f.make_article(title="Sequel story")
    story.films.add(first, second)  # listed once, not once per film
    f.make_article(title="Other story").films.add(f.make_film())
    html = get(client, "franchise-detail", franchise).content.decode()
    assert "<h1>Purple Hearts</h1>" in html
    assert "A romance." in html
    assert html.index('href="/films/purple-hearts/"') < html.index("Purple Hearts 2")
    assert "Released" in html and "Rumoured" in html
    assert "Unrelated Film" not in html
    assert "Cassie Salazar" in html
    assert html.count("Sequel story") == 1
    assert "Other story" not in html


@pytest.mark.parametrize("n", [2, 50])
def test_franchise_hub_runs_the_same_queries_whatever_the_data(
    client, django_assert_num_queries, n
):
    franchise = build_franchise(n)
    with django_assert_num_queries(6):
        response = get(client, "franchise-detail", franchise)
    assert response.status_code == 200
    assert response.content.decode().count('class="disputed"') == n


def test_franchise_hub_takes_release_and_status_from_the_claims(client):
    franchise = f.make_franchise()
    disputed = f.make_film(title="Sequel", franchise=franchise)
    release_claims(disputed)
    agreed = f.make_film(
        title="Third film",
        franchise=franchise,
        production_status=Film.ProductionStatus.RUMOURED,
    )
    f.make_claim(
        agreed,
        property=Claim.Property.PRODUCTION_STATUS,
        value="filming",
        status=Claim.Status.CONFIRMED,
    )
    html = get(client, "franchise-detail", franchise).content.decode()
    sequel = html[html.index("Sequel</a>") : html.index("Third film")]
    assert "Release not announced" not in sequel
    assert "Disputed" in sequel and "2026" in sequel and "summer 2027" in sequel
    third = html[html.index("Third film") :]
    assert "Filming" in third and "Confirmed" in third
    assert "Rumoured" not in third[: third.index("</li>")]


# Errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["franchise-detail", "film-detail", "person-detail", "song-detail"]
)
def test_unknown_slug_gets_the_friendly_404_page(client, name):
    response = client.get(reverse(f"franchise:{name}", args=["no-such-thing"]))
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "site.css" in html


def test_layout_has_skip_link_landmarks_and_section_nav(client):
    f.make_section(name="Film news")
    html = get(client, "film-detail", f.make_film()).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Sections">' in html
    assert "Film news" in html
    assert "<footer" in html
    assert html.index("newsroom/site.css") < html.index("newsroom/articles.css")


# The state of knowledge ------------------------------------------------------


def release_claims(film):
    f.make_claim(
        film,
        property=Claim.Property.RELEASE_WINDOW,
        value="2026",
        value_date=dt.date(2026, 1, 1),
        value_precision="year",
    )
    f.make_claim(
        film,
        property=Claim.Property.RELEASE_WINDOW,
        value="summer 2027",
        value_date=dt.date(2027, 6, 1),
        value_precision="season",
    )


def header_html(html):
    start = html.index('class="entity__header"')
    return html[start : html.index("</header>", start)]


def test_film_header_says_disputed_where_the_release_claims_disagree(client):
    film = f.make_film(title="Purple Hearts 2")  # no release date on the row
    release_claims(film)
    header = header_html(get(client, "film-detail", film).content.decode())
    assert "Not announced" not in header
    assert "Disputed" in header
    assert "2026" in header and "summer 2027" in header
    assert 'href="#fact-release_window"' in header


def test_film_header_takes_agreed_values_from_the_claims(client):
    film = f.make_film(
        production_status=Film.ProductionStatus.RUMOURED, distributor="Someone"
    )
    f.make_claim(
        film,
        property=Claim.Property.PRODUCTION_STATUS,
        value="filming",
        status=Claim.Status.CONFIRMED,
    )
    f.make_claim(film, property=Claim.Property.RELEASE_PLATFORM, value="Netflix")
    header = header_html(get(client, "film-detail", film).content.decode())
    assert "filming" in header and "Confirmed" in header
    assert "Rumoured" not in header
    assert "Netflix" in header and "Someone" not in header
    assert "Not announced" in header  # no release claim and no date yet


def test_film_header_ignores_a_release_claim_that_was_denied(client):
    film = f.make_film()
    f.make_claim(
        film,
        property=Claim.Property.RELEASE_WINDOW,
        value="2026",
        value_date=dt.date(2026, 1, 1),
        value_precision="year",
        status=Claim.Status.DENIED,
    )
    header = header_html(get(client, "film-detail", film).content.decode())
    assert "Not announced" in header
    assert "2026" not in header


def test_film_page_puts_coverage_before_the_facts(client):
    film = f.make_film()
    f.make_claim(film, property=Claim.Property.DIRECTOR, value="Jane Doe")
    f.make_article(title="Latest story").films.add(film)
    html = get(client, "film-detail", film).content.decode()
    assert html.index("Latest story") < html.index('class="fact-box"')
    assert html.index("Latest story") < html.index("Cast")


def test_fact_box_lists_disputed_facts_first(client):
    film = f.make_film()
    f.make_claim(
        film,
        property=Claim.Property.TITLE,
        value="Purple Hearts 2",
        status=Claim.Status.CONFIRMED,
    )
    f.make_claim(film, property=Claim.Property.SUBTITLE, value="Echoes of Us")
    f.make_claim(film, property=Claim.Property.SUBTITLE, value="Echoes of Devotion")
    box = fact_box_html(get(client, "film-detail", film).content.decode())
    assert box.index('id="fact-subtitle"') < box.index('id="fact-title"')
    assert box.index('id="disputed-facts"') < box.index("Not in dispute")


def test_fact_box_folds_long_lists_and_leaves_short_ones_open(client):
    film = f.make_film()
    for i in range(7):
        f.make_claim(film, property=Claim.Property.PLOT, value=f"Plot point {i}")
    f.make_claim(film, property=Claim.Property.DIRECTOR, value="Jane Doe")
    box = fact_box_html(get(client, "film-detail", film).content.decode())
    start = box.index('<details class="fact-group" id="facts-plot">')
    folded = box[start : box.index("</details>\n", start)]
    assert "<summary>Plot point <span" in folded and "(7)" in folded
    assert all(f"Plot point {i}" in folded for i in range(7))
    assert "Jane Doe" not in folded
    assert 'id="facts-director"' not in box  # one value: not folded


def test_each_source_links_the_published_articles_that_cite_or_quote_it(client):
    film = f.make_film()
    source = f.make_source(title="Interview with Sofia Carson")
    f.make_claim(film, property=Claim.Property.DIRECTOR, sources=[source])
    citing = f.make_article(title="The interview")
    f.make_citation(citing, source)
    quoting = f.make_article(title="A later piece")
    f.make_quote(quoting, source=source)
    draft = f.make_article(title="Unpublished draft", published=False)
    f.make_citation(draft, source)
    box = fact_box_html(get(client, "film-detail", film).content.decode())
    reported = box[box.index('class="source__reported"') :]
    assert f'<a href="{citing.get_absolute_url()}">The interview</a>' in reported
    assert f'<a href="{quoting.get_absolute_url()}">A later piece</a>' in reported
    assert "Unpublished draft" not in box


def test_a_claims_status_history_is_shown_to_readers(client, editor):
    from franchise.services import set_claim_status

    film = f.make_film()
    claim = f.make_claim(
        film, property=Claim.Property.RELEASE_PLATFORM, value="Netflix"
    )
    set_claim_status(
        claim, Claim.Status.CONFIRMED, by=editor, reason="Netflix press release"
    )
    box = fact_box_html(get(client, "film-detail", film).content.decode())
    history = box[box.index('<details class="fact__history">') :]
    assert "<summary>History</summary>" in history
    assert "confirmed: Netflix press release" in history
    assert "<time datetime=" in history
    assert editor.username not in box  # the reason is public, the editor is not


def test_person_credits_run_in_release_order_with_undated_films_last(client):
    person = f.make_person()
    for title, date in [
        ("Announced Film", None),
        ("Newer Film", dt.date(2024, 5, 1)),
        ("Older Film", dt.date(2019, 1, 1)),
    ]:
        film = f.make_film(title=title, release_date=date, release_precision="day")
        f.make_credit(person=person, film=film, job=Credit.Job.CAST)
    html = get(client, "person-detail", person).content.decode()
    assert (
        html.index("Older Film")
        < html.index("Newer Film")
        < html.index("Announced Film")
    )


def test_person_page_shows_coverage_at_the_top_and_disputes_in_the_header(client):
    person = f.make_person()
    f.make_claim(person, property=Claim.Property.AGE, value="32")
    f.make_claim(person, property=Claim.Property.AGE, value="30")
    f.make_article(title="Profile piece").people.add(person)
    html = get(client, "person-detail", person).content.decode()
    assert "Disputed" in header_html(html)
    assert html.index("Profile piece") < html.index('class="fact-box"')


def test_song_page_does_not_show_the_editors_note(client):
    song = f.make_song(title="Echoes of You", note="Named only in seed 000.")
    f.make_article(title="Soundtrack story").songs.add(song)
    html = get(client, "song-detail", song).content.decode()
    assert "seed 000" not in html
    assert "Soundtrack story" in html
