"""Admin pages around an article: history, diff, restore, comments, previews.

Each view is wrapped in ``admin.site.admin_view`` (see articles/admin_urls.py), so
only active staff reach it; every change goes through the transition, preview and
revision services, which check permissions and state themselves.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import liveblog, permissions, revisions, services
from articles.forms import LiveUpdateForm
from articles.models import (
    Article,
    AuthorProfile,
    ClaimRating,
    EditorialComment,
    Image,
    LiveUpdate,
    PreviewLink,
    Section,
    Transition,
)
from articles.preview import (
    create_preview_link,
    preview_article,
    preview_token,
    render_preview,
    revoke_preview_link,
)
from franchise.models import Claim, Film, Person, Song, Source
from franchise.text import strip_unsafe


def viewer_required(view):
    """Staff who may read articles; changes are checked again by the services."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _article(pk):
    return get_object_or_404(Article.objects.select_related("draft_of"), pk=pk)


def _context(request, article, title, **extra):
    return {
        **admin.site.each_context(request),
        "opts": Article._meta,
        "article": article,
        "story": article.root,
        "title": title,
        **extra,
    }


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


# History


@viewer_required
def revision_list(request, pk):
    """Every revision of the story, newest first, beside its workflow moves."""
    article = _article(pk)
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdigit() and b.isdigit():
        # The compare form sends two radio choices; the diff lives at its own URL.
        return redirect("articles_admin:diff", pk, int(a), int(b))
    story = article.root
    revision_rows = list(
        story.revisions.select_related("created_by").defer("data").order_by("-number")
    )
    return render(
        request,
        "admin/articles/history/revisions.html",
        _context(
            request,
            article,
            f"History of “{article.title}”",
            revisions=revision_rows,
            transitions=story.transitions.select_related("by").order_by("at", "id"),
            **_restore_context(story, request.user),
        ),
    )


@viewer_required
def revision_diff(request, pk, a, b):
    """What changed between two revisions, field by field, the body by paragraph."""
    article = _article(pk)
    found = {
        revision.number: revision
        for revision in article.root.revisions.select_related("created_by").filter(
            number__in=[a, b]
        )
    }
    if a not in found or b not in found:
        raise Http404("No such revision.")
    old, new = sorted((found[a], found[b]), key=lambda r: r.number)
    changes = readable_changes(revisions.diff(old, new))
    return render(
        request,
        "admin/articles/history/diff.html",
        _context(
            request,
            article,
            f"Changes in “{article.title}”",
            old=old,
            new=new,
            changes=changes,
            field_changes=[c for c in changes if c.field != "body"],
            **_restore_context(article.root, request.user),
        ),
    )


def _restore_context(story, user):
    """The one restore button the history offers (or none), as the service decides."""
    offer = revisions.restore_offer(story, user)
    return {
        "can_restore": offer is not None,
        "restore_label": revisions.OFFER_LABELS.get(offer, ""),
    }


@require_POST
@viewer_required
def revision_restore(request, pk, number):
    """Bring an old revision back as the article's working draft."""
    article = _article(pk)
    story = article.root
    revision = get_object_or_404(story.revisions, number=number)
    # The history offers only what can succeed; anything else is a crafted POST.
    if revisions.restore_offer(story, request.user) is None:
        raise PermissionDenied("Nothing can be restored onto this article by you now.")
    try:
        restored = services.restore_revision(revision, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("articles_admin:revisions", pk)
    messages.success(
        request,
        f"Revision {number} is back as the draft (saved as revision "
        f"{restored.number}).",
    )
    # A live story's restore opened (or filled) its new version: go there.
    draft = Article.objects.filter(draft_of=story).only("pk").first()
    return redirect("articles_admin:revisions", draft.pk if draft else story.pk)


# Diff display: revisions store ids; editors read names.

LOOKUPS = {
    "section_id": Section,
    "lead_image_id": Image,
    "rated_claim_id": Claim,
    "authors": AuthorProfile,
    "films": Film,
    "people": Person,
    "songs": Song,
    "claims": Claim,
}
CHOICES = {"kind": dict(Article.Kind.choices), "rating": dict(ClaimRating.choices)}


def readable_changes(changes):
    """The diff's changes with old and new values as lists of readable lines."""
    names = _names_for(changes)
    for change in changes:
        change.old_lines = _readable(change.field, change.old, names)
        change.new_lines = _readable(change.field, change.new, names)
        paragraphs = [_paragraph(line) for line in change.lines]
        # The first hunk header marks no gap: nothing was skipped before it yet.
        if paragraphs and paragraphs[0]["kind"] == "gap":
            paragraphs = paragraphs[1:]
        change.paragraphs = paragraphs
    return changes


def _names_for(changes):
    """One query per kind of referenced row, whatever the number of changes."""
    wanted = {}
    for change in changes:
        for value in (change.old, change.new):
            model = LOOKUPS.get(change.field)
            if model is not None:
                ids = value if isinstance(value, list) else [value]
                wanted.setdefault(model, set()).update(i for i in ids if i)
            elif change.field in {"citations", "quotes"}:
                for item in value or []:
                    if item.get("source"):
                        wanted.setdefault(Source, set()).add(item["source"])
                    if item.get("speaker"):
                        wanted.setdefault(Person, set()).add(item["speaker"])
    return {
        model: {pk: str(row) for pk, row in model.objects.in_bulk(ids).items()}
        for model, ids in wanted.items()
    }


def _name(names, model, pk):
    if not pk:
        return "—"
    return names.get(model, {}).get(pk, f"(deleted, #{pk})")


def _readable(field, value, names):
    if field == "body":
        return []
    if field in LOOKUPS:
        ids = value if isinstance(value, list) else [value]
        return [_name(names, LOOKUPS[field], pk) for pk in ids] or ["—"]
    if field == "citations":
        return [
            _name(names, Source, c["source"])
            + (f" — supports: {c['supports']}" if c.get("supports") else "")
            for c in value or []
        ] or ["—"]
    if field == "quotes":
        return [f"{_speaker(q, names)}: “{q['words']}”" for q in value or []] or ["—"]
    if field in CHOICES:
        return [CHOICES[field].get(value, value) or "—"]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [", ".join(map(str, value)) or "—"]
    return [str(value) if value not in (None, "") else "—"]


def _speaker(quote, names):
    if quote.get("speaker"):
        return _name(names, Person, quote["speaker"])
    return quote.get("speaker_name") or "—"


def _paragraph(line):
    """A unified-diff line of the body as a marked-up paragraph."""
    if line.startswith("@@"):
        return {"kind": "gap", "text": "…"}
    marks = {"+": "added", "-": "removed"}
    return {"kind": marks.get(line[:1], "same"), "text": line[1:]}


# Comments


@viewer_required
def comment_list(request, pk):
    """Open notes first, then resolved ones; POST adds a note."""
    article = _article(pk)
    if request.method == "POST":
        try:
            text = strip_unsafe(request.POST.get("text", ""))
            services.add_comment(article, by=request.user, text=text)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "Comment added.")
        return redirect("articles_admin:comments", pk)
    comments = list(
        article.comments.select_related("author", "resolved_by").order_by(
            "created_at", "id"
        )
    )
    return render(
        request,
        "admin/articles/history/comments.html",
        _context(
            request,
            article,
            f"Comments on “{article.title}”",
            open_comments=[c for c in comments if not c.is_resolved],
            resolved_comments=[c for c in comments if c.is_resolved],
            changes_requested=_changes_requested(article),
            can_comment=permissions.can_comment(article, request.user),
        ),
    )


def _changes_requested(article):
    """The editor's latest "changes requested" note, while the article is a draft."""
    if article.status != Article.Status.DRAFT:
        return None
    moves = article.root.transitions.select_related("by").order_by("-at", "-id")
    if article.draft_of_id:
        # A working copy's moves are recorded on the live article, marked as such.
        moves = moves.filter(reason__startswith="[new version]")
    latest = moves.exclude(action=Transition.Action.EDIT).first()
    if latest and latest.action == Transition.Action.REQUEST_CHANGES:
        return latest
    return None


@require_POST
@viewer_required
def comment_resolve(request, pk, comment_pk):
    comment = get_object_or_404(
        EditorialComment.objects.select_related("article"), pk=comment_pk, article=pk
    )
    services.resolve_comment(comment, by=request.user)
    messages.success(request, "Comment resolved.")
    return redirect("articles_admin:comments", pk)


# Previews


@viewer_required
def preview(request, pk):
    """The article as readers would see it, whatever its state."""
    article = preview_article(Article.objects.filter(pk=pk))
    if article is None:
        raise Http404("No such article.")
    return render_preview(request, article)


def preview_url(link):
    """The full address to send to someone without an account."""
    return settings.SITE_URL + reverse("preview", args=[preview_token(link)])


@viewer_required
def preview_link_list(request, pk):
    """The article's preview links; POST creates one for ``days`` with a note."""
    article = _article(pk)
    if request.method == "POST":
        return _create_preview_link(request, article)
    links = list(article.preview_links.select_related("created_by"))
    for link in links:
        link.url = preview_url(link) if link.is_active else ""
    return render(
        request,
        "admin/articles/history/preview_links.html",
        _context(
            request,
            article,
            f"Preview links for “{article.title}”",
            links=links,
            can_share=permissions.can_share(article, request.user),
        ),
    )


def _create_preview_link(request, article):
    days = request.POST.get("days", "")
    try:
        if not days.strip().isdigit():
            raise ValidationError("Give the number of days, from 1 to 30.")
        link = create_preview_link(
            article,
            by=request.user,
            days=int(days),
            note=request.POST.get("note", "").strip()[:200],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Preview link created: {preview_url(link)}")
    return redirect("articles_admin:preview_links", article.pk)


@require_POST
@viewer_required
def preview_link_revoke(request, pk, link_pk):
    link = get_object_or_404(
        PreviewLink.objects.select_related("article"), pk=link_pk, article=pk
    )
    revoke_preview_link(link, by=request.user)
    messages.success(request, "The link no longer opens.")
    return redirect("articles_admin:preview_links", pk)


@viewer_required
def tag_suggestions(request):
    """Existing tags matching what a writer is typing, as JSON for the tag field."""
    from django.http import JsonResponse
    from taggit.models import Tag

    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return JsonResponse({"tags": []})
    starts = Tag.objects.filter(name__istartswith=query).order_by("name")
    names = list(starts.values_list("name", flat=True)[:10])
    if len(names) < 10:
        contains = (
            Tag.objects.filter(name__icontains=query)
            .exclude(name__in=names)
            .order_by("name")
            .values_list("name", flat=True)[: 10 - len(names)]
        )
        names += list(contains)
    return JsonResponse({"tags": names})


# Live blogs


def _live_blog(pk):
    article = get_object_or_404(
        Article.objects.prefetch_related("bylines"), pk=pk, kind=Article.Kind.LIVE
    )
    return article


def _update_args(form):
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "key_event": data["key_event"],
        "image": data["image"],
        "embed_url": data["embed_url"],
    }


@viewer_required
def live_update_list(request, pk):
    """The live blog's updates, newest first; POST posts a new one.

    Refused posts (a writer not on the blog, ended coverage) are the service's
    call: 403 for permission, a message for the state.
    """
    article = _live_blog(pk)
    form = LiveUpdateForm()
    if request.method == "POST":
        form = LiveUpdateForm(request.POST)
        if not permissions.can_post_live_update(article, request.user):
            if not article.is_live_now:
                messages.error(request, "The live coverage has ended.")
                return redirect("articles_admin:live_updates", pk)
            raise PermissionDenied
        if form.is_valid():
            try:
                liveblog.post_update(article, by=request.user, **_update_args(form))
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(request, "Update posted: readers see it now.")
                return redirect("articles_admin:live_updates", pk)
    updates = list(
        LiveUpdate.objects.filter(article=article)
        .select_related("author", "author__author_profile", "image")
        .newest_first()[:100]
    )
    return render(
        request,
        "admin/articles/history/live_updates.html",
        _context(
            request,
            article,
            f"Live updates on “{article.title}”",
            form=form,
            updates=[
                (u, permissions.can_change_live_update(u, request.user))
                for u in updates
            ],
            can_post=permissions.can_post_live_update(article, request.user),
        ),
    )


@viewer_required
def live_update_edit(request, pk, update_pk):
    article = _live_blog(pk)
    update = get_object_or_404(
        LiveUpdate.objects.select_related("article"), pk=update_pk, article=article
    )
    update.article = article  # with its bylines, for the permission check
    if not permissions.can_change_live_update(update, request.user):
        raise PermissionDenied
    form = LiveUpdateForm(initial=LiveUpdateForm.initial_for(update))
    if request.method == "POST":
        form = LiveUpdateForm(request.POST)
        if form.is_valid():
            try:
                liveblog.edit_update(update, by=request.user, **_update_args(form))
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(request, "Update changed.")
                return redirect("articles_admin:live_updates", pk)
    return render(
        request,
        "admin/articles/history/live_update_edit.html",
        _context(request, article, "Edit the update", form=form, update=update),
    )


@require_POST
@viewer_required
def live_update_delete(request, pk, update_pk):
    article = _live_blog(pk)
    update = get_object_or_404(LiveUpdate, pk=update_pk, article=article)
    update.article = article
    liveblog.delete_update(update, by=request.user)
    messages.success(request, "Update deleted.")
    return redirect("articles_admin:live_updates", pk)
