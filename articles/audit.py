"""The audit trail for rows live articles show (images, sources, claims, ...)."""

from django.db import transaction

from articles.models import Transition
from articles.permissions import live_articles_showing


@transaction.atomic
def record_shown_change(obj, *, by, changes):
    """One edit entry, with the fields changed, on each live article showing ``obj``."""
    label = f"{obj._meta.verbose_name} “{obj}” changed"
    entries = [
        Transition(
            article=article,
            action=Transition.Action.EDIT,
            from_status=article.status,
            to_status=article.status,
            by=by,
            reason=label,
            changes=changes,
            on_new_version=article.draft_of_id is not None,
        )
        for article in live_articles_showing(obj).only("pk", "status", "draft_of")
    ]
    Transition.objects.bulk_create(entries)
    return entries
