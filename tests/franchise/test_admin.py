import pytest
from django.urls import reverse

from franchise.models import Claim, Source
from tests import factories

pytestmark = pytest.mark.django_db

DISPUTED_URL = "/admin/franchise/claim/disputed/"

MAKERS = {
    "franchise": factories.make_franchise,
    "film": factories.make_film,
    "release": factories.make_release,
    "person": factories.make_person,
    "character": factories.make_character,
    "credit": factories.make_credit,
    "song": factories.make_song,
    "award": factories.make_award,
    "source": factories.make_source,
    "claim": factories.make_claim,
}


def make_dispute(article=None):
    """Two live claims on one film's subtitle that disagree, each with a source."""
    film = factories.make_film()
    speaker = factories.make_person(name="Sofia Carson")
    first = factories.make_claim(
        film,
        value="Forever Purple",
        status=Claim.Status.REPORTED,
        sources=[factories.make_source(speaker=speaker, outlet="Fan Weekly")],
    )
    second = factories.make_claim(
        film,
        value="Hearts Apart",
        status=Claim.Status.RUMOURED,
        sources=[
            factories.make_source(
                kind=Source.Kind.PHONE_CALL, speaker_description="a crew member"
            )
        ],
    )
    if article:
        article.claims.add(first)
    return first, second


@pytest.mark.parametrize("model", MAKERS)
def test_editor_opens_every_franchise_changelist_add_and_change_page(
    client, editor, model
):
    obj = MAKERS[model]()
    client.force_login(editor)
    for url in (
        reverse(f"admin:franchise_{model}_changelist"),
        reverse(f"admin:franchise_{model}_add"),
        reverse(f"admin:franchise_{model}_change", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", MAKERS)
def test_writer_can_browse_the_knowledge_base(client, writer, model):
    obj = MAKERS[model]()
    client.force_login(writer)
    assert client.get(reverse(f"admin:franchise_{model}_changelist")).status_code == 200
    page = client.get(reverse(f"admin:franchise_{model}_change", args=[obj.pk]))
    assert page.status_code == 200


def test_writer_cannot_delete_a_claim_even_with_a_crafted_post(client, writer):
    claim = factories.make_claim()
    client.force_login(writer)
    url = reverse("admin:franchise_claim_delete", args=[claim.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_writer_cannot_change_a_film(client, writer):
    film = factories.make_film(title="Purple Hearts")
    client.force_login(writer)
    url = reverse("admin:franchise_film_change", args=[film.pk])
    response = client.post(url, {"title": "Hacked", "slug": "hacked"})
    assert response.status_code == 403
    film.refresh_from_db()
    assert film.title == "Purple Hearts"


def test_writer_can_add_a_claim_with_a_source(client, writer):
    film = factories.make_film()
    source = factories.make_source()
    client.force_login(writer)
    response = client.post(
        reverse("admin:franchise_claim_add"),
        {
            "film": film.pk,
            "property": Claim.Property.SUBTITLE,
            "value": "Forever Purple",
            "status": Claim.Status.REPORTED,
            "sources": [source.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    assert claim.subject == film
    assert list(claim.sources.all()) == [source]


def test_claim_needs_exactly_one_subject_in_the_admin(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:franchise_claim_add"),
        {"property": Claim.Property.SUBTITLE, "value": "x", "status": "reported"},
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_claim_changelist_shows_sources_count_and_links_to_disputes(client, editor):
    factories.make_claim(
        value="Forever Purple",
        sources=[factories.make_source(), factories.make_source()],
    )
    client.force_login(editor)
    response = client.get(reverse("admin:franchise_claim_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forever Purple" in html
    assert '<td class="field-sources_count">2</td>' in html
    assert f'href="{DISPUTED_URL}"' in html


def test_admin_index_links_to_disputed_facts(client, writer):
    client.force_login(writer)
    response = client.get(reverse("admin:index"))
    assert f'href="{DISPUTED_URL}"' in response.content.decode()


def test_claim_change_page_shows_competitors_with_their_sources(client, editor):
    first, second = make_dispute()
    client.force_login(editor)
    response = client.get(reverse("admin:franchise_claim_change", args=[first.pk]))
    html = response.content.decode()
    assert "Hearts Apart" in html
    assert "phone call — a crew member" in html


def test_claim_change_page_says_when_nothing_competes(client, editor):
    claim = factories.make_claim()
    client.force_login(editor)
    response = client.get(reverse("admin:franchise_claim_change", args=[claim.pk]))
    assert "no live claim contradicts this one" in response.content.decode()


def test_film_page_has_credit_release_song_and_claim_inlines(client, editor):
    film = factories.make_film()
    factories.make_credit(film=film)
    factories.make_release(film=film)
    factories.make_song(films=[film], title="Come Back Home")
    factories.make_claim(film, value="Forever Purple")
    client.force_login(editor)
    response = client.get(reverse("admin:franchise_film_change", args=[film.pk]))
    html = response.content.decode()
    for prefix in ("credits", "releases", "Song_films", "claims"):
        assert f'name="{prefix}-TOTAL_FORMS"' in html, prefix
    assert "Come Back Home" in html
    assert "Forever Purple" in html


def test_claims_inlines_on_person_and_song(client, editor):
    person = factories.make_person()
    song = factories.make_song()
    factories.make_claim(person, property=Claim.Property.AGE, value="31")
    factories.make_claim(song, property=Claim.Property.CHART_POSITION, value="No. 4")
    client.force_login(editor)
    person_page = client.get(reverse("admin:franchise_person_change", args=[person.pk]))
    song_page = client.get(reverse("admin:franchise_song_change", args=[song.pk]))
    assert "31" in person_page.content.decode()
    assert "No. 4" in song_page.content.decode()


def test_film_autocomplete_answers_for_article_films(client, writer):
    factories.make_film(title="Purple Hearts 2")
    client.force_login(writer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "films",
            "term": "purple",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Purple Hearts 2"]


@pytest.mark.parametrize(
    "field, maker, term",
    [
        ("people", lambda: factories.make_person(name="Sofia Carson"), "sofia"),
        ("songs", lambda: factories.make_song(title="Come Back Home"), "come"),
        ("claims", lambda: factories.make_claim(value="Forever Purple"), "forever"),
        ("lead_image", lambda: factories.make_image(title="Premiere"), "premiere"),
    ],
)
def test_article_autocompletes_answer(client, writer, field, maker, term):
    obj = maker()
    client.force_login(writer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(obj.pk)]


def test_disputed_facts_lists_values_sources_and_asserting_articles(client, writer):
    article = factories.make_article(title="Sequel gets a subtitle")
    factories.make_claim(value="Agreed fact")  # no competitor: not listed
    make_dispute(article)
    client.force_login(writer)
    response = client.get(reverse("admin:franchise_claim_disputed"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forever Purple" in html
    assert "Hearts Apart" in html
    assert "interview — Sofia Carson (Fan Weekly)" in html
    assert "phone call — a crew member" in html
    assert "Sequel gets a subtitle" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "Agreed fact" not in html
    assert len(response.context["disputes"]) == 1


def test_disputed_facts_says_so_when_there_are_none(client, editor):
    client.force_login(editor)
    response = client.get(DISPUTED_URL)
    assert "No disputed facts" in response.content.decode()


def test_disputed_facts_refused_to_staff_without_permission(client):
    user = factories.make_user(is_staff=True)
    client.force_login(user)
    assert client.get(DISPUTED_URL).status_code == 403


def test_disputed_facts_sends_non_staff_to_login(client, reader):
    client.force_login(reader)
    response = client.get(DISPUTED_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("disputes", [2, 20])
def test_disputed_facts_query_count_does_not_grow(
    client, editor, django_assert_num_queries, disputes
):
    for _ in range(disputes):
        make_dispute(factories.make_article())
    client.force_login(editor)
    # session, user, user and group permissions, claims, sources with speakers,
    # articles
    with django_assert_num_queries(7):
        response = client.get(DISPUTED_URL)
    assert len(response.context["disputes"]) == disputes
