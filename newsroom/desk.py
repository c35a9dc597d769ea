"""The editors' desk, the writers' drafts and the editorial calendar (admin pages)."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.admin import ACTION_FIELD, ArticleAdmin
from articles.embargo import format_embargo
from articles.models import Article, Byline, EditorialComment, Transition
from articles.permissions import available_actions, is_editor
from franchise.models import Claim

Status = Article.Status
Action = Transition.Action
PENDING = [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED]
RECENT = dt.timedelta(days=7)


def _count(queryset):
    """A correlated COUNT(*) of ``queryset``, 0 when it is empty."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted.values("n")), 0)


def _latest_transition(field, **filters):
    """``field`` of the article's latest transition matching ``filters``."""
    latest = Transition.objects.filter(article_id=OuterRef("pk"), **filters).order_by(
        "-at", "-id"
    )
    return Subquery(latest.values(field)[:1])


def _rows(queryset):
    """What a desk row needs: bylines, creator, the live article of a copy."""
    return queryset.select_related(
        "created_by", "draft_of", "section"
    ).prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author"))
    )


def in_review():
    """Submitted articles, the longest waiting first."""
    submitted = _latest_transition("at", action=Action.SUBMIT)
    return _rows(
        Article.objects.in_review()
        .annotate(waiting_since=Coalesce(submitted, F("edited_at")))
        .order_by("waiting_since", "pk")
    )


def changes_requested():
    """Drafts an editor sent back, with the comment, most recent first."""
    rows = list(
        _rows(
            Article.objects.not_trashed()
            .filter(status=Status.DRAFT)
            .annotate(
                last_action=_latest_transition("action"),
                last_reason=_latest_transition("reason"),
                last_at=_latest_transition("at"),
            )
            .filter(last_action=Action.REQUEST_CHANGES)
            .order_by("-last_at", "-pk")
        )
    )
    for article in rows:
        article.feedback = article.last_reason
    return rows


def approved():
    """Approved articles waiting to be published or scheduled."""
    return _rows(
        Article.objects.not_trashed()
        .filter(status=Status.APPROVED)
        .order_by("edited_at", "pk")
    )


def scheduled(now):
    """Articles scheduled for a time still to come, soonest first.

    A live article under an embargo still to lift waits here too: readers
    see it from the embargo time on.
    """
    return _rows(
        Article.objects.not_trashed()
        .filter(
            Q(status=Status.SCHEDULED, published_at__gt=now)
            | Q(status__in=[Status.SCHEDULED, Status.PUBLISHED], embargo_until__gt=now)
        )
        .order_by("published_at", "pk")
    )


def recently_published(now):
    """Articles that went live in the last week, newest first."""
    return _rows(
        Article.objects.published()
        .filter(published_at__gte=now - RECENT)
        .order_by("-published_at", "-pk")
    )


def pending_articles():
    """Articles not yet published: drafts, in review, approved; not trashed."""
    return Article.objects.not_trashed().filter(status__in=PENDING)


def disputed_pending_claims():
    """Disputed claims that an unpublished article asserts, with those articles."""
    pending = pending_articles()
    asserted = Article.claims.through.objects.filter(
        claim_id=OuterRef("pk"), article__in=pending
    )
    return (
        Claim.objects.disputed()
        .filter(Exists(asserted))
        .annotate(competing=_count(Claim.objects.competing_with(OuterRef("pk"))))
        .select_related("film", "person", "song")
        .prefetch_related(
            Prefetch(
                "articles",
                queryset=pending.only(
                    "id", "title", "status", "draft_of_id", "embargo_until"
                ).order_by("title", "pk"),
                to_attr="pending_articles",
            )
        )
        .order_by("conflict_key", "pk")
    )


def own_articles(user):
    """Articles the user created or carries the byline of."""
    bylined = Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    return Article.objects.not_trashed().filter(Q(created_by=user) | Exists(bylined))


def my_drafts(user):
    """The user's unpublished pieces with the feedback on them."""
    unresolved = EditorialComment.objects.filter(
        article=OuterRef("pk"), resolved_at__isnull=True
    )
    latest_open = unresolved.order_by("-created_at", "-id").values("text")[:1]
    rows = list(
        _rows(
            own_articles(user)
            .filter(status__in=[*PENDING, Status.SCHEDULED])
            .annotate(
                last_request=_latest_transition(
                    "reason", action=Action.REQUEST_CHANGES
                ),
                last_move=_latest_transition(
                    "action", action__in=[*MOVES_THAT_HAND_OVER]
                ),
                open_comments=_count(unresolved),
                latest_open_comment=Subquery(latest_open),
            )
            .order_by("-edited_at", "-pk")
        )
    )
    for article in rows:
        article.feedback = article.last_request or ""
    return rows


# The moves after which an article is in someone else's hands, or back in ours.
MOVES_THAT_HAND_OVER = [
    Action.SUBMIT,
    Action.REQUEST_CHANGES,
    Action.APPROVE,
    Action.PUBLISH,
    Action.SCHEDULE,
    Action.UNPUBLISH,
]


def needs_me(user, *, drafts, review=(), ready=()):
    """What waits on this user, one row per article with every reason.

    For editors: articles in review and approved ones waiting to go out (the
    lists the desk already read). For the user's own pieces: changes an editor
    requested (with the comment) and comments nobody resolved yet. Built from
    rows already fetched, so it adds no query.
    """
    found = {}

    def add(article, reason, detail=""):
        entry = found.setdefault(article.pk, {"article": article, "reasons": []})
        entry["reasons"].append({"reason": reason, "detail": detail})

    for article in review:
        add(article, "Waiting for your review")
    for article in ready:
        add(article, "Approved: publish or schedule it")
    for article in drafts:
        if article.status == Status.DRAFT and article.pending_correction:
            add(
                article,
                "Correction to make in this new version",
                article.pending_correction.get("text", ""),
            )
        if (
            article.status == Status.DRAFT
            and article.last_move == Action.REQUEST_CHANGES
        ):
            add(article, "Changes requested", article.last_request or "")
        if article.open_comments:
            count = article.open_comments
            add(
                article,
                f"{count} unresolved comment{'s' if count != 1 else ''}",
                article.latest_open_comment or "",
            )
    return list(found.values())


def my_published(user, limit=10):
    """The user's latest published pieces."""
    return _rows(own_articles(user).published().order_by("-published_at", "-pk"))[
        :limit
    ]


def _check_access(request):
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied


def index(request):
    """The desk: the review queue for editors, their own drafts for everyone."""
    _check_access(request)
    now = timezone.now()
    user = request.user
    context = {
        **admin.site.each_context(request),
        "title": "Desk",
        "now": now,
        "is_editor": is_editor(user),
        "my_drafts": my_drafts(user),
        "my_published": my_published(user),
    }
    if context["is_editor"]:
        context.update(
            in_review=in_review(),
            changes_requested=changes_requested(),
            approved=approved(),
            scheduled=scheduled(now),
            recently_published=recently_published(now),
            disputed=disputed_pending_claims(),
        )
    context["action_field"] = ACTION_FIELD
    for name in ROW_LISTS:
        if name in context:
            context[name] = with_actions(context[name], user)
    context["needs_me"] = needs_me(
        user,
        drafts=context["my_drafts"],
        review=context.get("in_review", ()),
        ready=context.get("approved", ()),
    )
    return TemplateResponse(request, "admin/desk/index.html", context)


ROW_LISTS = [
    "in_review",
    "changes_requested",
    "approved",
    "scheduled",
    "recently_published",
    "my_drafts",
    "my_published",
]
# The desk offers the next step; the trash and its way back stay in the admin.
DESK_ACTIONS = {
    "submit_for_review",
    "approve",
    "request_changes",
    "publish_now",
    "schedule",
}


def with_actions(rows, user):
    """The rows, each with the (action, label) pairs the user may start from here.

    The same ``available_actions`` as the article form's buttons, so the desk
    never offers what the service would refuse.
    """
    rows = list(rows)
    for article in rows:
        article.actions = [
            (name, getattr(ArticleAdmin, name).short_description)
            for name in available_actions(article, user)
            if name in DESK_ACTIONS
        ]
    return rows


# --- Calendar ---

VIEWS = {"week", "month"}
WEEKDAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _month_start(day):
    return day.replace(day=1)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def calendar_range(view, day):
    """First and last day shown, Monday to Sunday."""
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    first = _month_start(day)
    last = _add_months(first, 1) - dt.timedelta(days=1)
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=6 - last.weekday())
    return start, end


def calendar_entries(start, end, now, tz):
    """(day, entry) pairs for the pieces planned, scheduled or published in range."""
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    planned = Q(status__in=PENDING, planned_for__range=(start, end))
    timed = Q(
        status__in=[Status.SCHEDULED, Status.PUBLISHED],
        published_at__gte=since,
        published_at__lt=until,
    )
    # A live or scheduled piece under embargo shows on the day readers get it.
    embargoed = Q(
        status__in=[Status.SCHEDULED, Status.PUBLISHED],
        embargo_until__gt=now,
        embargo_until__gte=since,
        embargo_until__lt=until,
    )
    articles = (
        Article.objects.not_trashed()
        .filter(planned | timed | embargoed)
        .only(
            "id",
            "title",
            "status",
            "draft_of_id",
            "planned_for",
            "published_at",
            "embargo_until",
        )
        .order_by("published_at", "title", "pk")
    )
    for article in articles:
        entry = {"article": article, "time": None, "embargo": ""}
        if article.is_embargoed:
            entry["embargo"] = f"embargoed until {format_embargo(article.embargo_until)}"
        if article.status in PENDING:
            day = article.planned_for
            entry["state"] = f"planned, {article.get_status_display()}"
        else:
            out = article.published_at
            if article.is_embargoed and article.embargo_until > out:
                out = article.embargo_until  # readers see it then, not before
            local = timezone.localtime(out, tz)
            day = local.date()
            entry["time"] = f"{local:%H:%M}"
            live = article.status == Status.PUBLISHED or article.published_at <= now
            entry["state"] = "published" if live else "scheduled"
            if article.is_embargoed:
                entry["state"] = "embargoed"
        if article.draft_of_id:
            entry["state"] = f"new version, {entry['state']}"
        yield day, entry


def _parse(request, today):
    """The view and day asked for; today's week with a message when unreadable."""
    view = request.GET.get("view", "week")
    raw_date = request.GET.get("date")
    problems = []
    if view not in VIEWS:
        problems.append(f"“{view}” is not a calendar view; choose week or month.")
    day = today
    if raw_date:
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            problems.append(f"“{raw_date}” is not a date written as YYYY-MM-DD.")
        else:
            if not dt.date(1000, 1, 1) <= day <= dt.date(9000, 12, 31):
                problems.append(f"{raw_date} is too far from today to show.")
    if problems:
        for problem in problems:
            messages.error(request, f"{problem} Showing this week instead.")
        return "week", today
    return view, day


def _calendar_url(view, day):
    return (
        reverse("desk:calendar")
        + "?"
        + urlencode({"view": view, "date": day.isoformat()})
    )


def calendar(request):
    """Planned, scheduled and published pieces on a week or month grid."""
    _check_access(request)
    tz = _tz()
    now = timezone.now()
    today = timezone.localtime(now, tz).date()
    view, day = _parse(request, today)
    start, end = calendar_range(view, day)
    by_day = {}
    for entry_day, entry in calendar_entries(start, end, now, tz):
        by_day.setdefault(entry_day, []).append(entry)
    weeks = []
    for offset in range(0, (end - start).days + 1, 7):
        monday = start + dt.timedelta(days=offset)
        week = []
        for i in range(7):
            cell_day = monday + dt.timedelta(days=i)
            week.append(
                {
                    "day": cell_day,
                    "today": cell_day == today,
                    "outside": view == "month" and cell_day.month != day.month,
                    "entries": by_day.get(cell_day, []),
                }
            )
        weeks.append({"monday": monday, "days": week})
    if view == "week":
        previous, following = day - dt.timedelta(days=7), day + dt.timedelta(days=7)
        heading = f"Week of {start.day} {start:%B %Y}"
    else:
        previous, following = _add_months(day, -1), _add_months(day, 1)
        heading = f"{day:%B %Y}"
    context = {
        **admin.site.each_context(request),
        "title": "Editorial calendar",
        "heading": heading,
        "view": view,
        "weeks": weeks,
        "weekdays": WEEKDAYS,
        "time_zone": settings.TIME_ZONE,
        "previous_url": _calendar_url(view, previous),
        "next_url": _calendar_url(view, following),
        "today_url": _calendar_url(view, today),
        "week_url": _calendar_url("week", day),
        "month_url": _calendar_url("month", day),
    }
    return TemplateResponse(request, "admin/desk/calendar.html", context)
