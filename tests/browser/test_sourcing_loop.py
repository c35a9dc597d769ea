"""An editor settles a dispute between the seed documents and corrects the coverage."""


import pytest
from django.core.management import call_command

from articles.models import Article, Correction, Transition
from franchise.models import Claim
from franchise.services import set_claim_status
from tests import factories
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_writer import PASSWORD, log_in
from tests.factories import squash

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so it must be committed.
    pytest.mark.django_db(transaction=True),
]

# The demo accounts' password, set by load_demo (newsroom/demo/articles.toml).
DEMO_PASSWORD = "newsroom-demo"
CONFIRMED = "Echoes of Us"
DENIED = "Echoes of Devotion"
REASON = "Netflix press release, 12 March: the sequel is Echoes of Us."
CORRECTION = (
    "An earlier version of this article gave the sequel's subtitle as Echoes of "
    "Devotion. Netflix has confirmed it is Echoes of Us."
)
OVERRIDE = "Quoting the old subtitle as a rumour we reported, on purpose."


def log_in_demo(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def dispute(page, heading):
    """The disputed-facts section whose heading reads ``heading``."""
    return page.locator("section.dispute").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def values_in(section):
    return sorted(squash(t) for t in section.locator("tbody th").all_inner_texts())


def test_editor_resolves_the_subtitle_dispute_and_corrects_the_coverage(
    live_server, page, browser, screenshot
):
    call_command("load_demo")
    base = live_server.url
    denied_claim = Claim.objects.get(value=DENIED)
    # The feature printed the subtitle; the demo's live blog repeats it as disputed.
    feature = Article.objects.published().get(
        claims=denied_claim, kind=Article.Kind.FEATURE
    )
    log_in_demo(page, base, "editor")

    # Disputed facts: every disagreement between the two seeds, side by side.
    page.get_by_role("link", name="Claims", exact=True).first.click()
    page.get_by_role("link", name="Disputed facts").click()
    page.wait_for_url("**/admin/franchise/claim/disputed/")
    expected = {
        "Purple Hearts 2 — subtitle": [DENIED, CONFIRMED],
        "Purple Hearts 2 — release window": ["2026", "summer 2027"],
        "Purple Hearts 2 — production status": [
            "in development (in the writers’ room)",
            "post-production (production wrapped)",
        ],
        "Purple Hearts — setting (Cassie’s music scene)": [
            "Austin’s underground scene",
            "small Oceanside bars",
        ],
    }
    headings = [squash(h) for h in page.locator("section.dispute h2").all_inner_texts()]
    for heading, values in expected.items():
        assert heading in headings, f"{heading!r} not among {headings}"
        assert values_in(dispute(page, heading)) == sorted(values)
    subtitle = dispute(page, "Purple Hearts 2 — subtitle")
    assert feature.title in subtitle.inner_text()
    screenshot(page, "sourcing-disputed-facts")

    # Confirm one value, with a reason; its competitor is denied.
    subtitle.get_by_role("link", name=f"Confirm this value: {CONFIRMED}").click()
    page.wait_for_url("**/admin/franchise/claim/disputed/*/confirm/")
    assert DENIED in page.locator("#content-main ul").first.inner_text()
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name=f"Confirm “{CONFIRMED}”").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Dispute resolved").count() == 1
    assert Claim.objects.get(value=CONFIRMED).status == Claim.Status.CONFIRMED
    denied_claim.refresh_from_db()
    assert denied_claim.status == Claim.Status.DENIED

    # The result page names the published article that told readers otherwise.
    denied = page.get_by_role("region", name=f"{DENIED} (now denied)")
    assert feature.title in denied.inner_text()
    screenshot(page, "sourcing-dispute-resolved")
    denied.locator("li", has_text=feature.title).get_by_role(
        "link", name="Add a correction"
    ).click()
    page.wait_for_url(f"**/admin/articles/article/{feature.pk}/change/#corrections")

    # The article is live, so the correction is a workflow action, not an edit.
    page.locator("#article-panel").get_by_role(
        "button", name="Correct this article"
    ).click()
    page.wait_for_load_state()
    page.select_option("#id_workflow-kind", label="Correction")
    page.fill("#id_workflow-text", CORRECTION)
    # The note alone, published at once (fixing the text would open a new
    # version: tests/browser/test_desk_a11y.py and test_corrections_versions.py).
    page.get_by_label("Note only", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Correct this article").click()
    assert "is published" in page.locator(".messagelist .success").inner_text()
    correction = Correction.objects.get(article=feature)
    assert (correction.kind, correction.text) == (
        Correction.Kind.CORRECTION,
        CORRECTION,
    )
    assert Transition.objects.filter(
        article=feature, action=Transition.Action.CORRECT
    ).exists()

    # A reader sees it on the article and on the corrections page.
    reader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        reader = reader_context.new_page()
        reader.set_default_timeout(TIMEOUT_MS)
        reader.goto(base + feature.get_absolute_url())
        corrections = reader.get_by_role("region", name="Corrections and updates")
        assert CORRECTION in squash(corrections.inner_text())
        assert "Correction" in corrections.inner_text()
        screenshot(reader, "sourcing-corrected-article")
        reader.goto(base + "/corrections/")
        text = squash(reader.locator("main").inner_text())
        assert CORRECTION in text
        assert feature.title in text
    finally:
        reader_context.close()


def test_publishing_an_article_asserting_a_denied_claim_needs_a_logged_override(
    live_server, page
):
    call_command("load_demo")
    base = live_server.url
    denied_claim = Claim.objects.get(value=DENIED)
    editor = factories.make_editor("sourcing-editor", password=PASSWORD)
    set_claim_status(denied_claim, Claim.Status.DENIED, by=editor, reason=REASON)
    article = factories.make_article(
        title="What we heard about the sequel's title",
        kind=Article.Kind.FEATURE,
        status=Article.Status.APPROVED,
        unconfirmed=True,
        published=False,
    )
    article.claims.add(denied_claim)
    log_in(page, base, editor.username)

    page.goto(base + f"/admin/articles/article/{article.pk}/change/")
    # The panel's button saves the (unchanged) form, then tries to publish.
    page.locator("#article-panel").get_by_role(
        "button", name="Save and publish"
    ).click()
    page.wait_for_load_state()
    # Refused with a clear reason, not a crash; nothing changed.
    assert "does not pass the publish checks" in page.locator("h1").inner_text()
    problems = [
        squash(p) for p in page.locator("#publish-problems li").all_inner_texts()
    ]
    assert problems == [f"The article asserts a denied claim: {denied_claim}."]
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED

    page.fill("#id_workflow-override_reason", OVERRIDE)
    with page.expect_navigation():
        page.get_by_role("button", name="Override the checks").click()
    success = page.locator(".messagelist .success").inner_text()
    assert "over the publish checks (reason logged)" in success
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    move = Transition.objects.get(article=article, action=Transition.Action.PUBLISH)
    assert (move.by, move.reason) == (editor, OVERRIDE)
    assert move.overridden_checks == problems

    # The audit trail admin shows who overrode what, and why.
    page.goto(base + "/admin/articles/transition/?action__exact=publish")
    row = page.locator("#result_list tbody tr").filter(has_text=article.title)
    assert row.count() == 1
    text = squash(row.inner_text())
    assert OVERRIDE in text
    assert "denied claim" in text
    assert editor.username in text


def test_add_a_correction_link_lands_on_the_corrections_of_the_article(
    live_server, page
):
    # The dispute result page links to the change page's "#corrections".
    editor = factories.make_editor("anchor-editor", password=PASSWORD)
    article = factories.make_article(title="A live story")
    log_in(page, live_server.url, editor.username)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    assert page.locator("#corrections").count() == 1, (
        "the change page has no element with id 'corrections' for the link to reach"
    )
