"""Knowledge-base constraints, and the query that finds conflicting claims."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

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
from tests import factories as f

pytestmark = pytest.mark.django_db

Status = Claim.Status
Property = Claim.Property


def refused(callable_, *args, **kwargs):
    """True when the database refuses the write."""
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


# Slugs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, field",
    [
        (Franchise, "name"),
        (Film, "title"),
        (Person, "name"),
        (Song, "title"),
        (Character, "name"),
    ],
)
def test_slugs_are_unique(model, field):
    model.objects.create(**{field: "Same", "slug": "same"})
    assert refused(model.objects.create, **{field: "Other", "slug": "same"})


def test_same_title_gets_a_distinct_slug():
    first = f.make_film(title="Purple Hearts")
    second = f.make_film(title="Purple Hearts")
    assert (first.slug, second.slug) == ("purple-hearts", "purple-hearts-2")


# Credits --------------------------------------------------------------------


def test_duplicate_crew_credit_is_refused():
    credit = f.make_credit(job=Credit.Job.DIRECTOR)
    assert refused(
        Credit.objects.create,
        film=credit.film,
        person=credit.person,
        job=Credit.Job.DIRECTOR,
    )


def test_duplicate_role_is_refused():
    character = f.make_character()
    credit = f.make_credit(job=Credit.Job.CAST, character=character)
    assert refused(
        Credit.objects.create,
        film=credit.film,
        person=credit.person,
        job=Credit.Job.CAST,
        character=character,
    )


def test_one_person_may_play_two_characters_in_one_film():
    credit = f.make_credit(job=Credit.Job.CAST, character=f.make_character())
    f.make_credit(
        film=credit.film,
        person=credit.person,
        job=Credit.Job.CAST,
        character=f.make_character(),
    )
    assert credit.film.credits.count() == 2


def test_character_only_on_cast_credits():
    assert refused(f.make_credit, job=Credit.Job.DIRECTOR, character=f.make_character())


# Claims ---------------------------------------------------------------------


def test_claim_without_a_subject_is_refused():
    assert refused(Claim.objects.create, property=Property.TITLE, value="x")


def test_claim_with_two_subjects_is_refused():
    assert refused(
        Claim.objects.create,
        film=f.make_film(),
        person=f.make_person(),
        property=Property.TITLE,
        value="x",
    )


# Enum check constraints -----------------------------------------------------


@pytest.mark.parametrize(
    "make, model, field",
    [
        (f.make_film, Film, "production_status"),
        (f.make_film, Film, "format"),
        (f.make_film, Film, "release_precision"),
        (lambda: f.make_credit(), Credit, "status"),
        (lambda: f.make_credit(), Credit, "job"),
        (f.make_song, Song, "status"),
        (f.make_source, Source, "kind"),
        (lambda: f.make_claim(), Claim, "status"),
        (lambda: f.make_claim(), Claim, "property"),
        (lambda: f.make_release(), Release, "kind"),
        (lambda: f.make_award(), Award, "result"),
    ],
)
def test_bad_enum_values_are_refused_by_the_database(make, model, field):
    obj = make()
    assert refused(lambda: model.objects.filter(pk=obj.pk).update(**{field: "bogus"}))


# Conflicts ------------------------------------------------------------------


def conflicting(subject):
    return set(
        Claim.objects.about(subject).conflicting().values_list("value", flat=True)
    )


def test_different_plain_values_conflict():
    film = f.make_film()
    f.make_claim(film, value="Echoes of Us")
    f.make_claim(film, value="Echoes of Devotion")
    assert conflicting(film) == {"Echoes of Us", "Echoes of Devotion"}


def test_same_values_do_not_conflict():
    film = f.make_film()
    f.make_claim(film, value="Echoes of Us")
    f.make_claim(film, value="  echoes OF us ")
    assert conflicting(film) == set()


def test_overlapping_fuzzy_dates_do_not_conflict():
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
    assert conflicting(film) == set()


def test_disjoint_fuzzy_dates_conflict():
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
    assert conflicting(film) == {"2026", "summer 2027"}


@pytest.mark.parametrize("dead", [Status.DENIED, Status.RETRACTED])
def test_denied_and_retracted_claims_never_conflict(dead):
    film = f.make_film()
    f.make_claim(film, value="Echoes of Us", status=Status.CONFIRMED)
    f.make_claim(film, value="Purple Hearts 3", status=dead)
    assert conflicting(film) == set()


def test_unqualified_multi_valued_claims_never_conflict():
    film = f.make_film()
    f.make_claim(film, property=Property.CAST_MEMBER, value="Sofia Carson")
    f.make_claim(film, property=Property.CAST_MEMBER, value="Nicholas Galitzine")
    assert conflicting(film) == set()


def test_qualified_multi_valued_claims_conflict():
    film = f.make_film()
    f.make_claim(
        film,
        property=Property.CAST_MEMBER,
        qualifier="Cassie Salazar",
        value="Sofia Carson",
    )
    f.make_claim(
        film,
        property=Property.CAST_MEMBER,
        qualifier="cassie  salazar",
        value="Someone Else",
    )
    assert conflicting(film) == {"Sofia Carson", "Someone Else"}


def test_claims_about_different_subjects_do_not_conflict():
    f.make_claim(f.make_film(), value="Echoes of Us")
    other = f.make_film()
    f.make_claim(other, value="Echoes of Devotion")
    assert conflicting(other) == set()


def test_competitors_match_the_conflicts_query():
    film = f.make_film()
    us = f.make_claim(film, value="Echoes of Us")
    devotion = f.make_claim(film, value="Echoes of Devotion")
    f.make_claim(film, value="Echoes of Us", status=Status.CONFIRMED)
    assert list(us.competitors()) == [devotion]
