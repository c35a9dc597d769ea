"""A writer drafts an article in the admin with Chromium, as a person would."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from articles.models import Article, Image
from tests import factories

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-known-pass-word-42"
# The editable area; the menubar's pickers also carry the ProseMirror class.
BODY_EDITOR = ".prose-editor .ProseMirror[contenteditable=true]"


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def choose(page, field_id, text):
    """Pick a related object in a plain select or an admin autocomplete (select2).

    In the autocomplete, the list to pick from is the one answering the typed
    term: opening the box first lists everything, and under load that earlier
    answer can still be on screen (and then be replaced) when the click lands.
    A click that did not take is retried with the box reopened.
    """
    select = page.locator(f"select#{field_id}")
    if "admin-autocomplete" not in (select.get_attribute("class") or ""):
        select.select_option(label=text)
        return
    checked = page.locator(f"select#{field_id} option:checked")
    for _attempt in range(3):
        page.locator(f"#{field_id} + .select2-container").click()
        search = page.locator(".select2-container--open .select2-search__field")
        try:
            with page.expect_response(
                lambda response: is_autocomplete_answer(response, text),
                timeout=20_000,
            ):
                search.fill(text)
        except PlaywrightTimeoutError:
            pass  # the same term as before sends no request; pick from the list
        # Only a finished result counts: not "Searching…", not a stale list.
        page.locator(
            ".select2-container--open .select2-results__option[role=option]"
            ":not(.loading-results)",
            has_text=text,
        ).first.click()
        try:
            # The pick is made when the underlying <select> holds it.
            expect(checked).to_have_text(text, timeout=5_000)
            return
        except AssertionError:
            if page.locator(".select2-container--open").count():
                page.keyboard.press("Escape")
    expect(checked).to_have_text(text)


def is_autocomplete_answer(response, term):
    url = urlsplit(response.url)
    query = parse_qs(url.query)
    return url.path.endswith("/autocomplete/") and query.get("term") == [term]


def add_inline_row(page, prefix):
    """The id prefix of a new inline row, adding one when there is no empty row."""
    total = int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))
    initial = int(page.input_value(f"#id_{prefix}-INITIAL_FORMS"))
    if total == initial:
        page.locator(f"#{prefix}-group .add-row a").click()
    return f"id_{prefix}-{initial}"


def assert_no_form_errors(page):
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, f"the admin refused the form: {errors}"


def png_file(tmp_path):
    path = tmp_path / "lead.png"
    path.write_bytes(factories.image_bytes("PNG", size=(1600, 900)))
    return path


def test_writer_drafts_article_with_citation_quote_and_lead_image(
    live_server, page, screenshot, tmp_path
):
    writer = factories.make_writer("browser-writer", password=PASSWORD)
    factories.make_section(name="Films", slug="films-news")
    factories.make_source(title="Sofia Carson interview with PulseBeat")
    factories.make_person(name="Sofia Carson")
    base = live_server.url
    log_in(page, base, writer.username)

    # The lead image goes into the library first, with its alt text and credit.
    page.goto(base + "/admin/articles/image/add/")
    page.set_input_files("#id_file", png_file(tmp_path))
    page.fill("#id_title", "Rooftop still")
    page.fill("#id_alt_text", "Two people on an Austin rooftop at sunset")
    page.fill("#id_credit", "Jane Doe / Netflix")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    assert Image.objects.filter(title="Rooftop still").exists()

    page.goto(base + "/admin/")
    page.get_by_role("link", name="Articles", exact=True).click()
    page.get_by_role("link", name="Add article").click()
    page.wait_for_url("**/admin/articles/article/add/")
    page.fill("#id_title", "Sequel confirmed")
    page.locator(BODY_EDITOR).click()
    page.keyboard.type("Filming starts in the spring.")
    choose(page, "id_section", "Films")
    choose(page, "id_lead_image", "Rooftop still")

    row = add_inline_row(page, "citations")
    choose(page, f"{row}-source", "Sofia Carson interview with PulseBeat")
    page.fill(f"#{row}-supports", "the sequel")

    row = add_inline_row(page, "quotes")
    choose(page, f"{row}-speaker", "Sofia Carson")
    page.fill(f"#{row}-words", "Yes, Purple Hearts 2 is happening.")
    choose(page, f"{row}-source", "Sofia Carson interview with PulseBeat")
    screenshot(page, "admin-article-form")

    page.click("#article-panel [name=_continue]")
    page.wait_for_load_state()
    assert_no_form_errors(page)
    page.wait_for_url("**/admin/articles/article/*/change/**")
    assert page.input_value("#id_title") == "Sequel confirmed"
    assert "Filming starts in the spring." in page.locator(BODY_EDITOR).inner_text()
    assert page.input_value("#id_citations-0-supports") == "the sequel"
    assert (
        page.input_value("#id_quotes-0-words") == "Yes, Purple Hearts 2 is happening."
    )

    article = Article.objects.get(title="Sequel confirmed")
    assert article.status == Article.Status.DRAFT
    assert article.section.name == "Films"
    assert article.lead_image.title == "Rooftop still"
    assert article.body == "<p>Filming starts in the spring.</p>"
    citation = article.citations.get()
    assert citation.source.title == "Sofia Carson interview with PulseBeat"
    quote = article.quotes.get()
    assert (quote.speaker.name, quote.words) == (
        "Sofia Carson",
        "Yes, Purple Hearts 2 is happening.",
    )
    assert quote.source == citation.source
