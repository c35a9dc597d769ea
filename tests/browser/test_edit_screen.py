"""The article screen as writers and editors use it: one press saves and moves."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from tests import factories
from tests.browser.conftest import SCREENSHOTS, has_horizontal_scroll, violations
from tests.browser.test_writer import (
    BODY_EDITOR,
    PASSWORD,
    assert_no_form_errors,
    choose,
    log_in,
)

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]

Status = Article.Status
FEEDBACK = "Say who told us when filming starts."
# Where the screenshots for the note are kept, when SCREENSHOTS=1.
SHOTS = Path("/work/shots/panel")


class Clicks:
    """Every click the test makes, so the test can assert how many a task took."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def __call__(self, locator, navigates=True):
        self.count += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
        else:
            locator.click()


def shoot(page, screenshot, name):
    """A full-page screenshot at a phone's and a desktop's width."""
    for width, height in [(390, 844), (1280, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"panel-{name}-{width}")
        if os.environ.get("SCREENSHOTS") == "1" and SHOTS.parent.exists():
            SHOTS.mkdir(exist_ok=True)
            shutil.copy(SCREENSHOTS / f"panel-{name}-{width}.png", SHOTS)
    page.set_viewport_size({"width": 1280, "height": 900})


def panel_button(page, label):
    return page.locator("#article-panel").get_by_role("button", name=label, exact=True)


def type_body(page, text):
    editor = page.locator(BODY_EDITOR)
    editor.focus()
    page.keyboard.type(text)


def status_badge(page):
    return page.locator("#article-panel .status-badge").first.inner_text()


def test_writer_goes_from_add_article_to_in_review_with_one_button(
    live_server, page, screenshot
):
    writer = factories.make_writer("screen-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-screen")
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/articles/article/")
    click = Clicks(page)

    click(page.get_by_role("link", name="Add article"))
    page.fill("#id_title", "Purple Hearts 2 heads to the writers' room")
    type_body(page, "Filming starts in the spring, two sources say.")
    # The panel counts as the writer types.
    expect(page.locator("#word-count")).to_have_text("8")
    expect(page.locator("#reading-time")).to_have_text("1")
    # A news piece needs a source: the checklist says so before any save;
    # no picture and no claims chosen, so those checks pass.
    expect(page.locator('.check[data-check="sources"]')).to_have_class(
        "check check-fail"
    )
    expect(page.locator('.check[data-check="image"]')).to_have_class(
        "check check-ok"
    )
    page.select_option("#id_kind", label="Feature")
    expect(page.locator('.check[data-check="sources"]')).to_have_class(
        "check check-ok"
    )
    found = violations(page)
    print("\n".join(found))
    assert found == []
    shoot(page, screenshot, "add-form")
    click(panel_button(page, "Save and submit"))
    assert_no_form_errors(page)

    assert click.count == 2
    article = Article.objects.get(title="Purple Hearts 2 heads to the writers' room")
    assert article.status == Status.IN_REVIEW
    assert article.body == "<p>Filming starts in the spring, two sources say.</p>"
    assert article.slug == "purple-hearts-2-heads-to-the-writers-room"
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert status_badge(page) == "In review"
    # Submitted: the writer reads it as the page shows it, not as markup.
    body = page.locator(".article-rendered-body")
    assert body.inner_text() == "Filming starts in the spring, two sources say."
    assert "<p>" not in page.locator("#content-main").inner_text()
    shoot(page, screenshot, "submitted")


def test_editor_goes_from_the_desk_to_published_with_one_button(
    live_server, page, screenshot
):
    writer = factories.make_writer("screen-writer", password=PASSWORD)
    editor = factories.make_editor("screen-editor", password=PASSWORD)
    article = factories.in_state(
        Status.IN_REVIEW, writer, title="Sequel gets a filming date"
    )
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(base + "/admin/desk/")
    click = Clicks(page)

    click(
        page.get_by_role("region", name="In review").get_by_role(
            "link", name="Sequel gets a filming date"
        )
    )
    click(panel_button(page, "Save, approve and publish"))
    assert_no_form_errors(page)

    assert click.count == 2
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert status_badge(page) == "Published"
    # A live article: the take-downs are set apart, and no stock Delete.
    danger = page.locator("#article-panel .panel-danger")
    expect(danger.get_by_role("button", name="Unpublish…")).to_be_visible()
    expect(danger.get_by_role("link", name="Move to the trash…")).to_be_visible()
    assert page.locator(".deletelink").count() == 0
    found = violations(page)
    print("\n".join(found))
    assert found == []
    shoot(page, screenshot, "live")
    page.set_viewport_size({"width": 390, "height": 844})
    assert not has_horizontal_scroll(page)


def test_writer_sees_the_editors_request_on_the_article(
    live_server, page, screenshot
):
    writer = factories.make_writer("screen-writer", password=PASSWORD)
    editor = factories.make_editor("screen-editor", password=PASSWORD)
    article = factories.in_state(Status.IN_REVIEW, writer, title="Needs a source")
    services.request_changes(article, by=editor, comment=FEEDBACK)
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/desk/")
    click = Clicks(page)

    click(
        page.get_by_role("region", name="My drafts").get_by_role(
            "link", name="Needs a source"
        )
    )

    assert click.count == 1
    feedback = page.get_by_role("region", name="Editor feedback")
    expect(feedback).to_contain_text(FEEDBACK)
    expect(feedback).to_contain_text(editor.username)
    shoot(page, screenshot, "changes-requested")


def test_ctrl_s_saves_the_draft(live_server, page):
    writer = factories.make_writer("screen-writer", password=PASSWORD)
    article = factories.draft_by(writer, title="Before")
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_title", "Saved with the keyboard")
    with page.expect_navigation():
        page.keyboard.press("Control+s")
    assert_no_form_errors(page)
    article.refresh_from_db()
    assert article.title == "Saved with the keyboard"
    assert article.status == Status.DRAFT
    assert page.input_value("#id_title") == "Saved with the keyboard"


def test_the_panel_sits_on_top_on_a_phone_and_beside_the_form_on_a_desktop(
    live_server, page
):
    writer = factories.make_writer("screen-writer", password=PASSWORD)
    factories.make_section()
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/articles/article/add/")
    panel, title = page.locator("#article-panel"), page.locator("#id_title")
    desk = panel.bounding_box()
    assert desk["x"] > title.bounding_box()["x"] + title.bounding_box()["width"] - 1
    assert page.evaluate(
        "getComputedStyle(document.getElementById('article-panel')).position"
    ) == "sticky"
    page.set_viewport_size({"width": 390, "height": 844})
    assert panel.bounding_box()["y"] < title.bounding_box()["y"]
    assert not has_horizontal_scroll(page)


def test_checks_follow_the_picture_and_the_claims_as_they_are_chosen(
    live_server, page
):
    from franchise.models import Claim

    writer = factories.make_writer("screen-writer", password=PASSWORD)
    factories.make_section()
    factories.make_image(title="Uncredited still", credit="")
    claim = factories.make_claim(status=Claim.Status.RUMOURED, value="Echoes of Us")
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/articles/article/add/")
    image_check = page.locator('.check[data-check="image"]')
    label_check = page.locator('.check[data-check="label"]')
    expect(image_check).to_have_class("check check-ok")

    choose(page, "id_lead_image", "Uncredited still")
    expect(image_check).to_have_class("check check-fail")
    expect(image_check).to_contain_text("The lead image has no credit.")

    # A claim picked in the autocomplete, found by its value.
    page.locator("#id_claims + .select2-container").click()
    page.locator(".select2-container--open .select2-search__field").fill("Echoes")
    page.locator(
        ".select2-container--open .select2-results__option[role=option]"
        ":not(.loading-results)",
        has_text="Echoes of Us",
    ).first.click()
    expect(page.locator("select#id_claims option:checked")).to_have_count(1)
    assert page.input_value("select#id_claims") == str(claim.pk)
    expect(label_check).to_have_class("check check-fail")
    page.check("#id_unconfirmed")
    expect(label_check).to_have_class("check check-ok")


def tab_to(page, is_target, key="Tab", limit=150):
    """Press Tab until ``is_target`` (a JS predicate on the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(el => {is_target})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {is_target}")


def test_a_writer_drafts_and_submits_with_the_keyboard_alone(live_server, page):
    writer = factories.make_writer("keyboard-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-keys")
    base = live_server.url
    page.goto(base + "/admin/login/?next=/admin/articles/article/add/")
    tab_to(page, "el.id === 'id_username'")
    page.keyboard.type(writer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/admin/articles/article/add/")

    tab_to(page, "el.id === 'id_title'")
    page.keyboard.type("Sequel cast back on set")
    tab_to(page, "el.classList.contains('ProseMirror')")
    page.keyboard.type("The cast is back on set in Austin.")
    # The panel comes before the fields, so the writer goes back to it.
    tab_to(page, "el.id === 'panel-move-submit_for_review'", key="Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert_no_form_errors(page)
    article = Article.objects.get(title="Sequel cast back on set")
    assert article.status == Status.IN_REVIEW
    assert "back on set in Austin" in article.body
