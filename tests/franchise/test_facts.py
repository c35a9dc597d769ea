"""Fact boxes: claims grouped into facts, disputes flagged, strongest status first."""

import datetime as dt

import pytest

from franchise.facts import build_facts
from franchise.models import Claim
from tests import factories as f

pytestmark = pytest.mark.django_db

Status = Claim.Status
Property = Claim.Property


def facts_for(subject):
    return build_facts(Claim.objects.about(subject).for_display())


def only(facts, prop, qualifier=""):
    [fact] = [x for x in facts if x.property == prop and x.qualifier == qualifier]
    return fact


def test_claims_on_the_same_property_and_qualifier_make_one_fact():
    film = f.make_film()
    f.make_claim(film, property=Property.SUBTITLE, value="Echoes of Us")
    f.make_claim(film, property=Property.SUBTITLE, value="echoes of  us")
    f.make_claim(film, property=Property.DIRECTOR, value="Jane Doe")
    facts = facts_for(film)
    assert [x.property for x in facts] == [Property.SUBTITLE, Property.DIRECTOR]
    subtitle = only(facts, Property.SUBTITLE)
    assert len(subtitle.values) == 1
    assert len(subtitle.values[0].claims) == 2
    assert subtitle.label == "subtitle"


def test_different_qualifiers_make_separate_facts():
    film = f.make_film()
    f.make_claim(
        film,
        property=Property.VIEWING_FIGURE,
        qualifier="first month",
        value="228 million hours",
    )
    f.make_claim(
        film,
        property=Property.VIEWING_FIGURE,
        qualifier="first week",
        value="48 million hours",
    )
    facts = facts_for(film)
    assert [x.qualifier for x in facts] == ["first month", "first week"]
    assert not any(x.disputed for x in facts)


def test_claims_about_another_subject_are_left_out():
    film = f.make_film()
    f.make_claim(film, value="Mine")
    f.make_claim(f.make_film(), value="Theirs")
    [fact] = facts_for(film)
    assert [v.value for v in fact.values] == ["Mine"]


def test_two_live_claims_with_different_values_make_a_disputed_fact():
    film = f.make_film()
    f.make_claim(film, value="Echoes of Us", status=Status.REPORTED)
    f.make_claim(film, value="Echoes of Devotion", status=Status.RUMOURED)
    [fact] = facts_for(film)
    assert fact.disputed
    assert [v.value for v in fact.values] == ["Echoes of Us", "Echoes of Devotion"]


def test_overlapping_fuzzy_dates_are_not_disputed():
    film = f.make_film()
    f.make_claim(
        film,
        property=Property.RELEASE_WINDOW,
        value="spring 2026",
        value_date=dt.date(2026, 3, 1),
        value_precision="season",
    )
    f.make_claim(
        film,
        property=Property.RELEASE_WINDOW,
        value="March 2026",
        value_date=dt.date(2026, 3, 1),
        value_precision="month",
    )
    [fact] = facts_for(film)
    assert not fact.disputed
    assert len(fact.values) == 2


def test_disjoint_fuzzy_dates_are_disputed():
    film = f.make_film()
    f.make_claim(
        film,
        property=Property.RELEASE_WINDOW,
        value="2026",
        value_date=dt.date(2026, 1, 1),
        value_precision="year",
    )
    f.make_claim(
        film,
        property=Property.RELEASE_WINDOW,
        value="summer 2027",
        value_date=dt.date(2027, 6, 1),
        value_precision="season",
    )
    [fact] = facts_for(film)
    assert fact.disputed


def test_denied_values_are_kept_last_but_do_not_dispute():
    film = f.make_film()
    f.make_claim(film, value="Purple Hearts 3", status=Status.DENIED)
    f.make_claim(film, value="Echoes of Us", status=Status.RUMOURED)
    f.make_claim(film, value="Old Title", status=Status.RETRACTED)
    [fact] = facts_for(film)
    assert not fact.disputed
    assert [v.value for v in fact.values][0] == "Echoes of Us"
    assert {v.value for v in fact.values[1:]} == {"Purple Hearts 3", "Old Title"}
    assert [v.value for v in fact.live_values] == ["Echoes of Us"]
    assert not fact.values[-1].is_live


def test_values_are_ordered_by_status_strength():
    film = f.make_film()
    f.make_claim(film, value="Rumoured title", status=Status.RUMOURED)
    f.make_claim(film, value="Confirmed title", status=Status.CONFIRMED)
    f.make_claim(film, value="Reported title", status=Status.REPORTED)
    [fact] = facts_for(film)
    assert [v.status for v in fact.values] == ["confirmed", "reported", "rumoured"]


def test_the_strongest_status_speaks_for_a_value_and_sources_are_merged():
    film = f.make_film()
    shared = f.make_source()
    call = f.make_source()
    f.make_claim(
        film, value="Echoes of Us", status=Status.RUMOURED, sources=[shared, call]
    )
    f.make_claim(film, value="Echoes of Us", status=Status.CONFIRMED, sources=[shared])
    [fact] = facts_for(film)
    [value] = fact.values
    assert value.status == Status.CONFIRMED
    assert value.status_label == "confirmed"
    assert sorted(s.pk for s in value.sources) == sorted([shared.pk, call.pk])


def test_unqualified_multi_valued_claims_are_not_disputed():
    film = f.make_film()
    f.make_claim(film, property=Property.CAST_MEMBER, value="Sofia Carson")
    f.make_claim(film, property=Property.CAST_MEMBER, value="Nicholas Galitzine")
    [fact] = facts_for(film)
    assert not fact.disputed
    assert len(fact.values) == 2


def test_qualified_multi_valued_claims_are_disputed():
    film = f.make_film()
    for actor in ("Sofia Carson", "Someone Else"):
        f.make_claim(
            film, property=Property.CAST_MEMBER, qualifier="Cassie Salazar", value=actor
        )
    [fact] = facts_for(film)
    assert fact.disputed
    assert fact.dom_id == "fact-cast_member-cassie-salazar"


def test_build_facts_runs_no_queries_on_prefetched_claims(django_assert_num_queries):
    film = f.make_film()
    for i in range(3):
        f.make_claim(film, value=f"Title {i}", sources=[f.make_source()])
    claims = list(Claim.objects.about(film).for_display())
    with django_assert_num_queries(0):
        facts = build_facts(claims)
        [[s.who for s in v.sources] for x in facts for v in x.values]
