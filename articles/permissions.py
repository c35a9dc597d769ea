"""Who may do what to an article: the one place screens and services ask."""

from django.db.models import Q

from articles.models import Article, AuthorProfile, Image, Transition
from franchise.models import (
    Award,
    Character,
    Claim,
    Credit,
    Film,
    Person,
    Release,
    Song,
    Source,
)

Status = Article.Status
Action = Transition.Action

# Workflow permissions ---------------------------------------------------------

# Which states each transition may start from.
ALLOWED_FROM = {
    Action.SUBMIT: {Status.DRAFT},
    Action.REQUEST_CHANGES: {Status.IN_REVIEW, Status.APPROVED},
    Action.APPROVE: {Status.IN_REVIEW},
    Action.PUBLISH: {Status.APPROVED, Status.SCHEDULED},
    Action.SCHEDULE: {Status.APPROVED},
    Action.UNPUBLISH: {Status.PUBLISHED, Status.SCHEDULED},
    Action.RETRACT: {Status.PUBLISHED},
    Action.END_LIVE: {Status.PUBLISHED},
}
# A correction is appended to an article readers can see (or soon will).
CORRECTABLE = {Status.PUBLISHED, Status.SCHEDULED}


def is_editor(user):
    """Editors publish, approve and override; everyone else writes."""
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(article, user):
    """A writer's own article: they created it or carry its byline."""
    if article.created_by_id == user.pk:
        return True
    profile = getattr(user, "author_profile", None)
    if profile is None:
        return False
    # Read through bylines.all(): a page that prefetched them asks nothing more.
    return any(byline.author_id == profile.pk for byline in article.bylines.all())


def can_edit(article, user):
    """Editors edit everything; writers only their own drafts."""
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if article.deleted_at is not None:
        return False
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and is_own(article, user)


def can_work_on(article, user):
    """An editor, or a writer of this article: may submit, revise and share it."""
    return is_editor(user) or (
        user.is_active
        and user.has_perm("articles.change_article")
        and is_own(article, user)
    )


def can_comment(article, user):
    """Editors comment anywhere; writers on their own articles."""
    if not (user.is_active and user.has_perm("articles.add_editorialcomment")):
        return False
    return is_editor(user) or is_own(article, user)


def can_resolve_comment(comment, user):
    return is_editor(user) or is_own(comment.article, user)


def can_share(article, user):
    """Who may make or revoke a preview link for the article."""
    return is_editor(user) or is_own(article, user)


def can_post_live_update(article, user):
    """Editors post to any live blog; writers to the live blogs they are on.

    Only while the coverage runs, on the live article itself (not a working
    copy) and outside the trash.
    """
    if (
        not article.is_live_now
        or article.draft_of_id
        or article.deleted_at is not None
        or article.status == Status.RETRACTED
    ):
        return False
    if is_editor(user):
        return True
    return (
        user.is_active
        and user.has_perm("articles.add_liveupdate")
        and is_own(article, user)
    )


def can_change_live_update(update, user):
    """Editors change any update; writers their own, on a blog they are on."""
    if not can_post_live_update(update.article, user):
        return False
    return is_editor(user) or update.author_id == user.pk


def can_trash(user):
    """Moving to the trash and back is an editor's call."""
    return user.is_active and user.has_perm("articles.delete_article")


def may(action, article):
    """Whether the article's state lets ``action`` start from it.

    Nothing moves in the trash: an article is restored before it goes anywhere.
    """
    return article.deleted_at is None and article.status in ALLOWED_FROM[action]


# The editor's transitions, by the name the admin and the desk give their button.
EDITOR_ACTIONS = [
    ("approve", Action.APPROVE),
    ("request_changes", Action.REQUEST_CHANGES),
    ("publish_now", Action.PUBLISH),
    ("schedule", Action.SCHEDULE),
    ("unpublish", Action.UNPUBLISH),
    ("retract", Action.RETRACT),
]


def available_actions(article, user):
    """The actions this user may start on this article now, in button order.

    Every screen with buttons reads this list, so a button is shown exactly
    when its service would accept the user and the article's state.
    """
    if article.deleted_at:
        return ["restore"] if can_trash(user) else []
    editor = is_editor(user)
    own = can_work_on(article, user)
    names = []
    if own and may(Action.SUBMIT, article):
        names.append("submit_for_review")
    if editor:
        names += [name for name, action in EDITOR_ACTIONS if may(action, article)]
        if article.status in CORRECTABLE:
            names.append("add_correction")
        if (
            article.is_live_now
            and not article.draft_of_id
            and may(Action.END_LIVE, article)
        ):
            names.append("end_live_coverage")
    if own and article.status == Status.PUBLISHED and not article.draft_of_id:
        names.append("start_new_version")
    if can_trash(user):
        names.append("move_to_trash")
    return names


# ---------------------------------------------------------------------------
# What live articles show
#
# A published, scheduled or approved article shows its images, sources, quotes,
# claims, the films/people/songs of its fact block and links, those films'
# credits and its bylines' author profiles. Only editors change those rows; a
# writer changes what readers see through a new version an editor publishes.
# franchise/locks.py carries the rule to the knowledge base's admin (registered
# in ArticlesConfig.ready()).
# ---------------------------------------------------------------------------

# For each kind of row, the article lookups that reach it.
SHOWN_THROUGH = {
    Image: ["lead_image", "bylines__author__photo", "live_updates__image"],
    AuthorProfile: ["bylines__author"],
    Source: [
        "citations__source",
        "quotes__source",
        "claims__sources",
        "rated_claim__sources",
    ],
    Claim: ["claims", "rated_claim"],
    Film: ["films", "claims__film", "rated_claim__film"],
    Person: [
        "people",
        "quotes__speaker",
        "claims__person",
        "claims__value_person",
        "rated_claim__person",
        "films__credits__person",
        "citations__source__speaker",
        "quotes__source__speaker",
    ],
    Song: ["songs", "claims__song", "rated_claim__song"],
    Credit: ["films__credits", "claims__film__credits"],
    Character: ["films__credits__character"],
    Release: ["films__releases"],
    Award: ["songs__awards"],
}


def live_articles():
    """Articles whose content readers see or are about to: the QuerySet's
    published articles plus approved and scheduled ones (new versions included)."""
    return Article.objects.published() | Article.objects.not_trashed().filter(
        status__in=[Article.Status.APPROVED, Article.Status.SCHEDULED]
    )


def live_articles_showing(obj):
    """The live articles that show ``obj``; none for a row of another kind."""
    lookups = SHOWN_THROUGH.get(type(obj))
    if not lookups or obj.pk is None:
        return Article.objects.none()
    shows = Q()
    for lookup in lookups:
        shows |= Q(pk__in=Article.objects.filter(**{lookup: obj.pk}).values("pk"))
    return live_articles().filter(shows)


def shown_by(obj):
    """The headlines of the live articles showing ``obj`` (the lock's reasons)."""
    titles = (
        live_articles_showing(obj).order_by("title").values_list("title", flat=True)
    )
    return list(dict.fromkeys(titles))


def may_change_shown_rows(user):
    """Editors (who may publish) change what live articles show."""
    return user.has_perm("articles.publish_article")
