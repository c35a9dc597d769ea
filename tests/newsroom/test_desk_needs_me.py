"""The desk's "What needs me" list: the user's next jobs, in bounded queries."""

import pytest

from articles import services
from articles.models import Article
from tests import factories
from tests.factories import draft_by, in_state

pytestmark = pytest.mark.django_db
DESK = "/admin/desk/"
Status = Article.Status


def needs_me(client, user):
    client.force_login(user)
    response = client.get(DESK)
    assert response.status_code == 200
    return {
        entry["article"].title: [r["reason"] for r in entry["reasons"]]
        for entry in response.context["needs_me"]
    }, response.content.decode()


def section(html):
    start = html.index('id="needs-me"')
    return html[start : html.index("</section>", start)]


def test_editor_needs_to_review_the_submitted_and_publish_the_approved(
    client, editor, writer
):
    in_state(Status.IN_REVIEW, writer, title="Submitted piece")
    in_state(Status.APPROVED, writer, title="Approved piece")
    in_state(Status.DRAFT, writer, title="Someone's draft")
    in_state(Status.PUBLISHED, writer, title="Live piece")

    found, html = needs_me(client, editor)

    assert found == {
        "Submitted piece": ["Waiting for your review"],
        "Approved piece": ["Approved: publish or schedule it"],
    }
    assert "Submitted piece" in section(html)


def test_writer_needs_to_fix_requested_changes_with_the_comment(
    client, editor, writer, other_writer
):
    mine = in_state(Status.IN_REVIEW, writer, title="Mine, sent back")
    services.request_changes(mine, by=editor, comment="Cite the phone call.")
    theirs = in_state(Status.IN_REVIEW, other_writer, title="Theirs, sent back")
    services.request_changes(theirs, by=editor, comment="Not for you.")
    in_state(Status.IN_REVIEW, writer, title="Mine, in review")

    found, html = needs_me(client, writer)

    assert found == {"Mine, sent back": ["Changes requested"]}
    assert "Cite the phone call." in section(html)
    assert "Not for you." not in html


def test_a_resubmitted_article_no_longer_needs_the_writer(client, editor, writer):
    article = in_state(Status.IN_REVIEW, writer, title="Fixed piece")
    services.request_changes(article, by=editor, comment="Fix it.")
    services.submit_for_review(article, by=writer)
    found, _ = needs_me(client, writer)
    assert found == {}


def test_writer_needs_to_answer_unresolved_comments(client, editor, writer):
    article = draft_by(writer, title="Commented piece")
    services.add_comment(article, by=editor, text="Is the date firm?")
    answered = services.add_comment(article, by=editor, text="Old question")
    services.resolve_comment(answered, by=editor)

    found, html = needs_me(client, writer)

    assert found == {"Commented piece": ["1 unresolved comment"]}
    assert "Is the date firm?" in section(html)
    services.resolve_comment(article.comments.get(resolved_at=None), by=writer)
    assert needs_me(client, writer)[0] == {}


def test_nothing_waiting_says_so(client, writer):
    _, html = needs_me(client, writer)
    assert "Nothing waits on you right now." in section(html)


def fill(count, editor, writer):
    author = factories.make_author(user=writer)
    for i in range(count):
        sent_back = factories.make_article(
            published=False,
            kind=Article.Kind.FEATURE,
            created_by=writer,
            authors=[author],
        )
        services.submit_for_review(sent_back, by=writer)
        services.request_changes(sent_back, by=editor, comment=f"Fix {i}")
        services.add_comment(sent_back, by=editor, text=f"Note {i}")
        in_state(Status.IN_REVIEW, writer)
        in_state(Status.APPROVED, writer)


@pytest.mark.parametrize("count", [2, 12])
def test_writer_list_adds_no_query_whatever_the_number_of_articles(
    client, editor, writer, django_assert_num_queries, count
):
    fill(count, editor, writer)
    client.force_login(writer)
    # Session, user, two for permissions; my drafts with their bylines; my
    # (empty) published pieces; the author profile for the buttons. The list
    # is built from the rows "My drafts" already read.
    with django_assert_num_queries(7):
        response = client.get(DESK)
    assert len(response.context["needs_me"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_editor_list_adds_no_query_whatever_the_number_of_articles(
    client, editor, writer, django_assert_num_queries, count
):
    fill(count, editor, writer)
    client.force_login(editor)
    # The editor's desk as tests/newsroom/test_desk.py counts it, less the
    # empty sections' bylines; the list reuses the review and approved rows.
    with django_assert_num_queries(15):
        response = client.get(DESK)
    assert len(response.context["needs_me"]) == 2 * count


def test_writer_needs_to_make_the_correction_an_editor_opened(
    client, editor, writer
):
    live = in_state(Status.PUBLISHED, writer, title="Live piece")
    services.start_correction(live, by=editor, text="May, not June.")
    found, html = needs_me(client, writer)
    assert found == {"Live piece": ["Correction to make in this new version"]}
    assert "May, not June." in section(html)
