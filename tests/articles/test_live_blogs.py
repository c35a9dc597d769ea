"""Live blogs: updates posted without republishing, the polling endpoint, markup."""

import datetime as dt
import json
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import liveblog, services
from articles.models import Article, LiveUpdate, Transition
from franchise.text import find_unsafe
from tests import factories
from tests.paths import TESTDATA

pytestmark = pytest.mark.django_db

XSS = [
    line
    for line in (TESTDATA / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]


def updates_url(article):
    return reverse("articles:live-updates", args=[article.section.slug, article.slug])


def json_ld(html):
    blocks = re.findall(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S
    )
    return [json.loads(block) for block in blocks]


# The service ----------------------------------------------------------------------


def test_posting_an_update_leaves_the_article_text_and_version_alone(editor):
    article = factories.make_live_blog()
    body, version = article.body, article.version
    revisions = article.revisions.count()
    transitions = Transition.objects.filter(article=article).count()
    update = liveblog.post_update(
        article, by=editor, body="<p>Doors open.</p>", key_event=True
    )
    article.refresh_from_db()
    assert update.article == article and update.author == editor
    assert update.key_event and update.body == "<p>Doors open.</p>"
    assert article.body == body and article.version == version
    assert article.revisions.count() == revisions
    assert Transition.objects.filter(article=article).count() == transitions
    assert Article.objects.filter(draft_of=article).count() == 0


def test_an_update_body_goes_through_the_article_sanitiser(editor):
    update = liveblog.post_update(
        factories.make_live_blog(),
        by=editor,
        body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">l</a></p>',
    )
    assert "onclick" not in update.body and "<script" not in update.body
    assert "javascript:" not in update.body


@pytest.mark.parametrize("payload", XSS[:200])
def test_xss_payloads_in_update_bodies_are_neutralised(editor, payload, client):
    article = factories.make_live_blog()
    try:
        liveblog.post_update(article, by=editor, body=f"<p>x</p>{payload}")
    except ValidationError:
        return  # nothing left to show is a fine outcome
    update = LiveUpdate.objects.get(article=article)
    assert not find_unsafe(update.body)
    html = client.get(article.get_absolute_url()).content.decode()
    section = html.split('id="live-update-list"', 1)[1].split("</ol>", 1)[0]
    assert unsafe_markup(section) == []


class MarkupScanner(HTMLParser):
    """Elements and attributes a browser would run, as the parser sees them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "style"}:
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.found.append(f"{tag}[{name}]")
            elif name in {"href", "src", "action"} and not value.startswith(
                ("http://", "https://", "mailto:", "#", "/")
            ):
                self.found.append(f"{tag}[{name}={value[:30]}]")


def unsafe_markup(html):
    scanner = MarkupScanner()
    scanner.feed(html)
    return scanner.found


def test_an_empty_update_is_refused_with_a_message(editor):
    with pytest.raises(ValidationError, match="empty"):
        liveblog.post_update(
            factories.make_live_blog(), by=editor, body="<p> </p><script>x</script>"
        )


def test_updates_only_go_to_live_blogs(editor):
    with pytest.raises(ValidationError, match="not a live blog"):
        liveblog.post_update(
            factories.make_article(kind=Article.Kind.NEWS), by=editor, body="<p>x</p>"
        )


def test_writer_posts_to_a_live_blog_they_are_on(writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    update = liveblog.post_update(article, by=writer, body="<p>On the carpet.</p>")
    assert update.author == writer


def test_writer_cannot_post_to_a_live_blog_they_are_not_on(writer):
    with pytest.raises(PermissionDenied):
        liveblog.post_update(factories.make_live_blog(), by=writer, body="<p>x</p>")


def test_writer_cannot_edit_another_writers_update(writer, other_writer):
    article = factories.make_live_blog(
        authors=[factories.author_for(writer), factories.author_for(other_writer)]
    )
    update = liveblog.post_update(article, by=other_writer, body="<p>x</p>")
    with pytest.raises(PermissionDenied):
        liveblog.edit_update(update, by=writer, body="<p>changed</p>")
    with pytest.raises(PermissionDenied):
        liveblog.delete_update(update, by=writer)


def test_editor_edits_and_deletes_any_update(editor, writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    update = liveblog.post_update(article, by=writer, body="<p>x</p>")
    liveblog.edit_update(update, by=editor, body="<p>fixed</p>", key_event=True)
    update.refresh_from_db()
    assert update.body == "<p>fixed</p>" and update.key_event and update.edited_at
    liveblog.delete_update(update, by=editor)
    assert not LiveUpdate.objects.filter(pk=update.pk).exists()


def test_ending_live_coverage_is_a_transition_by_an_editor(editor, writer):
    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    with pytest.raises(PermissionDenied):
        services.end_live_coverage(article, by=writer)
    services.end_live_coverage(article, by=editor, reason="Night over")
    article.refresh_from_db()
    assert article.coverage_ended_at is not None
    assert article.status == Article.Status.PUBLISHED
    move = article.transitions.get(action=Transition.Action.END_LIVE)
    assert move.by == editor and move.reason == "Night over"
    with pytest.raises(ValidationError, match="ended"):
        services.end_live_coverage(article, by=editor)
    with pytest.raises(ValidationError, match="ended"):
        liveblog.post_update(article, by=editor, body="<p>late</p>")


def test_only_a_published_live_blog_can_end(editor):
    with pytest.raises(ValidationError):
        services.end_live_coverage(
            factories.make_live_blog(published=False, status=Article.Status.DRAFT),
            by=editor,
        )
    with pytest.raises(ValidationError, match="not a live blog"):
        services.end_live_coverage(factories.make_article(), by=editor)


def test_end_live_coverage_is_offered_to_editors_only(editor, writer):
    from articles.permissions import available_actions

    article = factories.make_live_blog(authors=[factories.author_for(writer)])
    assert "end_live_coverage" in available_actions(article, editor)
    assert "end_live_coverage" not in available_actions(article, writer)
    assert "end_live_coverage" not in available_actions(
        factories.make_article(), editor
    )


# The public page ------------------------------------------------------------------


def test_page_shows_key_events_then_updates_newest_first(client, editor):
    article = factories.make_live_blog()
    first = liveblog.post_update(
        article, by=editor, body="<p>First.</p>", title="Doors open", key_event=True
    )
    second = liveblog.post_update(article, by=editor, body="<p>Second.</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    key_events = html.split('id="key-event-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="#update-{first.pk}"' in key_events and "Doors open" in key_events
    assert f"update-{second.pk}" not in key_events
    assert html.index(f'id="update-{second.pk}"') < html.index(
        f'id="update-{first.pk}"'
    )
    assert (
        f'<time datetime="{first.posted_at.isoformat()}' in html or "datetime=" in html
    )
    assert 'data-updates-url="' + updates_url(article) in html
    assert "liveblog.js" in html and 'aria-live="polite"' in html


def test_page_shows_a_new_update_at_once_with_the_page_cache_on(
    client, editor, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.RENDER_CACHE_SECONDS = 300
    article = factories.make_live_blog()
    client.get(article.get_absolute_url())  # stored
    liveblog.post_update(article, by=editor, body="<p>Breaking bit.</p>")
    assert "Breaking bit." in client.get(article.get_absolute_url()).content.decode()


def test_an_ended_live_blog_page_says_so_and_stops_polling(client, editor):
    article = factories.make_live_blog()
    services.end_live_coverage(article, by=editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-ended="1"' in html and "This live coverage ended" in html


def make_updates(article, by, count, **kw):
    for i in range(count):
        liveblog.post_update(article, by=by, body=f"<p>Update {i}.</p>", **kw)


@pytest.mark.parametrize("count", [1, 20])
def test_live_blog_page_runs_the_same_queries_for_1_or_20_updates(
    client, editor, count, django_assert_num_queries
):
    article = factories.make_live_blog()
    make_updates(article, editor, count, key_event=True)
    client.get(article.get_absolute_url())  # warm ContentType and Site caches
    with django_assert_num_queries(QUERIES_PAGE):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count("data-update-id=") == count


QUERIES_PAGE = 9
QUERIES_ENDPOINT = 4


# Times across days ----------------------------------------------------------------

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(*args):
    """A moment in New York, the site's time zone in these tests."""
    return dt.datetime(*args, tzinfo=NEW_YORK)


def post_at(article, moment, **kw):
    kw.setdefault("body", f"<p>At {moment:%d %H:%M}.</p>")
    return LiveUpdate.objects.create(article=article, posted_at=moment, **kw)


def shown_time(html, update):
    """The text of an update's time on the page: its label, then the zone."""
    found = re.search(
        rf'id="{update.anchor}-time"><time datetime="([^"]+)">([^<]*)</time>', html
    )
    assert found, f"no time for {update.anchor}"
    return found[1], found[2]


@pytest.fixture
def new_york(settings):
    # 23:30 on 7 December in New York is 04:30 on the 8th in UTC: the day must
    # be the site's, not UTC's.
    settings.TIME_ZONE = "America/New_York"


def test_a_multi_day_blog_dates_the_earlier_days_updates_only(client, new_york):
    article = factories.make_live_blog()
    late = post_at(article, at(2026, 12, 7, 23, 30), key_event=True, title="Late")
    early = post_at(article, at(2026, 12, 8, 0, 15), key_event=True, title="Early")
    morning = post_at(article, at(2026, 12, 8, 9, 5))
    html = client.get(article.get_absolute_url()).content.decode()
    assert shown_time(html, late) == ("2026-12-07T23:30:00-05:00", "7 Dec, 23:30")
    assert shown_time(html, early) == ("2026-12-08T00:15:00-05:00", "00:15")
    assert shown_time(html, morning)[1] == "09:05"
    assert f"{shown_time(html, morning)[1]}</time> EST</a>" in html
    assert 'data-day="2026-12-08"' in html
    key_events = html.split('id="key-event-list"', 1)[1].split("</ul>", 1)[0]
    assert ">7 Dec, 23:30</time> Late</a>" in key_events
    assert ">00:15</time> Early</a>" in key_events


def test_an_update_of_another_year_shows_the_year(client, new_york):
    article = factories.make_live_blog()
    eve = post_at(article, at(2026, 12, 31, 23, 50))
    post_at(article, at(2027, 1, 1, 0, 5))
    html = client.get(article.get_absolute_url()).content.decode()
    assert shown_time(html, eve)[1] == "31 Dec 2026, 23:50"


def test_an_edit_of_another_day_shows_its_date(client, new_york):
    article = factories.make_live_blog()
    post_at(article, at(2026, 12, 8, 9, 0), edited_at=at(2026, 12, 8, 9, 30))
    post_at(article, at(2026, 12, 7, 22, 0), edited_at=at(2026, 12, 7, 22, 10))
    html = client.get(article.get_absolute_url()).content.decode()
    assert '>edited <time datetime="2026-12-08T09:30:00-05:00">09:30</time>' in html
    assert ">7 Dec, 22:10</time>" in html


def test_an_ended_blog_dates_the_updates_before_the_day_it_ended(
    client, editor, new_york
):
    article = factories.make_live_blog(coverage_ended_at=at(2026, 12, 9, 8, 0))
    update = post_at(article, at(2026, 12, 8, 23, 0))
    html = client.get(article.get_absolute_url()).content.decode()
    assert shown_time(html, update)[1] == "8 Dec, 23:00"


def test_polled_updates_are_labelled_as_on_the_page(client, new_york):
    article = factories.make_live_blog()
    late = post_at(article, at(2026, 12, 7, 23, 30))
    morning = post_at(article, at(2026, 12, 8, 9, 5))
    page = client.get(article.get_absolute_url()).content.decode()
    data = client.get(updates_url(article), {"day": "2026-12-08"}).json()
    assert data["day"] == "2026-12-08" and "times" not in data
    html = {update["id"]: update["html"] for update in data["updates"]}
    for update in (late, morning):
        assert shown_time(html[update.pk], update) == shown_time(page, update)
    assert shown_time(html[late.pk], late)[1] == "7 Dec, 23:30"
    assert shown_time(html[morning.pk], morning)[1] == "09:05"


def test_a_new_days_update_relabels_what_the_open_page_shows(client, new_york):
    article = factories.make_live_blog()
    late = post_at(article, at(2026, 12, 7, 23, 30), edited_at=at(2026, 12, 7, 23, 40))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-day="2026-12-07"' in html and shown_time(html, late)[1] == "23:30"
    morning = post_at(article, at(2026, 12, 8, 0, 5))
    query = {"since": late.pk, "edited": "0", "day": "2026-12-07"}
    data = client.get(updates_url(article), query).json()
    assert data["day"] == "2026-12-08"
    assert [update["id"] for update in data["updates"]] == [morning.pk, late.pk]
    assert data["times"] == {
        str(late.pk): {"posted": "7 Dec, 23:30", "edited": "7 Dec, 23:40"},
        str(morning.pk): {"posted": "00:05", "edited": ""},
    }


@pytest.mark.parametrize("count", [1, 5])
def test_live_blog_with_pictures_runs_the_same_queries_for_1_or_5_updates(
    client, editor, count, django_assert_num_queries
):
    """Attached pictures, pictures in the body and embeds' thumbnails alike."""
    article = factories.make_live_blog()
    for i in range(count):
        inline, thumbnail = factories.make_image(), factories.make_image()
        liveblog.post_update(
            article,
            by=editor,
            body=f'<p>Look {i}.</p><figure data-image="{inline.pk}"></figure>'
            '<figure data-embed="youtube:dQw4w9WgXcQ" '
            f'data-embed-image="{thumbnail.pk}"></figure>',
            image=factories.make_image(),
        )
    client.get(article.get_absolute_url())  # warm ContentType and Site caches
    # One more for attached pictures' renditions, two for the bodies' pictures.
    with django_assert_num_queries(QUERIES_PAGE + 3):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="live-update-image"') == count
    assert html.count('class="inline-image"') == count
    assert html.count('class="embed-thumb"') == count
    with django_assert_num_queries(QUERIES_ENDPOINT + 3):
        data = client.get(updates_url(article)).json()
    assert sum('class="inline-image"' in u["html"] for u in data["updates"]) == count


def test_a_picture_in_an_update_body_is_a_dependency_of_the_page(editor):
    from articles.cache_keys import article_page_keys
    from articles.views import live_context

    article = factories.make_live_blog()
    image = factories.make_image()
    liveblog.post_update(
        article, by=editor, body=f'<p>x</p><figure data-image="{image.pk}"></figure>'
    )
    context = {"article": article, **live_context(article)}
    assert f"image:{image.pk}" in article_page_keys(context)


# JSON-LD --------------------------------------------------------------------------


def test_json_ld_is_a_live_blog_posting_with_its_updates(client, editor):
    article = factories.make_live_blog()
    make_updates(article, editor, 3)
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    posting = next(d for d in data if d["@type"] == "LiveBlogPosting")
    assert len(posting["liveBlogUpdate"]) == 3
    for item in posting["liveBlogUpdate"]:
        assert item["@type"] == "BlogPosting"
        assert item["headline"] and item["articleBody"] and item["datePublished"]
        assert item["author"]["name"]
    assert posting["coverageStartTime"]
    assert "coverageEndTime" not in posting
    latest = article.live_updates.order_by("-posted_at").first()
    assert posting["dateModified"] == latest.posted_at.isoformat()
    services.end_live_coverage(article, by=editor)
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    posting = next(d for d in data if d["@type"] == "LiveBlogPosting")
    assert posting["coverageEndTime"]


# The endpoint ---------------------------------------------------------------------


def test_endpoint_sends_new_updates_and_a_strong_etag(client, editor):
    article = factories.make_live_blog()
    make_updates(article, editor, 2)
    first_id = article.live_updates.order_by("pk").first().pk
    response = client.get(updates_url(article), {"since": first_id})
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    data = response.json()
    assert [u["id"] for u in data["updates"]] == [first_id + 1]
    assert "Update 1." in data["updates"][0]["html"]
    assert data["ended"] is False


def test_endpoint_answers_304_until_something_changes(client, editor):
    article = factories.make_live_blog()
    make_updates(article, editor, 1)
    etag = client.get(updates_url(article))["ETag"]
    again = client.get(updates_url(article), headers={"if-none-match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    weak = client.get(updates_url(article), headers={"if-none-match": f"W/{etag}"})
    assert weak.status_code == 304
    update = liveblog.post_update(article, by=editor, body="<p>new</p>")
    moved = client.get(updates_url(article), headers={"if-none-match": etag})
    assert moved.status_code == 200 and moved["ETag"] != etag
    etag = moved["ETag"]
    liveblog.edit_update(update, by=editor, body="<p>edited</p>")
    assert (
        client.get(updates_url(article), headers={"if-none-match": etag}).status_code
        == 200
    )


def test_endpoint_sends_edited_updates_and_the_ids_left(client, editor):
    article = factories.make_live_blog()
    first = liveblog.post_update(article, by=editor, body="<p>one</p>")
    second = liveblog.post_update(article, by=editor, body="<p>two</p>")
    data = client.get(updates_url(article), {"since": second.pk}).json()
    assert data["updates"] == [] and sorted(data["ids"]) == [first.pk, second.pk]
    liveblog.edit_update(first, by=editor, body="<p>one, corrected</p>")
    data = client.get(updates_url(article), {"since": second.pk}).json()
    assert [u["id"] for u in data["updates"]] == [first.pk]
    assert "one, corrected" in data["updates"][0]["html"]
    # The page now knows that edit: it is not sent again.
    seen = {"since": second.pk, "edited": data["edited"]}
    assert client.get(updates_url(article), seen).json()["updates"] == []
    liveblog.delete_update(second, by=editor)
    assert client.get(updates_url(article), seen).json()["ids"] == [first.pk]


def test_page_tells_the_script_the_latest_edit_it_shows(client, editor):
    from articles.views import micros

    article = factories.make_live_blog()
    update = liveblog.post_update(article, by=editor, body="<p>one</p>")
    liveblog.edit_update(update, by=editor, body="<p>one again</p>")
    update.refresh_from_db()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-edited="{micros(update.edited_at)}"' in html
    assert f'data-latest-id="{update.pk}"' in html


def test_endpoint_is_never_served_stale_from_the_page_cache(client, editor, settings):
    settings.PAGE_CACHE_SECONDS = 300
    article = factories.make_live_blog()
    assert client.get(updates_url(article)).json()["count"] == 0
    liveblog.post_update(article, by=editor, body="<p>new</p>")
    assert client.get(updates_url(article)).json()["count"] == 1


def test_endpoint_says_when_coverage_ended(client, editor):
    article = factories.make_live_blog()
    etag = client.get(updates_url(article))["ETag"]
    services.end_live_coverage(article, by=editor)
    response = client.get(updates_url(article), headers={"if-none-match": etag})
    assert response.status_code == 200 and response.json()["ended"] is True


@pytest.mark.parametrize("count", [1, 20])
def test_endpoint_runs_the_same_queries_for_1_or_20_updates(
    client, editor, count, django_assert_num_queries
):
    article = factories.make_live_blog()
    make_updates(article, editor, count)
    with django_assert_num_queries(QUERIES_ENDPOINT):
        response = client.get(updates_url(article))
    assert len(response.json()["updates"]) == count
    with django_assert_num_queries(2):
        client.get(updates_url(article), headers={"if-none-match": response["ETag"]})


@pytest.mark.parametrize(
    "make",
    [
        lambda: factories.make_article(kind=Article.Kind.NEWS),
        lambda: factories.make_live_blog(published=False, status=Article.Status.DRAFT),
        lambda: factories.make_live_blog(
            status=Article.Status.RETRACTED, retraction_note="Withdrawn."
        ),
        lambda: factories.make_live_blog(deleted_at=timezone.now()),
    ],
    ids=["not-live", "draft", "retracted", "trashed"],
)
def test_endpoint_serves_only_public_live_blogs(client, make):
    assert client.get(updates_url(make())).status_code == 404


@pytest.mark.parametrize(
    "query", [{"since": "abc"}, {"edited": "-1"}, {"edited": "9" * 19}]
)
def test_endpoint_refuses_bad_numbers_with_a_message(client, query):
    response = client.get(updates_url(factories.make_live_blog()), query)
    assert response.status_code == 400 and "whole numbers" in response.json()["error"]


def test_endpoint_survives_an_edit_time_past_the_calendar(client, editor):
    article = factories.make_live_blog()
    liveblog.post_update(article, by=editor, body="<p>x</p>")
    response = client.get(updates_url(article), {"edited": "9" * 18})
    assert response.status_code == 200


def test_endpoint_refuses_posts(client):
    assert client.post(updates_url(factories.make_live_blog())).status_code == 405


def test_a_picture_in_a_live_update_is_locked_like_a_lead_image(editor):
    from articles.permissions import shown_by

    article = factories.make_live_blog()
    image = factories.make_image()
    liveblog.post_update(article, by=editor, body="<p>Look.</p>", image=image)
    assert shown_by(image) == [article.title]


def test_a_picture_in_an_update_shows_with_its_credit(client, editor):
    article = factories.make_live_blog()
    image = factories.make_image(credit="Jane Doe / PulseBeat")
    liveblog.post_update(article, by=editor, body="<p>Look.</p>", image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Photo: Jane Doe / PulseBeat" in html
    assert f'alt="{image.alt_text}"' in html


def test_an_update_embeds_a_supported_post_click_to_load_and_links_anything_else(
    client, editor
):
    blog = factories.make_live_blog(title="Premiere night")
    liveblog.post_update(
        blog,
        by=editor,
        body="<p>The trailer dropped.</p>",
        embed_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    liveblog.post_update(
        blog,
        by=editor,
        body="<p>The studio's note.</p>",
        embed_url="https://studio.example/press",
    )
    html = client.get(blog.get_absolute_url()).content.decode()
    assert (
        'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in html
    )
    assert "<iframe" not in html
    # Nothing of the provider's is loaded by the page itself: no src points there.
    assert not re.search(r'src="https://[^"]*youtube', html)
    assert "newsroom/embeds" in html  # the script that loads it on a click
    assert '<a href="https://studio.example/press" rel="nofollow noopener">' in html
