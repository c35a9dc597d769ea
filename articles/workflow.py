"""Editorial workflow: every change of an article's state goes through here.

Each transition checks the actor's permission and the article's state, changes
the row, writes the audit entry and tells the people concerned, in one
transaction. Admin buttons, bulk actions and commands all call these functions.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import revisions
from articles.models import Article, Transition
from franchise.models import Claim

Status = Article.Status
Action = Transition.Action

# Which states each transition may start from.
ALLOWED_FROM = {
    Action.SUBMIT: {Status.DRAFT},
    Action.REQUEST_CHANGES: {Status.IN_REVIEW, Status.APPROVED},
    Action.APPROVE: {Status.IN_REVIEW},
    Action.PUBLISH: {Status.APPROVED, Status.SCHEDULED},
    Action.SCHEDULE: {Status.APPROVED},
    Action.UNPUBLISH: {Status.PUBLISHED, Status.SCHEDULED},
    Action.RETRACT: {Status.PUBLISHED},
}


def is_editor(user):
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(article, user):
    """A writer's own article: they created it or carry its byline."""
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user=user).exists()


def can_edit(article, user):
    """Editors edit everything; writers only their own drafts."""
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if article.deleted_at is not None:
        return False
    if is_editor(user):
        return True
    return article.status == Status.DRAFT and is_own(article, user)


NEEDS_SOURCES = {Article.Kind.NEWS, Article.Kind.INTERVIEW}


def publish_problems(article):
    """Every reason the article is not fit to publish, as readable sentences."""
    problems = []
    image = article.lead_image
    if image is not None:
        if not image.alt_text.strip():
            problems.append("The lead image has no alt text.")
        if not image.credit.strip():
            problems.append("The lead image has no credit.")
    if article.kind in NEEDS_SOURCES and not article.citations.exists():
        problems.append(
            f"{article.get_kind_display()} pieces must cite at least one source."
        )
    for quote in article.quotes.select_related("speaker", "source"):
        words = quote.words[:40]
        if not quote.speaker_display.strip():
            problems.append(f"The quote “{words}…” has no speaker.")
        if quote.source_id is None:
            problems.append(f"The quote “{words}…” has no source.")
    claims = list(article.claims.all())
    for claim in claims:
        if claim.status in {Claim.Status.DENIED, Claim.Status.RETRACTED}:
            problems.append(
                f"The article asserts a {claim.get_status_display()} claim: {claim}."
            )
    shaky = [c for c in claims if c.status == Claim.Status.RUMOURED]
    disputed = Claim.objects.disputed().filter(pk__in=[c.pk for c in claims])
    if (shaky or disputed.exists()) and not article.unconfirmed:
        problems.append(
            "The article asserts rumoured or disputed claims but does not carry "
            "the reader-visible “Unconfirmed” label."
        )
    return problems


def _checked(article, by, override_reason):
    """Run the publish checks; an editor may override them with a reason."""
    problems = publish_problems(article)
    if problems and not override_reason.strip():
        raise ValidationError(problems)
    if problems and not is_editor(by):
        raise PermissionDenied("Only editors can override publish checks.")
    return problems


def _lock(article):
    # Re-read the row under a lock so two editors cannot move it at once.
    return Article.objects.select_for_update().get(pk=article.pk)


def _check_state(article, action):
    if article.status not in ALLOWED_FROM[action]:
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


def _notify(recipients, subject, message):
    emails = sorted({u.email for u in recipients if u and u.email})
    if emails:
        # Mail after commit: a rolled-back transition must not announce itself.
        transaction.on_commit(lambda: _send(subject, message, emails))


def _send(subject, message, emails):
    from articles.tasks import send_workflow_mail

    send_workflow_mail.enqueue(subject, message, emails)


def _writers(article):
    users = [b.author.user for b in article.bylines.select_related("author__user")]
    return [u for u in [article.created_by, *users] if u]


def _editors():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name="Editors").distinct()


def _move(article, action, to_status, by, reason="", overridden=()):
    from_status = article.status
    article.status = to_status
    article.save(update_fields=["status", "edited_at"])
    return _record(article, action, from_status, by, reason, overridden)


@transaction.atomic
def submit_for_review(article, *, by):
    """A writer (or editor) sends a draft to the editors."""
    article = _lock(article)
    if not (
        is_editor(by)
        or (by.has_perm("articles.change_article") and is_own(article, by))
    ):
        raise PermissionDenied("Only the article's writers or an editor can submit it.")
    _check_state(article, Action.SUBMIT)
    _move(article, Action.SUBMIT, Status.IN_REVIEW, by)
    _notify(
        _editors(),
        f"In review: {article.title}",
        f"{by.get_username()} submitted “{article.title}” for review.",
    )
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
    _notify(
        _writers(article),
        f"Changes requested: {article.title}",
        f"{by.get_username()} asked for changes:\n\n{comment.strip()}",
    )
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
    _notify(
        _writers(article), f"Approved: {article.title}", "Your article was approved."
    )
    return article


@transaction.atomic
def publish(article, *, by, reason="", override_reason=""):
    """An editor publishes an approved (or scheduled) article now."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can publish.")
    article = _lock(article)
    _check_state(article, Action.PUBLISH)
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
    _notify(_writers(article), f"Published: {article.title}", "Your article is live.")
    return article


@transaction.atomic
def schedule(article, *, by, at, reason=""):
    """An editor schedules an approved article; it goes live at ``at`` by query."""
    if not is_editor(by):
        raise PermissionDenied("Only editors can schedule.")
    if at is None or at <= timezone.now():
        raise ValidationError("Choose a publication time in the future.")
    article = _lock(article)
    if article.draft_of_id:
        raise ValidationError(
            "A new version of a live article is published now, not scheduled."
        )
    _check_state(article, Action.SCHEDULE)
    article.published_at = at
    if article.first_published_at is None:
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
    for pk in list(Article.objects.due().values_list("pk", flat=True)):
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
            published.append(article)
    return published


@transaction.atomic
def add_correction(article, *, by, text, kind=None):
    """An editor appends a correction to a live article; readers see it changed."""
    from articles.models import Correction

    if not is_editor(by):
        raise PermissionDenied("Only editors can correct published articles.")
    if not text.strip():
        raise ValidationError("Write the correction readers will see.")
    article = _lock(article)
    if article.status not in {Status.PUBLISHED, Status.SCHEDULED}:
        raise ValidationError("Only a published article can carry a correction.")
    kind = kind or Correction.Kind.CORRECTION
    if kind not in Correction.Kind.values:
        raise ValidationError(f"“{kind}” is not a kind of correction.")
    now = timezone.now()
    correction = Correction.objects.create(
        article=article, kind=kind, text=text.strip(), published_at=now, by=by
    )
    article.updated_at = now
    article.save(update_fields=["updated_at", "edited_at"])
    _record(article, Action.CORRECT, article.status, by, text.strip())
    return correction


def _copy_content(source, target):
    """Make ``target`` say what ``source`` says, plus its planned date."""
    target.planned_for = source.planned_for
    revisions.apply(target, revisions.snapshot(source))


@transaction.atomic
def start_new_version(article, *, by):
    """Open a working copy of a live article; readers keep the live one meanwhile."""
    article = _lock(article)
    if article.draft_of_id:
        return article
    if article.status != Status.PUBLISHED:
        raise ValidationError(
            "Only a published article needs a new version; edit this one directly."
        )
    if not (
        is_editor(by)
        or (by.has_perm("articles.change_article") and is_own(article, by))
    ):
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


def _publish_new_version(version, by, reason, overridden):
    from articles.models import EditorialComment
    from articles.services import remember_old_url

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
    version.delete()
    _notify(_writers(live), f"Published: {live.title}", "The new version is live.")
    return live


@transaction.atomic
def trash(article, *, by, reason=""):
    """Move an article to the trash: out of every list and page, restorable."""
    if not (by.is_active and by.has_perm("articles.delete_article")):
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
    if not (by.is_active and by.has_perm("articles.delete_article")):
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

    if not (by.is_active and by.has_perm("articles.add_editorialcomment")):
        raise PermissionDenied("You cannot comment on articles.")
    if not is_editor(by) and not is_own(article, by):
        raise PermissionDenied("Writers comment on their own articles.")
    if not text.strip():
        raise ValidationError("Write something first.")
    return EditorialComment.objects.create(
        article=article, author=by, text=text.strip()
    )


def resolve_comment(comment, *, by):
    """Mark a comment dealt with; it stays in the article's record."""
    if not is_editor(by) and not is_own(comment.article, by):
        raise PermissionDenied("You cannot resolve comments on this article.")
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = by
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


PREVIEW_SALT = "articles.preview-link"


def create_preview_link(article, *, by, days=7, note=""):
    """A link that shows the current draft to someone without an account."""
    from articles.models import PreviewLink

    if not (is_editor(by) or is_own(article, by)):
        raise PermissionDenied("Only the article's writers or an editor can share it.")
    if not 1 <= days <= 30:
        raise ValidationError("A preview link lasts between 1 and 30 days.")
    return PreviewLink.objects.create(
        article=article,
        created_by=by,
        note=note,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def revoke_preview_link(link, *, by):
    """Stop a preview link from opening, at once."""
    if not (is_editor(by) or is_own(link.article, by)):
        raise PermissionDenied("You cannot revoke this link.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def preview_token(link):
    """The signed value in a preview link's URL, the same every time it is shown.

    No timestamp in the signature: expiry and revocation live on the row.
    """
    from django.core import signing

    return signing.Signer(salt=PREVIEW_SALT).sign(link.token)


def link_from_token(value):
    """The active preview link a signed URL value points at, or None."""
    from django.core import signing

    from articles.models import PreviewLink

    try:
        token = signing.Signer(salt=PREVIEW_SALT).unsign(value)
    except signing.BadSignature:
        return None
    return (
        PreviewLink.objects.active()
        .select_related("article")
        .filter(token=token)
        .first()
    )
