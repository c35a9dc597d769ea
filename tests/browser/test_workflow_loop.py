"""A writer and an editor take one story through the admin; a reader watches it."""

import re

import pytest

from articles.models import Article, Transition
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
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

Action = Transition.Action
Status = Article.Status

HEADLINE = "Purple Hearts 2 heads to the writers' room"
KEPT = "Netflix has not announced the sequel."
FIRST_DRAFT = "Filming starts in the spring."
REVISED = "Filming starts in March 2026, according to the star."
NEW_HEADLINE = "Purple Hearts 2 gets a filming date"
NEW_PARAGRAPH = "The director confirmed Austin as the main location."
FEEDBACK = "Say who told us when filming starts."


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts: each person keeps their own cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield open_page
    for context in contexts:
        context.close()


def type_body(page, *paragraphs):
    """Replace the body in the rich-text editor, one paragraph per argument."""
    editor = page.locator(BODY_EDITOR)
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    for i, paragraph in enumerate(paragraphs):
        if i:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def save_and_continue(page):
    page.click("#article-panel [name=_continue]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    page.wait_for_url("**/admin/articles/article/*/change/**")


def workflow_button(page, label):
    """Click a button of the side panel and wait for the next page."""
    with page.expect_navigation():
        page.locator("#article-panel").get_by_role(
            "button", name=label, exact=True
        ).click()


def success_message(page):
    return " ".join(page.locator(".messagelist .success").all_inner_texts())


def actions(article):
    """The workflow moves on the record (saves are there too, as create/edit)."""
    return list(
        Transition.objects.filter(article=article)
        .exclude(action__in=[Action.CREATE, Action.EDIT])
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def public_text(page, url):
    page.goto(url)
    return page.locator("main, body").first.inner_text()


def test_writer_and_editor_take_a_story_from_draft_to_a_published_new_version(
    live_server, new_page, screenshot
):
    writer = factories.make_writer("loop-writer", password=PASSWORD)
    editor = factories.make_editor("loop-editor", password=PASSWORD)
    factories.make_section(name="Films", slug="films-loop")
    base = live_server.url
    writer_page, editor_page, reader = new_page(), new_page(), new_page()
    log_in(writer_page, base, writer.username)
    log_in(editor_page, base, editor.username)

    # The writer drafts a feature (no source required) and saves it.
    page = writer_page
    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", HEADLINE)
    type_body(page, KEPT, FIRST_DRAFT)
    page.select_option("#id_kind", label="Feature")
    choose(page, "id_section", "Films")
    # One press saves the new draft and submits it.
    workflow_button(page, "Save and submit")
    assert_no_form_errors(page)
    article = Article.objects.get(title=HEADLINE)
    assert article.body == f"<p>{KEPT}</p><p>{FIRST_DRAFT}</p>"
    change_url = base + f"/admin/articles/article/{article.pk}/change/"
    assert page.url == change_url
    assert "went to the editors" in success_message(page)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert actions(article) == [Action.SUBMIT]
    assert Transition.objects.filter(article=article, action=Action.CREATE).exists()

    # The editor finds it on the list and asks for changes, with a comment.
    page = editor_page
    page.goto(base + "/admin/articles/article/")
    page.get_by_role("link", name=HEADLINE).click()
    page.wait_for_url(change_url)
    workflow_button(page, "Save and request changes…")
    page.fill("#id_workflow-comment", FEEDBACK)
    with page.expect_navigation():
        page.get_by_role("button", name="Request changes").click()
    assert "went back to its writers" in success_message(page)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    request = Transition.objects.get(article=article, action=Action.REQUEST_CHANGES)
    assert (request.by, request.reason) == (editor, FEEDBACK)

    # The writer reads the feedback, revises the body, saves and resubmits.
    page = writer_page
    page.goto(change_url)
    page.locator("#content").get_by_role("link", name="Comments").first.click()
    page.wait_for_url("**/comments/")
    feedback = page.get_by_role("region", name="Changes requested")
    assert FEEDBACK in feedback.inner_text()
    assert editor.username in feedback.inner_text()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(change_url)
    type_body(page, KEPT, REVISED)
    workflow_button(page, "Save and submit")
    assert_no_form_errors(page)
    article.refresh_from_db()
    assert article.body == f"<p>{KEPT}</p><p>{REVISED}</p>"
    assert article.status == Status.IN_REVIEW

    # The editor compares the two saved revisions and sees the changed paragraph.
    page = editor_page
    page.goto(change_url)
    page.locator("#content").get_by_role("link", name="Revisions").click()
    page.wait_for_url(f"**/admin/newsroom/articles/{article.pk}/history/")
    # The latest two: the editor's save with the request (as first drafted)
    # and the writer's revision.
    numbers = list(article.revisions.values_list("number", flat=True))[:2]
    b, a = numbers
    assert page.is_checked(f"#a-{a}") and page.is_checked(f"#b-{b}")
    page.get_by_role("button", name="Compare selected revisions").click()
    page.wait_for_url(f"**/admin/newsroom/articles/{article.pk}/history/{a}/{b}/")
    # Only the changed paragraph is marked; the kept one shows as context.
    assert page.locator(".diff-removed").count() == 1
    assert page.locator(".diff-added").count() == 1
    assert FIRST_DRAFT in page.locator(".diff-removed").inner_text()
    assert REVISED in page.locator(".diff-added").inner_text()
    assert KEPT in page.locator(".diff-same").inner_text()
    screenshot(page, "workflow-diff")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(change_url)
    workflow_button(page, "Save and approve")
    assert "approved" in success_message(page)
    workflow_button(page, "Save and publish")
    assert "is published" in success_message(page)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert actions(article) == [
        Action.SUBMIT,
        Action.REQUEST_CHANGES,
        Action.SUBMIT,
        Action.APPROVE,
        Action.PUBLISH,
    ]
    public_url = base + article.get_absolute_url()
    first_published = article.published_at

    # The reader sees the revised text.
    text = public_text(reader, public_url)
    assert REVISED in text
    assert FIRST_DRAFT not in text
    assert reader.locator(".article-updated").count() == 0

    # The writer opens the live article: read-only, with "Start a new version".
    page = writer_page
    page.goto(change_url)
    assert "This article is live" in page.locator("#workflow-status").inner_text()
    assert page.locator("#id_title").count() == 0, "a live article is read-only"
    workflow_button(page, "Start a new version")
    page.wait_for_url("**/admin/articles/article/*/change/**")
    copy = Article.objects.get(draft_of=article)
    assert page.url.endswith(f"/admin/articles/article/{copy.pk}/change/")
    assert (
        "readers still see the live version"
        in page.locator("#workflow-status").inner_text()
    )
    page.fill("#id_title", NEW_HEADLINE)
    type_body(page, KEPT, REVISED, NEW_PARAGRAPH)
    save_and_continue(page)
    copy.refresh_from_db()
    assert copy.title == NEW_HEADLINE
    assert NEW_PARAGRAPH in copy.body
    workflow_button(page, "Save and submit")
    copy.refresh_from_db()
    assert copy.status == Status.IN_REVIEW

    # Readers still see the live version, unchanged.
    text = public_text(reader, public_url)
    assert HEADLINE in text and REVISED in text
    assert NEW_HEADLINE not in text and NEW_PARAGRAPH not in text
    article.refresh_from_db()
    assert (article.title, article.status) == (HEADLINE, Status.PUBLISHED)

    # The editor reaches the new version from the live article and publishes it.
    page = editor_page
    page.goto(change_url)
    page.get_by_role("link", name="Open the new version in progress").click()
    page.wait_for_url(f"**/admin/articles/article/{copy.pk}/change/")
    workflow_button(page, "Save and approve")
    assert "approved" in success_message(page)
    workflow_button(page, "Save and publish")
    assert "is published" in success_message(page)
    landed_on = page.url
    warnings = page.locator(".messagelist .warning").all_inner_texts()
    assert not Article.objects.filter(pk=copy.pk).exists()
    article.refresh_from_db()
    assert (article.title, article.status) == (NEW_HEADLINE, Status.PUBLISHED)
    assert article.published_at == first_published
    assert article.updated_at > first_published
    assert actions(article)[5:] == [
        Action.NEW_VERSION,
        Action.SUBMIT,
        Action.APPROVE,
        Action.PUBLISH,
    ]

    # The reader reloads: the new text, and an "Updated" time.
    reader.reload()
    text = reader.locator("body").inner_text()
    assert NEW_HEADLINE in text and NEW_PARAGRAPH in text
    updated = reader.locator(".article-updated time")
    assert re.match(r"\d{4}-\d\d-\d\dT", updated.get_attribute("datetime"))
    screenshot(reader, "workflow-new-version-live")

    # Publishing deletes the working copy, so the editor belongs on the live
    # article, not on the admin index with "Article … doesn't exist" (checked
    # last so that everything above is verified whatever happens here).
    assert not [w for w in warnings if "exist" in w], warnings
    assert landed_on == change_url
