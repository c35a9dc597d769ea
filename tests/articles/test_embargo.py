"""Embargoes: nothing embargoed is public anywhere before its time, all of it after.

Time travels by patching ``django.utils.timezone.now`` (every module reads it
through ``timezone.now()``), so the same article is checked on every public
surface before its embargo and again after it.
"""

import datetime as dt
import io
import re
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from xml.etree import ElementTree

import feedparser
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import embargo, services
from articles.admin import ACTION_FIELD
from articles.images import make_renditions
from articles.models import HELD_MEDIA, Article, Image
from articles.search import update_search_vector
from newsroom import caching
from tests import factories as f
from tests.factories import change_post, change_url, draft_by, in_state

pytestmark = pytest.mark.django_db
Status = Article.Status
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TITLE = "Quokka sequel announced"
real_now = timezone.now


@contextmanager
def time_travel(delta):
    """Run the block as if ``delta`` had passed."""
    with mock.patch("django.utils.timezone.now", lambda: real_now() + delta):
        yield


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://news.example.org"


@pytest.fixture
def story():
    """A published article under a two-hour embargo, its picture under one too,
    on every list: a section, a tag, an author, a film's coverage."""
    until = timezone.now() + dt.timedelta(hours=2)
    section = f.make_section(slug="film-news")
    author = f.make_author(display_name="Quinn Quokka", slug="quinn-quokka")
    film = f.make_film(title="Quokka Returns")
    image = f.make_image(title="First look", embargo_until=until)
    make_renditions(image)
    article = f.make_article(
        title=TITLE,
        slug="quokka-sequel",
        body="<p>The quokka sequel is on.</p>",
        section=section,
        authors=[author],
        tags=["quokka"],
        lead_image=image,
        published_at=timezone.now() - dt.timedelta(minutes=5),
        embargo_until=until,
    )
    article.films.add(film)
    update_search_vector(article)
    return {"article": article, "image": image, "film": film, "until": until}


def body(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


def feed_titles(client, url):
    return [entry.title for entry in feedparser.parse(client.get(url).content).entries]


def sitemap_locs(client, url):
    root = ElementTree.fromstring(client.get(url).content)  # noqa: S314 -- ours
    return [loc.text for loc in root.iter(f"{SM}loc")]


def shows_article(client, surface, story):
    """Whether a reader finds the article on this surface."""
    article = story["article"]
    page = article.get_absolute_url()
    if surface == "page":
        return client.get(page).status_code == 200
    if surface in {"home", "section", "tag", "author", "search", "film coverage"}:
        url = {
            "home": reverse("articles:home"),
            "section": reverse("articles:section", args=["film-news"]),
            "tag": reverse("articles:tag", args=["quokka"]),
            "author": reverse("articles:author", args=["quinn-quokka"]),
            "search": reverse("search") + "?q=quokka",
            "film coverage": story["film"].get_absolute_url(),
        }[surface]
        status, html = body(client, url)
        assert status == 200, (surface, status)
        return TITLE in html
    if surface.startswith("feed "):
        name, *args = {
            "feed rss": ("feed-rss",),
            "feed atom": ("feed-atom",),
            "feed section": ("feed-section-rss", "film-news"),
            "feed tag": ("feed-tag-rss", "quokka"),
            "feed author": ("feed-author-rss", "quinn-quokka"),
        }[surface]
        return TITLE in feed_titles(client, reverse(name, args=args))
    if surface == "sitemap":
        return any(
            loc.endswith(page) for loc in sitemap_locs(client, "/sitemaps/articles.xml")
        )
    if surface == "news sitemap":
        return any(
            loc.endswith(page) for loc in sitemap_locs(client, "/news-sitemap.xml")
        )
    if surface == "api list":
        items = client.get("/api/v1/articles").json()["results"]
        return article.pk in [item["id"] for item in items]
    if surface == "api detail":
        return client.get(f"/api/v1/articles/{article.pk}").status_code == 200
    raise AssertionError(surface)


SURFACES = [
    "page",
    "home",
    "section",
    "tag",
    "author",
    "search",
    "film coverage",
    "feed rss",
    "feed atom",
    "feed section",
    "feed tag",
    "feed author",
    "sitemap",
    "news sitemap",
    "api list",
    "api detail",
]


@pytest.mark.parametrize("surface", SURFACES)
def test_embargoed_article_is_nowhere_before_its_time_and_everywhere_after(
    client, story, surface
):
    assert not shows_article(client, surface, story)
    with time_travel(dt.timedelta(hours=3)):
        assert shows_article(client, surface, story)


def test_a_scheduled_article_waits_for_the_later_of_its_time_and_its_embargo(client):
    now = timezone.now()
    article = f.make_article(
        title=TITLE,
        status=Status.SCHEDULED,
        published_at=now + dt.timedelta(hours=1),
        embargo_until=now + dt.timedelta(hours=2),
    )
    with time_travel(dt.timedelta(minutes=90)):
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert not Article.objects.get(pk=article.pk).is_public
    with time_travel(dt.timedelta(minutes=150)):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.get(pk=article.pk).is_public


def test_publish_due_waits_for_an_embargo_added_after_scheduling(editor, writer):
    now = timezone.now()
    article = in_state(Status.APPROVED, writer)
    services.schedule(article, by=editor, at=now + dt.timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(
        embargo_until=now + dt.timedelta(hours=2)
    )
    with time_travel(dt.timedelta(minutes=90)):
        assert services.publish_due() == []
        assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED
    with time_travel(dt.timedelta(minutes=150)):
        assert [a.pk for a in services.publish_due()] == [article.pk]


# The picture and its files


def image_urls(image):
    image = Image.objects.get(pk=image.pk)
    return [image.file.url, *(r.file.url for r in image.renditions.all())]


def media_path(url):
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def test_an_embargoed_picture_is_held_out_of_the_served_folders(client, story):
    urls = image_urls(story["image"])
    assert len(urls) > 1, "renditions were made"
    for url in urls:
        # Under the folder nginx does not serve from disk, and nowhere else.
        assert url.startswith(f"{settings.MEDIA_URL}{HELD_MEDIA}/"), url
        assert media_path(url).exists()
        assert client.get(url).status_code == 404  # anonymous: no such file
    assert not list((Path(settings.MEDIA_ROOT) / "images").rglob("*.*"))
    assert not list((Path(settings.MEDIA_ROOT) / "renditions").rglob("*.*"))


def test_staff_still_see_an_embargoed_picture(client, story, editor):
    client.force_login(editor)
    url = image_urls(story["image"])[0]
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    admin = client.get(reverse("admin:articles_image_change", args=[story["image"].pk]))
    assert url in admin.content.decode() or any(
        u in admin.content.decode() for u in image_urls(story["image"])
    )


def test_the_image_library_shows_the_embargo(client, story, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert embargo.format_embargo(story["until"]) in page


def test_held_media_refuses_paths_outside_its_folder(client, editor):
    client.force_login(editor)
    assert client.get(f"/media/{HELD_MEDIA}/../settings.py").status_code == 404
    assert client.get(f"/media/{HELD_MEDIA}/no/such.jpg").status_code == 404
    assert client.get(f"/media/{HELD_MEDIA}/a%00b.jpg").status_code in {400, 404}
    assert client.get(f"/media/{HELD_MEDIA}//etc/passwd").status_code == 404


@pytest.mark.parametrize("surface", ["page", "home", "api detail", "og and json-ld"])
def test_the_picture_shows_nowhere_before_its_embargo_and_after_it_is_released(
    client, story, surface
):
    article = story["article"]
    token = story["image"].token
    story["article"].embargo_until = None  # the story is out; the picture waits
    story["article"].save()

    def shown():
        if surface == "page":
            return token in client.get(article.get_absolute_url()).content.decode()
        if surface == "home":
            return token in client.get(reverse("articles:home")).content.decode()
        if surface == "api detail":
            data = client.get(f"/api/v1/articles/{article.pk}").json()
            return data["lead_image"] is not None
        html = client.get(article.get_absolute_url()).content.decode()
        ld = re.findall(
            r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S
        )
        assert ld, "the page carries structured data"
        return token in html.split("</head>")[0] or token in "".join(ld)

    assert client.get(article.get_absolute_url()).status_code == 200
    assert not shown()
    with time_travel(dt.timedelta(hours=3)):
        # Its time has come, but the files are not out yet: still nothing broken.
        assert not shown()
        call_command("publish_scheduled", stdout=io.StringIO())
        assert shown()
        for url in image_urls(story["image"]):
            assert not url.startswith(f"{settings.MEDIA_URL}{HELD_MEDIA}/"), url
            assert media_path(url).exists()  # where nginx serves it from
    assert not list((Path(settings.MEDIA_ROOT) / HELD_MEDIA).rglob("*.*"))


def test_an_embargo_added_to_a_public_picture_holds_its_files(editor):
    image = f.make_image()
    make_renditions(image)
    before = image_urls(image)
    image.embargo_until = timezone.now() + dt.timedelta(days=1)
    assert embargo.sync_files(image)
    after = image_urls(image)
    assert all(url.startswith(f"/media/{HELD_MEDIA}/") for url in after)
    assert not any(media_path(url).exists() for url in before)
    assert not embargo.sync_files(image)  # safe to run again


def test_an_image_uploaded_with_an_embargo_goes_straight_to_the_held_folder(
    client, editor
):
    client.force_login(editor)
    until = timezone.localtime() + dt.timedelta(days=1)
    upload = f.SimpleUploadedFile("still.jpg", f.image_bytes(), "image/jpeg")
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": upload,
            "title": "Studio still",
            "alt_text": "Two actors on a set",
            "credit": "Studio handout",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "embargo_until_0": until.strftime("%Y-%m-%d"),
            "embargo_until_1": until.strftime("%H:%M:%S"),
            **f.inline_management("renditions"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get(title="Studio still")
    assert image.is_embargoed and image.is_held
    assert all(url.startswith(f"/media/{HELD_MEDIA}/") for url in image_urls(image))


def test_lifting_an_image_embargo_in_the_admin_releases_its_files(client, editor):
    image = f.make_image(embargo_until=timezone.now() + dt.timedelta(days=1))
    make_renditions(image)
    assert image.is_held
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {
            "title": image.title,
            "alt_text": image.alt_text,
            "credit": image.credit,
            "focal_x": "0.5",
            "focal_y": "0.5",
            "embargo_until_0": "",
            "embargo_until_1": "",
            **f.inline_management("renditions"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image.refresh_from_db()
    assert image.embargo_until is None and not image.is_held
    assert all(media_path(url).exists() for url in image_urls(image))


# The page cache


def test_lists_expire_no_later_than_the_next_embargo(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    f.make_article(title="Already out")
    f.make_article(
        title=TITLE, embargo_until=timezone.now() + dt.timedelta(seconds=100)
    )
    assert caching.scheduled_after(timezone.now()) is not None
    assert 0 < caching.seconds_until_next_publication() <= 100


# Publishing and scheduling before the embargo


def test_publishing_now_before_the_embargo_is_refused_naming_the_time(editor, writer):
    until = timezone.now() + dt.timedelta(days=1)
    article = in_state(Status.APPROVED, writer)
    Article.objects.filter(pk=article.pk).update(embargo_until=until)
    with pytest.raises(ValidationError) as refused:
        services.publish(article, by=editor, override_reason="The desk says go")
    message = " ".join(refused.value.messages)
    assert embargo.format_embargo(until) in message
    assert settings.TIME_ZONE in message
    article.refresh_from_db()
    assert article.status == Status.APPROVED


def test_scheduling_before_the_embargo_is_refused_and_at_it_is_accepted(editor, writer):
    until = timezone.now() + dt.timedelta(days=1)
    article = in_state(Status.APPROVED, writer)
    Article.objects.filter(pk=article.pk).update(embargo_until=until)
    with pytest.raises(ValidationError, match="embargoed until"):
        services.schedule(article, by=editor, at=until - dt.timedelta(minutes=1))
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    services.schedule(article, by=editor, at=until)
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED


def test_publish_button_before_the_embargo_says_why_and_keeps_the_article(
    client, editor, writer
):
    until = timezone.now() + dt.timedelta(days=1)
    article = in_state(Status.APPROVED, writer)
    Article.objects.filter(pk=article.pk).update(embargo_until=until)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        {ACTION_FIELD: "publish_now", "_selected_action": str(article.pk)},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "embargoed until" in page
    assert embargo.format_embargo(until) in page
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_the_panel_states_the_embargo_and_offers_its_time_to_schedule(
    client, editor, writer
):
    until = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    article = in_state(Status.APPROVED, writer)
    Article.objects.filter(pk=article.pk).update(embargo_until=until)
    client.force_login(editor)
    response = client.get(change_url(article))
    page = response.content.decode()
    assert 'id="panel-embargo"' in page
    assert (
        f'Embargoed until <time datetime="{timezone.localtime(until).isoformat()}'
        in page
    )
    assert response.context["panel"]["schedule_form"]["at"].initial == until


def test_the_panel_says_the_lead_picture_waits_for_its_embargo(client, editor, writer):
    until = timezone.now() + dt.timedelta(days=1)
    image = f.make_image(embargo_until=until)
    article = in_state(Status.APPROVED, writer, lead_image=image)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'id="panel-picture-embargo"' in page
    assert embargo.format_embargo(until) in page


# The editing screen: who may set, shorten or lift an embargo


def embargo_fields(moment):
    local = timezone.localtime(moment)
    return {
        "embargo_until_0": local.strftime("%Y-%m-%d"),
        "embargo_until_1": local.strftime("%H:%M:%S"),
    }


def test_a_writer_sets_an_embargo_on_a_draft(client, writer):
    article = draft_by(writer)
    until = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    client.force_login(writer)
    response = client.post(
        change_url(article), change_post(article, **embargo_fields(until))
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).embargo_until == until


def test_an_embargo_in_the_past_means_none(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    past = timezone.now() - dt.timedelta(days=2)
    response = client.post(
        change_url(article), change_post(article, **embargo_fields(past))
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).embargo_until is None


def test_a_nonsense_embargo_date_is_a_form_error(client, writer):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(
        change_url(article),
        change_post(article, embargo_until_0="2026-13-45", embargo_until_1="25:99"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "embargo_until" in errors
    assert Article.objects.get(pk=article.pk).embargo_until is None


@pytest.mark.parametrize("change", ["lift", "shorten"])
def test_only_an_editor_lifts_or_shortens_the_embargo_of_a_live_story(
    client, writer, editor, change
):
    """Writers edit only drafts: here, the new version of a live, embargoed story."""
    until = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    live = in_state(Status.PUBLISHED, writer)
    Article.objects.filter(pk=live.pk).update(embargo_until=until)
    version = services.start_new_version(Article.objects.get(pk=live.pk), by=writer)
    assert version.embargo_until == until
    fields = (
        {"embargo_until_0": "", "embargo_until_1": ""}
        if change == "lift"
        else embargo_fields(until - dt.timedelta(days=1))
    )
    client.force_login(writer)
    response = client.post(change_url(version), change_post(version, **fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["embargo_until"]
    assert "Only an editor can lift or shorten" in errors[0]
    assert Article.objects.get(pk=version.pk).embargo_until == until

    # Extending it is anyone's call.
    later = embargo_fields(until + dt.timedelta(days=1))
    response = client.post(change_url(version), change_post(version, **later))
    assert response.status_code == 302
    version.refresh_from_db()

    client.force_login(editor)
    response = client.post(change_url(version), change_post(version, **fields))
    assert response.status_code == 302
    expected = None if change == "lift" else until - dt.timedelta(days=1)
    assert Article.objects.get(pk=version.pk).embargo_until == expected


def test_the_embargo_rule_refuses_a_writer_on_the_form_itself(writer, editor):
    from articles.admin import ArticleAdminForm

    until = timezone.now() + dt.timedelta(days=2)
    article = in_state(Status.PUBLISHED, writer)
    Article.objects.filter(pk=article.pk).update(embargo_until=until)
    article.refresh_from_db()
    form = ArticleAdminForm(instance=article)
    form.user = writer
    form.cleaned_data = {"embargo_until": None}
    with pytest.raises(ValidationError, match="Only an editor"):
        form.clean_embargo_until()
    form.user = editor
    assert form.clean_embargo_until() is None
    # Extending is anyone's call.
    form.user = writer
    form.cleaned_data = {"embargo_until": until + dt.timedelta(days=1)}
    assert form.clean_embargo_until() == until + dt.timedelta(days=1)


# Preview links, the desk and the calendar


def test_preview_link_banner_states_the_embargo(client, writer):
    until = timezone.now() + dt.timedelta(days=1)
    article = draft_by(writer, embargo_until=until)
    from articles.preview import create_preview_link, preview_token

    link = create_preview_link(article, by=writer)
    response = client.get(reverse("preview", args=[preview_token(link)]))
    assert response.status_code == 200
    page = response.content.decode()
    local = timezone.localtime(until)
    assert f'Embargoed until <time datetime="{local.isoformat()}">' in page
    assert embargo.format_embargo(until) in page


def test_preview_banner_says_the_picture_waits_for_its_embargo(client, writer):
    image = f.make_image(embargo_until=timezone.now() + dt.timedelta(days=1))
    article = draft_by(writer, lead_image=image)
    from articles.preview import create_preview_link, preview_token

    link = create_preview_link(article, by=writer)
    page = client.get(reverse("preview", args=[preview_token(link)])).content.decode()
    assert "The lead picture is under embargo" in page
    assert image.token not in page


def test_desk_and_calendar_show_the_embargo(client, editor, writer):
    until = timezone.now() + dt.timedelta(days=1)
    article = in_state(Status.SCHEDULED, writer, title="Embargoed scoop")
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() + dt.timedelta(hours=2), embargo_until=until
    )
    live = in_state(Status.PUBLISHED, writer, title="Live but embargoed")
    Article.objects.filter(pk=live.pk).update(embargo_until=until)
    client.force_login(editor)

    desk = client.get(reverse("desk:index")).content.decode()
    scheduled = desk.split('id="scheduled"')[1].split("</section>")[0]
    assert "Embargoed scoop" in scheduled and "Live but embargoed" in scheduled
    assert scheduled.count("Embargoed until") == 2
    assert embargo.format_embargo(until) in scheduled

    day = timezone.localtime(until).date()
    calendar = client.get(
        reverse("desk:calendar") + f"?view=week&date={day.isoformat()}"
    ).content.decode()
    cell = calendar.split(f'id="day-{day.isoformat()}"')[1].split("</td>")[0]
    assert "Embargoed scoop" in cell and "Live but embargoed" in cell
    assert f"Embargoed until {embargo.format_embargo(until)}" in cell


@pytest.mark.parametrize(
    "place", ["inline picture", "gallery", "embed thumbnail", "live update"]
)
def test_a_picture_in_the_body_or_a_live_update_waits_for_its_embargo(
    client, editor, place
):
    """Not only the lead picture: a body's pictures, an embed's local thumbnail and
    a live update's picture stay out (caption and credit too) until released."""
    from articles import liveblog

    until = timezone.now() + dt.timedelta(hours=2)
    image = f.make_image(credit="Held Studio Pictures", embargo_until=until)
    make_renditions(image)
    body = {
        "inline picture": f'<figure data-image="{image.pk}"></figure>',
        "gallery": f'<figure data-gallery="{image.pk}"></figure>',
        "embed thumbnail": (
            f'<figure data-embed="youtube:dQw4w9WgXcQ" data-embed-image="{image.pk}">'
            "</figure>"
        ),
        "live update": "<p>Live from the premiere.</p>",
    }[place]
    kind = Article.Kind.LIVE if place == "live update" else Article.Kind.NEWS
    article = f.make_article(body=f"<p>Intro.</p>{body}", kind=kind)
    if place == "live update":
        liveblog.post_update(article, by=editor, body="<p>Arrivals.</p>", image=image)
    url = article.get_absolute_url()

    def shown():
        html = client.get(url).content.decode()
        return image.token in html or "Held Studio Pictures" in html

    assert client.get(url).status_code == 200
    assert not shown()
    with time_travel(dt.timedelta(hours=3)):
        call_command("publish_scheduled", stdout=io.StringIO())
        assert shown()
