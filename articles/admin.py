"""The newsroom's admin: where writers draft and editors review."""

from functools import partial
from html import unescape
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles import (
    autosave,
    checks,
    embargo,
    embeds,
    inline_images,
    permissions,
    revisions,
    services,
    tags,
)
from articles.checks import PublishBlocked, publish_problems
from articles.forms import ImageForm
from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Correction,
    Image,
    Quote,
    Rendition,
    Revision,
    Section,
    Transition,
)
from articles.sanitize import clean_html
from articles.widgets import TagAutocompleteWidget
from franchise.locks import ShownRowAdmin
from franchise.models import Claim
from franchise.text import CleanTextAdminMixin, CleanTextFormMixin

Status = Article.Status
Action = Transition.Action
LIVE = {Status.PUBLISHED, Status.SCHEDULED, Status.RETRACTED}
# The name Django 6.1 gives the change form's action field.
ACTION_FIELD = f"{ActionLocation.CHANGE_FORM.value}-action"
ON_FORM = ActionLocation.CHANGE_FORM
ON_LIST = ActionLocation.CHANGE_LIST
# The side panel's save-and-move buttons: the action each runs after the save.
MOVE_FIELD = "_move"
RESOLVE_FIELD = "_resolve"
SAVE_AND_MOVE = {
    "submit_for_review": "Save and submit",
    "approve": "Save and approve",
    "request_changes": "Save and request changes…",
    "approve_and_publish": "Save, approve and publish",
    "publish_now": "Save and publish",
    "schedule": "Schedule…",
}
# The move a state is usually waiting for, drawn as the main button.
PRIMARY = {"submit_for_review", "approve_and_publish", "publish_now"}
# Set apart at the bottom of the panel; each asks for a reason first.
DANGEROUS = {"unpublish", "retract"}
# Who has the article in each state, as the workflow knows it.
HOLDER = {
    Status.DRAFT: "its writers",
    Status.IN_REVIEW: "the editors, for review",
    Status.APPROVED: "the editors, to publish or schedule",
    Status.SCHEDULED: "nobody: it goes live at its time",
    Status.PUBLISHED: "readers",
    Status.RETRACTED: "readers see the retraction note",
}
PANEL_COMMENTS = 3
WORDS_PER_MINUTE = 230


def word_count(html):
    """Words in an HTML body, as the panel and its script count them."""
    # A space before each tag: "</p><p>" separates words.
    return len(strip_tags((html or "").replace("<", " <")).split())


def reading_minutes(words):
    """Minutes to read ``words`` at an adult's pace, rounded up; 0 for nothing."""
    return -(-words // WORDS_PER_MINUTE)


def profile_for(user):
    """The user's author profile, created from their name on first use."""
    profile, _ = AuthorProfile.objects.get_or_create(
        user=user,
        defaults={"display_name": user.get_full_name() or user.get_username()},
    )
    return profile


def smallest_rendition(image):
    """The narrowest rendition of an image (prefetched), or None."""
    renditions = sorted(image.renditions.all(), key=lambda r: r.width)
    return renditions[0] if renditions else None


@admin.register(Section)
class SectionAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AuthorProfile)
class AuthorProfileAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["display_name", "role", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "slug", "user__username"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["photo"]
    raw_id_fields = ["user"]


class RenditionInline(admin.TabularInline):
    model = Rendition
    fields = ["ratio", "width", "height", "format", "file"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Renditions are made from the original, never uploaded by hand.
        return False


@admin.register(Image)
class ImageAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "credit",
        "embargoed_until",
        "width",
        "height",
        "created_at",
    ]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "credit", "caption"]
    readonly_fields = ["preview", "width", "height", "file_format", "uploaded_by"]
    inlines = [RenditionInline]
    fieldsets = [
        (None, {"fields": ["file", "preview", "title"]}),
        (
            "For readers",
            {
                "fields": ["alt_text", "credit", "caption"],
                "description": "Alt text and credit are required before an "
                "article using the picture can be published.",
            },
        ),
        ("Cropping", {"fields": [("focal_x", "focal_y")]}),
        (
            "Embargo",
            {
                "fields": ["embargo_until"],
                "description": "Until this time readers see no trace of the "
                "picture: articles using it show none, and its files are not "
                "served. It appears by itself once the time has passed.",
            },
        ),
        ("File", {"fields": [("width", "height", "file_format"), "uploaded_by"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # Hold the files while embargoed, release them when it is lifted.
        embargo.sync_files(obj)

    def _img(self, image, width):
        if not image.file:
            return "—"
        rendition = smallest_rendition(image)
        url = rendition.file.url if rendition else image.file.url
        return format_html(
            '<img src="{}" alt="{}" width="{}" loading="lazy">',
            url,
            image.alt_text,
            width,
        )

    @admin.display(description="embargoed until", ordering="embargo_until")
    def embargoed_until(self, image):
        if not image.is_embargoed:
            return "—"
        return embargo.format_embargo(image.embargo_until)

    @admin.display(description="picture")
    def thumbnail(self, image):
        return self._img(image, 80)

    @admin.display(description="preview")
    def preview(self, image):
        return self._img(image, 320) if image.pk else "—"

    def get_urls(self):
        library = self.admin_site.admin_view(self.library_view)
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("library/", library, name="articles_image_library"),
            path("library/upload/", upload, name="articles_image_upload"),
            *super().get_urls(),
        ]

    def library_view(self, request):
        """The pictures the body editor may insert: only those with alt text and
        a credit (newsroom/static/newsroom/prose-embed.js)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = Image.objects.order_by("-created_at").prefetch_related("renditions")
        return JsonResponse(
            {
                "images": [
                    {
                        "id": image.pk,
                        "title": image.title,
                        "alt": image.alt_text,
                        "credit": image.credit,
                    }
                    for image in images[:500]
                    if inline_images.insertable(image)
                ],
                "add_url": reverse("admin:articles_image_add"),
                "upload_url": reverse("admin:articles_image_upload"),
                "can_upload": self.has_add_permission(request),
            }
        )

    def upload_view(self, request):
        """A picture uploaded from the body editor's Picture dialog: made as the
        add form makes it (same form, checks, renditions, audit entry), answered
        in JSON so the dialog can insert it or show what is wrong."""
        if request.method != "POST":
            return JsonResponse({"error": "Send the picture with POST."}, status=405)
        if not self.has_add_permission(request):
            return JsonResponse(
                {"error": "You are not allowed to add pictures."}, status=403
            )
        data = request.POST.copy()
        # The add form's defaults for what the dialog does not ask: the centre
        # as focal point, and no embargo.
        data.setdefault("focal_x", "0.5")
        data.setdefault("focal_y", "0.5")
        data["embargo_until"] = ""
        form = self.get_form(request, None, change=False)(data, request.FILES)
        if not form.is_valid():
            errors = {
                field: [error["message"] for error in field_errors]
                for field, field_errors in form.errors.get_json_data().items()
            }
            first = next(iter(errors.values()))[0]
            return JsonResponse({"error": first, "errors": errors}, status=400)
        image = form.save(commit=False)
        self.save_model(request, image, form, change=False)
        self.save_related(request, form, formsets=[], change=False)
        self.log_addition(
            request, image, self.construct_change_message(request, form, None, True)
        )
        return JsonResponse(
            {
                "image": {
                    "id": image.pk,
                    "title": image.title,
                    "alt": image.alt_text,
                    "credit": image.credit,
                }
            },
            status=201,
        )


class BylineInline(admin.TabularInline):
    model = Byline
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    extra = 0
    verbose_name_plural = "bylines (leave empty to sign it yourself)"


class CitationInline(admin.TabularInline):
    model = Citation
    fields = ["source", "supports", "position"]
    autocomplete_fields = ["source"]
    extra = 0
    verbose_name_plural = "sources cited"


class QuoteInline(admin.StackedInline):
    model = Quote
    fields = [("speaker", "speaker_name"), "words", ("source", "context"), "position"]
    autocomplete_fields = ["speaker", "source"]
    extra = 0


# Workflow: the forms that ask for what a transition needs before it runs.


def _textarea():
    return forms.Textarea(attrs={"rows": 4, "cols": 60})


class CommentForm(CleanTextFormMixin, forms.Form):
    comment = forms.CharField(
        label="What needs to change",
        widget=_textarea(),
        help_text="The writers are told, and it stays in the audit trail.",
    )


class ScheduleForm(CleanTextFormMixin, forms.Form):
    at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        help_text=f"Newsroom time ({settings.TIME_ZONE}).",
    )


class UnpublishForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it comes down",
        widget=_textarea(),
        help_text="Kept in the audit trail; readers do not see it.",
    )


class RetractForm(CleanTextFormMixin, forms.Form):
    note = forms.CharField(
        label="Note for readers",
        widget=_textarea(),
        help_text="Shown at the article's address in place of the story.",
    )


class CorrectionForm(CleanTextFormMixin, forms.Form):
    FIX_TEXT = "version"
    NOTE_ONLY = "note"
    HOW = [
        (
            FIX_TEXT,
            "Fix the text in a new version: readers see the note when an "
            "editor publishes it",
        ),
        (
            NOTE_ONLY,
            "Note only, the text stays as it is (a clarification or an update): "
            "readers see it now",
        ),
    ]

    kind = forms.ChoiceField(choices=Correction.Kind.choices)
    text = forms.CharField(
        label="Note for readers",
        widget=_textarea(),
        help_text="What was wrong and what is right, in plain words for readers.",
    )
    how = forms.ChoiceField(
        label="How",
        choices=HOW,
        initial=FIX_TEXT,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, live=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not live:
            # A scheduled article is not live yet: it is edited directly.
            self.fields["how"].choices = self.HOW[1:]
            self.fields["how"].initial = self.NOTE_ONLY

    def clean_how(self):
        return self.cleaned_data["how"] or self.fields["how"].initial


class OverrideForm(CleanTextFormMixin, forms.Form):
    override_reason = forms.CharField(
        label="Go ahead anyway because",
        widget=_textarea(),
        help_text="Required. Logged with the checks you override.",
    )


def _asked(request, form_class):
    """The intermediate form: bound once the user confirmed it, blank before."""
    if "_confirm" in request.POST:
        return form_class(request.POST, prefix="workflow")
    return form_class(prefix="workflow")


PREVIEW_WORDS = 60


def article_preview(article, words=PREVIEW_WORDS):
    """The first words of the (sanitised) body as plain text, for a reminder."""
    text = " ".join(strip_tags(article.body or "").split())
    return Truncator(unescape(text)).words(words, truncate="…")


def _pk(obj):
    return obj.pk if obj is not None else None


def submitted_snapshot(article, form, formsets):
    """What a refused form said, in the shape of ``revisions.snapshot``."""
    data = revisions.snapshot(article)
    cleaned = form.cleaned_data
    for name in revisions.FIELDS:
        field = name.removesuffix("_id")
        if field in cleaned:
            value = cleaned[field]
            data[name] = _pk(value) if name.endswith("_id") else value
    if "body" in cleaned:
        data["body"] = clean_html(cleaned["body"] or "")
    if "tags" in cleaned:
        data["tags"] = sorted(cleaned["tags"])
    for name in ("films", "people", "songs", "claims"):
        if name in cleaned:
            data[name] = sorted(obj.pk for obj in cleaned[name])
    for formset in formsets:
        rows = sorted(
            (
                f.cleaned_data
                for f in formset.forms
                if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
            ),
            key=lambda row: row.get("position") or 0,
        )
        if formset.model is Byline:
            data["authors"] = [_pk(r.get("author")) for r in rows if r.get("author")]
        elif formset.model is Citation:
            data["citations"] = [
                {
                    "source": _pk(r.get("source")),
                    "supports": r.get("supports", ""),
                    "position": r.get("position") or 0,
                }
                for r in rows
            ]
        elif formset.model is Quote:
            data["quotes"] = [
                {
                    "speaker": _pk(r.get("speaker")),
                    "speaker_name": r.get("speaker_name", ""),
                    "words": r.get("words", ""),
                    "source": _pk(r.get("source")),
                    "context": r.get("context", ""),
                    "position": r.get("position") or 0,
                }
                for r in rows
            ]
    return data


class ArticleAdminForm(forms.ModelForm):
    """The article form, carrying the version it was loaded at."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        # The admin passes its fieldsets' fields; these are the same ones.
        fields = [
            "title",
            "slug",
            "dek",
            "body",
            "kind",
            "section",
            "tags",
            "lead_image",
            "lead_image_caption",
            "films",
            "people",
            "songs",
            "claims",
            "unconfirmed",
            "is_top_story",
            "planned_for",
            "embargo_until",
            "rated_claim",
            "rating",
        ]
        widgets = {"tags": TagAutocompleteWidget}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
        if "slug" in self.fields:
            # Left empty, the slug is made from the headline (Article.save).
            self.fields["slug"].required = False

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        tags.validate_tag_names(names)
        return names

    def _save_m2m(self):
        # New tags get our slug (never empty); taggit would make "" for "\\".
        names = self.cleaned_data.get("tags")
        if names is not None:
            self.cleaned_data["tags"] = tags.tags_for_names(names)
        try:
            super()._save_m2m()
        finally:
            if names is not None:
                self.cleaned_data["tags"] = names

    def clean_embargo_until(self):
        """Writers may set or extend an embargo; lifting one early is an editor's
        call once the article is scheduled or live, or on a new version of a
        live article (the embargo is a promise to the source, and the desk
        answers for it)."""
        new = self.cleaned_data.get("embargo_until")
        old = self.instance.embargo_until if self.instance.pk else None
        if new is not None and new <= timezone.now():
            return None  # a time already past means no embargo
        user = getattr(self, "user", None)
        committed = (
            self.instance.status in {Status.SCHEDULED, Status.PUBLISHED}
            or self.instance.draft_of_id is not None
        )
        shortened = (
            old is not None and old > timezone.now() and (new is None or new < old)
        )
        if (
            committed
            and shortened
            and user is not None
            and not permissions.is_editor(user)
        ):
            raise ValidationError(
                "Only an editor can lift or shorten the embargo of a scheduled "
                f"or published article (embargoed until {embargo.format_embargo(old)})."
            )
        return new

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locked until the admin's transaction ends: two saves cannot both pass.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("base_version") != current:
                self.stale = True
                raise ValidationError(
                    "Someone saved this article after you opened it, so your "
                    "changes were not saved. Nothing you typed is lost."
                )
        return cleaned


class TrashFilter(admin.SimpleListFilter):
    """The desk by default; the trash on request, where editors restore."""

    title = "desk or trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("1", "In the trash")]

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "On the desk"
        return choices

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)


@admin.register(Article)
class ArticleAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "status",
        "section",
        "kind",
        "first_byline",
        "published_at",
    ]
    list_filter = [TrashFilter, "status", "kind", "section"]
    list_select_related = ["section", "draft_of"]
    search_fields = ["title", "dek"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "lead_image",
        "films",
        "people",
        "songs",
        "claims",
        "rated_claim",
    ]
    readonly_fields = [
        "status",
        "rendered_body",
        "first_published_at",
        "published_at",
        "updated_at",
    ]
    inlines = [BylineInline, CitationInline, QuoteInline]
    fieldsets = [
        (None, {"fields": ["title", "dek", "body"]}),
        (
            "Label and place",
            {"fields": ["kind", "section", "tags", "unconfirmed"]},
        ),
        (
            "Lead image",
            {
                "fields": ["lead_image", "lead_image_caption"],
                "description": "Search the library by title or credit; upload new "
                "pictures under Images first.",
            },
        ),
        (
            "What it covers",
            {
                "fields": ["films", "people", "songs"],
                "description": "Linked pages list this article as coverage.",
            },
        ),
        (
            "Facts asserted",
            {
                "fields": ["claims"],
                "description": "Each fact the article states, from the knowledge "
                "base. Disputed or rumoured facts need the 'unconfirmed' flag.",
            },
        ),
        (
            "Fact check",
            {
                "fields": ["rated_claim", "rating"],
                "description": "Only for fact-check pieces: the claim rated and "
                "the verdict. Readers and search engines see it as a ClaimReview.",
                "classes": ["collapse"],
            },
        ),
        (
            "Address, top story and planning",
            {
                # Rarely touched: the slug follows the headline by itself.
                "fields": [
                    "slug",
                    "is_top_story",
                    "planned_for",
                    ("first_published_at", "published_at", "updated_at"),
                ],
                "classes": ["collapse"],
            },
        ),
        (
            "Embargo",
            {
                "fields": ["embargo_until"],
                "description": "Agreed with a source or studio: readers see "
                "nothing of the article before this time, and it cannot be "
                "published or scheduled earlier.",
            },
        ),
    ]
    actions = [
        # Buttons on the change form (Django 6.1 change-form actions).
        "submit_for_review",
        "approve",
        "request_changes",
        "publish_now",
        "schedule",
        "unpublish",
        "retract",
        "add_correction",
        "end_live_coverage",
        "start_new_version",
        "move_to_trash",
        "restore",
        # Bulk actions on the list.
        "submit_selected",
        "approve_selected",
        "publish_selected",
        "unpublish_selected",
        "trash_selected",
        "restore_selected",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    @admin.display(description="headline", ordering="title")
    def headline(self, article):
        if article.draft_of_id:
            return format_html(
                "{} <em>(new version of “{}”)</em>",
                article.title,
                article.draft_of.title,
            )
        return article.title

    @admin.display(description="byline")
    def first_byline(self, article):
        bylines = article.bylines.all()
        return bylines[0].author if bylines else "—"

    # Permissions: the workflow's rules, on every path.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        # A live article changes only through a new version; the trash is frozen.
        if obj.status in LIVE or obj.deleted_at:
            return False
        return permissions.can_edit(obj, request.user)

    def get_actions(self, request, action_location=ON_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Deleting an article means moving it to the trash.
        actions.pop("delete_selected", None)
        return actions

    # Saving: a revision on every save, and no silent overwrites.

    def save_model(self, request, obj, form, change):
        # Live articles are read-only here; their address changes when a new
        # version is published (services.publish keeps the old one redirecting).
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # A new piece is signed by whoever wrote it unless they named someone else.
        if not change and not article.bylines.exists():
            Byline.objects.create(
                article=article, author=profile_for(request.user), position=0
            )
        services.record_save(article, by=request.user, created=not change)
        autosave.discard_after_save(request, article)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # A save refused as stale is kept here, on the save path: rendering the
        # form never writes.
        context = getattr(response, "context_data", None) or {}
        form = getattr(context.get("adminform"), "form", None)
        if request.method == "POST" and getattr(form, "stale", False):
            formsets = [inline.formset for inline in context["inline_admin_formsets"]]
            context["conflict"] = self.keep_refused_save(
                request, context["original"], form, formsets
            )
        return response

    def keep_refused_save(self, request, obj, form, formsets):
        """Store a refused submission as a revision; say who saved meanwhile."""
        current = Article.objects.get(pk=obj.pk)
        submitted = submitted_snapshot(current, form, formsets)
        latest = (
            current.root.revisions.exclude(kind=Revision.Kind.REFUSED)
            .select_related("created_by")
            .first()
        )
        saved = latest or SimpleNamespace(
            data=revisions.snapshot(current), created_by=None, created_at=None
        )
        changes = revisions.diff(saved, SimpleNamespace(data=submitted))
        refused = revisions.record(
            current,
            by=request.user,
            kind=Revision.Kind.REFUSED,
            data=submitted,
            note=f"refused: based on version {form.cleaned_data.get('base_version')}"
            f", the article was at version {current.version}",
        )
        return {
            "by": saved.created_by,
            "at": saved.created_at or current.edited_at,
            "fields": [change.label for change in changes],
            "revision": refused,
            "story": current.root,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        context = {}
        if article is not None and self.has_view_or_change_permission(request, article):
            context = self.workflow_context(request, article)
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def workflow_context(self, request, article):
        """What the change form shows about the article's place in the workflow."""
        buttons = []
        for name in permissions.available_actions(article, request.user):
            label = getattr(type(self), name).short_description
            buttons.append((name, label))
        pending = None
        if article.status in LIVE and not article.draft_of_id:
            pending = Article.objects.filter(draft_of=article).first()
        if pending is not None:
            buttons = [
                (n, "Open the new version" if n == "start_new_version" else label)
                for n, label in buttons
            ]
        return {
            "workflow_buttons": buttons,
            "workflow_action_field": ACTION_FIELD,
            "is_live": article.status in LIVE and not article.draft_of_id,
            "pending_version": pending,
            "live_version": article.draft_of if article.draft_of_id else None,
        }

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "section" not in initial:
            # The writer's last section, else the first: one less choice to make.
            last = (
                Article.objects.filter(created_by=request.user)
                .order_by("-created_at")
                .values_list("section", flat=True)
                .first()
            )
            initial["section"] = (
                last or Section.objects.values_list("pk", flat=True).first()
            )
        return initial

    def get_urls(self):
        checks_url = path(
            "checks/",
            self.admin_site.admin_view(self.checks_view),
            name="articles_article_checks",
        )
        return [checks_url, *super().get_urls()]

    def checks_view(self, request):
        """The checks the panel cannot answer from the form: the chosen picture's
        alt text and credit, the chosen claims' status (?image=…&claims=…)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image_id = request.GET.get("image", "")
        image = (
            Image.objects.filter(pk=image_id).first() if image_id.isdigit() else None
        )
        ids = [pk for pk in request.GET.getlist("claims") if pk.isdigit()]
        claims = list(Claim.objects.filter(pk__in=ids)) if ids else []
        return JsonResponse(
            {
                "image": checks.lead_image_problems(image),
                "claims": checks.claim_problems(claims),
                "needs_label": bool(claims) and checks.needs_unconfirmed_label(claims),
            }
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The embargo rule depends on who edits (ArticleAdminForm.clean_embargo_until).
        return type(form.__name__, (form,), {"user": request.user})

    # Reading: who cannot change the article reads it as the page shows it.

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "rendered_body" if field == "body" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="body")
    def rendered_body(self, article):
        # The public page's rendering: the stored body, cleaned once more.
        return format_html(
            '<div class="article-rendered-body">{}</div>',
            # Embeds as plain links: the admin loads nothing from a third party.
            mark_safe(  # noqa: S308 -- nh3-cleaned, then built with format_html
                inline_images.render(embeds.as_links(clean_html(article.body or "")))
            ),
        )

    # The side panel: status, people, feedback, checks and the next moves.

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        editable = add or self.has_change_permission(request, obj)
        context.update(self.panel_context(request, obj, editable))
        # The trash (confirmed) is in the panel; no stock "Delete" beside it.
        context["show_delete"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def panel_context(self, request, obj, editable):
        """What the side panel shows: read from permissions, checks and the record."""
        user = request.user
        article = obj or Article(status=Status.DRAFT, created_by=user)
        names = permissions.available_actions(article, user)
        if obj is None:
            names = [n for n in names if n not in ("move_to_trash", "restore")]
        if editable and "approve" in names and permissions.is_editor(user):
            # In review to live in one press: approve, then publish.
            names.insert(names.index("approve") + 1, "approve_and_publish")
        labels = dict(self.workflow_context(request, article)["workflow_buttons"])
        moves, actions, danger = [], [], []
        for name in names:
            if name == "move_to_trash":
                continue  # a link to its confirmation page, below
            if editable and name in SAVE_AND_MOVE:
                if name != "schedule":
                    moves.append((name, SAVE_AND_MOVE[name], name in PRIMARY))
            elif name in DANGEROUS:
                danger.append((name, labels[name] + "…"))
            else:
                actions.append((name, labels[name]))
        draft = article.status == Status.DRAFT
        return {
            "panel": {
                "editable": editable,
                "save_label": "Save draft" if draft else "Save changes",
                "moves": moves,
                # Under embargo, the schedule field offers the embargo time.
                "schedule_form": ScheduleForm(
                    prefix="schedule",
                    initial={"at": article.embargo_until}
                    if article.is_embargoed
                    else None,
                )
                if editable and "schedule" in names
                else None,
                "embargo": embargo.format_embargo(article.embargo_until)
                if article.is_embargoed
                else "",
                "embargo_until": article.embargo_until,
                # The article may go out; its picture joins it at its own time.
                "picture_embargo": embargo.format_embargo(
                    article.lead_image.embargo_until
                )
                if article.lead_image_id and article.lead_image.is_embargoed
                else "",
                "actions": actions,
                "danger": danger,
                "can_trash": obj is not None and "move_to_trash" in names,
                "move_field": MOVE_FIELD,
                "resolve_field": RESOLVE_FIELD,
                **(self.panel_record(article, user) if obj is not None else {}),
            }
        }

    def panel_record(self, article, user):
        """The saved article's people, latest move, open feedback and checks."""
        moves = article.transitions.exclude(
            action__in=[Action.CREATE, Action.EDIT]
        ).select_related("by")
        latest = moves.first()
        comments = list(
            article.comments.filter(resolved_at__isnull=True)
            .select_related("author")
            .order_by("-created_at", "-id")[:PANEL_COMMENTS]
        )
        requested = None
        if (
            latest is not None
            and latest.action == Action.REQUEST_CHANGES
            and article.status == Status.DRAFT
        ):
            requested = latest
        return {
            "authors": [byline.author for byline in article.bylines.all()],
            "holder": HOLDER.get(article.status, ""),
            "latest": latest,
            "changes_requested": requested,
            "comments": [
                (c, permissions.can_resolve_comment(c, user)) for c in comments
            ],
            "open_comments": article.comments.filter(resolved_at__isnull=True).count(),
            "checks": checks.checklist(article),
            "needs_label": checks.needs_unconfirmed_label(list(article.claims.all())),
            "words": word_count(article.body),
            "minutes": reading_minutes(word_count(article.body)),
        }

    # Save and move: the form saves as always, then the chosen move runs
    # through the same action (and service) as the workflow buttons.

    def response_add(self, request, obj, post_url_continue=None):
        if self.wants_more(request):
            return self.after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.wants_more(request):
            return self.after_save(request, obj)
        return super().response_change(request, obj)

    def wants_more(self, request):
        return MOVE_FIELD in request.POST or RESOLVE_FIELD in request.POST

    def after_save(self, request, obj):
        self.message_user(request, f"“{obj}” is saved.", messages.SUCCESS)
        # Read back what was saved: status, version and bylines as stored.
        article = self.get_queryset(request).get(pk=obj.pk)
        if RESOLVE_FIELD in request.POST:
            self.resolve_from_panel(request, article)
        response = None
        move = request.POST.get(MOVE_FIELD)
        if move:
            response = self.move_after_save(request, article, move)
        return response or HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def move_after_save(self, request, article, move):
        label = SAVE_AND_MOVE.get(move, move)
        # Each move is offered exactly when available_actions offers its action.
        needed = "approve" if move == "approve_and_publish" else move
        if move not in SAVE_AND_MOVE or needed not in permissions.available_actions(
            article, request.user
        ):
            self.message_user(
                request,
                f"Your edits are saved, but “{label}” is not yours to do while "
                f"the article is {article.get_status_display()}.",
                messages.ERROR,
            )
            return None
        try:
            if move == "schedule":
                return self.schedule_from_panel(request, article)
            queryset = self.get_queryset(request).filter(pk=article.pk)
            if move == "approve_and_publish":
                return self.approve_and_publish(request, queryset)
            return getattr(self, move)(request, queryset)
        except PermissionDenied as error:
            self.message_user(
                request,
                f"Your edits are saved, but “{label}” was refused: "
                f"{error or 'you are not allowed.'}",
                messages.ERROR,
            )
            return None

    def approve_and_publish(self, request, queryset):
        """The approve button, then, if it approved, the publish button."""
        response = self.approve(request, queryset)
        if response is None and queryset.get().status == Status.APPROVED:
            response = self.publish_now(request, queryset)
        return response

    def schedule_from_panel(self, request, article):
        form = ScheduleForm(request.POST, prefix="schedule")
        if not form.is_valid():
            self.message_user(
                request,
                "Your edits are saved, but not scheduled: choose a valid "
                "publication time.",
                messages.ERROR,
            )
            return None
        self.run(
            request,
            article,
            "is scheduled",
            services.schedule,
            at=form.cleaned_data["at"],
        )
        return None

    def resolve_from_panel(self, request, article):
        comment = article.comments.filter(pk=request.POST.get(RESOLVE_FIELD)).first()
        if comment is None:
            return
        try:
            services.resolve_comment(comment, by=request.user)
        except PermissionDenied:
            self.message_user(
                request, "You cannot resolve comments on this article.", messages.ERROR
            )
        else:
            self.message_user(request, "Comment resolved.", messages.SUCCESS)

    # Deleting: every admin path moves the article to the trash instead.

    def delete_model(self, request, obj):
        services.trash(obj, by=request.user, reason="deleted in the admin")

    def delete_queryset(self, request, queryset):
        for article in queryset:
            self.delete_model(request, article)

    def delete_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_delete_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            self.delete_model(request, article)
            self.message_user(
                request,
                f"“{article}” is in the trash; editors can restore it from there.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return self.ask(
            request,
            article,
            None,
            None,
            title="Move this article to the trash?",
            intro="It disappears from every list and page and can be restored "
            "from the trash by an editor.",
            submit="Move to the trash",
        )

    # The change form's buttons. Services check permissions: a refused
    # PermissionDenied becomes a 403, a ValidationError a message.

    def ask(self, request, article, action, form, *, title, problems=(), **extra):
        """An intermediate page asking for what a transition needs.

        It shows the article it acts on (headline, status, the start of the
        text) and lays the form out as the admin's own change forms do.
        """
        return TemplateResponse(
            request,
            "admin/articles/article/workflow_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "original": article,
                "article_preview": article_preview(article),
                "form": form,
                "adminform": (
                    helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})
                    if form
                    else None
                ),
                "problems": problems,
                "workflow_action": action,
                "workflow_action_field": ACTION_FIELD,
                "selected_field": helpers.ACTION_CHECKBOX_NAME,
                "submit": extra.get("submit", "Confirm"),
                "intro": extra.get("intro", ""),
                "change_url": reverse(
                    "admin:articles_article_change", args=[article.pk]
                ),
                "media": self.media + (form.media if form else forms.Media()),
            },
        )

    def refuse(self, request, error):
        self.message_user(request, " ".join(error.messages), messages.ERROR)

    def run(self, request, article, done, service, **kwargs):
        try:
            service(article, by=request.user, **kwargs)
        except ValidationError as error:
            self.refuse(request, error)
        else:
            self.message_user(request, f"“{article}” {done}.", messages.SUCCESS)

    def run_with_form(self, request, queryset, action, form_class, title, call):
        article = queryset.get()
        form = _asked(request, form_class)
        if form.is_bound and form.is_valid():
            try:
                message = call(article, request.user, form.cleaned_data)
            except ValidationError as error:
                # Keep what was typed: show the refusal on the same form.
                form.add_error(None, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return None
        return self.ask(request, article, action, form, title=title, submit=title)

    def run_checked(self, request, queryset, action, service, done):
        """Approve or publish; failed checks ask an editor for an override reason."""
        article = queryset.get()
        form = _asked(request, OverrideForm)
        title = f"“{article}” does not pass the publish checks"
        if form.is_bound and not form.is_valid():
            # No reason given: the service is not called, so the checks run here.
            return self.ask(
                request,
                article,
                action,
                form,
                title=title,
                problems=publish_problems(article),
            )
        reason = form.cleaned_data["override_reason"] if form.is_bound else ""
        try:
            result = service(article, by=request.user, override_reason=reason)
        except PublishBlocked as blocked:
            return self.ask(
                request,
                article,
                action,
                form,
                title=title,
                problems=blocked.problems,
                submit="Override the checks",
            )
        except ValidationError as error:
            self.refuse(request, error)
            return None
        note = " over the publish checks (reason logged)" if reason else ""
        self.message_user(request, f"“{article}” {done}{note}.", messages.SUCCESS)
        if result is not None and result.pk != article.pk:
            # A new version was published onto its live article and is gone:
            # carry on from the live article.
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[result.pk])
            )
        return None

    @admin.action(description="End live coverage", location=ON_FORM)
    def end_live_coverage(self, request, queryset):
        self.run(
            request,
            queryset.get(),
            "is no longer live: updates stop",
            services.end_live_coverage,
        )

    @admin.action(description="Submit for review", location=ON_FORM)
    def submit_for_review(self, request, queryset):
        self.run(
            request, queryset.get(), "went to the editors", services.submit_for_review
        )

    @admin.action(description="Approve", location=ON_FORM)
    def approve(self, request, queryset):
        return self.run_checked(
            request, queryset, "approve", services.approve, "approved"
        )

    @admin.action(description="Request changes", location=ON_FORM)
    def request_changes(self, request, queryset):
        def call(article, user, data):
            services.request_changes(article, by=user, comment=data["comment"])
            return f"“{article}” went back to its writers with your comment."

        return self.run_with_form(
            request, queryset, "request_changes", CommentForm, "Request changes", call
        )

    @admin.action(description="Publish now", location=ON_FORM)
    def publish_now(self, request, queryset):
        return self.run_checked(
            request, queryset, "publish_now", services.publish, "is published"
        )

    @admin.action(description="Schedule", location=ON_FORM)
    def schedule(self, request, queryset):
        def call(article, user, data):
            services.schedule(article, by=user, at=data["at"])
            return f"“{article}” is scheduled."

        return self.run_with_form(
            request, queryset, "schedule", ScheduleForm, "Schedule publication", call
        )

    @admin.action(description="Unpublish", location=ON_FORM)
    def unpublish(self, request, queryset):
        def call(article, user, data):
            services.unpublish(article, by=user, reason=data["reason"])
            return f"“{article}” is unpublished and back to draft."

        return self.run_with_form(
            request, queryset, "unpublish", UnpublishForm, "Unpublish", call
        )

    @admin.action(description="Retract", location=ON_FORM)
    def retract(self, request, queryset):
        def call(article, user, data):
            services.retract(article, by=user, note=data["note"])
            return f"“{article}” is retracted; its address shows your note."

        return self.run_with_form(
            request, queryset, "retract", RetractForm, "Retract", call
        )

    @admin.action(description="Correct this article", location=ON_FORM)
    def add_correction(self, request, queryset):
        """Open a new version carrying the note, or (editors' choice) a note only."""
        article = queryset.get()
        live = article.status == Status.PUBLISHED
        form = _asked(request, partial(CorrectionForm, live=live))
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                if data["how"] == CorrectionForm.NOTE_ONLY:
                    services.add_correction(
                        article, by=request.user, text=data["text"], kind=data["kind"]
                    )
                else:
                    version = services.start_correction(
                        article, by=request.user, text=data["text"], kind=data["kind"]
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if data["how"] == CorrectionForm.NOTE_ONLY:
                    self.message_user(
                        request,
                        f"The note on “{article}” is published.",
                        messages.SUCCESS,
                    )
                    return None
                self.message_user(
                    request,
                    "Fix the text in this new version; publishing it changes the "
                    "live article and publishes your correction note with it.",
                    messages.INFO,
                )
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[version.pk])
                )
        return self.ask(
            request,
            article,
            "add_correction",
            form,
            title="Correct this article",
            submit="Correct this article",
        )

    @admin.action(description="Start a new version", location=ON_FORM)
    def start_new_version(self, request, queryset):
        article = queryset.get()
        try:
            copy = services.start_new_version(article, by=request.user)
        except ValidationError as error:
            self.refuse(request, error)
            return None
        self.message_user(
            request,
            "You are editing the new version; readers see the live one until "
            "an editor publishes this.",
            messages.INFO,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[copy.pk])
        )

    @admin.action(description="Move to the trash", location=ON_FORM)
    def move_to_trash(self, request, queryset):
        article = queryset.get()
        self.run(request, article, "is in the trash", services.trash)
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    @admin.action(description="Restore from the trash", location=ON_FORM)
    def restore(self, request, queryset):
        self.run(request, queryset.get(), "is restored", services.restore_from_trash)

    # Bulk actions: the service runs per article; each refusal is reported.

    def run_each(self, request, queryset, service, done, **kwargs):
        succeeded, refused = [], []
        for article in queryset:
            try:
                service(article, by=request.user, **kwargs)
            except PermissionDenied as error:
                refused.append((article, str(error) or "You are not allowed."))
            except ValidationError as error:
                refused.append((article, " ".join(error.messages)))
            else:
                succeeded.append(f"“{article}”")
        if succeeded:
            self.message_user(
                request, f"{done}: {', '.join(succeeded)}.", messages.SUCCESS
            )
        for article, reason in refused:
            self.message_user(
                request, f"Refused for “{article}”: {reason}", messages.ERROR
            )

    @admin.action(description="Submit selected articles for review")
    def submit_selected(self, request, queryset):
        self.run_each(
            request, queryset, services.submit_for_review, "Submitted for review"
        )

    @admin.action(description="Approve selected articles")
    def approve_selected(self, request, queryset):
        self.run_each(request, queryset, services.approve, "Approved")

    @admin.action(description="Publish selected articles now")
    def publish_selected(self, request, queryset):
        self.run_each(request, queryset, services.publish, "Published")

    @admin.action(description="Unpublish selected articles")
    def unpublish_selected(self, request, queryset):
        self.run_each(
            request,
            queryset,
            services.unpublish,
            "Unpublished",
            reason="unpublished from the article list",
        )

    @admin.action(description="Move selected articles to the trash")
    def trash_selected(self, request, queryset):
        self.run_each(
            request, queryset, services.trash, "Moved to the trash", reason="bulk"
        )

    @admin.action(description="Restore selected articles from the trash")
    def restore_selected(self, request, queryset):
        self.run_each(request, queryset, services.restore_from_trash, "Restored")


class ReadOnlyAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """An audit record: nobody adds, changes or deletes, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def article_link(article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return format_html('<a href="{}">{}</a>', url, article.title)


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "story",
        "action",
        "from_to",
        "by",
        "reason",
        "changed",
        "overridden",
    ]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["article__title", "by__username"]
    list_select_related = ["article", "by"]
    date_hierarchy = "at"
    # The entry's page shows the changed fields as lines, not as raw JSON.
    exclude = ["changes"]
    readonly_fields = ["changed"]

    @admin.display(description="article", ordering="article__title")
    def story(self, transition):
        return article_link(transition.article)

    @admin.display(description="from → to")
    def from_to(self, transition):
        return (
            f"{transition.get_from_status_display()} → "
            f"{transition.get_to_status_display()}"
        )

    @admin.display(description="what changed")
    def changed(self, transition):
        """One line per field: name, old value → new value."""
        lines = format_html_join(
            "",
            "<li>{}: “{}” → “{}”</li>",
            (
                (change["field"], change["old"], change["new"])
                for change in transition.changes
            ),
        )
        return format_html("<ul>{}</ul>", lines) if lines else "—"

    @admin.display(description="overridden checks")
    def overridden(self, transition):
        return "; ".join(transition.overridden_checks) or "—"


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["published_at", "story", "kind", "text", "by"]
    list_filter = ["kind", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["article__title", "text"]
    list_select_related = ["article", "by"]

    @admin.display(description="article", ordering="article__title")
    def story(self, correction):
        return article_link(correction.article)
