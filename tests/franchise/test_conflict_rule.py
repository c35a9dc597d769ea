"""One conflict rule: editors and readers see the same disputes.

The rule lives on ``ClaimQuerySet`` (``disputed()``, ``competing_with()``) and,
for claims already in memory, on ``Claim.competes_with()``; both rest on
``values_disagree()``. These tests pin the two forms to each other and to every
screen that shows a dispute.
"""

import datetime as dt
import itertools

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse

from franchise.dates import Precision
from franchise.facts import build_facts
from franchise.models import Claim, values_disagree
from tests import factories as f

pytestmark = pytest.mark.django_db

Property = Claim.Property
Status = Claim.Status
DESK = "/admin/desk/"
DISPUTED = "/admin/franchise/claim/disputed/"


def variant_qualifier_dispute():
    """Two cast claims for one part, qualified with different case and spacing."""
    film = f.make_film(title="Purple Hearts 2")
    carson = f.make_claim(
        film,
        property=Property.CAST_MEMBER,
        qualifier="Cassie Salazar",
        value="Sofia Carson",
        sources=[f.make_source(speaker=f.make_person(name="Sofia Carson"))],
    )
    other = f.make_claim(
        film,
        property=Property.CAST_MEMBER,
        qualifier="cassie  salazar",
        value="Someone Else",
        status=Status.RUMOURED,
        sources=[f.make_source(speaker_description="a fan forum")],
    )
    return film, carson, other


def test_case_and_space_variant_qualifiers_show_one_dispute_to_editors_and_readers(
    client, editor
):
    film, carson, other = variant_qualifier_dispute()
    pending = f.make_article(title="Pending casting piece", published=False)
    pending.claims.add(carson)
    client.force_login(editor)

    # Editors: the Disputed facts page lists both values as one dispute.
    admin_html = client.get(DISPUTED).content.decode()
    assert admin_html.count('class="module dispute"') == 1
    assert "Sofia Carson" in admin_html and "Someone Else" in admin_html

    # Editors: the desk lists the pending article's claim with one rival value.
    desk_html = f.html_section(client.get(DESK).content.decode(), "disputed")
    assert "Sofia Carson" in desk_html
    assert "1 competing value" in desk_html
    assert "Pending casting piece" in desk_html

    # Readers: the film page shows one disputed fact holding both values.
    client.logout()
    html = client.get(film.get_absolute_url()).content.decode()
    start = html.index('id="fact-cast_member-cassie-salazar"')
    fact = html[start : html.index("</div>", start)]
    assert "Disputed" in fact
    assert "Sofia Carson" in fact and "Someone Else" in fact
    assert html.count('id="fact-cast_member-cassie-salazar"') == 1


def test_variant_qualifiers_make_one_disputed_fact():
    film, carson, other = variant_qualifier_dispute()
    [fact] = build_facts(Claim.objects.about(film).for_display())
    assert fact.disputed
    assert fact.qualifier == "Cassie Salazar"  # the better-sourced spelling
    assert {v.value for v in fact.values} == {"Sofia Carson", "Someone Else"}


def test_publish_check_sees_a_dispute_across_variant_qualifiers(editor):
    from articles import checks

    _film, carson, _other = variant_qualifier_dispute()
    article = f.make_article(published=False, unconfirmed=False)
    article.claims.add(carson)
    problems = checks.publish_problems(article)
    assert any("disputed" in p for p in problems)


def test_competing_with_a_claim_and_with_the_outer_row_agree():
    _film, carson, other = variant_qualifier_dispute()
    assert list(Claim.objects.competing_with(carson)) == [other]
    assert list(carson.competitors()) == [other]  # the old name still works
    correlated = Claim.objects.filter(
        Exists(Claim.objects.competing_with(OuterRef("pk")))
    )
    assert set(correlated) == {carson, other}
    assert set(Claim.objects.disputed()) == {carson, other}
    assert set(Claim.objects.conflicting()) == {carson, other}  # alias


def test_competing_with_refuses_an_outer_reference_other_than_pk():
    with pytest.raises(ValueError, match="OuterRef"):
        Claim.objects.competing_with(OuterRef("film"))


def claim_matrix():
    """Claims on one fact covering every kind of value the rule compares."""
    film = f.make_film()
    values = [
        {"value": "Echoes of Us"},
        {"value": "echoes  of us"},
        {"value": "Echoes of Devotion"},
        {"value": "2026", "value_date": dt.date(2026, 1, 1), "value_precision": "year"},
        {
            "value": "March 2026",
            "value_date": dt.date(2026, 3, 1),
            "value_precision": Precision.MONTH,
        },
        {
            "value": "summer 2027",
            "value_date": dt.date(2027, 6, 1),
            "value_precision": Precision.SEASON,
        },
        {
            "value": "late 2025",
            "value_date": dt.date(2025, 9, 1),
            "value_precision": "season",
        },
    ]
    claims = [
        f.make_claim(film, property=Property.RELEASE_WINDOW, **kw) for kw in values
    ]
    claims.append(
        f.make_claim(
            film,
            property=Property.RELEASE_WINDOW,
            value="Dead value",
            status=Status.DENIED,
        )
    )
    claims.append(f.make_claim(property=Property.RELEASE_WINDOW, value="Elsewhere"))
    return claims


def test_the_query_form_and_the_in_memory_form_give_the_same_answer_for_every_pair():
    claims = claim_matrix()
    for claim in claims:
        queried = set(Claim.objects.competing_with(claim))
        in_memory = {other for other in claims if claim.competes_with(other)}
        assert queried == in_memory, claim.value
    disputed = set(Claim.objects.disputed())
    assert disputed == {
        a
        for a, b in itertools.permutations(claims, 2)
        if a.is_live and a.competes_with(b)
    }


def test_values_disagree_compares_dates_by_overlap_and_text_by_normalised_key():
    claims = {c.value: c for c in claim_matrix()}
    assert not values_disagree(claims["Echoes of Us"], claims["echoes  of us"])
    assert values_disagree(claims["Echoes of Us"], claims["Echoes of Devotion"])
    assert not values_disagree(claims["2026"], claims["March 2026"])
    assert values_disagree(claims["2026"], claims["summer 2027"])
    assert values_disagree(claims["late 2025"], claims["March 2026"])
    # A date and a plain text value cannot be compared, so they never disagree.
    assert not values_disagree(claims["2026"], claims["Echoes of Us"])


def test_claim_change_page_names_the_variant_qualified_competitor(client, editor):
    _film, carson, other = variant_qualifier_dispute()
    client.force_login(editor)
    html = client.get(
        reverse("admin:franchise_claim_change", args=[carson.pk])
    ).content.decode()
    assert reverse("admin:franchise_claim_change", args=[other.pk]) in html


def test_rivals_of_several_claims_come_in_one_query(django_assert_num_queries):
    _film, carson, other = variant_qualifier_dispute()
    lone = f.make_claim(value="Nobody disputes this")
    mine = [carson, lone]
    with django_assert_num_queries(1):
        candidates = list(Claim.objects.on_the_same_facts_as(mine))
    rivals = {c.pk: [o for o in candidates if c.competes_with(o)] for c in mine}
    assert rivals == {carson.pk: [other], lone.pk: []}
