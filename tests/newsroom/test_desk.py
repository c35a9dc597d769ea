"""The editors' desk, the writers' drafts and the editorial calendar."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.admin import ACTION_FIELD
from articles.models import Article, EditorialComment
from franchise.models import Claim
from tests import factories
from tests.factories import change_url

pytestmark = pytest.mark.django_db

DESK = "/admin/desk/"
CALENDAR = "/admin/desk/calendar/"
Status = Article.Status


def day_cell(html, day):
    """The HTML of one calendar day cell."""
    start = html.index(f'id="day-{day}"')
    return html[start : html.index("</td>", start)]


def draft(**kw):
    kw.setdefault("kind", Article.Kind.FEATURE)
    return factories.make_article(published=False, **kw)


def get(client, user, url=DESK, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_desk_urls_are_named():
    assert reverse("desk:index") == DESK
    assert reverse("desk:calendar") == CALENDAR


@pytest.mark.parametrize("url", [DESK, CALENDAR])
def test_non_staff_user_is_sent_to_login(client, reader, url):
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [DESK, CALENDAR])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [DESK, CALENDAR])
def test_staff_without_article_view_permission_is_refused(client, url):
    user = factories.make_user(is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_admin_index_links_to_the_desk(client, writer):
    html = get(client, writer, "/admin/")
    assert f'href="{DESK}"' in html
    assert f'href="{CALENDAR}"' in html


# --- The editors' desk ---


def test_in_review_lists_oldest_submission_first_with_writers(client, editor, writer):
    author = factories.make_author(display_name="Jo Writer", user=writer)
    older = draft(title="Older piece", created_by=writer, authors=[author])
    newer = draft(title="Newer piece", created_by=writer)
    services.submit_for_review(older, by=writer)
    services.submit_for_review(newer, by=editor)
    html = factories.html_section(get(client, editor), "in-review")
    assert html.index("Older piece") < html.index("Newer piece")
    assert "Jo Writer" in html
    assert f'href="{change_url(older)}"' in html
    assert "In review (2)" in html


def test_in_review_marks_a_working_copy_of_a_live_article(client, editor):
    live = factories.make_article(title="Live story", kind=Article.Kind.FEATURE)
    copy = services.start_new_version(live, by=editor)
    services.submit_for_review(copy, by=editor)
    html = factories.html_section(get(client, editor), "in-review")
    assert f'href="{change_url(copy)}"' in html
    assert "new version of a live article" in html


def test_in_review_leaves_out_trashed_articles(client, editor):
    article = draft(title="Binned", status=Status.IN_REVIEW)
    services.trash(article, by=editor)
    assert "Binned" not in factories.html_section(get(client, editor), "in-review")


def test_changes_requested_shows_the_editors_comment(client, editor, writer):
    article = draft(title="Needs work", created_by=writer)
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Check the release date.")
    draft(title="Untouched draft")
    html = factories.html_section(get(client, editor), "changes-requested")
    assert "Needs work" in html
    assert "Check the release date." in html
    assert "Untouched draft" not in html


def test_changes_requested_forgets_an_article_once_resubmitted(client, editor, writer):
    article = draft(title="Fixed piece", created_by=writer)
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Fix it.")
    services.submit_for_review(article, by=writer)
    html = get(client, editor)
    assert "Fixed piece" not in factories.html_section(html, "changes-requested")
    assert "Fixed piece" in factories.html_section(html, "in-review")


def test_changes_requested_on_a_working_copy_shows_the_comment(client, editor):
    live = factories.make_article(title="Live story", kind=Article.Kind.FEATURE)
    copy = services.start_new_version(live, by=editor)
    services.submit_for_review(copy, by=editor)
    services.request_changes(copy, by=editor, comment="Shorter headline.")
    html = factories.html_section(get(client, editor), "changes-requested")
    assert f'href="{change_url(copy)}"' in html
    assert "Shorter headline." in html
    assert "[new version]" not in html


def test_approved_lists_articles_ready_to_publish(client, editor):
    article = draft(title="Ready piece")
    services.submit_for_review(article, by=editor)
    services.approve(article, by=editor)
    draft(title="Still drafting")
    html = factories.html_section(get(client, editor), "approved")
    assert "Ready piece" in html
    assert "Still drafting" not in html


def test_scheduled_lists_soonest_first_with_times(client, editor, settings):
    settings.TIME_ZONE = "Europe/Paris"
    sooner = dt.datetime(2099, 1, 2, 9, 30, tzinfo=dt.UTC)
    later = dt.datetime(2099, 1, 5, 9, 30, tzinfo=dt.UTC)
    factories.make_article(
        title="Later one", status=Status.SCHEDULED, published_at=later
    )
    factories.make_article(
        title="Sooner one", status=Status.SCHEDULED, published_at=sooner
    )
    html = factories.html_section(get(client, editor), "scheduled")
    assert html.index("Sooner one") < html.index("Later one")
    # 09:30 UTC is 10:30 in Paris in January.
    assert "Fri 2 Jan 2099, 10:30" in html


def test_recently_published_covers_the_last_seven_days(client, editor):
    now = timezone.now()
    factories.make_article(title="Fresh", published_at=now - dt.timedelta(days=2))
    factories.make_article(title="Stale", published_at=now - dt.timedelta(days=9))
    html = factories.html_section(get(client, editor), "recently-published")
    assert "Fresh" in html
    assert "Stale" not in html


def disputed_pair():
    film = factories.make_film(title="Purple Hearts 2")
    first = factories.make_claim(film, property=Claim.Property.SUBTITLE, value="Again")
    second = factories.make_claim(film, property=Claim.Property.SUBTITLE, value="Home")
    return first, second


def test_disputed_facts_lists_a_dispute_asserted_by_a_pending_article(client, editor):
    first, second = disputed_pair()
    article = draft(title="Pending rumour piece")
    article.claims.add(first)
    html = factories.html_section(get(client, editor), "disputed")
    assert "Again" in html
    assert "Home" not in html  # no pending article asserts the other value
    assert "1 competing value" in html
    assert "Pending rumour piece" in html
    assert f'href="{change_url(article)}"' in html
    assert reverse("admin:franchise_claim_change", args=[first.pk]) in html
    assert reverse("admin:franchise_claim_disputed") in html


def test_disputed_facts_ignores_disputes_only_published_articles_assert(client, editor):
    first, _second = disputed_pair()
    factories.make_article(title="Live piece").claims.add(first)
    trashed = draft(title="Binned piece")
    trashed.claims.add(first)
    services.trash(trashed, by=editor)
    html = factories.html_section(get(client, editor), "disputed")
    assert "Again" not in html
    assert "No pending article asserts a disputed fact." in html


def test_disputed_facts_ignores_undisputed_claims(client, editor):
    claim = factories.make_claim(value="Undisputed subtitle")
    draft().claims.add(claim)
    assert "Undisputed subtitle" not in factories.html_section(get(client, editor), "disputed")


def test_disputed_facts_lists_only_pending_articles_for_the_claim(client, editor):
    first, _second = disputed_pair()
    draft(title="Pending one").claims.add(first)
    factories.make_article(title="Published one").claims.add(first)
    html = factories.html_section(get(client, editor), "disputed")
    assert "Pending one" in html
    assert "Published one" not in html


# --- The writers' view ---


def test_writer_sees_only_their_own_drafts(client, writer, other_writer):
    bylined = factories.make_author(user=writer)
    draft(title="Created by me", created_by=writer)
    draft(title="Bylined to me", authors=[bylined])
    draft(title="Someone else's", created_by=other_writer)
    html = get(client, writer)
    mine = factories.html_section(html, "my-drafts")
    assert "Created by me" in mine
    assert "Bylined to me" in mine
    assert "Someone else's" not in html


def test_writer_does_not_see_the_editors_sections(client, writer, other_writer):
    article = draft(title="Other writer's submission", created_by=other_writer)
    services.submit_for_review(article, by=other_writer)
    html = get(client, writer)
    assert 'id="in-review"' not in html
    assert 'id="disputed"' not in html
    assert "Other writer's submission" not in html


def test_writer_sees_status_and_feedback_on_their_drafts(client, editor, writer):
    article = draft(title="My piece", created_by=writer)
    services.submit_for_review(article, by=writer)
    services.request_changes(article, by=editor, comment="Name the source.")
    services.add_comment(article, by=editor, text="First note")
    resolved = services.add_comment(article, by=editor, text="Second note")
    services.add_comment(article, by=writer, text="Third note")
    services.resolve_comment(resolved, by=writer)
    html = factories.html_section(get(client, writer), "my-drafts")
    assert "Name the source." in html
    assert "<td>draft</td>" in html
    assert "<td>2</td>" in html
    assert EditorialComment.objects.filter(resolved_at__isnull=True).count() == 2


def test_writer_sees_their_recently_published_pieces(client, writer, other_writer):
    factories.make_article(title="My live piece", created_by=writer)
    factories.make_article(title="Their live piece", created_by=other_writer)
    html = factories.html_section(get(client, writer), "my-published")
    assert "My live piece" in html
    assert "Their live piece" not in html


def test_published_pieces_are_not_drafts(client, writer):
    factories.make_article(title="Already out", created_by=writer)
    assert "Already out" not in factories.html_section(get(client, writer), "my-drafts")


# --- Query counts ---


def fill_desk(count, editor, writer):
    author = factories.make_author(user=writer)
    first, second = disputed_pair()
    now = timezone.now()
    for i in range(count):
        submitted = draft(created_by=writer, authors=[author, factories.make_author()])
        services.submit_for_review(submitted, by=writer)
        sent_back = draft(created_by=writer, authors=[author])
        sent_back.claims.add(first if i % 2 else second)
        services.submit_for_review(sent_back, by=writer)
        services.request_changes(sent_back, by=editor, comment=f"Fix {i}")
        services.add_comment(sent_back, by=editor, text="Note")
        approved = draft(authors=[author])
        services.submit_for_review(approved, by=editor)
        services.approve(approved, by=editor)
        approved.claims.add(first)
        factories.make_article(
            status=Status.SCHEDULED,
            published_at=now + dt.timedelta(days=i + 1),
            authors=[author],
        )
        factories.make_article(
            published_at=now - dt.timedelta(hours=i + 1), authors=[author]
        )
        factories.make_claim(property=Claim.Property.DIRECTOR, value=f"Director {i}")


@pytest.mark.parametrize("count", [2, 20])
def test_editor_desk_runs_a_constant_number_of_queries(
    client, editor, writer, django_assert_num_queries, count
):
    fill_desk(count, editor, writer)
    client.force_login(editor)
    # Session, user, two for permissions; then each section's rows and their
    # bylines (disputed facts: claims and their pending articles), 2 x 6; my
    # drafts and my published pieces, empty for this editor, 1 each.
    with django_assert_num_queries(18):
        response = client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"In review ({count})" in html
    assert f"Changes requested ({count})" in html
    assert "Disputed facts touched by pending articles (2)" in html


@pytest.mark.parametrize("count", [2, 20])
def test_writer_desk_runs_a_constant_number_of_queries(
    client, editor, writer, django_assert_num_queries, count
):
    fill_desk(count, editor, writer)
    client.force_login(writer)
    # Session, user, two for permissions; my drafts and my published pieces,
    # each with their bylines; the writer's author profile, for the buttons.
    with django_assert_num_queries(9):
        response = client.get(DESK)
    assert response.status_code == 200
    assert f"My drafts ({count * 4})" in response.content.decode()


# --- The calendar ---

WEEK_OF = "2024-03-06"  # a Wednesday; its week runs 4 to 10 March 2024


def test_calendar_places_planned_scheduled_and_published_items(
    client, editor, settings
):
    settings.TIME_ZONE = "UTC"
    draft(title="Planned piece", planned_for=dt.date(2024, 3, 5))
    factories.make_article(
        title="Published piece",
        published_at=dt.datetime(2024, 3, 8, 14, 15, tzinfo=dt.UTC),
    )
    future = timezone.now() + dt.timedelta(days=30)
    factories.make_article(
        title="Scheduled piece", status=Status.SCHEDULED, published_at=future
    )
    week = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    assert "Planned piece" in day_cell(week, "2024-03-05")
    assert "planned, draft" in day_cell(week, "2024-03-05")
    assert "Published piece" in day_cell(week, "2024-03-08")
    assert "published 14:15" in day_cell(week, "2024-03-08")
    assert "Scheduled piece" not in week
    later = get(client, editor, CALENDAR, view="week", date=future.date().isoformat())
    cell = day_cell(later, future.date().isoformat())
    assert "Scheduled piece" in cell
    assert f"scheduled {future:%H:%M}" in cell


def test_calendar_week_view_has_seven_days_monday_first(client, editor):
    html = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    days = re.findall(r'id="day-([\d-]+)"', html)
    assert days == [f"2024-03-{d:02}" for d in range(4, 11)]
    table = html[html.index('<table class="calendar') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="col">') == 7
    assert '<th scope="col">Monday</th>' in html


def test_calendar_month_view_is_a_grid_of_whole_weeks(client, editor):
    draft(title="Month planned", planned_for=dt.date(2024, 3, 31))
    factories.make_article(
        title="Month published",
        published_at=dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC),
    )
    html = get(client, editor, CALENDAR, view="month", date=WEEK_OF)
    days = re.findall(r'id="day-([\d-]+)"', html)
    # March 2024 starts on a Friday and ends on a Sunday.
    assert days[0] == "2024-02-26"
    assert days[-1] == "2024-03-31"
    assert len(days) == 35
    table = html[html.index('<table class="calendar') :]
    table = table[: table.index("</table>")]
    assert table.count('<th scope="row">') == 5
    assert "Month planned" in day_cell(html, "2024-03-31")
    assert "Month published" in day_cell(html, "2024-03-01")


def test_calendar_navigation_moves_by_week_or_month(client, editor):
    week = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    assert "view=week&amp;date=2024-02-28" in week
    assert "view=week&amp;date=2024-03-13" in week
    month = get(client, editor, CALENDAR, view="month", date="2024-01-31")
    assert "view=month&amp;date=2023-12-01" in month
    assert "view=month&amp;date=2024-02-01" in month


def test_calendar_highlights_today(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    today = timezone.localdate()
    html = get(client, editor, CALENDAR)
    cell = day_cell(html, today.isoformat())
    assert 'class="today"' in cell
    assert 'aria-current="date"' in cell
    assert "(today)" in cell
    assert html.count("(today)") == 1


def test_calendar_uses_the_site_time_zone(client, editor, settings):
    settings.TIME_ZONE = "America/New_York"
    # 02:00 UTC on 6 March is 21:00 on 5 March in New York.
    factories.make_article(
        title="Late evening piece",
        published_at=dt.datetime(2024, 3, 6, 2, 0, tzinfo=dt.UTC),
    )
    html = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    cell = day_cell(html, "2024-03-05")
    assert "Late evening piece" in cell
    assert "published 21:00" in cell
    assert "America/New_York" in html


def test_calendar_labels_working_copies_as_new_versions(client, editor):
    live = factories.make_article(
        title="Live story",
        kind=Article.Kind.FEATURE,
        planned_for=dt.date(2024, 3, 7),
        published_at=dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC),
    )
    copy = services.start_new_version(live, by=editor)
    html = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    cell = day_cell(html, "2024-03-07")
    assert "new version, planned, draft" in cell
    assert f'href="{change_url(copy)}"' in cell
    assert f'href="{change_url(live)}"' in day_cell(html, "2024-03-04")


def test_calendar_leaves_out_trashed_articles(client, editor):
    article = draft(title="Binned plan", planned_for=dt.date(2024, 3, 5))
    services.trash(article, by=editor)
    html = get(client, editor, CALENDAR, view="week", date=WEEK_OF)
    assert "Binned plan" not in html


def test_calendar_items_link_to_their_admin_page(client, writer):
    article = draft(title="Linked plan", planned_for=dt.date(2024, 3, 5))
    html = get(client, writer, CALENDAR, view="week", date=WEEK_OF)
    assert f'href="{change_url(article)}"' in day_cell(html, "2024-03-05")


@pytest.mark.parametrize(
    "params",
    [
        {"view": "year"},
        {"date": "yesterday"},
        {"date": "2024-02-30"},
        {"date": "0001-01-01", "view": "month"},
        {"date": "9999-12-31", "view": "month"},
    ],
)
def test_calendar_bad_parameters_show_a_message_and_this_week(
    client, editor, settings, params
):
    settings.TIME_ZONE = "UTC"
    html = get(client, editor, CALENDAR, **params)
    assert "Showing this week instead." in html
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    assert re.findall(r'id="day-([\d-]+)"', html)[0] == monday.isoformat()
    assert len(re.findall(r'id="day-([\d-]+)"', html)) == 7


@pytest.mark.parametrize("count", [2, 20])
def test_calendar_runs_a_constant_number_of_queries(
    client, editor, django_assert_num_queries, count
):
    for i in range(count):
        draft(planned_for=dt.date(2024, 3, 4 + i % 7))
        factories.make_article(
            published_at=dt.datetime(2024, 3, 4 + i % 7, 9, tzinfo=dt.UTC)
        )
    client.force_login(editor)
    # Session, user, two for permissions, one for every article shown.
    with django_assert_num_queries(5):
        response = client.get(CALENDAR, {"view": "month", "date": WEEK_OF})
    assert response.content.decode().count("published 09:00") == count


def test_calendar_grants_nothing_without_the_view_permission(client, writer):
    writer.groups.clear()
    writer.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(writer)
    assert client.get(CALENDAR).status_code == 403


def test_calendar_escapes_a_hostile_date(client, editor):
    html = get(client, editor, CALENDAR, date="<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


# --- The desk's buttons: the article form's, from available_actions ---


def desk_buttons(client, user, article):
    """The (action, label) pairs the desk offers the user on the article's row."""
    client.force_login(user)
    response = client.get(DESK)
    assert response.status_code == 200
    rows = [
        row
        for name in ("my_drafts", "in_review", "approved")
        for row in response.context.get(name, [])
        if row.pk == article.pk
    ]
    return [name for row in rows[:1] for name, _ in row.actions]


def test_the_desk_offers_a_writer_only_the_submit_their_draft_allows(
    client, writer, editor
):
    article = draft(created_by=writer, authors=[factories.make_author(user=writer)])
    assert desk_buttons(client, writer, article) == ["submit_for_review"]
    html = client.get(DESK).content.decode()
    assert ">Submit for review</button>" in html
    assert ">Approve</button>" not in html


def test_the_desk_offers_an_editor_the_review_steps(client, writer, editor):
    article = draft(created_by=writer)
    services.submit_for_review(article, by=writer)
    assert desk_buttons(client, editor, article) == [
        "approve",
        "request_changes",
    ]


def test_a_desk_button_does_what_it_says(client, writer):
    article = draft(created_by=writer)
    client.force_login(writer)
    html = client.get(DESK).content.decode()
    action = f'action="{change_url(article)}"'
    assert action in html
    response = client.post(
        change_url(article),
        {ACTION_FIELD: "submit_for_review", "_selected_action": str(article.pk)},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
