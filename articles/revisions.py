"""Revisions: a full snapshot of an article on every save, diffs and restores."""

import difflib
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.html import strip_tags

from articles.models import Article, Byline, Citation, Quote, Revision
from articles.permissions import can_edit, can_work_on

FIELDS = [
    "title",
    "slug",
    "dek",
    "body",
    "kind",
    "section_id",
    "lead_image_id",
    "lead_image_caption",
    "unconfirmed",
    "is_top_story",
    "rated_claim_id",
    "rating",
]
LABELS = {
    "title": "Headline",
    "slug": "Address (slug)",
    "dek": "Dek",
    "body": "Body",
    "kind": "Label",
    "section_id": "Section",
    "lead_image_id": "Lead image",
    "lead_image_caption": "Lead image caption",
    "unconfirmed": "Unconfirmed label",
    "is_top_story": "Top story",
    "rated_claim_id": "Rated claim",
    "rating": "Rating",
    "tags": "Tags",
    "authors": "Bylines",
    "films": "Films",
    "people": "People",
    "songs": "Songs",
    "claims": "Claims asserted",
    "citations": "Sources cited",
    "quotes": "Quotes",
}


def snapshot(article):
    """Everything a writer can edit, as plain JSON-ready data."""
    data = {name: getattr(article, name) for name in FIELDS}
    data["tags"] = sorted(article.tags.names())
    data["authors"] = list(
        article.bylines.order_by("position", "id").values_list("author_id", flat=True)
    )
    for name in ("films", "people", "songs", "claims"):
        data[name] = sorted(getattr(article, name).values_list("pk", flat=True))
    data["citations"] = [
        {"source": c.source_id, "supports": c.supports, "position": c.position}
        for c in article.citations.order_by("position", "id")
    ]
    data["quotes"] = [
        {
            "speaker": q.speaker_id,
            "speaker_name": q.speaker_name,
            "words": q.words,
            "source": q.source_id,
            "context": q.context,
            "position": q.position,
        }
        for q in article.quotes.order_by("position", "id")
    ]
    return data


def record(article, *, by=None, kind=Revision.Kind.SAVED, data=None, note=""):
    """Store a revision of the article (its current state unless ``data`` is given)."""
    data = data if data is not None else snapshot(article)
    # A new version's revisions continue the story's one numbered history.
    story = article.root
    with transaction.atomic():
        # Lock the story's row so two saves never take the same number.
        Article.objects.select_for_update().filter(pk=story.pk).exists()
        last = story.revisions.aggregate(n=Max("number"))["n"] or 0
        return Revision.objects.create(
            article=story,
            number=last + 1,
            kind=kind,
            status=article.status,
            data=data,
            note=note[:300],
            created_by=by,
        )


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object
    lines: list  # for the body: unified diff lines by paragraph


def paragraphs(html):
    """Body HTML as a list of plain-text paragraphs, for a readable diff."""
    blocks = re.split(r"</(?:p|h2|h3|h4|li|blockquote)>", html or "")
    return [" ".join(strip_tags(b).split()) for b in blocks if strip_tags(b).strip()]


def diff(old, new):
    """The fields that differ between two revisions, body by paragraph."""
    changes = []
    for name, label in LABELS.items():
        key = name
        before, after = old.data.get(key), new.data.get(key)
        if before == after:
            continue
        lines = []
        if name == "body":
            lines = list(
                difflib.unified_diff(
                    paragraphs(before), paragraphs(after), lineterm="", n=1
                )
            )[2:]
        changes.append(Change(name, label, before, after, lines))
    return changes


def apply(article, data, *, keep_slug=False):
    """Make the article say what a snapshot says: fields, tags, links, sources."""
    for name in FIELDS:
        if name == "slug" and keep_slug:
            continue
        if name in data:  # snapshots taken before a field existed lack it
            setattr(article, name, data[name])
    article.save()
    article.tags.set(data["tags"])
    for name in ("films", "people", "songs", "claims"):
        getattr(article, name).set(data[name])
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=pk, position=i)
        for i, pk in enumerate(data["authors"])
    )
    article.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(
            article=article,
            source_id=c["source"],
            supports=c["supports"],
            position=c["position"],
        )
        for c in data["citations"]
    )
    article.quotes.all().delete()
    Quote.objects.bulk_create(
        Quote(
            article=article,
            speaker_id=q["speaker"],
            speaker_name=q["speaker_name"],
            words=q["words"],
            source_id=q["source"],
            context=q["context"],
            position=q["position"],
        )
        for q in data["quotes"]
    )


def _without_missing(data):
    """Drop references to rows deleted since the revision was taken."""
    from articles.models import AuthorProfile, Image, Section
    from franchise.models import Claim, Film, Person, Song, Source

    def keep(model, ids):
        found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        return [pk for pk in ids if pk in found]

    data = dict(data)
    if not Section.objects.filter(pk=data["section_id"]).exists():
        raise ValidationError("The revision's section no longer exists.")
    if data["lead_image_id"] and not keep(Image, [data["lead_image_id"]]):
        data["lead_image_id"] = None
    if data.get("rated_claim_id") and not keep(Claim, [data["rated_claim_id"]]):
        data["rated_claim_id"] = None
    data["authors"] = keep(AuthorProfile, data["authors"])
    for name, model in (
        ("films", Film),
        ("people", Person),
        ("songs", Song),
        ("claims", Claim),
    ):
        data[name] = keep(model, data[name])
    sources = set(keep(Source, [c["source"] for c in data["citations"]]))
    data["citations"] = [c for c in data["citations"] if c["source"] in sources]
    speakers = set(keep(Person, [q["speaker"] for q in data["quotes"] if q["speaker"]]))
    quote_sources = set(
        keep(Source, [q["source"] for q in data["quotes"] if q["source"]])
    )
    data["quotes"] = [
        {
            **q,
            "speaker": q["speaker"] if q["speaker"] in speakers else None,
            "source": q["source"] if q["source"] in quote_sources else None,
        }
        for q in data["quotes"]
    ]
    return data


# What the history may offer to bring a revision back, by the article's state.
ONTO_DRAFT = "draft"
ONTO_PENDING_VERSION = "pending"
AS_NEW_VERSION = "new_version"
OFFER_LABELS = {
    ONTO_DRAFT: "Restore as new draft",
    ONTO_PENDING_VERSION: "Restore onto the new version",
    AS_NEW_VERSION: "Start a new version from this revision",
}


def restore_offer(story, user):
    """How ``user`` may bring back a revision of ``story`` now, or None.

    Only what ``restore`` would accept: a draft the user may edit (the story
    or its new version in progress), or, for a live story with no version
    open, a new version started from the revision. A story in review,
    approved, scheduled or retracted offers nothing.
    """
    if story.deleted_at is not None:
        return None
    pending = Article.objects.filter(draft_of=story).first()
    target = pending or story
    if target.status == Article.Status.DRAFT and can_edit(target, user):
        return ONTO_PENDING_VERSION if pending else ONTO_DRAFT
    if (
        pending is None
        and story.status == Article.Status.PUBLISHED
        and can_work_on(story, user)
    ):
        return AS_NEW_VERSION
    return None


@transaction.atomic
def restore(revision, *, by):
    """Bring an old revision back as the article's new working draft.

    A live story with a working copy is restored onto that copy, so readers
    keep the live version until an editor publishes. (A live story without
    one: ``services.restore_revision`` starts it first.)
    """
    story = Article.objects.select_for_update().get(pk=revision.article_id)
    article = Article.objects.filter(draft_of=story).first() or story
    if not can_edit(article, by):
        raise PermissionDenied("You cannot edit this article, so you cannot restore it.")
    if article.status != Article.Status.DRAFT:
        raise ValidationError(
            "Only a draft can be restored onto: start a new version of a live "
            "article (or ask for changes) first, so the live page does not "
            "change unreviewed."
        )
    article.version += 1
    # The address stays: a restore must not break links.
    apply(article, _without_missing(revision.data), keep_slug=True)
    return record(
        article,
        by=by,
        kind=Revision.Kind.RESTORED,
        note=f"restored from revision {revision.number}",
    )
