"""A writer closes the tab mid-draft and gets the text back: autosave in Chromium."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles import revisions
from articles.models import Article, ArticleAutosave
from tests import factories
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

HEADLINE = "Purple Hearts 2 heads to the writers' room"
BODY = "Filming starts in the spring, the star says."
OFFER = "#autosave-offer"
# Where the screenshots of the offer go when SHOTS_DIR is set.
SHOTS = os.environ.get("SHOTS_DIR")


def wait_for_slot(timeout=30, **lookup):
    """The slot the closed tab's beacon left (it lands a moment after the close)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        slot = ArticleAutosave.objects.filter(**lookup).first()
        if slot is not None:
            return slot
        time.sleep(0.2)
    raise AssertionError(f"no autosave arrived for {lookup}")


def shoot(page, name, selector=OFFER):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(selector).scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def axe_violations(page, selectors):
    """Axe-core's findings of any impact inside the given parts of the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[s] for s in selectors]})
    return [f"{v['impact']}: {v['id']}" for v in results.response["violations"]]


def put_caret_at_end(page, editor):
    """Click right of the last line and wait until the caret is really there.

    A click in the middle of the editor, then Ctrl+End, raced the editor's own
    handling of the click under load: the text went in before "First line.".
    """
    last = editor.locator("p").last
    box = last.bounding_box()
    last.click(position={"x": box["width"] - 2, "y": box["height"] / 2})
    page.wait_for_function(
        """editor => {
            const selection = getSelection();
            if (!selection.rangeCount || !selection.isCollapsed) return false;
            if (!editor.contains(selection.anchorNode)) return false;
            const after = document.createRange();
            after.selectNodeContents(editor);
            after.setStart(selection.anchorNode, selection.anchorOffset);
            return after.toString() === "";
        }""",
        arg=editor.element_handle(),
    )


def fresh_page(context):
    page = context.new_page()
    dialogs = []
    # Any dialog is recorded and accepted; a real save must raise none.
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    return page, dialogs


def test_closed_add_form_is_offered_back_and_saved(live_server, page, screenshot):
    writer = factories.make_writer("autosave-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-news")
    factories.make_film(title="Purple Hearts 2")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", HEADLINE)
    choose(page, "id_section", "Films")
    choose(page, "id_films", "Purple Hearts 2")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type(BODY)
    context = page.context
    # Closing the tab mid-draft: the page's pagehide sends the beacon.
    page.close()
    # An interval tick may have saved part of it first; the beacon has it all.
    slot = wait_for_slot(
        user=writer, article__isnull=True, data__fields__body__icontains=BODY
    )
    assert slot.data["fields"]["body"] == f"<p>{BODY}</p>"

    page, dialogs = fresh_page(context)
    page.goto(base + "/admin/articles/article/add/")
    offer = page.locator(OFFER)
    expect(offer).to_contain_text("You have unsaved changes from")
    expect(offer).to_contain_text("Bylines, sources cited and quotes are not autosaved")
    # The offer and the status line themselves; the rest of the form (editor,
    # autocompletes) is the accessibility work of issue 12's item 7.
    assert axe_violations(page, [OFFER, "#autosave-status"]) == []
    screenshot(page, "autosave-offer-add")
    shoot(page, "add-form-offer")
    assert page.input_value("#id_title") == ""
    offer.get_by_role("button", name="Restore").click()
    expect(offer).to_have_count(0)
    assert page.input_value("#id_title") == HEADLINE
    expect(page.locator(BODY_EDITOR)).to_contain_text(BODY)
    assert page.locator("#id_section option:checked").inner_text() == "Films"
    # The autocomplete had no option for the film until the restore made one.
    expect(page.locator("#id_films option:checked")).to_have_text("Purple Hearts 2")
    expect(page.locator("#id_films + .select2-container")).to_contain_text(
        "Purple Hearts 2"
    )
    expect(page.locator("#autosave-status")).to_contain_text("back in the form")
    shoot(page, "add-form-restored", "#autosave-status")

    page.click("#article-panel [name=_continue]")
    page.wait_for_url("**/admin/articles/article/*/change/**")
    assert_no_form_errors(page)
    article = Article.objects.get(title=HEADLINE)
    assert article.body == f"<p>{BODY}</p>"
    assert [film.title for film in article.films.all()] == ["Purple Hearts 2"]
    # The real save took the slot with it, and left the page without a warning.
    assert not ArticleAutosave.objects.exists()
    assert dialogs == []
    # Nothing more is offered on the saved article.
    page.wait_for_load_state("networkidle")
    expect(page.locator(OFFER)).to_have_count(0)


def test_closed_change_form_is_offered_back_and_saved(live_server, page):
    writer = factories.make_writer("autosave-changer", password=PASSWORD)
    article = factories.draft_by(writer, title="A draft", body="<p>First line.</p>")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + factories.change_url(article))
    put_caret_at_end(page, page.locator(BODY_EDITOR))
    page.keyboard.press("Enter")
    page.keyboard.type(BODY)
    context = page.context
    page.close()
    slot = wait_for_slot(
        user=writer, article=article, data__fields__body__icontains=BODY
    )
    assert slot.base_version == article.version

    page, dialogs = fresh_page(context)
    page.goto(base + factories.change_url(article))
    offer = page.locator(OFFER)
    expect(offer).to_contain_text("You have unsaved changes from")
    shoot(page, "change-form-offer")
    expect(page.locator(BODY_EDITOR)).not_to_contain_text(BODY)
    offer.get_by_role("button", name="Restore").click()
    expect(page.locator(BODY_EDITOR)).to_contain_text(BODY)
    expect(page.locator(BODY_EDITOR)).to_contain_text("First line.")

    page.click("#article-panel [name=_continue]")
    page.wait_for_url("**/admin/articles/article/*/change/**")
    assert_no_form_errors(page)
    article.refresh_from_db()
    assert article.body == f"<p>First line.</p><p>{BODY}</p>"
    assert not ArticleAutosave.objects.exists()
    assert dialogs == []


def test_discard_deletes_the_slot(live_server, page):
    writer = factories.make_writer("autosave-discarder", password=PASSWORD)
    article = factories.draft_by(writer, title="Kept as saved")
    ArticleAutosave.objects.create(
        user=writer,
        article=article,
        base_version=article.version,
        data={"fields": {"title": "Typed but unwanted"}, "labels": {}},
    )
    log_in(page, live_server.url, writer.username)
    page.goto(live_server.url + factories.change_url(article))
    page.locator(OFFER).get_by_role("button", name="Discard").click()
    expect(page.locator("#autosave-status")).to_contain_text("discarded")
    assert not ArticleAutosave.objects.exists()
    assert page.input_value("#id_title") == "Kept as saved"


def test_restore_after_someone_elses_save_is_refused_on_save(live_server, page):
    """The banner says so, the text comes back, and the save is refused: the
    editor's save is never overwritten by an autosave."""
    writer = factories.make_writer("autosave-late", password=PASSWORD)
    editor = factories.make_editor("autosave-editor")
    article = factories.draft_by(writer, title="Before")
    ArticleAutosave.objects.create(
        user=writer,
        article=article,
        base_version=article.version,
        data={"fields": {"title": "The writer's headline"}, "labels": {}},
    )
    # The editor saves after the writer's form was opened.
    Article.objects.filter(pk=article.pk).update(version=article.version + 1)
    revisions.record(article, by=editor)

    log_in(page, live_server.url, writer.username)
    page.goto(live_server.url + factories.change_url(article))
    offer = page.locator(OFFER)
    expect(offer).to_contain_text(f"but {editor.username} saved this article")
    shoot(page, "change-form-stale-offer")
    offer.get_by_role("button", name="Restore").click()
    assert page.input_value("#id_title") == "The writer's headline"
    page.click("#article-panel [name=_continue]")
    expect(page.locator("#save-conflict")).to_contain_text("Not saved.")
    shoot(page, "change-form-restored-save-refused", "#save-conflict")
    article.refresh_from_db()
    assert article.title == "Before"


def test_leaving_with_unsaved_edits_warns(live_server, page):
    writer = factories.make_writer("autosave-leaver", password=PASSWORD)
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/articles/article/add/")
    page.wait_for_load_state("networkidle")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    # Typed as a person does: the browser warns only after a real gesture.
    page.click("#id_title")
    page.keyboard.type(HEADLINE)
    page.goto(base + "/admin/")
    assert dialogs == ["beforeunload"]
    # A form only looked at is left without a word.
    page.goto(base + "/admin/articles/article/add/")
    page.wait_for_load_state("networkidle")
    page.click("#id_title")
    page.goto(base + "/admin/")
    assert dialogs == ["beforeunload"]


def test_open_form_autosaves_on_its_interval(live_server, page):
    writer = factories.make_writer("autosave-timer", password=PASSWORD)
    base = live_server.url
    log_in(page, base, writer.username)
    page.goto(base + "/admin/articles/article/add/")
    assert page.get_attribute("#autosave", "data-interval") == "30"
    # Thirty seconds is long for a test: the script reads the attribute each second.
    page.eval_on_selector("#autosave", "el => { el.dataset.interval = '1'; }")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type(BODY)
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at")
    # Under load a tick can fall mid-sentence: the next one carries the rest.
    slot = wait_for_slot(
        user=writer, article__isnull=True, data__fields__body__icontains=BODY
    )
    assert slot.data["fields"]["body"] == f"<p>{BODY}</p>"
