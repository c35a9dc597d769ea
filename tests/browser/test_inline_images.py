"""A writer puts a library picture into the body; readers see it with its credit."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Image
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


def test_writer_inserts_library_picture_that_readers_see_with_alt_and_credit(
    live_server, page, screenshot
):
    writer = factories.make_writer("picture-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-news")
    image = factories.make_image(
        title="Rooftop still",
        alt_text="Two people on an Austin rooftop at sunset",
        credit="Jane Doe / Netflix",
    )
    # No alt text: the editor does not offer it.
    factories.make_image(title="Unlabelled still", alt_text="")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", "Behind the scenes")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type("On set.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Insert a picture from the library").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    picker = dialog.locator("select[name=picture1]")
    expect(picker.locator("option")).to_have_text(
        [f"Rooftop still — Jane Doe / Netflix (#{image.pk})"]
    )
    dialog.get_by_label("Caption").fill("The last day of filming")
    dialog.get_by_role("button", name="Insert picture").click()
    expect(page.locator(f"{BODY_EDITOR} .prose-picture")).to_have_text(
        "Picture: Rooftop still (Jane Doe / Netflix): The last day of filming"
    )
    choose(page, "id_section", "Films")
    page.click("#article-panel [name=_continue]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    page.wait_for_url("**/admin/articles/article/*/change/**")
    # Reopened, the box names the picture again.
    expect(page.locator(f"{BODY_EDITOR} .prose-picture")).to_have_text(
        "Picture: Rooftop still (Jane Doe / Netflix): The last day of filming"
    )

    article = Article.objects.get(title="Behind the scenes")
    assert article.body == (
        f'<p>On set.</p><figure data-image="{image.pk}" '
        'data-image-caption="The last day of filming"></figure>'
    )
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=now, first_published_at=now
    )

    page.goto(base + article.get_absolute_url())
    figure = page.locator(".article-body figure.inline-image")
    expect(figure.locator("picture img")).to_have_attribute(
        "alt", "Two people on an Austin rooftop at sunset"
    )
    expect(figure.locator("figcaption")).to_have_text(
        "The last day of filming Photo: Jane Doe / Netflix"
    )
    screenshot(page, "inline-picture")


def test_writer_inserts_a_gallery_in_the_order_chosen(live_server, page):
    writer = factories.make_writer("gallery-writer", password=PASSWORD)
    first = factories.make_image(title="Premiere", credit="Jane Doe")
    second = factories.make_image(title="Rooftop", credit="John Roe")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + "/admin/articles/article/add/")
    page.locator(BODY_EDITOR).click()
    page.get_by_role("button", name="Insert a gallery of library pictures").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.locator("select[name=picture1]").select_option(
        label=f"Rooftop — John Roe (#{second.pk})"
    )
    dialog.locator("select[name=picture2]").select_option(
        label=f"Premiere — Jane Doe (#{first.pk})"
    )
    dialog.get_by_role("button", name="Insert gallery").click()
    expect(page.locator(f"{BODY_EDITOR} .prose-picture")).to_have_text(
        "Gallery of 2: Picture: Rooftop (John Roe); Picture: Premiere (Jane Doe)"
    )
    # What the form will store: the ids, in the order chosen.
    expect(page.locator("textarea#id_body")).to_have_value(
        f'<figure data-gallery="{second.pk} {first.pk}"></figure><p></p>'
    )


def test_writer_uploads_a_picture_from_the_editor_and_readers_see_it(
    live_server, page, tmp_path, screenshot
):
    writer = factories.make_writer("upload-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-upload")
    factories.make_image(title="Old still", credit="John Roe")
    picture = tmp_path / "set.jpg"
    picture.write_bytes(factories.image_bytes(size=(900, 600)))
    not_a_picture = tmp_path / "notes.jpg"
    not_a_picture.write_bytes(b"just some notes")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", "Fresh from set")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type("New still.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Insert a picture from the library").click()
    page.locator("dialog.prose-editor-dialog").get_by_role(
        "button", name="Upload a new picture…"
    ).click()
    dialog = page.locator("dialog.prose-upload-dialog")
    expect(dialog).to_be_visible()

    # Nothing filled in: the browser refuses before anything is sent.
    dialog.get_by_role("button", name="Upload and insert").click()
    for label in ["Picture file", "Title", "Alt text", "Credit"]:
        assert dialog.get_by_label(label).evaluate("e => e.validity.valueMissing")
    expect(dialog.get_by_role("alert")).to_be_hidden()
    assert Image.objects.count() == 1

    # A file that is not a picture: the server's message, nothing inserted.
    dialog.get_by_label("Picture file").set_input_files(not_a_picture)
    dialog.get_by_label("Title").fill("On set")
    dialog.get_by_label("Alt text").fill("A director talking to two actors on set")
    dialog.get_by_label("Credit").fill("Jane Doe / Netflix")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    expect(dialog.get_by_role("alert")).not_to_be_empty()
    screenshot(page, "upload-dialog-error")
    assert not Image.objects.filter(title="On set").exists()
    expect(page.locator(f"{BODY_EDITOR} .prose-picture")).to_have_count(0)

    dialog.get_by_label("Picture file").set_input_files(picture)
    dialog.get_by_label("Caption").fill("The first day of filming")
    dialog.get_by_role("button", name="Upload and insert").click()
    expect(dialog).to_have_count(0)
    image = Image.objects.get(title="On set")
    assert image.uploaded_by == writer
    expect(page.locator(f"{BODY_EDITOR} .prose-picture")).to_have_text(
        "Picture: On set (Jane Doe / Netflix)"
    )
    choose(page, "id_section", "Films")
    page.click("#article-panel [name=_continue]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    page.wait_for_url("**/admin/articles/article/*/change/**")

    article = Article.objects.get(title="Fresh from set")
    assert article.body == (
        f'<p>New still.</p><figure data-image="{image.pk}"></figure>'
    )
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=now, first_published_at=now
    )
    page.goto(base + article.get_absolute_url())
    figure = page.locator(".article-body figure.inline-image")
    expect(figure.locator("picture img")).to_have_attribute(
        "alt", "A director talking to two actors on set"
    )
    expect(figure.locator("figcaption")).to_have_text(
        "The first day of filming Photo: Jane Doe / Netflix"
    )
    screenshot(page, "uploaded-inline-picture")
