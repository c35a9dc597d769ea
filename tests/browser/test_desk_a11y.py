"""Axe finds nothing, of any impact, on the desk, the calendar and the history."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import revisions, services
from articles.admin import ACTION_FIELD
from articles.models import Article
from tests import factories
from tests.browser.conftest import SCREENSHOTS, has_horizontal_scroll
from tests.browser.test_writer import PASSWORD, log_in

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]
Status = Article.Status
# Where the reviewed screenshots of this work are kept, beside screenshots/.
SHOTS = Path(os.environ.get("SHOTS_DIR", "/work/shots/workflow"))


def violations(page):
    """Every axe-core finding on the page, whatever its impact, readable."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v.get('impact')}: {v['id']} - {v['help']} "
        f"({', '.join(str(n['target']) for n in v['nodes'][:5])})"
        for v in results.response["violations"]
    ]


def shoot(page, screenshot, name):
    """At 1280 and 390 px wide, through the shared ``screenshot`` fixture.

    Returns whether the page scrolls sideways on the phone.
    """
    scrolls = False
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if width == 390:
            scrolls = has_horizontal_scroll(page)
        screenshot(page, f"{name}-{width}")
        saved = SCREENSHOTS / f"{name}-{width}.png"
        if saved.exists():
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(saved, SHOTS / saved.name)
    page.set_viewport_size({"width": 1280, "height": 900})
    return scrolls


@pytest.fixture
def newsroom(db):
    writer = factories.make_writer("writer", password=PASSWORD)
    editor = factories.make_editor("editor", password=PASSWORD)
    author = factories.make_author(user=writer, display_name="Demo Writer")
    now = timezone.now()

    def piece(title, **kw):
        kw.setdefault("kind", Article.Kind.FEATURE)
        kw.setdefault("planned_for", timezone.localdate())
        return factories.make_article(
            published=False,
            created_by=writer,
            authors=[author],
            title=title,
            body="<p>Netflix has not announced the sequel; the star says "
            "filming starts in the spring.</p>",
            **kw,
        )

    submitted = piece("Purple Hearts 2 heads to the writers' room")
    services.submit_for_review(submitted, by=writer)
    sent_back = piece("Sequel casting rumours, sorted")
    services.submit_for_review(sent_back, by=writer)
    services.request_changes(
        sent_back, by=editor, comment="Say who told us when filming starts."
    )
    services.add_comment(sent_back, by=editor, text="Is the date firm?")
    ready = piece("The soundtrack's new single")
    services.submit_for_review(ready, by=writer)
    services.approve(ready, by=editor)
    later = piece("Release window announced")
    services.submit_for_review(later, by=writer)
    services.approve(later, by=editor)
    services.schedule(later, by=editor, at=now + dt.timedelta(hours=3))
    live = factories.make_article(
        title="Sofia Carson confirms the sequel",
        kind=Article.Kind.FEATURE,
        created_by=writer,
        authors=[author],
        published_at=now - dt.timedelta(hours=2),
    )
    revisions.record(live, by=writer)
    live.title = "Sofia Carson confirms the sequel, and a date"
    live.save()
    revisions.record(live, by=editor)
    return {"writer": writer, "editor": editor, "live": live, "sent_back": sent_back}


@pytest.mark.parametrize("who", ["editor", "writer"])
def test_desk_calendar_and_history_have_no_axe_violations(
    live_server, page, screenshot, newsroom, who
):
    base = live_server.url
    log_in(page, base, who)
    live = newsroom["live"]
    pages = {
        "desk": "/admin/desk/",
        "calendar-week": "/admin/desk/calendar/",
        "calendar-month": "/admin/desk/calendar/?view=month",
        "history-live": reverse("articles_admin:revisions", args=[live.pk]),
        "history-draft": reverse(
            "articles_admin:revisions", args=[newsroom["sent_back"].pk]
        ),
    }
    found, scrolling = {}, []
    for name, path in pages.items():
        page.goto(base + path)
        assert page.locator("#content-main").count() == 1, path
        problems = violations(page)
        if problems:
            found[name] = problems
        if shoot(page, screenshot, f"{who}-{name}") and name.startswith("history"):
            scrolling.append(name)
    assert found == {}
    # The history's wide tables scroll in their own box on a phone.
    assert scrolling == []


def test_the_needs_me_list_and_an_action_page_as_people_see_them(
    live_server, page, screenshot, newsroom
):
    base = live_server.url
    log_in(page, base, "editor")
    page.goto(base + "/admin/desk/")
    needs = page.locator("section.needs-me")
    assert needs.get_by_text("Waiting for your review").count() == 1
    assert needs.get_by_text("Approved: publish or schedule it").count() == 1
    # The desk's own button leads to the Request-changes page.
    needs.get_by_role("button", name="Request changes").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="The article").count() == 1
    assert "writers' room" in page.locator(".workflow-article").inner_text()
    assert violations(page) == []
    assert not shoot(page, screenshot, "action-request-changes")


def test_the_correction_page_as_an_editor_sees_it(
    live_server, page, screenshot, newsroom
):
    """Reached as the article's button posts it (the change form is elsewhere)."""
    base = live_server.url
    live = newsroom["live"]
    log_in(page, base, "editor")
    page.goto(base + "/admin/desk/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    page.evaluate(
        """([url, token, pk, field]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = url;
            for (const [name, value] of [
                ["csrfmiddlewaretoken", token],
                [field, "add_correction"],
                ["_selected_action", pk],
            ]) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }""",
        [
            reverse("admin:articles_article_change", args=[live.pk]),
            token,
            str(live.pk),
            ACTION_FIELD,
        ],
    )
    page.wait_for_load_state()
    page.get_by_role("heading", name="Correct this article").wait_for()
    assert page.get_by_label("Fix the text in a new version", exact=False).is_checked()
    assert violations(page) == []
    assert not shoot(page, screenshot, "action-correct")
    page.get_by_label("Note for readers").fill("Filming starts in May, not June.")
    page.get_by_role("button", name="Correct this article").click()
    page.wait_for_url(
        lambda url: "/change/" in url and f"/{live.pk}/change/" not in url
    )
    version = Article.objects.get(draft_of=live)
    assert f"/{version.pk}/change/" in page.url
    assert version.pending_correction["text"] == "Filming starts in May, not June."
