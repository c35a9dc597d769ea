"""The claims ledger in the admin: status changes with reasons, disputes resolved."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article
from franchise.models import Claim, ClaimStatusChange, Source
from franchise.services import set_claim_status
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/franchise/claim/"
DISPUTED = "/admin/franchise/claim/disputed/"


def status_url(claim):
    return reverse("admin:franchise_claim_status", args=[claim.pk])


def change_url(claim):
    return reverse("admin:franchise_claim_change", args=[claim.pk])


def resolve_url(claim):
    return reverse("admin:franchise_claim_resolve", args=[claim.pk])


def correction_link(article):
    return reverse("admin:articles_article_change", args=[article.pk]) + "#corrections"


def demo_like_dispute():
    """The seeds' subtitle dispute: two values, one asserted by a published article."""
    film = factories.make_film(title="Purple Hearts 2")
    echoes_of_devotion = factories.make_claim(
        film,
        value="Echoes of Devotion",
        sources=[factories.make_source(title="Seed 000", outlet="Fan Weekly")],
    )
    echoes_of_us = factories.make_claim(
        film,
        value="Echoes of Us",
        sources=[factories.make_source(title="Seed 004", outlet="Fan Daily")],
    )
    published = factories.make_article(title="Sequel subtitle revealed")
    published.claims.add(echoes_of_devotion)
    draft = factories.make_article(title="Draft on the subtitle", published=False)
    draft.claims.add(echoes_of_devotion)
    return echoes_of_us, echoes_of_devotion, published, draft


# Changing one claim's status -------------------------------------------------


def test_editor_changes_a_claim_status_and_the_reason_is_kept_in_history(
    client, editor
):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(editor)
    response = client.post(
        status_url(claim),
        {"status": Claim.Status.CONFIRMED, "reason": "Netflix press release"},
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CONFIRMED
    entry = ClaimStatusChange.objects.get(claim=claim)
    assert (entry.from_status, entry.to_status) == ("reported", "confirmed")
    assert entry.reason == "Netflix press release"
    assert entry.by == editor


def test_status_change_without_a_reason_is_refused_with_a_message(client, editor):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(editor)
    response = client.post(
        status_url(claim), {"status": Claim.Status.DENIED, "reason": "   "}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give a reason for the change of status." in html
    assert "The status was not changed." in html
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED
    assert not ClaimStatusChange.objects.exists()


def test_status_change_to_the_current_status_is_refused(client, editor):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(editor)
    response = client.post(
        status_url(claim), {"status": Claim.Status.REPORTED, "reason": "Again"}
    )
    assert response.status_code == 200
    assert "The claim is already reported." in response.content.decode()
    assert not ClaimStatusChange.objects.exists()


def test_status_page_shows_the_form_to_editors(client, editor):
    claim = factories.make_claim(value="Forever Purple")
    client.force_login(editor)
    response = client.get(status_url(claim))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forever Purple" in html
    assert 'name="reason"' in html
    assert 'name="status"' in html


def test_writer_cannot_change_a_claim_status_with_a_crafted_post(client, writer):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(writer)
    assert client.get(status_url(claim)).status_code == 403
    response = client.post(
        status_url(claim), {"status": Claim.Status.CONFIRMED, "reason": "Trust me"}
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED
    assert not ClaimStatusChange.objects.exists()


def test_writer_cannot_change_a_claim_status_through_the_change_form(client, writer):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(writer)
    response = client.post(
        change_url(claim),
        {
            "film": claim.film_id,
            "property": claim.property,
            "value": claim.value,
            "status": Claim.Status.CONFIRMED,
        },
    )
    # Writers may word a claim no live article shows; its status is read-only.
    assert response.status_code in (200, 302)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED
    assert not claim.status_changes.exists()


def test_status_is_read_only_on_the_claim_change_form(client, editor):
    claim = factories.make_claim(status=Claim.Status.REPORTED, value="Old value")
    client.force_login(editor)
    response = client.post(
        change_url(claim),
        {
            "film": claim.film_id,
            "property": claim.property,
            "value": "New value",
            "status": Claim.Status.CONFIRMED,
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert claim.value == "New value"
    assert claim.status == Claim.Status.REPORTED


def test_claim_page_offers_change_status_to_editors_only(client, editor, writer):
    claim = factories.make_claim()
    client.force_login(editor)
    assert status_url(claim) in client.get(change_url(claim)).content.decode()
    client.force_login(writer)
    page = client.get(change_url(claim))
    assert page.status_code == 200
    assert status_url(claim) not in page.content.decode()


# Bulk actions -----------------------------------------------------------------


def test_bulk_action_asks_for_a_reason_then_marks_the_claims(client, editor):
    first = factories.make_claim(value="First value")
    second = factories.make_claim(value="Second value")
    client.force_login(editor)
    selection = {"action": "mark_denied", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}

    page = client.post(CHANGELIST, {**selection, "index": "0"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mark claims as denied" in html
    assert "First value" in html and "Second value" in html
    assert not ClaimStatusChange.objects.exists()

    done = client.post(CHANGELIST, {**selection, "apply": "yes", "reason": "Studio"})
    assert done.status_code == 302
    assert set(Claim.objects.values_list("status", flat=True)) == {"denied"}
    assert [c.reason for c in ClaimStatusChange.objects.all()] == ["Studio", "Studio"]


def test_bulk_action_without_a_reason_changes_nothing(client, editor):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {
            "action": "mark_confirmed",
            ACTION_CHECKBOX_NAME: [claim.pk],
            "apply": "yes",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Give a reason for the change of status." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED


def test_writer_cannot_run_a_status_bulk_action(client, writer):
    claim = factories.make_claim(status=Claim.Status.REPORTED)
    client.force_login(writer)
    response = client.post(
        CHANGELIST,
        {
            "action": "mark_confirmed",
            ACTION_CHECKBOX_NAME: [claim.pk],
            "apply": "yes",
            "reason": "Trust me",
        },
    )
    assert response.status_code == 200  # the list again: no action is theirs
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED
    assert not ClaimStatusChange.objects.exists()
    page = client.get(CHANGELIST).content.decode()
    assert "mark_confirmed" not in page


# The claim page ----------------------------------------------------------------


def test_claim_page_shows_history_sources_and_asserting_articles(client, editor):
    claim = factories.make_claim(
        value="Echoes of Us",
        sources=[factories.make_source(title="Call with the studio", outlet="Tudum")],
    )
    article = factories.make_article(title="Sequel subtitle revealed")
    article.claims.add(claim)
    set_claim_status(claim, "confirmed", by=editor, reason="Studio said so")
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert "status history" in html.lower()
    assert "reported → confirmed" in html
    assert "Studio said so" in html
    assert "Call with the studio" in html
    assert "(Tudum)" in html
    assert "Sequel subtitle revealed" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "(published)" in html


def test_denied_claim_page_links_published_coverage_to_a_correction(client, editor):
    claim = factories.make_claim(status=Claim.Status.DENIED)
    article = factories.make_article()
    article.claims.add(claim)
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert correction_link(article) in html


@pytest.mark.parametrize("rows", [1, 6])
def test_claim_change_page_query_count_does_not_grow(
    client, editor, django_assert_num_queries, rows
):
    film = factories.make_film()
    claim = factories.make_claim(
        film,
        value="Echoes of Us",
        sources=[
            factories.make_source(speaker=factories.make_person()) for _ in range(rows)
        ],
    )
    for i in range(rows):
        factories.make_article().claims.add(claim)
        factories.make_claim(
            film,
            value=f"Competitor {i}",
            sources=[factories.make_source(speaker=factories.make_person())],
        )
        set_claim_status(
            claim, ["confirmed", "reported"][i % 2], by=editor, reason=f"Reason {i}"
        )
    client.force_login(editor)
    client.get(change_url(claim))  # warm the content type cache
    # session, user, claim, permissions (user, group), sources (autocomplete
    # widget), status history with users and claims, film (widget, twice),
    # sources with speakers (widget and list), articles, competitors and
    # their sources.
    with django_assert_num_queries(14):
        response = client.get(change_url(claim))
    assert response.status_code == 200
    assert response.content.decode().count("Reason ") == rows


# Adding a claim from an article ----------------------------------------------------


def test_claim_add_form_works_in_the_autocomplete_popup(client, writer):
    film = factories.make_film()
    source = factories.make_source()
    client.force_login(writer)
    url = reverse("admin:franchise_claim_add") + "?_to_field=id&_popup=1"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("film", "person", "song", "value", "value_date", "sources"):
        assert f'name="{field}"' in html, field
    assert "status_changes-TOTAL_FORMS" not in html
    response = client.post(
        url,
        {
            "_popup": "1",
            "_to_field": "id",
            "film": film.pk,
            "property": Claim.Property.RELEASE_WINDOW,
            "value": "summer 2027",
            "value_date": "2027-06-01",
            "value_precision": "season",
            "status": Claim.Status.REPORTED,
            "sources": [source.pk],
        },
    )
    assert response.status_code == 200
    claim = Claim.objects.get()
    assert "popup_response" in response.content.decode()
    assert str(claim.pk) in response.content.decode()
    assert list(claim.sources.all()) == [source]
    assert claim.value_end.isoformat() == "2027-08-31"


def test_claim_sources_autocomplete_answers_writers(client, writer):
    source = factories.make_source(title="Interview with Sofia Carson")
    client.force_login(writer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "franchise",
            "model_name": "claim",
            "field_name": "sources",
            "term": "sofia",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(source.pk)]


def test_writer_cannot_file_a_claim_as_confirmed(client, writer):
    film = factories.make_film()
    client.force_login(writer)
    response = client.post(
        reverse("admin:franchise_claim_add"),
        {"film": film.pk, "property": "subtitle", "value": "x", "status": "confirmed"},
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Claim.objects.exists()


def test_editor_may_file_a_claim_as_confirmed(client, editor):
    film = factories.make_film()
    client.force_login(editor)
    response = client.post(
        reverse("admin:franchise_claim_add"),
        {"film": film.pk, "property": "subtitle", "value": "x", "status": "confirmed"},
    )
    assert response.status_code == 302
    assert Claim.objects.get().status == Claim.Status.CONFIRMED


# Disputes ------------------------------------------------------------------------


def test_disputed_list_offers_confirm_buttons_to_editors_only(client, editor, writer):
    echoes_of_us, echoes_of_devotion, _, _ = demo_like_dispute()
    client.force_login(editor)
    html = client.get(DISPUTED).content.decode()
    assert resolve_url(echoes_of_us) in html
    assert resolve_url(echoes_of_devotion) in html
    client.force_login(writer)
    html = client.get(DISPUTED).content.decode()
    assert "Confirm this value" not in html


def test_confirm_page_asks_for_a_reason_and_names_the_competitors(client, editor):
    echoes_of_us, _, _, _ = demo_like_dispute()
    client.force_login(editor)
    response = client.get(resolve_url(echoes_of_us))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Echoes of Devotion" in html
    assert 'name="reason"' in html
    assert 'name="loser_reason"' in html


def test_resolving_the_subtitle_dispute_lists_coverage_to_correct(client, editor):
    echoes_of_us, echoes_of_devotion, published, draft = demo_like_dispute()
    client.force_login(editor)
    response = client.post(
        resolve_url(echoes_of_us),
        {"reason": "Netflix confirmed the subtitle", "loser_reason": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dispute resolved" in html
    assert "Sequel subtitle revealed" in html
    assert correction_link(published) in html
    assert "Add a correction" in html
    assert "Draft on the subtitle" not in html
    echoes_of_us.refresh_from_db()
    echoes_of_devotion.refresh_from_db()
    assert echoes_of_us.status == Claim.Status.CONFIRMED
    assert echoes_of_devotion.status == Claim.Status.DENIED
    denial = echoes_of_devotion.status_changes.get()
    assert denial.reason.startswith("Contradicted by: Echoes of Us")
    assert not Claim.objects.conflicting().exists()


def test_resolving_uses_the_reason_given_for_the_denials(client, editor):
    echoes_of_us, echoes_of_devotion, _, _ = demo_like_dispute()
    client.force_login(editor)
    client.post(
        resolve_url(echoes_of_us),
        {"reason": "Netflix", "loser_reason": "Early draft title"},
    )
    assert echoes_of_devotion.status_changes.get().reason == "Early draft title"


def test_resolving_without_a_reason_is_refused(client, editor):
    echoes_of_us, echoes_of_devotion, _, _ = demo_like_dispute()
    client.force_login(editor)
    response = client.post(resolve_url(echoes_of_us), {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason for confirming this value." in response.content.decode()
    assert not ClaimStatusChange.objects.exists()


def test_writer_cannot_resolve_a_dispute_with_a_crafted_post(client, writer):
    echoes_of_us, echoes_of_devotion, _, _ = demo_like_dispute()
    client.force_login(writer)
    assert client.get(resolve_url(echoes_of_us)).status_code == 403
    response = client.post(resolve_url(echoes_of_us), {"reason": "Trust me"})
    assert response.status_code == 403
    assert set(Claim.objects.values_list("status", flat=True)) == {"reported"}
    assert not ClaimStatusChange.objects.exists()


def test_confirming_a_claim_without_competitors_goes_back_to_the_list(client, editor):
    claim = factories.make_claim()
    client.force_login(editor)
    response = client.post(resolve_url(claim), {"reason": "Sure"})
    assert response.status_code == 302
    assert response["Location"] == DISPUTED
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REPORTED


@pytest.mark.parametrize("disputes", [1, 8])
def test_resolved_page_query_count_does_not_grow(
    client, editor, django_assert_num_queries, disputes
):
    film = factories.make_film()
    winner = factories.make_claim(film, value="Echoes of Us")
    for i in range(disputes):
        loser = factories.make_claim(
            film,
            value=f"Value {i}",
            sources=[
                factories.make_source(
                    kind=Source.Kind.PHONE_CALL, speaker=factories.make_person()
                )
            ],
        )
        for _ in range(2):
            factories.make_article().claims.add(loser)
    client.force_login(editor)
    client.get(resolve_url(winner))  # warm the content type cache
    # Reading stays constant; each claim changed costs the service's own
    # savepoint, lock, history row and update.
    with django_assert_num_queries(
        RESOLVE_READS + WRITES_PER_STATUS_CHANGE * (disputes + 1)
    ):
        response = client.post(resolve_url(winner), {"reason": "Netflix"})
    assert response.status_code == 200
    assert response.content.decode().count("Add a correction") == 2 * disputes
    assert Article.objects.count() == 2 * disputes


RESOLVE_READS = 14
WRITES_PER_STATUS_CHANGE = 6
