import html
import importlib.util
import io
import re
import shutil

import pytest
from django.contrib.auth.models import User
from django.contrib.flatpages.models import FlatPage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Image,
    LiveUpdate,
    Quote,
    Rendition,
    Revision,
    Section,
    Transition,
)
from franchise.models import (
    Award,
    Character,
    Claim,
    Credit,
    Film,
    Franchise,
    Person,
    Release,
    Song,
    Source,
)
from newsroom.demo.loader import (
    ARTICLES,
    DATA_DIR,
    KNOWLEDGE_BASE,
    LIVE_BLOGS,
    join_quote,
    paragraphs,
    quote_fragments,
    read_toml,
)

DISAGREEMENTS = {
    "subtitle": {"ph2-subtitle-000", "ph2-subtitle-004"},
    "production status": {"ph2-production-status-000", "ph2-production-status-carson"},
    "release window": {"ph2-release-window-000", "ph2-release-window-004"},
    "time jump": {"ph2-plot-time-jump-000", "ph2-plot-time-jump-004"},
    "Luke's arc": {"ph2-plot-luke-arc-000", "ph2-plot-luke-arc-004"},
    "Cassie's career": {"ph2-plot-cassie-career-000", "ph2-plot-cassie-career-004"},
    "central crisis": {"ph2-plot-central-crisis-000", "ph2-plot-central-crisis-004"},
    "PH1 music scene": {"ph1-setting-music-scene-000", "ph1-setting-music-scene-004"},
}

SNAPSHOT_MODELS = [
    Franchise,
    Person,
    Film,
    Release,
    Character,
    Credit,
    Song,
    Song.films.through,
    Song.performers.through,
    Song.writers.through,
    Award,
    Source,
    Claim,
    Claim.sources.through,
    Section,
    AuthorProfile,
    Image,
    Rendition,
    Article,
    Byline,
    Citation,
    Quote,
    Article.claims.through,
    Article.films.through,
    Article.people.through,
    Article.songs.through,
    Tag,
    TaggedItem,
    Transition,
    Revision,
    LiveUpdate,
    FlatPage,
    FlatPage.sites.through,
    User,
    User.groups.through,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the module, inside a transaction rolled back after."""
    media = tmp_path_factory.mktemp("demo-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def articles_data():
    return {a["seed"]: a for a in read_toml(DATA_DIR / ARTICLES)["articles"]}


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in SNAPSHOT_MODELS
    }


def claim(key):
    return Claim.objects.get(key=key)


def test_load_prints_a_short_summary(db, demo):
    assert "Demo data loaded" in demo
    assert "75 claims (16 in conflict)" in demo
    assert "3 articles" in demo  # the two seed articles and the live blog
    assert len(demo.strip().splitlines()) <= 3


def test_second_run_changes_no_row_and_no_timestamp(db, demo):
    before = snapshot()
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert "0 created, 0 updated" in out.getvalue()
    assert snapshot() == before


def test_conflicts_are_exactly_the_seeds_disagreements(db, demo):
    conflicting = set(Claim.objects.conflicting().values_list("key", flat=True))

    assert conflicting == set().union(*DISAGREEMENTS.values())


@pytest.mark.parametrize("topic", sorted(DISAGREEMENTS))
def test_each_disagreement_pairs_its_two_claims(db, demo, topic):
    first, second = sorted(DISAGREEMENTS[topic])

    assert list(claim(first).competitors()) == [claim(second)]


@pytest.mark.parametrize(
    "keys",
    [
        ("ph2-director-000", "ph2-director-carson"),
        ("ph2-production-start-carson", "ph2-production-start-004"),
        ("ph1-release-window-000", "ph1-release-window-004"),
        ("ph2-cast-cassie-000", "ph2-cast-cassie-004"),
        ("ph2-title-000", "ph2-title-004"),
        ("ph1-viewing-first-month-000", "ph1-viewing-004"),
    ],
)
def test_agreeing_sources_are_not_a_conflict(db, demo, keys):
    for key in keys:
        assert not claim(key).competitors().exists()
        assert not Claim.objects.conflicting().filter(key=key).exists()


def test_every_claim_has_a_source_and_none_is_confirmed(db, demo):
    assert not Claim.objects.filter(sources__isnull=True).exists()
    assert not Claim.objects.filter(status=Claim.Status.CONFIRMED).exists()
    rumoured = set(
        Claim.objects.filter(status=Claim.Status.RUMOURED).values_list("key", flat=True)
    )
    assert rumoured == {"ph2-cast-rival-producer-004", "ph2-cast-dc-consultant-004"}


@pytest.mark.parametrize(
    ("key", "source"),
    [
        ("ph2-subtitle-000", "seed-000-article"),
        ("ph2-subtitle-004", "seed-004-article"),
        ("ph2-production-status-carson", "carson-interview"),
        ("ph2-production-start-carson", "carson-interview"),
        ("ph2-plot-finale-duet-rosenbaum", "rosenbaum-call"),
    ],
)
def test_claims_keep_the_source_they_came_from(db, demo, key, source):
    assert list(claim(key).sources.values_list("key", flat=True)) == [source]


def test_dates_and_numbers_are_structured(db, demo):
    start = claim("ph2-production-start-004")
    assert (str(start.value_date), start.value_precision) == ("2026-03-01", "month")
    wrap = claim("ph2-production-wrap-000")
    assert (str(wrap.value_date), wrap.value_precision) == ("2025-09-01", "part")
    assert claim("ph1-viewing-first-month-000").value_number == 228_000_000
    assert claim("ph2-director-carson").value_person.name == "Elizabeth Allen Rosenbaum"


def test_knowledge_base_holds_films_credits_and_songs(db, demo):
    sequel = Film.objects.get(slug="purple-hearts-2")
    assert sequel.release_date is None  # disputed, so left to the claims
    assert sequel.sequel_to.slug == "purple-hearts"
    release = Release.objects.get(film__slug="purple-hearts")
    assert (release.kind, release.country, release.date_display) == (
        "streaming",
        "",
        "summer 2022",
    )
    culkin = Credit.objects.get(film=sequel, person__slug="kieran-culkin")
    assert (culkin.status, culkin.character.name) == ("in_talks", "DC consultant")
    assert Film.objects.get(slug="succession").format == Film.Format.SERIES
    assert Character.objects.get(slug="marisol").franchise.slug == "purple-hearts"
    award = Award.objects.get(song__slug="come-back-home")
    assert (award.category, award.result, award.year) == (
        "Best Musical Moment",
        "won",
        None,
    )
    assert Song.objects.get(slug="echoes-of-you").status == Song.Status.UNRELEASED


def test_sources_describe_who_spoke_and_how(db, demo):
    interview = Source.objects.get(key="carson-interview")
    assert interview.who == "Sofia Carson"
    assert interview.date_display == "October 2025"
    assert Source.objects.get(key="galitzine-chimes-in").kind == Source.Kind.UNSTATED
    post = Source.objects.get(key="cassieluke4ever-post")
    assert post.who == "@CassieLuke4Ever on X"


def test_article_bodies_hold_every_seed_paragraph(db, demo, articles_data):
    for seed, data in articles_data.items():
        body = Article.objects.get(slug=data["slug"]).body
        expected = paragraphs(data["body"])
        assert body.count("<p>") == len(expected), seed
        for paragraph in expected:
            assert f"<p>{html.escape(paragraph, quote=False)}</p>" in body


def test_article_bodies_keep_typographic_punctuation(db, demo):
    feature = Article.objects.get(kind=Article.Kind.FEATURE).body
    interview = Article.objects.get(kind=Article.Kind.INTERVIEW).body

    assert "Production wrapped in late 2025, with a 2026 release timed" in feature
    assert "external forces—fame, trauma, and duty—threaten" in feature
    assert "“Come Back…Home…” earning an MTV Movie &amp; TV Award" in interview
    assert (
        "Mark your calendars: Production kicks off March 2026 in Austin and New "
        "Mexico, aiming for a summer 2027 drop"
    ) in interview


def test_articles_are_published_once_with_labels_and_byline(db, demo):
    feature = Article.objects.get(kind=Article.Kind.FEATURE)
    interview = Article.objects.get(kind=Article.Kind.INTERVIEW)

    live = Article.objects.get(kind=Article.Kind.LIVE)
    assert set(Article.objects.published()) == {feature, interview, live}
    assert feature.first_published_at == feature.published_at
    assert (feature.unconfirmed, feature.is_top_story) == (True, False)
    assert (interview.unconfirmed, interview.is_top_story) == (True, True)
    assert feature.section.name == interview.section.name == "Film"
    for article in (feature, interview):
        assert [str(a) for a in article.authors.all()] == ["PulseBeat Staff"]
        assert "Purple Hearts" in article.tags.names()


def test_articles_cite_their_sources_and_assert_their_claims(db, demo):
    feature = Article.objects.get(kind=Article.Kind.FEATURE)
    interview = Article.objects.get(kind=Article.Kind.INTERVIEW)

    assert [c.source.key for c in feature.citations.all()] == ["seed-000-article"]
    assert {c.source.key for c in interview.citations.all()} == {
        "carson-interview",
        "galitzine-email",
        "rosenbaum-call",
        "galitzine-chimes-in",
        "cassieluke4ever-post",
        "reddit-r-purplehearts",
        "seed-004-article",
    }
    assert all(c.supports for c in interview.citations.all())
    for article in (feature, interview):
        cited = article.sources.all()
        expected = Claim.objects.filter(sources__in=cited).distinct()
        assert set(article.claims.all()) == set(expected)
    assert claim("ph2-subtitle-000") in feature.claims.all()
    assert claim("ph2-subtitle-000") not in interview.claims.all()


def test_quotes_carry_speaker_source_and_the_printed_words(db, demo, articles_data):
    data = articles_data["004"]
    article = Article.objects.get(slug=data["slug"])
    quotes = list(article.quotes.select_related("speaker", "source"))

    assert len(quotes) == len(data["quotes"]) == 13
    for quote, spec in zip(quotes, data["quotes"], strict=True):
        assert quote.speaker_display and quote.source_id
        for fragment in quote_fragments(spec["words"]):
            assert fragment in data["body"]
            assert fragment.rstrip(",.") in quote.words
    rosenbaum = Quote.objects.get(source__key="rosenbaum-call")
    assert rosenbaum.context == "in a follow-up call"
    assert rosenbaum.words.startswith("It’s Purple Hearts on steroids. Fans wanted")


def test_split_quote_is_rejoined_as_said():
    assert join_quote(["her voice,", "But success?"]) == "her voice. But success?"
    assert join_quote(["That song,", "it was"]) == "That song, it was"
    assert join_quote("Sofia just saved 2026,") == "Sofia just saved 2026."


def test_lead_images_are_illustrations_with_alt_text_and_credit(db, demo):
    for article in Article.objects.select_related("lead_image"):
        image = article.lead_image
        assert (image.width, image.height) == (1600, 900)
        assert image.alt_text.startswith("Illustration")
        assert image.credit == "PulseBeat Magazine illustration"
        if importlib.util.find_spec("articles.images"):
            assert image.renditions.exists()


def test_demo_accounts_are_in_their_groups_and_can_log_in(db, demo, client):
    admin, editor, writer = (
        User.objects.get(username=n) for n in ("admin", "editor", "writer")
    )

    assert admin.is_superuser and admin.is_staff
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(writer.groups.values_list("name", flat=True)) == ["Writers"]
    assert editor.is_staff and writer.is_staff
    assert editor.author_profile.display_name == "Demo Editor"
    assert writer.author_profile.display_name == "Demo Writer"
    for name in ("admin", "editor", "writer"):
        assert client.login(username=name, password="newsroom-demo")


def test_rerun_keeps_a_changed_password(db, demo):
    editor = User.objects.get(username="editor")
    editor.set_password("changed-by-the-editor")
    editor.save()

    call_command("load_demo", stdout=io.StringIO())

    editor.refresh_from_db()
    assert editor.check_password("changed-by-the-editor")


@pytest.fixture
def data_copy(tmp_path):
    for name in (KNOWLEDGE_BASE, ARTICLES):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def append(path, text):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_bad_entry_is_named_and_nothing_is_loaded(db, data_copy):
    append(
        data_copy / KNOWLEDGE_BASE,
        '\n[[films]]\nslug = "zz-new"\ntitle = "ZZ New"\n'
        '\n[[claims]]\nkey = "zz-broken"\nfilm = "zz-new"\nproperty = "title"\n'
        'value = "ZZ"\nsources = ["no-such-source"]\n',
    )

    with pytest.raises(CommandError, match=r"claims\[zz-broken\]: unknown source"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())

    # The film came before the broken claim: it was rolled back with it.
    assert not Film.objects.filter(slug="zz-new").exists()


def test_invalid_choice_is_named(db, data_copy):
    append(
        data_copy / KNOWLEDGE_BASE,
        '\n[[people]]\nslug = "zz-person"\nname = "ZZ"\n'
        '\n[[claims]]\nkey = "zz-colour"\nfilm = "purple-hearts"\nproperty = "colour"\n'
        'value = "purple"\nsources = ["seed-000-article"]\n',
    )

    with pytest.raises(CommandError, match=r"claims\[zz-colour\]: property: "):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())
    assert not Person.objects.filter(slug="zz-person").exists()


def test_misspelt_field_is_named(db, data_copy):
    append(data_copy / KNOWLEDGE_BASE, '\n[[people]]\nslug = "zz"\nnmae = "Typo"\n')

    with pytest.raises(CommandError, match=r"people\[zz\]: unknown field\(s\) nmae"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())


def test_a_live_update_by_someone_not_on_the_blog_is_refused_by_name(db, data_copy):
    shutil.copy(DATA_DIR / LIVE_BLOGS, data_copy / LIVE_BLOGS)
    text = (data_copy / LIVE_BLOGS).read_text()
    (data_copy / LIVE_BLOGS).write_text(
        # A new blog (the module's demo may hold the real one), drafted by the
        # editor under the house byline: the writer is not on it.
        text.replace(
            'authors = ["demo-writer"]',
            'authors = ["pulsebeat-staff"]\nwriter = "editor"',
        ).replace(
            'slug = "live-purple-hearts-2-premiere-night-demonstration"',
            'slug = "live-blog-the-writer-is-not-on"',
        )
    )
    with pytest.raises(CommandError, match=r"updates\[0\]: the newsroom refused it"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())
    assert not LiveUpdate.objects.filter(
        article__slug="live-blog-the-writer-is-not-on"
    ).exists()


def test_a_misspelt_live_update_field_is_named(db, data_copy):
    shutil.copy(DATA_DIR / LIVE_BLOGS, data_copy / LIVE_BLOGS)
    append(data_copy / LIVE_BLOGS, '\n[[live_blogs.updates]]\nbdoy = "x"\n')
    with pytest.raises(CommandError, match=r"updates\[5\]: unknown field\(s\) bdoy"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())


def test_broken_toml_names_the_file(db, data_copy):
    append(
        data_copy / KNOWLEDGE_BASE, '\n[[people]]\nslug = "zz-person"\nname = "ZZ"\n'
    )
    append(data_copy / ARTICLES, "\n[[articles]\n")

    with pytest.raises(CommandError, match="articles.toml: not valid TOML"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())
    assert not Person.objects.filter(slug="zz-person").exists()


# Made through the product -------------------------------------------------------


def test_seed_articles_went_through_the_workflow(db, demo):
    for article in Article.objects.all():
        steps = list(
            Transition.objects.filter(article=article)
            .order_by("at", "pk")
            .values_list("action", "by__username")
        )
        assert steps == [
            ("create", "writer"),
            ("submit", "writer"),
            ("approve", "editor"),
            ("publish", "editor"),
        ]
        [revision] = article.revisions.all()
        assert (revision.kind, revision.created_by.username) == (
            Revision.Kind.SAVED,
            "writer",
        )
        assert revision.data["title"] == article.title
        assert article.created_by.username == "writer"


def test_seed_articles_carry_the_dates_their_texts_give(db, demo):
    interview = Article.objects.get(kind=Article.Kind.INTERVIEW)
    feature = Article.objects.get(kind=Article.Kind.FEATURE)
    assert (interview.published_at.year, interview.published_at.month) == (2025, 10)
    assert interview.first_published_at == interview.published_at
    # "Production wrapped in late 2025", release in 2026.
    assert feature.published_at.year == 2026
    for article in (interview, feature):
        moments = [
            t.at for t in Transition.objects.filter(article=article).order_by("pk")
        ]
        assert moments == sorted(moments)
        assert moments[-1] == article.published_at
        assert article.created_at <= moments[0]
        assert article.revisions.get().created_at == article.created_at
        assert article.edited_at == article.published_at


def test_an_article_the_publish_checks_refuse_is_not_loaded(db, data_copy):
    append(
        data_copy / ARTICLES,
        '\n[[articles]]\nslug = "zz-uncited"\ntitle = "ZZ"\nkind = "news"\n'
        'section = "film"\nbody = "A news piece citing nothing."\n'
        "published = 2025-11-01T09:00:00Z\n",
    )
    with pytest.raises(
        CommandError,
        match=r"articles\[zz-uncited\]: the newsroom refused it: "
        r"News pieces must cite at least one source\.",
    ):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())
    assert not Article.objects.filter(slug="zz-uncited").exists()


def test_an_article_without_a_publication_date_is_named(db, data_copy):
    append(
        data_copy / ARTICLES,
        '\n[[articles]]\nslug = "zz-undated"\ntitle = "ZZ"\nkind = "feature"\n'
        'section = "film"\nbody = "A feature."\n',
    )
    with pytest.raises(CommandError, match=r"articles\[zz-undated\]: 'published'"):
        call_command("load_demo", data_dir=data_copy, stdout=io.StringIO())


# What readers see -----------------------------------------------------------------

SEED = re.compile(r"\bseeds?\b", re.IGNORECASE)


def reader_pages():
    """Home, articles, standards pages and the knowledge-base pages.

    Song pages are left to tests/franchise/test_demo_pages.py: a song's note is
    for editors, and the song page stops showing it there.
    """
    yield "/"
    for model in (Franchise, Film, Person, Article):
        for obj in model.objects.all():
            yield obj.get_absolute_url()
    yield from FlatPage.objects.values_list("url", flat=True)


def test_no_reader_page_mentions_the_seeds(db, demo, client):
    pages = list(reader_pages())
    assert len(pages) > 25
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = html.unescape(response.content.decode())
        assert not SEED.search(text), (url, SEED.search(text))


def test_seed_notes_stay_in_the_admin(db, demo):
    notes = [c.note for c in Credit.objects.all()] + [s.note for s in Source.objects.all()]
    assert any(SEED.search(note) for note in notes)


def test_the_masthead_gives_no_address_it_does_not_have(db, demo, client):
    page = client.get("/about/masthead/").content.decode()
    assert "address on this page" not in page
    assert "has no postal or email address" in page
    for slug in ("demo-editor", "demo-writer", "pulsebeat-staff"):
        url = f"/authors/{slug}/"
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200


def test_the_corrections_policy_asks_for_no_report_it_cannot_receive(
    db, demo, client
):
    page = client.get("/about/corrections-policy/").content.decode()
    assert "write to the editors" not in page
    assert "/corrections/" in page


def test_demo_accounts_have_addresses_on_a_reserved_domain(db, demo):
    emails = dict(User.objects.values_list("username", "email"))
    assert emails["editor"] == "editor@newsroom.example"
    assert emails["writer"] == "writer@newsroom.example"
    assert emails["admin"] == "admin@newsroom.example"


def test_the_demo_live_blog_is_labelled_fiction_and_confirms_nothing(db, demo, client):
    blog = Article.objects.get(kind=Article.Kind.LIVE)
    assert blog.unconfirmed and blog.coverage_ended_at is None
    assert "fictional" in blog.title and "confirmed none" in blog.dek
    updates = list(blog.live_updates.order_by("posted_at"))
    assert len(updates) == 5 and sum(u.key_event for u in updates) == 3
    assert {u.author.username for u in updates} == {"writer", "editor"}
    assert updates[0].posted_at == blog.first_published_at
    text = " ".join(html.unescape(u.body) for u in updates)
    # Claims as they stand: disputed stays disputed, rumoured stays rumoured.
    assert "Echoes of Devotion" in text and "Echoes of Us" in text
    assert "disputed" in text
    assert "Jacob Elordi and Kieran Culkin are only rumoured" in text
    assert claim("ph2-cast-rival-producer-004").status == "rumoured"
    # "confirmed" appears only denied: "Neither is confirmed", "confirmed either".
    for match in re.finditer(r"(\w+) (?:is|are|was|were|has been) confirmed", text):
        assert match.group(1) in {"Neither", "nothing", "None"}, match.group(0)
    assert not blog.claims.filter(status="confirmed").exists()
    page = client.get(blog.get_absolute_url()).content.decode()
    assert "Key events" in page and page.count("data-update-id=") == 5
