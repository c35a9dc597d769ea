"""Editorial transitions: every change of an article's state goes through here.

Each transition checks the actor's permission (``articles.permissions``) and the
article's state, runs the publish checks (``articles.checks``) where it must,
changes the row, writes the audit entry and tells the people concerned, in one
transaction. Admin buttons, bulk actions, the demo loader and commands all call
these functions.
"""

import logging

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import checks, notify, revisions
from articles.models import Article, Transition
from articles.permissions import (
    CORRECTABLE,
    can_comment,
    can_resolve_comment,
    can_trash,
    can_work_on,
    is_editor,
    may,
)

Status = Article.Status
Action = Transition.Action
logger = logging.getLogger(__name__)


def _lock(article):
    # Re-read the row under a lock so two editors cannot move it at once.
    return Article.objects.select_for_update().get(pk=article.pk)


def _checked(article, by, override_reason):
    """Run the publish checks once; an editor may override them with a reason.

    Returns the overridden problems (none when the article passes).
    """
    try:
        checks.check_publishable(article)
    except checks.PublishBlocked as blocked:
        if not override_reason.strip():
            raise
        if not is_editor(by):
            raise PermissionDenied("Only editors can override publish checks.") from None
        return blocked.problems
    return []


def _not_before_embargo(article, at):
    """Refuse to put an article before readers ahead of its embargo."""
    if article.embargo_until is not None and at < article.embargo_until:
        from articles.embargo import format_embargo

        when = format_embargo(article.embargo_until)
        zone = timezone.get_current_timezone_name()
        raise ValidationError(
            f"This article is embargoed until {when} ({zone}): it cannot go out "
            f"before then. Schedule it for {when} or later.",
            code="embargoed",
        )


def _not_trashed(article):
    if article.deleted_at is not None:
        raise ValidationError(
            f"“{article.title}” is in the trash; restore it first."
        )


def _check_state(article, action):
    _not_trashed(article)
    if not may(action, article):
        raise ValidationError(
            f"“{article.title}” is {article.get_status_display()}; "
            f"it cannot be {Action(action).label} from that state."
        )


def _record(article, action, from_status, by, reason="", overridden=()):
    return Transition.objects.create(
        article=article,
        on_new_version=bool(article.draft_of_id),
        action=action,
        from_status=from_status,
        to_status=article.status,
        by=by,
        reason=reason,
        overridden_checks=list(overridden),
    )


def _move(article, action, to_status, by, reason="", overridden=()):
    from_status = article.status
    article.status = to_status
    article.save(update_fields=["status", "edited_at"])
    return _record(article, action, from_status, by, reason, overridden)


@transaction.atomic
def submit_for_review(article, *, by):
    """A writer (or editor) sends a draft to the editors."""
    article = _lock(article)
    if not can_work_on(article, by):
        raise PermissionDenied("Only the article's writers or an editor can submit it.")
    _check_state(article, Action.SUBMIT)
    _move(article, Action.SUBMIT, Status.IN_REVIEW, by)
    notify.submitted(article, by)
    return article


@transaction.atomic
def request_changes(article, *, by, comment):
    """An editor sends an article back to its writer with a comment."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can request changes.")
    if not comment.strip():
        raise ValidationError("Say what needs to change: the comment is required.")
    article = _lock(article)
    _check_state(article, Action.REQUEST_CHANGES)
    _move(article, Action.REQUEST_CHANGES, Status.DRAFT, by, comment.strip())
    notify.changes_requested(article, by, comment.strip())
    return article


@transaction.atomic
def approve(article, *, by, reason="", override_reason=""):
    """An editor approves an article in review, ready to publish or schedule."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can approve.")
    article = _lock(article)
    _check_state(article, Action.APPROVE)
    overridden = _checked(article, by, override_reason)
    _move(
        article,
        Action.APPROVE,
        Status.APPROVED,
        by,
        override_reason.strip() if overridden else reason,
        overridden,
    )
    notify.approved(article, by)
    return article


@transaction.atomic
def publish(article, *, by, reason="", override_reason=""):
    """An editor publishes an approved (or scheduled) article now."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can publish.")
    article = _lock(article)
    _check_state(article, Action.PUBLISH)
    # Not a publish check: no editor may override an embargo.
    _not_before_embargo(article, timezone.now())
    overridden = _checked(article, by, override_reason)
    if overridden:
        reason = override_reason.strip()
    if article.draft_of_id:
        return _publish_new_version(article, by, reason, overridden)
    now = timezone.now()
    if article.first_published_at is None or article.first_published_at > now:
        article.first_published_at = now
    else:
        # Going live again: readers are told the article was updated.
        article.updated_at = now
    article.published_at = now
    from_status = article.status
    article.status = Status.PUBLISHED
    article.save(
        update_fields=[
            "status",
            "published_at",
            "first_published_at",
            "updated_at",
            "edited_at",
        ]
    )
    _record(article, Action.PUBLISH, from_status, by, reason, overridden)
    notify.published(article, by)
    return article


@transaction.atomic
def schedule(article, *, by, at, reason=""):
    """An editor schedules an approved article; it goes live at ``at`` by query.

    A scheduled new version replaces its live article's text when
    ``publish_due`` runs at that time; until then readers keep the live text.
    """
    if not is_editor(by):
        raise PermissionDenied("Only editors can schedule.")
    if at is None or at <= timezone.now():
        raise ValidationError("Choose a publication time in the future.")
    article = _lock(article)
    _check_state(article, Action.SCHEDULE)
    _not_before_embargo(article, at)
    article.published_at = at
    if article.first_published_at is None and not article.draft_of_id:
        article.first_published_at = at
    from_status = article.status
    article.status = Status.SCHEDULED
    article.save(
        update_fields=["status", "published_at", "first_published_at", "edited_at"]
    )
    _record(
        article, Action.SCHEDULE, from_status, by, reason or f"for {at.isoformat()}"
    )
    return article


@transaction.atomic
def unpublish(article, *, by, reason=""):
    """An editor takes a live or scheduled article back to draft."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can unpublish.")
    article = _lock(article)
    _check_state(article, Action.UNPUBLISH)
    from_status = article.status
    article.status = Status.DRAFT
    article.published_at = None
    if article.first_published_at and article.first_published_at > timezone.now():
        # A scheduled article that never went out was never published.
        article.first_published_at = None
    article.save(
        update_fields=["status", "published_at", "first_published_at", "edited_at"]
    )
    _record(article, Action.UNPUBLISH, from_status, by, reason)
    return article


@transaction.atomic
def retract(article, *, by, note):
    """An editor retracts a published article; its URL keeps a public notice."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can retract.")
    if not note.strip():
        raise ValidationError("A retraction needs a note for readers.")
    article = _lock(article)
    _check_state(article, Action.RETRACT)
    from_status = article.status
    article.status = Status.RETRACTED
    article.retraction_note = note.strip()
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "retraction_note", "updated_at", "edited_at"])
    _record(article, Action.RETRACT, from_status, by, note.strip())
    return article


@transaction.atomic
def end_live_coverage(article, *, by, reason=""):
    """An editor ends a live blog: updates stop, readers' pages stop polling.

    The article stays published; its coverage ran from its first publication
    to now (``coverage_ended_at``), which its LiveBlogPosting markup states.
    """
    if not is_editor(by):
        raise PermissionDenied("Only editors can end live coverage.")
    article = _lock(article)
    _check_state(article, Action.END_LIVE)
    if not article.is_live_blog or article.draft_of_id:
        raise ValidationError(f"“{article.title}” is not a live blog.")
    if article.coverage_ended_at is not None:
        raise ValidationError(f"The live coverage of “{article.title}” has ended.")
    article.coverage_ended_at = timezone.now()
    article.save(update_fields=["coverage_ended_at", "edited_at"])
    _record(article, Action.END_LIVE, article.status, by, reason)
    return article


@transaction.atomic
def record_save(article, *, by, created):
    """After a save through a form: a new version number, a revision, an audit entry."""
    if not created:
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    revision = revisions.record(article, by=by)
    action = Action.CREATE if created else Action.EDIT
    _record(article, action, article.status, by, f"revision {revision.number}")
    return revision


def publish_due():
    """Flip scheduled articles whose time has come to published; safe to run twice.

    Each article is claimed by a conditional UPDATE, so when two runs overlap
    only one of them records the publication.
    """
    now = timezone.now()
    published = []
    due = Article.objects.due().values_list("pk", "draft_of_id")
    for pk, draft_of_id in list(due):
        if draft_of_id:
            live = _publish_due_version(pk, now)
            if live is not None:
                published.append(live)
            continue
        with transaction.atomic():
            claimed = Article.objects.filter(pk=pk, status=Status.SCHEDULED).update(
                status=Status.PUBLISHED, edited_at=now
            )
            if not claimed:
                continue  # another run got there first
            article = Article.objects.get(pk=pk)
            _record(
                article,
                Action.PUBLISH,
                Status.SCHEDULED,
                None,
                "scheduled time reached",
            )
            notify.published(article, None)
            published.append(article)
    return published


def _publish_due_version(pk, now):
    """Copy a scheduled new version onto its live article; None if it cannot go.

    The version is claimed the same way (a conditional UPDATE back to
    approved, inside the transaction), so overlapping runs publish it once.
    """
    try:
        with transaction.atomic():
            claimed = Article.objects.filter(pk=pk, status=Status.SCHEDULED).update(
                status=Status.APPROVED, edited_at=now
            )
            if not claimed:
                return None
            version = Article.objects.select_related("draft_of").get(pk=pk)
            version.status = Status.SCHEDULED  # what the audit entry starts from
            return _publish_new_version(version, None, "scheduled time reached", [])
    except ValidationError:
        # The live article came down (or lost its address) meanwhile: the
        # version stays scheduled for an editor to decide; nothing is half done.
        logger.warning("Scheduled new version %s could not be published", pk)
        return None


def _correction_note(text, kind):
    """The checked (kind, text) of a correction note."""
    from articles.models import Correction

    if not text.strip():
        raise ValidationError("Write the correction readers will see.")
    kind = kind or Correction.Kind.CORRECTION
    if kind not in Correction.Kind.values:
        raise ValidationError(f"“{kind}” is not a kind of correction.")
    return kind, text.strip()


def _correctable(article, by):
    if not is_editor(by):
        raise PermissionDenied("Only editors can correct published articles.")
    _not_trashed(article)
    if article.status not in CORRECTABLE:
        raise ValidationError("Only a published article can carry a correction.")


def _publish_correction(article, note, by, now):
    """Append the note readers see, tell them the article changed, log it."""
    from articles.models import Correction

    correction = Correction.objects.create(
        article=article,
        kind=note["kind"],
        text=note["text"],
        published_at=now,
        by=by,
    )
    article.updated_at = now
    article.save(update_fields=["updated_at", "edited_at"])
    _record(article, Action.CORRECT, article.status, by, note["text"])
    return correction


@transaction.atomic
def add_correction(article, *, by, text, kind=None):
    """An editor appends a note to a live article without changing its text.

    For a clarification or an update that needs no new wording; a correction
    of the text goes through ``start_correction`` so the error leaves the page.
    """
    kind, text = _correction_note(text, kind)
    article = _lock(article)
    _correctable(article, by)
    return _publish_correction(
        article, {"kind": kind, "text": text}, by, timezone.now()
    )


@transaction.atomic
def start_correction(article, *, by, text, kind=None):
    """An editor opens a new version of a live article carrying a correction note.

    The writers or the editor fix the text in that version; publishing it
    (now or at a scheduled time) changes the live text and publishes the note
    in one step. On a new version already open, the note is set (or reworded)
    there.
    """
    kind, text = _correction_note(text, kind)
    article = _lock(article)
    if article.draft_of_id:
        version = article
        _correctable(version.draft_of, by)
    else:
        _correctable(article, by)
        if article.status != Status.PUBLISHED:
            raise ValidationError(
                "A scheduled article is not live yet: edit it directly, or "
                "add a note without changing the text."
            )
        version = start_new_version(article, by=by)
    version.pending_correction = {"kind": kind, "text": text}
    version.save(update_fields=["pending_correction", "edited_at"])
    notify.correction_started(version, by)
    return version


def _copy_content(source, target):
    """Make ``target`` say what ``source`` says, plus its planned date."""
    target.planned_for = source.planned_for
    target.embargo_until = source.embargo_until
    revisions.apply(target, revisions.snapshot(source))


@transaction.atomic
def start_new_version(article, *, by):
    """Open a working copy of a live article; readers keep the live one meanwhile."""
    article = _lock(article)
    if article.draft_of_id:
        return article
    _not_trashed(article)
    if article.status != Status.PUBLISHED:
        raise ValidationError(
            "Only a published article needs a new version; edit this one directly."
        )
    if not can_work_on(article, by):
        raise PermissionDenied("Only the article's writers or an editor can revise it.")
    existing = Article.objects.filter(draft_of=article).first()
    if existing:
        return existing
    copy = Article(
        draft_of=article,
        status=Status.DRAFT,
        created_by=by,
        section_id=article.section_id,
        slug=article.slug,
    )
    _copy_content(article, copy)
    _record(article, Action.NEW_VERSION, article.status, by)
    revisions.record(copy, by=by, note="new version started")
    return copy


@transaction.atomic
def restore_revision(revision, *, by):
    """Bring a revision back the way the story's state allows (``restore_offer``).

    Onto the draft, or onto the new version in progress; a live story with no
    version open gets one started from the revision, so readers keep the live
    text until an editor publishes.
    """
    story = _lock(revision.article)
    if revisions.restore_offer(story, by) == revisions.AS_NEW_VERSION:
        start_new_version(story, by=by)
    return revisions.restore(revision, by=by)


def _publish_new_version(version, by, reason, overridden):
    from articles.models import EditorialComment

    live = _lock(version.draft_of)
    if live.status != Status.PUBLISHED:
        raise ValidationError(
            f"The live article is {live.get_status_display()}; publish or discard "
            "this version once it is live again."
        )
    if (
        Article.objects.filter(slug=version.slug, draft_of__isnull=True)
        .exclude(pk=live.pk)
        .exists()
    ):
        raise ValidationError(
            f"Another article already uses the address “{version.slug}”."
        )
    old_path = live.get_absolute_url()
    now = timezone.now()
    live.updated_at = now
    live.version += 1
    _copy_content(version, live)
    live.refresh_from_db()
    remember_old_url(live, old_path)
    # The version's comments and moves join the story's one history.
    EditorialComment.objects.filter(article=version).update(article=live)
    Transition.objects.filter(article=version).update(article=live)
    _record(
        live,
        Action.PUBLISH,
        version.status,
        by,
        reason or "new version published",
        overridden,
    )
    revisions.record(live, by=by, note="new version published")
    if version.pending_correction:
        _publish_correction(live, version.pending_correction, by, now)
    version.delete()
    notify.published(live, by, new_version=True)
    return live


@transaction.atomic
def trash(article, *, by, reason=""):
    """Move an article to the trash: out of every list and page, restorable."""
    if not can_trash(by):
        raise PermissionDenied("Only editors can delete articles.")
    article = _lock(article)
    if article.deleted_at:
        return article
    article.deleted_at = timezone.now()
    article.save(update_fields=["deleted_at", "edited_at"])
    _record(article, Action.DELETE, article.status, by, reason)
    return article


@transaction.atomic
def restore_from_trash(article, *, by):
    """Bring an article back from the trash in the state it was deleted in."""
    if not can_trash(by):
        raise PermissionDenied("Only editors can restore from the trash.")
    article = _lock(article)
    if article.deleted_at is None:
        return article
    if (
        not article.draft_of_id
        and Article.objects.filter(
            slug=article.slug, draft_of__isnull=True, deleted_at=None
        )
        .exclude(pk=article.pk)
        .exists()
    ):
        raise ValidationError(
            f"Another article now uses the address “{article.slug}”; change one first."
        )
    article.deleted_at = None
    article.save(update_fields=["deleted_at", "edited_at"])
    _record(article, Action.RESTORE, article.status, by)
    return article


def add_comment(article, *, by, text):
    """A writer or editor leaves a note on a draft."""
    from articles.models import EditorialComment

    if not can_comment(article, by):
        raise PermissionDenied("Writers comment on their own articles.")
    if not text.strip():
        raise ValidationError("Write something first.")
    comment = EditorialComment.objects.create(
        article=article, author=by, text=text.strip()
    )
    notify.commented(comment)
    return comment


def resolve_comment(comment, *, by):
    """Mark a comment dealt with; it stays in the article's record."""
    if not can_resolve_comment(comment, by):
        raise PermissionDenied("You cannot resolve comments on this article.")
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = by
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@transaction.atomic
def remember_old_url(article, old_path):
    """Redirect an article's old address, and every older one, to its new address."""
    new_path = article.get_absolute_url()
    if not old_path or old_path == new_path:
        return None
    site = Site.objects.get_current()
    # Collapse chains: addresses that led to the old one now lead straight here.
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
    # The new address is live; a redirect away from it would loop or hide it.
    Redirect.objects.filter(site=site, old_path=new_path).delete()
    redirect, _ = Redirect.objects.update_or_create(
        site=site, old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect
