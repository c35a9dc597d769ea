"""Rows a live article shows are changed only by editors, and on the record."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles import permissions
from articles.models import Article, Image, Transition
from articles.permissions import shown_by
from franchise.models import Claim, Credit, Person, Source
from tests import factories

pytestmark = pytest.mark.django_db

LIVE_STATES = ["published", "scheduled", "approved"]


def make_live(status="published", **kw):
    """An article readers see (or are about to) in ``status``."""
    now = timezone.now()
    if status == "published":
        return factories.make_article(**kw)
    if status == "scheduled":
        return factories.make_article(
            status=Article.Status.SCHEDULED,
            published_at=now + dt.timedelta(days=1),
            first_published_at=None,
            **kw,
        )
    return factories.make_article(published=False, status=Article.Status.APPROVED, **kw)


@pytest.fixture
def shown(db):
    """Every kind of row one live article shows, and the article."""
    film = factories.make_film(title="Purple Hearts 2")
    person = factories.make_person(name="Sofia Carson")
    song = factories.make_song(title="Come Back Home")
    credit = factories.make_credit(film=film, person=person, note="lead")
    source = factories.make_source(title="Interview with the director")
    claim = factories.make_claim(film, sources=[source], value="Filming in May")
    photo = factories.make_image(title="Author photo")
    author = factories.make_author(display_name="Jo Writer", photo=photo)
    lead = factories.make_image(title="Lead", credit="Netflix")
    rows = {
        "image": lead,
        "photo": photo,
        "authorprofile": author,
        "source": source,
        "claim": claim,
        "credit": credit,
        "film": film,
        "person": person,
        "song": song,
    }
    return rows


def attach(article, rows):
    article.lead_image = rows["image"]
    article.save()
    article.bylines.update(author=rows["authorprofile"])
    factories.make_citation(article, rows["source"])
    article.claims.add(rows["claim"])
    article.films.add(rows["film"])
    article.songs.add(rows["song"])
    return article


# One editable text field per admin, and the value a writer tries to put there.
EDITS = {
    "image": ("articles", "credit", "WRITER CHANGED CREDIT"),
    "photo": ("articles", "credit", "WRITER CHANGED CREDIT"),
    "authorprofile": ("articles", "display_name", "Writer changed name"),
    "source": ("franchise", "title", "Writer changed title"),
    "claim": ("franchise", "value", "Writer changed value"),
    "credit": ("franchise", "note", "writer changed note"),
    "film": ("franchise", "title", "Writer changed title"),
    "person": ("franchise", "name", "Writer changed name"),
    "song": ("franchise", "title", "Writer changed title"),
}


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def editor_payload(client, editor, obj, **changes):
    """The POST the change form sends, read from the page an editor gets."""
    client.force_login(editor)
    response = client.get(change_url(obj))
    assert response.status_code == 200
    client.logout()
    return factories.admin_form_data(response, **changes)


def inline_field(data, prefix, row, field):
    """The POST name of ``field`` in the inline form that edits ``row``."""
    for key, value in data.items():
        if (
            key.startswith(f"{prefix}-")
            and key.endswith("-id")
            and value == str(row.pk)
        ):
            return key.removesuffix("-id") + f"-{field}"
    raise AssertionError(f"no inline form for {row!r} in {prefix}")


def stored(obj):
    """Every concrete field of the row as stored."""
    row = type(obj).objects.get(pk=obj.pk)
    return {field.attname: getattr(row, field.attname) for field in obj._meta.fields}


def audit_entries():
    return Transition.objects.exclude(changes=[])


@pytest.mark.parametrize("status", LIVE_STATES)
@pytest.mark.parametrize("kind", EDITS)
def test_writer_post_to_row_shown_by_live_article_is_refused(
    client, writer, editor, shown, kind, status
):
    article = attach(make_live(status), shown)
    obj = shown[kind]
    _app, field, value = EDITS[kind]
    data = editor_payload(client, editor, obj, **{field: value})
    if isinstance(obj, Image):
        data["file"] = SimpleUploadedFile(
            "new.jpg", factories.image_bytes(color=(1, 2, 3)), "image/jpeg"
        )
    before = stored(obj)
    client.force_login(writer)

    response = client.post(change_url(obj), data)

    assert response.status_code == 403
    assert stored(obj) == before
    assert not audit_entries().exists()
    assert article.title in shown_by(obj)


@pytest.mark.parametrize("kind", EDITS)
def test_writer_sees_read_only_form_saying_which_live_article_uses_the_row(
    client, writer, shown, kind
):
    article = attach(factories.make_article(title="Purple Hearts 2 is on"), shown)
    obj = shown[kind]
    _app, field, _value = EDITS[kind]
    client.force_login(writer)

    response = client.get(change_url(obj))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="{field}"' not in html
    assert f"Used by a live article: {article.title}; ask an editor." in html


def test_issue_reproduction_new_file_alt_and_credit_by_writer_is_refused(
    client, writer, editor
):
    image = factories.make_image(credit="Netflix", alt_text="Two actors")
    factories.make_article(lead_image=image)
    data = editor_payload(
        client,
        editor,
        image,
        alt_text="Writer changed alt",
        credit="WRITER CHANGED CREDIT",
        file=SimpleUploadedFile("x.jpg", factories.image_bytes(), "image/jpeg"),
    )
    client.force_login(writer)

    assert client.post(change_url(image), data).status_code == 403
    image.refresh_from_db()
    assert (image.credit, image.alt_text) == ("Netflix", "Two actors")
    page = client.get(Article.objects.get(lead_image=image).get_absolute_url())
    assert "WRITER CHANGED CREDIT" not in page.content.decode()


def test_quote_source_and_speaker_are_locked_by_a_live_article(client, writer, editor):
    article = factories.make_article()
    quote = factories.make_quote(article)
    data = editor_payload(client, editor, quote.source, title="Changed")
    client.force_login(writer)

    assert client.post(change_url(quote.source), data).status_code == 403
    assert shown_by(quote.speaker) == [article.title]
    assert Source.objects.get(pk=quote.source.pk).title != "Changed"


def test_writer_still_edits_image_and_source_only_their_draft_uses(
    client, writer, editor
):
    image = factories.make_image(credit="Old credit")
    source = factories.make_source(title="Old title")
    draft = factories.make_article(published=False, lead_image=image, created_by=writer)
    factories.make_citation(draft, source)
    # A live article that does not use them changes nothing.
    factories.make_article()
    image_data = editor_payload(client, editor, image, credit="New credit")
    source_data = editor_payload(client, editor, source, title="New title")
    client.force_login(writer)

    assert client.post(change_url(image), image_data).status_code == 302
    assert client.post(change_url(source), source_data).status_code == 302

    assert Image.objects.get(pk=image.pk).credit == "New credit"
    assert Source.objects.get(pk=source.pk).title == "New title"
    assert not audit_entries().exists()


def test_writer_edits_only_claims_of_drafts(client, writer, editor):
    draft_claim = factories.make_claim(value="Draft value")
    factories.make_article(published=False).claims.add(draft_claim)
    live_claim = factories.make_claim(value="Live value")
    factories.make_article().claims.add(live_claim)
    draft_data = editor_payload(client, editor, draft_claim, value="Changed draft")
    live_data = editor_payload(client, editor, live_claim, value="Changed live")
    client.force_login(writer)

    assert client.post(change_url(draft_claim), draft_data).status_code == 302
    assert client.post(change_url(live_claim), live_data).status_code == 403
    assert Claim.objects.get(pk=draft_claim.pk).value == "Changed draft"
    assert Claim.objects.get(pk=live_claim.pk).value == "Live value"


def add_payload(client, model, **fields):
    """The POST the add form sends, read from the page the logged-in user gets."""
    opts = model._meta
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert page.status_code == 200
    return factories.admin_form_data(page, **fields)


def test_writer_still_creates_images_sources_and_claims(client, writer):
    factories.make_article()
    film = factories.make_film()
    client.force_login(writer)
    upload = SimpleUploadedFile("n.jpg", factories.image_bytes(), "image/jpeg")
    posts = {
        Image: add_payload(
            client,
            Image,
            file=upload,
            title="New picture",
            alt_text="A film set at night",
            credit="Jo Writer",
        ),
        Source: add_payload(
            client,
            Source,
            kind=Source.Kind.EMAIL,
            title="Email from the studio",
            key="email-from-the-studio",
        ),
        Claim: add_payload(
            client,
            Claim,
            film=film.pk,
            property=Claim.Property.SUBTITLE,
            value="The Return",
            status=Claim.Status.RUMOURED,
        ),
    }

    for model, data in posts.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        response = client.post(url, data)
        assert response.status_code == 302, (model, response.context["errors"])

    assert Image.objects.filter(title="New picture").exists()
    assert Source.objects.filter(title="Email from the studio").exists()
    assert Claim.objects.filter(value="The Return").exists()


@pytest.mark.parametrize("kind", EDITS)
def test_editor_change_to_shown_row_is_in_audit_trail_with_old_and_new(
    client, editor, shown, kind
):
    article = attach(factories.make_article(), shown)
    obj = shown[kind]
    _app, field, value = EDITS[kind]
    old = str(getattr(obj, field))
    data = editor_payload(client, editor, obj, **{field: value})
    client.force_login(editor)
    started = timezone.now()

    response = client.post(change_url(obj), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == value
    entry = audit_entries().get(article=article)
    assert entry.by == editor
    assert entry.at >= started
    assert {"field": field, "old": old, "new": value} in entry.changes
    assert entry.action == Transition.Action.EDIT
    assert str(obj) in entry.reason  # named as it was before the change


def test_audit_list_shows_who_and_what_changed(client, editor):
    image = factories.make_image(credit="Netflix")
    factories.make_article(lead_image=image)
    data = editor_payload(client, editor, image, credit="Netflix / Jo Doe")
    client.force_login(editor)
    client.post(change_url(image), data)

    page = client.get(reverse("admin:articles_transition_changelist"))

    entry = page.context["cl"].result_list[0]
    detail = client.get(reverse("admin:articles_transition_change", args=[entry.pk]))

    for html in (page.content.decode(), detail.content.decode()):
        assert "credit: “Netflix” → “Netflix / Jo Doe”" in html
        assert editor.username in html


def test_editor_change_through_film_credit_inline_is_recorded(client, editor, shown):
    article = attach(factories.make_article(), shown)
    credit = shown["credit"]
    data = editor_payload(client, editor, shown["film"])
    data[inline_field(data, "credits", credit, "note")] = "top billing"
    client.force_login(editor)

    assert client.post(change_url(shown["film"]), data).status_code == 302

    assert Credit.objects.get(pk=credit.pk).note == "top billing"
    entry = audit_entries().get(article=article)
    assert any(
        change["field"].endswith("note")
        and (change["old"], change["new"]) == ("lead", "top billing")
        for change in entry.changes
    )


def test_unchanged_save_by_editor_leaves_no_audit_entry(client, editor, shown):
    attach(factories.make_article(), shown)
    data = editor_payload(client, editor, shown["source"])
    client.force_login(editor)

    assert client.post(change_url(shown["source"]), data).status_code == 302
    assert not audit_entries().exists()


def test_inline_rows_shown_live_are_refused_inside_an_unlocked_parent(
    client, writer, editor, monkeypatch
):
    """A user who may change a person and claims, but not what live articles show."""
    for codename in ("change_person", "change_claim"):
        writer.user_permissions.add(Permission.objects.get(codename=codename))
    person = factories.make_person(name="Free person")
    claim = factories.make_claim(person, value="Live fact")
    factories.make_article().claims.add(claim)
    # The person is locked too (a live claim is about them); free the person
    # so that only the inline's own rule stands between the writer and the claim.
    monkeypatch.setitem(permissions.SHOWN_THROUGH, Person, [])
    data = editor_payload(client, editor, person)
    data[inline_field(data, "claims", claim, "value")] = "Changed by writer"
    client.force_login(writer)

    response = client.post(change_url(person), data)

    assert response.status_code == 200
    assert "Used by a live article" in response.content.decode(), response.context[
        "errors"
    ]
    assert Claim.objects.get(pk=claim.pk).value == "Live fact"


def test_bulk_and_single_delete_of_shown_image_are_refused(client, writer):
    writer.user_permissions.add(Permission.objects.get(codename="delete_image"))
    image = factories.make_image()
    author = factories.make_author(photo=image)
    factories.make_article(authors=[author])
    client.force_login(writer)

    bulk = client.post(
        reverse("admin:articles_image_changelist"),
        {"action": "delete_selected", "_selected_action": [image.pk], "post": "yes"},
    )
    single = client.post(
        reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"}
    )

    assert bulk.status_code == 403
    assert single.status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


def test_editor_deletes_shown_credit_single_and_in_bulk_on_the_record(
    client, editor, shown
):
    article = attach(factories.make_article(), shown)
    other = factories.make_credit(film=shown["film"], note="second")
    client.force_login(editor)

    single = client.post(
        reverse("admin:franchise_credit_delete", args=[shown["credit"].pk]),
        {"post": "yes"},
    )
    bulk = client.post(
        reverse("admin:franchise_credit_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )

    assert (single.status_code, bulk.status_code) == (302, 302)
    assert not Credit.objects.exists()
    entries = audit_entries().filter(article=article, by=editor)
    assert [entry.changes[0]["new"] for entry in entries] == ["deleted", "deleted"]


def test_rows_of_unpublished_drafts_and_trashed_articles_are_free(db):
    image = factories.make_image()
    factories.make_article(published=False, lead_image=image)
    factories.make_article(lead_image=image, deleted_at=timezone.now())
    assert shown_by(image) == []


def test_songs_films_and_credits_of_a_live_article_are_locked(db):
    film = factories.make_film()
    song = factories.make_song(films=[film])
    other_film = factories.make_film()
    credit = factories.make_credit(film=film)
    article = factories.make_article(title="Soundtrack news")
    article.songs.add(song)
    article.films.add(film)
    assert shown_by(song) == ["Soundtrack news"]
    assert shown_by(film) == ["Soundtrack news"]
    assert shown_by(credit) == ["Soundtrack news"]
    assert shown_by(credit.person) == ["Soundtrack news"]
    assert shown_by(other_film) == []


@pytest.mark.parametrize("articles", [1, 4])
def test_writer_read_only_page_asks_the_lock_once(
    client, writer, articles, django_assert_num_queries
):
    source = factories.make_source()
    for _ in range(articles):
        factories.make_citation(factories.make_article(), source)
    client.force_login(writer)
    client.get(change_url(source))  # warm the session and permission caches

    with django_assert_num_queries(6):
        response = client.get(change_url(source))

    assert "Used by a live article" in response.content.decode()


def test_writer_words_a_draft_claim_but_cannot_change_its_status(
    client, writer, editor
):
    """Editing a claim's text is not ruling on it: every status path is refused."""
    claim = factories.make_claim(value="Draft value")
    factories.make_article(published=False).claims.add(claim)
    competitor = factories.make_claim(claim.film, value="Other value")
    data = editor_payload(client, editor, claim, value="Reworded")
    data["status"] = Claim.Status.CONFIRMED
    client.force_login(writer)

    assert client.post(change_url(claim), data).status_code == 302
    status_url = reverse("admin:franchise_claim_status", args=[claim.pk])
    assert client.get(status_url).status_code == 403
    forbidden = {"status": Claim.Status.CONFIRMED, "reason": "I say so"}
    assert client.post(status_url, forbidden).status_code == 403
    bulk = client.post(
        reverse("admin:franchise_claim_changelist"),
        {"action": "mark_confirmed", "_selected_action": [claim.pk], "apply": "1",
         "reason": "I say so"},
    )
    assert bulk.status_code in (200, 302)
    resolve_url = reverse("admin:franchise_claim_resolve", args=[claim.pk])
    assert client.post(resolve_url, {"reason": "mine"}).status_code == 403
    assert status_url.encode() not in client.get(change_url(claim)).content

    claim.refresh_from_db()
    competitor.refresh_from_db()
    assert claim.value == "Reworded"
    assert claim.status == Claim.Status.REPORTED
    assert competitor.status == Claim.Status.REPORTED
    assert not claim.status_changes.exists()
