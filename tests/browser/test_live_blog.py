"""A reader keeps a live blog open while three updates are posted: they appear."""

import datetime as dt
import json

import pytest

from articles import liveblog, services
from articles.models import LiveUpdate
from tests import factories
from tests.browser.conftest import has_horizontal_scroll, serious_violations

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "pass-word-123"


def premiere_blog(**kw):
    return factories.make_live_blog(title="Premiere night, live", **kw)


def test_reader_page_shows_three_new_updates_without_a_reload(
    live_server, page, settings, screenshot
):
    settings.LIVE_POLL_SECONDS = 0.5
    editor = factories.make_editor("live-editor")
    article = premiere_blog()
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_selector("#live-blog")
    assert page.locator("#live-update-list > li").count() == 0
    # Survives only as long as the document does: a reload would clear it.
    page.evaluate("window.stillTheSamePage = true")

    doors = liveblog.post_update(article, by=editor, body="<p>Doors open.</p>")
    liveblog.post_update(
        article,
        by=editor,
        body="<p>The cast arrives.</p>",
        title="Cast on the carpet",
        key_event=True,
    )
    screening = liveblog.post_update(
        article, by=editor, body="<p>Screening starts.</p>"
    )

    items = page.locator("#live-update-list > li")
    from playwright.sync_api import expect

    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Screening starts.")
    expect(items.last).to_contain_text("Doors open.")
    expect(page.locator("#key-event-list li")).to_have_count(1)
    expect(page.locator("#key-event-list")).to_contain_text("Cast on the carpet")
    expect(page.locator("#live-announcer")).to_contain_text("new update")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#live-update-list time[datetime]").count() == 3

    # An edit shows in place; a deleted update leaves the open page.
    liveblog.edit_update(doors, by=editor, body="<p>Doors opened at last.</p>")
    expect(items.last).to_contain_text("Doors opened at last.")
    liveblog.delete_update(screening, by=editor)
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("The cast arrives.")
    liveblog.post_update(article, by=editor, body="<p>Credits roll.</p>")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Credits roll.")
    assert page.evaluate("window.stillTheSamePage") is True
    services.end_live_coverage(article, by=editor)
    expect(page.locator("#live-status")).to_have_text("This live coverage has ended.")

    # A reload brings the same three, and the page's JSON-LD lists them.
    page.reload()
    scripts = page.locator('script[type="application/ld+json"]').all_inner_texts()
    posting = next(
        data
        for data in map(json.loads, scripts)
        if data.get("@type") == "LiveBlogPosting"
    )
    assert len(posting["liveBlogUpdate"]) == 3
    problems = serious_violations(page)
    assert not problems, "axe found\n" + "\n".join(problems)
    page.set_viewport_size({"width": 390, "height": 900})
    assert not has_horizontal_scroll(page)
    screenshot(page, "live-blog-390")


def test_writer_posts_from_the_live_updates_screen_at_390px(
    live_server, page, screenshot
):
    writer = factories.make_writer("live-writer", password=PASSWORD)
    author = factories.make_author(user=writer, display_name="Live Writer")
    article = premiere_blog(authors=[author])
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "live-writer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + f"/admin/newsroom/articles/{article.pk}/live/")
    page.fill("#id_body", "The director waves to the crowd.")
    page.check("#id_key_event")
    page.get_by_role("button", name="Post update").click()
    page.wait_for_selector("text=Update posted")
    assert LiveUpdate.objects.filter(article=article, key_event=True).count() == 1
    assert not has_horizontal_scroll(page)
    screenshot(page, "live-updates-admin-390")


def test_an_embed_in_a_new_update_loads_only_when_the_reader_clicks(
    live_server, page, settings
):
    """An update that arrives by polling carries its placeholder, and its button works."""
    from urllib.parse import urlsplit

    from playwright.sync_api import expect

    settings.LIVE_POLL_SECONDS = 0.5
    settings_host = "www.youtube-nocookie.com"
    editor = factories.make_editor("live-embed-editor")
    article = premiere_blog()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page.route(
        f"https://{settings_host}/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<p>The trailer would play here.</p>"
        ),
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_selector("#live-blog")
    liveblog.post_update(
        article,
        by=editor,
        body="<p>The trailer is out.</p>",
        embed_url="https://youtu.be/dQw4w9WgXcQ",
    )
    button = page.get_by_role("button", name="Play video on YouTube")
    expect(button).to_be_visible()
    assert set(hosts) == {urlsplit(live_server.url).netloc}, hosts
    button.click()
    expect(
        page.frame_locator("iframe.embed-frame").get_by_text(
            "The trailer would play here."
        )
    ).to_be_visible()
    assert settings_host in hosts


def test_updates_of_another_day_keep_their_date_in_an_open_page(
    live_server, page, settings, screenshot
):
    """The key events list copies a polled update's whole time, date included;
    a new day's update gives the day before's updates their date."""
    from playwright.sync_api import expect

    settings.LIVE_POLL_SECONDS = 0.5
    settings.TIME_ZONE = "UTC"
    article = premiere_blog()

    def post(hour, minute, day, **kw):
        return LiveUpdate.objects.create(
            article=article,
            posted_at=dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC),
            **kw,
        )

    party = post(23, 50, 6, body="<p>Party.</p>", title="Afterparty", key_event=True)
    page.goto(live_server.url + article.get_absolute_url())
    party_time = page.locator(f"#{party.anchor}-time time")
    party_key = page.locator(f'[data-key-event="{party.pk}"] time')
    expect(party_time).to_have_text("23:50")
    expect(party_key).to_have_text("23:50")

    post(8, 0, 7, body="<p>The morning after.</p>")
    expect(page.locator("#live-update-list > li")).to_have_count(2)
    expect(party_time).to_have_text("6 Dec, 23:50")
    expect(party_key).to_have_text("6 Dec, 23:50")

    # Filed late: it arrives by polling, and its key event keeps the whole date.
    ends = post(22, 15, 6, body="<p>Credits.</p>", title="It ends", key_event=True)
    ends_key = page.locator(f'[data-key-event="{ends.pk}"]')
    expect(ends_key).to_have_text("6 Dec, 22:15 It ends")
    expect(ends_key.locator("time")).to_have_attribute(
        "datetime", "2026-12-06T22:15:00+00:00"
    )
    # ...and in its place in time: below the later updates, as a reload shows it.
    items = page.locator("#live-update-list > li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("The morning after.")
    expect(items.nth(1)).to_contain_text("Party.")
    expect(items.nth(2)).to_contain_text("Credits.")
    keys = page.locator("#key-event-list li")
    expect(keys.nth(0)).to_contain_text("Afterparty")
    expect(keys.nth(1)).to_contain_text("It ends")
    # Made a key event later, the party keeps its place in the key events too.
    LiveUpdate.objects.filter(pk=party.pk).update(
        key_event=False, edited_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    )
    expect(keys).to_have_count(1)
    LiveUpdate.objects.filter(pk=party.pk).update(
        key_event=True, edited_at=dt.datetime(2026, 12, 7, 9, 5, tzinfo=dt.UTC)
    )
    expect(keys).to_have_count(2)
    expect(keys.nth(0)).to_contain_text("Afterparty")
    page.set_viewport_size({"width": 390, "height": 900})
    assert not has_horizontal_scroll(page)
    screenshot(page, "live-blog-days-390")
