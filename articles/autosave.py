"""Autosave of the article form: one slot per user and article, offered back.

The browser (newsroom/static/newsroom/autosave.js) posts the form's fields here
every 30 seconds when something changed and when the page is hidden or left.
A slot is not a revision and never a conflict: these views never touch the
article's row or its history, and a real save of the form deletes the slot
(``discard_after_save``, called by the admin once the save went through).

The slot keeps the version the form was opened on. Restoring puts that version
back in the form's ``base_version`` field, so when someone else saved meanwhile
the admin's stale-save check refuses the restored text (and keeps it as a refused
revision) instead of overwriting their save.

Inline rows (bylines, sources cited, quotes) are not autosaved.
"""

import json

from django import forms
from django.contrib import admin
from django.core import validators
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from articles.models import Article, ArticleAutosave, Revision
from articles.sanitize import clean_html
from franchise.text import CleanTextFormMixin, strip_unsafe

# A slot holds one article's text; anything bigger is not a form someone typed.
MAX_BYTES = 1024 * 1024
# Related rows chosen in the form, kept as lists of ids.
MANY = ["films", "people", "songs", "claims"]
FLAGS = ["unconfirmed", "is_top_story"]


class IdsField(forms.Field):
    """The ids chosen in a multiple select."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        values = [str(v) for v in value or []]
        if not all(v.isdigit() for v in values):
            raise forms.ValidationError("Choose rows by their id.")
        return values


class MultilineField(forms.CharField):
    """Multi-line text; CleanTextFormMixin removes what readers must not get,
    NUL included, rather than refusing the whole autosave for it."""

    widget = forms.Textarea

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, validators.ProhibitNullCharactersValidator)
        ]


class AutosaveForm(CleanTextFormMixin, forms.Form):
    """The article form's own fields, as they stood; nothing is required."""

    draft_key = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{8,64}$", required=False, widget=forms.HiddenInput
    )
    base_version = forms.IntegerField(min_value=1, required=False)
    # Single-line text refuses control characters, as the article form does.
    title = forms.CharField(required=False, strip=False)
    slug = forms.CharField(required=False)
    tags = forms.CharField(required=False, strip=False)
    lead_image_caption = forms.CharField(required=False, strip=False)
    # Multi-line text has them removed.
    dek = MultilineField()
    body = MultilineField()
    # Choices and related rows: what the form's selects held, checked on save.
    kind = forms.CharField(required=False)
    section = forms.CharField(required=False)
    lead_image = forms.CharField(required=False)
    rated_claim = forms.CharField(required=False)
    rating = forms.CharField(required=False)
    planned_for = forms.CharField(required=False)
    # The embargo's date and time boxes (the admin's split widget).
    embargo_until_0 = forms.CharField(required=False)
    embargo_until_1 = forms.CharField(required=False)
    films = IdsField(required=False)
    people = IdsField(required=False)
    songs = IdsField(required=False)
    claims = IdsField(required=False)
    unconfirmed = forms.CharField(required=False)
    is_top_story = forms.CharField(required=False)
    # The text of the chosen options, so a restored autocomplete shows names.
    labels = forms.CharField(required=False, widget=forms.Textarea)

    def clean_body(self):
        return clean_html(self.cleaned_data["body"])

    def clean_labels(self):
        try:
            raw = json.loads(self.cleaned_data["labels"] or "{}")
        except ValueError:
            raw = {}
        if not isinstance(raw, dict):
            return {}
        return {
            field: {
                str(pk): strip_unsafe(str(text))[:300]
                for pk, text in raw[field].items()
            }
            for field in ("section", "lead_image", "rated_claim", *MANY)
            if isinstance(raw.get(field), dict)
        }

    def fields_data(self):
        """What the slot stores: every article field by its form name."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"draft_key", "base_version", "labels", *FLAGS}
        }
        for name in FLAGS:
            data[name] = self.cleaned_data[name] == "on"
        return data


def _model_admin():
    return admin.site.get_model_admin(Article)


def _error(detail, status, **extra):
    return JsonResponse({"detail": detail, **extra}, status=status)


def _too_big(request):
    # Asked before the body is read: Content-Length is what arrives.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES
    except ValueError:
        return True


def _display(moment):
    """A time as the newsroom's clock shows it: 10:42, or 3 Dec 10:42 before today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b %H:%M}"


def _store(request, *, article=None):
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        messages = [m for errors in form.errors.values() for m in errors]
        return _error("Not autosaved: " + " ".join(messages), 400)
    key = form.cleaned_data["draft_key"]
    if article is None and not key:
        return _error("Not autosaved: a new draft needs its draft key.", 400)
    base = form.cleaned_data["base_version"]
    if article is not None and base is None:
        base = article.version
    lookup = {"user": request.user, "article": article}
    if article is None:
        lookup["draft_key"] = key
    slot, _ = ArticleAutosave.objects.update_or_create(
        **lookup,
        defaults={
            "data": {
                "fields": form.fields_data(),
                "labels": form.cleaned_data["labels"],
            },
            "base_version": base if article is not None else None,
            "saved_at": timezone.now(),
        },
    )
    return JsonResponse(
        {"saved_at": slot.saved_at.isoformat(), "time": _display(slot.saved_at)}
    )


def _last_save(article):
    """Who saved the article last and when (its latest kept revision)."""
    return (
        article.root.revisions.exclude(kind=Revision.Kind.REFUSED)
        .select_related("created_by")
        .first()
    )


def offer(slot, article=None):
    """What the form offers back on return, or None when there is nothing to offer.

    A slot is offered when it is newer than the article's last save and was made
    on the version the article is at; or, when someone saved after the slot's
    version, with a warning that saving it will be refused as a conflict.
    """
    if slot is None:
        return None
    stale = article is not None and slot.base_version != article.version
    if article is not None and not stale and slot.saved_at <= article.edited_at:
        return None
    time = _display(slot.saved_at)
    message = f"You have unsaved changes from {time}."
    if stale:
        last = _last_save(article)
        who = last.created_by.get_username() if last and last.created_by else "Someone"
        when = _display(last.created_at if last else article.edited_at)
        message = (
            f"You have unsaved changes from {time}, but {who} saved this article "
            f"at {when}, after you opened it. Restoring puts your text in the "
            "form; saving it is then refused as a conflict, so their save is "
            "not overwritten."
        )
    return {
        "fields": slot.data.get("fields", {}),
        "labels": slot.data.get("labels", {}),
        "base_version": slot.base_version,
        "draft_key": slot.draft_key,
        "saved_at": slot.saved_at.isoformat(),
        "time": time,
        "stale": stale,
        "message": message,
    }


@require_http_methods(["GET", "POST", "DELETE"])
def article_autosave(request, pk):
    """The user's slot for one article: POST stores, GET offers, DELETE discards."""
    if request.method == "POST" and _too_big(request):
        return _error("Not autosaved: the form is larger than 1 MB.", 413)
    article = get_object_or_404(
        Article.objects.select_related("draft_of").prefetch_related("bylines"), pk=pk
    )
    model_admin = _model_admin()
    if request.method == "POST":
        # The change form's own rule: a writer's own draft, never a live article.
        if not model_admin.has_change_permission(request, article):
            return _error("You may not change this article.", 403)
        return _store(request, article=article)
    if not model_admin.has_view_or_change_permission(request, article):
        return _error("You may not see this article.", 403)
    slots = ArticleAutosave.objects.filter(user=request.user, article=article)
    if request.method == "DELETE":
        slots.delete()
        return JsonResponse({"slot": None})
    return JsonResponse({"slot": offer(slots.first(), article)})


@require_http_methods(["GET", "POST", "DELETE"])
def new_article_autosave(request):
    """The user's slots for articles not saved yet, keyed by the browser's draft key.

    GET offers the newest (or the one named by ``?key=``); DELETE needs ``?key=``.
    """
    if request.method == "POST" and _too_big(request):
        return _error("Not autosaved: the form is larger than 1 MB.", 413)
    if not _model_admin().has_add_permission(request):
        return _error("You may not add articles.", 403)
    if request.method == "POST":
        return _store(request)
    slots = ArticleAutosave.objects.filter(user=request.user, article__isnull=True)
    key = request.GET.get("key", "")
    if key:
        slots = slots.filter(draft_key=key)
    if request.method == "DELETE":
        if not key:
            return _error("Say which draft to discard (?key=).", 400)
        slots.delete()
        return JsonResponse({"slot": None})
    return JsonResponse({"slot": offer(slots.first())})


def discard_after_save(request, article):
    """A real save went through: the user's slot for it (and the add form's) goes."""
    ArticleAutosave.objects.filter(user=request.user, article=article).delete()
    key = request.POST.get("autosave_draft_key", "")
    if key:
        ArticleAutosave.objects.filter(
            user=request.user, article__isnull=True, draft_key=key
        ).delete()
