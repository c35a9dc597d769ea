"""A writer puts a library picture into the body; readers see it with its credit."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
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
