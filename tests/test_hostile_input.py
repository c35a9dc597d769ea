"""The Big List of Naughty Strings and the XSS payload list through every admin
text field: refused with a message or cleaned, never a server error, never
unescaped on a public page, and every page, feed, sitemap and JSON-LD still valid.

Each admin form gets every payload in all its text fields at once (one form per
payload, validated and saved as the admin would), then the public site is read
once with everything that was saved.
"""

import json
import re
from html.parser import HTMLParser

import feedparser
import pytest
import xmlschema
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import services
from articles.admin import CommentForm, CorrectionForm, RetractForm
from articles.models import Article, AuthorProfile, Correction, Image
from articles.tags import edit_string_for_tags, parse_tags, tag_slug
from franchise.models import Claim, Film, Person, Song, Source
from franchise.text import find_unsafe, strip_unsafe
from tests import factories
from tests.paths import TESTDATA

pytestmark = pytest.mark.django_db

PAYLOADS = json.loads((TESTDATA / "blns.json").read_text())
PAYLOADS += (TESTDATA / "xss_payloads.txt").read_text().splitlines()


def text_fields(form):
    """The form's free-text fields (not choices, slugs, addresses or numbers)."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.SlugField | forms.URLField | forms.EmailField)
        and not field.widget.is_hidden
    ]


def initial_data(form):
    """What the unbound form would post back unchanged."""
    data = {}
    for bf in form:
        value = bf.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bf.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bf.html_name] = "on"
        else:
            data[bf.html_name] = str(value)
    return data


def expect_refused(form, name, payload):
    """A single-line field refuses a payload only for a stated reason."""
    field = form.fields[name]
    value = payload.strip()
    if getattr(field, "max_length", None) and len(value) > field.max_length:
        return True
    if name == "tags":
        return any(len(t) > 100 or find_unsafe(t) for t in value.split(","))
    if field.required and not strip_unsafe(value).strip():
        return True
    return bool(find_unsafe(value))


def is_multiline(form, name):
    model = form._meta.model
    try:
        from django.db import models

        return isinstance(model._meta.get_field(name), models.TextField)
    except Exception:  # noqa: BLE001 - a form-only field
        return False


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def spread(fields, form):
    """Single-line fields each take one payload per form; multi-line fields take
    all of that form's payloads, one per line. Every payload thus goes through
    one single-line field and every multi-line field of the form."""
    single = [f for f in fields if not is_multiline(form, f)] or fields[:1]
    multi = [f for f in fields if f not in single]
    for start in range(0, len(PAYLOADS), len(single)):
        chunk = PAYLOADS[start : start + len(single)]
        values = dict(zip(single, chunk, strict=False))
        values.update({f: "\n".join(chunk) for f in multi})
        yield start, values


def check_refusals(form, model, values):
    for name, payload in values.items():
        if is_multiline(form, name):
            assert name not in form.errors, (model, name, payload, form.errors)
        elif name in form.errors:
            assert expect_refused(form, name, payload), (
                model, name, payload, form.errors[name],
            )


def run_admin_form(model, user, *, instance_for_initial, slugs=()):
    """The whole corpus through every text field of ``model``'s admin form;
    returns the saved objects. Fails on a refusal that has no stated reason."""
    model_admin = admin.site.get_model_admin(model)
    form_class = model_admin.get_form(admin_request(user), None)
    base = initial_data(form_class(instance=instance_for_initial))
    saved, fields = [], text_fields(form_class())
    assert fields, model
    for i, values in spread(fields, form_class()):
        data = {**base, **values}
        for name in slugs:
            data[name] = f"hostile-{model._meta.model_name}-{i}"
        form = form_class(data=data, files=None)
        valid = form.is_valid()
        check_refusals(form, model, values)
        if not valid:
            # What a writer does next: take the character out, shorten, retry.
            for name in form.errors:
                if name in values and not is_multiline(form, name):
                    limit = form.fields[name].max_length or 100
                    data[name] = strip_unsafe(values[name]).strip()[:limit] or "x"
            form = form_class(data=data, files=None)
            valid = form.is_valid()
        if valid:
            obj = form.save()
            saved.append(obj)
            for name in fields:
                value = getattr(obj, name, None)
                if isinstance(value, str):
                    assert not find_unsafe(value), (model, name, value)
    return saved


class MarkupCheck(HTMLParser):
    """Collects every script element and event-handler attribute of a page."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and value:
                if re.match(r"\s*(javascript|vbscript|data):", value, re.I):
                    self.problems.append(f"<{tag} {name}={value!r}>")
                if "\\" in value:
                    self.problems.append(f"backslash in <{tag} {name}={value!r}>")
        kind = dict(attrs).get("type")
        if tag == "script" and "nonce" not in dict(attrs) and kind != "application/ld+json":
            self.problems.append(f"<script {attrs}>")


def assert_page_safe(response, url):
    assert response.status_code == 200, (url, response.status_code)
    text = response.content.decode()
    assert not find_unsafe(text), (url, find_unsafe(text))
    check = MarkupCheck()
    check.feed(text)
    assert check.problems == [], (url, check.problems[:5])
    for block in re.findall(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', text, re.S
    ):
        json.loads(block)


@pytest.fixture
def hostile_site(editor):
    """Everything the admin forms accepted, published."""
    section = factories.make_section(name="News", slug="news")
    author = factories.make_author(display_name="Desk")
    image = factories.make_image()
    site = {}
    site["people"] = run_admin_form(
        Person, editor, instance_for_initial=factories.make_person(), slugs=["slug"]
    )
    site["films"] = run_admin_form(
        Film, editor, instance_for_initial=factories.make_film(), slugs=["slug"]
    )
    site["songs"] = run_admin_form(
        Song, editor, instance_for_initial=factories.make_song(), slugs=["slug"]
    )
    site["sources"] = run_admin_form(
        Source, editor, instance_for_initial=factories.make_source(), slugs=["key"]
    )
    film = site["films"][0] if site["films"] else factories.make_film()
    site["claims"] = run_admin_form(
        Claim,
        editor,
        instance_for_initial=factories.make_claim(film, property="title", value="x"),
    )
    site["authors"] = run_admin_form(
        AuthorProfile,
        editor,
        instance_for_initial=factories.make_author(),
        slugs=["slug"],
    )
    site["articles"] = run_admin_form(
        Article,
        editor,
        instance_for_initial=factories.make_article(
            section=section, authors=[author], lead_image=image, published=False
        ),
        slugs=["slug"],
    )
    assert len(site["articles"]) > len(PAYLOADS) // 4
    now = timezone.now()
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=now)
    Article.objects.filter(pk__in=[a.pk for a in site["articles"]]).update(
        first_published_at=now
    )
    for i, article in enumerate(site["articles"]):
        factories.make_citation(article, source=site["sources"][i % len(site["sources"])])
        article.authors.add(site["authors"][i % len(site["authors"])])
        article.films.add(site["films"][i % len(site["films"])])
        article.people.add(site["people"][i % len(site["people"])])
        article.claims.add(site["claims"][i % len(site["claims"])])
    images = run_admin_form_images(editor)
    assert images
    return site


def run_admin_form_images(editor):
    """Alt text, credit and caption: the image form without a new upload."""
    image = factories.make_image()
    model_admin = admin.site.get_model_admin(Image)
    form_class = model_admin.get_form(admin_request(editor), image)
    fields = ["title", "alt_text", "credit", "caption"]
    saved = 0
    for i, values in spread(fields, form_class(instance=image)):
        data = initial_data(form_class(instance=image))
        data.pop("file", None)
        data.update(values)
        form = form_class(data=data, instance=image)
        valid = form.is_valid()
        check_refusals(form, Image, values)
        assert set(form.errors) <= set(fields), form.errors
        if valid and i % 10 == 0:  # each save remakes the renditions: a sample
            form.save()
            saved += 1
            for name in fields:
                assert not find_unsafe(getattr(image, name))
    return saved


@pytest.mark.parametrize("form_class", [CommentForm, CorrectionForm, RetractForm])
def test_workflow_notes_strip_unsafe_characters(form_class):
    field = next(name for name in form_class.base_fields if name != "kind")
    for payload in PAYLOADS:
        form = form_class(data={field: payload, "kind": "correction"})
        if form.is_valid():
            assert not find_unsafe(form.cleaned_data[field])
        else:
            # Refused only when nothing is left to say.
            assert not strip_unsafe(payload).strip(), (payload, form.errors)


def test_corrections_and_retractions_with_hostile_text_stay_valid(client, editor):
    article = factories.make_article(title="Sequel confirmed")
    gone = factories.make_article(title="To retract")
    for payload in PAYLOADS[::3]:
        form = CorrectionForm(data={"kind": "correction", "text": payload})
        if form.is_valid():
            services.add_correction(article, by=editor, text=form.cleaned_data["text"])
    note = RetractForm(data={"note": "\x07".join(PAYLOADS[:40])})
    assert note.is_valid()
    services.retract(gone, by=editor, note=note.cleaned_data["note"])
    assert Correction.objects.count() > 100
    for url in [article.get_absolute_url(), gone.get_absolute_url(), "/corrections/"]:
        assert_page_safe(client.get(url), url)
    feed = feedparser.parse(client.get(reverse("corrections-feed")).content)
    assert feed.bozo == 0, feed.get("bozo_exception")


def test_every_payload_through_every_admin_text_field_keeps_the_site_valid(
    client, hostile_site
):
    site = hostile_site
    urls = ["/", "/news/", "/corrections/", "/search/?q=script"]
    urls += [a.get_absolute_url() for a in site["articles"]]
    for key in ("films", "people", "songs", "authors"):
        urls += [obj.get_absolute_url() for obj in site[key]]
    urls += [reverse("articles:tag", args=[t.slug]) for t in Tag.objects.all()]
    for url in urls:
        assert_page_safe(client.get(url), url)
    # Every payload the search box gets answers a page, not an error.
    for payload in PAYLOADS[::5]:
        response = client.get("/search/", {"q": payload})
        assert response.status_code in {200, 400}, payload

    feed_urls = [reverse("feed-rss"), reverse("feed-atom")]
    for tag in Tag.objects.all()[:40]:
        feed_urls += [
            reverse("feed-tag-rss", args=[tag.slug]),
            reverse("feed-tag-atom", args=[tag.slug]),
        ]
    for author in site["authors"][:20]:
        feed_urls.append(reverse("feed-author-atom", args=[author.slug]))
    for url in feed_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))

    urlset = xmlschema.XMLSchema(str(TESTDATA / "sitemap.xsd"))
    index = xmlschema.XMLSchema(str(TESTDATA / "siteindex.xsd"))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index.validate(response.content.decode())
    for loc in re.findall(r"<loc>([^<]+)</loc>", response.content.decode()):
        path = re.sub(r"^https?://[^/]+", "", loc)
        sitemap = client.get(path)
        assert sitemap.status_code == 200, path
        urlset.validate(sitemap.content.decode())
    news = client.get("/news-sitemap.xml")
    assert news.status_code == 200
    titles = re.findall(r"<news:title>(.*?)</news:title>", news.content.decode(), re.S)
    assert titles and all(t.strip() for t in titles)


# The cleaner, the tag parser and the real admin POSTs.


def test_tags_are_split_on_commas_only():
    assert parse_tags("Purple Hearts 2") == ["Purple Hearts 2"]
    assert parse_tags(" Purple  Hearts 2 , sequels,,purple hearts 2") == [
        "Purple Hearts 2",
        "sequels",
    ]
    assert parse_tags('"Crosby, Stills", Nash') == ["Crosby, Stills", "Nash"]
    tags = [Tag(name="Crosby, Stills"), Tag(name="Purple Hearts 2")]
    assert parse_tags(edit_string_for_tags(tags)) == ["Crosby, Stills", "Purple Hearts 2"]


def test_a_tag_without_letters_gets_a_stable_slug():
    assert tag_slug("Purple Hearts 2") == "purple-hearts-2"
    assert tag_slug("東京") == "東京"
    for name in ["\\", "!!!", "🎬🍿"]:
        assert re.fullmatch(r"tag-[0-9a-f]{10}", tag_slug(name)), name
        assert tag_slug(name) == tag_slug(name)
    assert tag_slug("\\") != tag_slug("!!!")


def test_writer_saves_one_multi_word_tag_and_a_tag_without_letters(client, writer):
    client.force_login(writer)
    section = factories.make_section()
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(section, tags="Purple Hearts 2, \\, !!!"),
    )
    assert response.status_code == 302, response.content[:2000]
    article = Article.objects.get()
    assert sorted(article.tags.names()) == sorted(["Purple Hearts 2", "\\", "!!!"])
    assert all(tag.slug for tag in article.tags.all())
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    client.logout()
    assert client.get("/sitemaps/tags.xml").status_code == 200
    for tag in article.tags.all():
        assert client.get(reverse("articles:tag", args=[tag.slug])).status_code == 200
        assert client.get(reverse("feed-tag-rss", args=[tag.slug])).status_code == 200


def test_tag_sitemap_skips_a_tag_left_without_a_slug(client):
    article = factories.make_article()
    article.tags.add("\\")  # the way taggit itself names it: slug ""
    assert Tag.objects.get().slug == ""
    assert client.get("/sitemaps/tags.xml").status_code == 200


def test_a_tag_too_long_for_the_database_is_refused_with_a_message(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(factories.make_section(), tags="x" * 101),
    )
    assert response.status_code == 200
    assert "is 101 characters long; a tag may have at most 100" in response.text
    assert not Article.objects.exists() and not Tag.objects.exists()


def test_a_control_character_in_a_headline_is_refused_at_its_position(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(
            factories.make_section(), title="Purple Hear\x07ts 2", tags="t\x1bag"
        ),
    )
    assert response.status_code == 200
    assert "Remove the control character U+0007 at position 12" in response.text
    assert (
        "In the tag “tag”: Remove the control character U+001B at position 2"
        in response.text
    )
    assert not Article.objects.exists()


def test_a_non_character_headline_is_refused(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(factories.make_section(), title="\ufffe"),
    )
    assert response.status_code == 200
    assert "Remove the non-character U+FFFE at position 1" in response.text


def test_control_characters_are_removed_from_bodies_and_deks(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        factories.admin_article_post(
            factories.make_section(),
            dek="Bell\x07 and escape\x1b\ufdd0 gone.\nNew line stays.",
            body="<p>a\x08b&#1;c</p>",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.dek == "Bell and escape gone.\nNew line stays."
    assert article.body == "<p>abc</p>"


def test_knowledge_base_names_refuse_control_characters(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:franchise_person_add"),
        {"name": "Sofia\x1b Carson", "slug": "sofia-carson"},
    )
    assert response.status_code == 200
    assert "Remove the control character U+001B at position 6" in response.text
    assert not Person.objects.exists()


def test_an_editorial_comment_is_cleaned(client, editor):
    article = factories.make_article(published=False)
    client.force_login(editor)
    client.post(
        reverse("articles_admin:comments", args=[article.pk]), {"text": "Fix\x07 this"}
    )
    assert article.comments.get().text == "Fix this"


def test_sitemap_index_lists_only_sitemaps_with_urls(client):
    factories.make_article()
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemaps/articles.xml" in index
    assert "/sitemaps/franchises.xml" not in index  # no franchise: an empty urlset
