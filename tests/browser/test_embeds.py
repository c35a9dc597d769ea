"""A writer embeds a YouTube video; readers load nothing of YouTube's until they ask."""

from urllib.parse import urlsplit

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

VIDEO = "https://youtu.be/dQw4w9WgXcQ"
FRAME_HOST = "www.youtube-nocookie.com"


def paste(page, text):
    """Paste plain text into the focused editor, as the clipboard would."""
    page.locator(BODY_EDITOR).evaluate(
        """(editor, text) => {
            const data = new DataTransfer()
            data.setData("text/plain", text)
            editor.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }))
        }""",
        text,
    )


def test_writer_embeds_youtube_video_that_loads_only_when_reader_clicks(
    live_server, page, screenshot
):
    writer = factories.make_writer("embed-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-news")
    still = factories.make_image(title="Trailer still", credit="Netflix")
    base = live_server.url
    log_in(page, base, writer.username)

    page.goto(base + "/admin/articles/article/add/")
    page.fill("#id_title", "Trailer is out")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type("Watch the first trailer.")
    page.keyboard.press("Enter")

    # A lookalike address is refused in the editor with a message, then fixed.
    page.get_by_role("button", name="Embed a video or post").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Address of the video or post").fill(
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ"
    )
    dialog.get_by_role("button", name="Insert embed").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog).to_contain_text("not a YouTube, Vimeo")
    dialog.get_by_label("Address of the video or post").fill(VIDEO)
    dialog.get_by_label("Title (shown to readers").fill("Official trailer")
    # A local thumbnail from the library; nothing is fetched from YouTube.
    dialog.locator("select[name=thumbnail]").select_option(
        label=f"Trailer still — Netflix (#{still.pk})"
    )
    dialog.get_by_role("button", name="Insert embed").click()
    expect(page.locator(f"{BODY_EDITOR} .prose-embed")).to_have_text(
        "YouTube video dQw4w9WgXcQ: Official trailer"
        " (thumbnail: Picture: Trailer still (Netflix))"
    )
    # A supported address pasted on its own line becomes an embed too.
    paste(page, "https://vimeo.com/76979871")
    expect(page.locator(f"{BODY_EDITOR} .prose-embed").nth(1)).to_have_text(
        "Vimeo video 76979871"
    )
    # Any other pasted text stays text.
    paste(page, "https://evil.example/76979871")
    expect(page.locator(BODY_EDITOR)).to_contain_text("https://evil.example/76979871")
    choose(page, "id_section", "Films")
    screenshot(page, "admin-embed")
    page.click("#article-panel [name=_continue]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    page.wait_for_url("**/admin/articles/article/*/change/**")
    # Reopened, the editor shows the embeds again as their labelled boxes.
    expect(page.locator(f"{BODY_EDITOR} .prose-embed")).to_have_text(
        [
            "YouTube video dQw4w9WgXcQ: Official trailer"
            " (thumbnail: Picture: Trailer still (Netflix))",
            "Vimeo video 76979871",
        ]
    )

    article = Article.objects.get(title="Trailer is out")
    assert article.body == (
        "<p>Watch the first trailer.</p>"
        '<figure data-embed="youtube:dQw4w9WgXcQ" '
        f'data-embed-title="Official trailer" data-embed-image="{still.pk}"></figure>'
        '<figure data-embed="vimeo:76979871"></figure>'
        '<p><a href="https://evil.example/76979871" rel="noopener noreferrer nofollow">'
        "https://evil.example/76979871</a></p>"
    )
    # Publication itself is tested elsewhere; here the page is what matters.
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=now, first_published_at=now
    )
    article.refresh_from_db()

    # The reader's page: every request it makes, recorded.
    reader = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        public = reader.new_page()
        hosts = []
        public.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
        # The sandbox has no network: the provider's page is answered here.
        public.route(
            f"https://{FRAME_HOST}/**",
            lambda route: route.fulfill(
                content_type="text/html", body="<p>The player would be here.</p>"
            ),
        )
        public.goto(base + article.get_absolute_url())
        button = public.get_by_role("button", name="Play video on YouTube")
        expect(button).to_be_visible()
        expect(button).to_have_text("Play video on YouTube: Official trailer")
        expect(public.locator(".embed-thumb img")).to_have_attribute(
            "alt", still.alt_text
        )
        expect(public.get_by_role("link", name="Open on YouTube")).to_have_attribute(
            "href", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        )
        public.wait_for_load_state("networkidle")
        assert set(hosts) == {urlsplit(base).netloc}, hosts
        screenshot(public, "embed-placeholder-390")

        # Keyboard: the button takes focus and Enter loads the player.
        button.focus()
        public.keyboard.press("Enter")
        frame = public.locator("iframe.embed-frame")
        expect(frame).to_have_attribute(
            "src", f"https://{FRAME_HOST}/embed/dQw4w9WgXcQ?autoplay=1"
        )
        # The CSP allows the frame: its content shows.
        expect(
            public.frame_locator("iframe.embed-frame").get_by_text(
                "The player would be here."
            )
        ).to_be_visible()
        assert FRAME_HOST in hosts
        assert set(hosts) == {urlsplit(base).netloc, FRAME_HOST}, hosts
    finally:
        reader.close()
