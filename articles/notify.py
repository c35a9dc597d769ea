"""Who hears about a workflow step, and what the mail says.

The services call these functions inside their transaction; the mail leaves
on commit (a rolled-back step must not announce itself), through the
``send_workflow_mail`` task. Every mail carries the absolute address of the
article's admin screen (``SITE_URL``). The person who acted is never told of
their own step.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse


def admin_url(article):
    """The article's admin screen, as an address that works from a mail."""
    return settings.SITE_URL + reverse(
        "admin:articles_article_change", args=[article.pk]
    )


def writers(article):
    """The article's creator and the users behind its bylines."""
    users = [b.author.user for b in article.bylines.select_related("author__user")]
    return [u for u in [article.created_by, *users] if u]


def editors():
    User = get_user_model()
    return User.objects.filter(is_active=True, groups__name="Editors").distinct()


def participants(article):
    """The writers, everyone who commented and every editor who moved the story."""
    from articles.models import EditorialComment, Transition

    User = get_user_model()
    story = article.root
    commented = EditorialComment.objects.filter(article=article).values("author")
    moved = Transition.objects.filter(article=story, by__isnull=False).values("by")
    others = User.objects.filter(Q(pk__in=commented) | Q(pk__in=moved))
    return [*writers(article), *others]


def send(recipients, subject, message, article, *, actor=None):
    """Queue one mail to ``recipients`` (minus the actor) after commit."""
    emails = sorted(
        {
            u.email
            for u in recipients
            if u and u.email and u.is_active and (actor is None or u.pk != actor.pk)
        }
    )
    if not emails:
        return []
    body = f"{message}\n\nOpen the article: {admin_url(article)}\n"
    transaction.on_commit(lambda: _enqueue(subject, body, emails))
    return emails


def _enqueue(subject, body, emails):
    from articles.tasks import send_workflow_mail

    send_workflow_mail.enqueue(subject, body, emails)


def _who(user):
    if user is None:
        return "The newsroom"
    return user.get_full_name() or user.get_username()


def submitted(article, by):
    return send(
        editors(),
        f"In review: {article.title}",
        f"{_who(by)} submitted “{article.title}” for review.",
        article,
        actor=by,
    )


def changes_requested(article, by, comment):
    return send(
        writers(article),
        f"Changes requested: {article.title}",
        f"{_who(by)} asked for changes to “{article.title}”:\n\n{comment}",
        article,
        actor=by,
    )


def approved(article, by):
    return send(
        writers(article),
        f"Approved: {article.title}",
        f"{_who(by)} approved “{article.title}”; it is ready to publish.",
        article,
        actor=by,
    )


def published(article, by, *, new_version=False):
    what = "The new version of" if new_version else "Your article"
    when = " at its scheduled time" if by is None else ""
    return send(
        writers(article),
        f"Published: {article.title}",
        f"{what} “{article.title}” is live{when}.",
        article,
        actor=by,
    )


def correction_started(version, by):
    note = version.pending_correction
    return send(
        writers(version),
        f"Correction to make: {version.title}",
        f"{_who(by)} opened a new version of “{version.title}” to correct it. "
        f"Fix the text there; readers will see this note when it is published:"
        f"\n\n{note['text']}",
        version,
        actor=by,
    )


def commented(comment):
    article = comment.article
    return send(
        participants(article),
        f"New comment: {article.title}",
        f"{_who(comment.author)} commented on “{article.title}”:\n\n{comment.text}",
        article,
        actor=comment.author,
    )
