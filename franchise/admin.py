"""The knowledge base in the admin, written for writers and editors."""

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from franchise.locks import ShownRowAdmin, ShownRowInline
from franchise.models import (
    Award,
    Character,
    Claim,
    ClaimStatusChange,
    Credit,
    Film,
    Franchise,
    Person,
    Release,
    Song,
    Source,
)
from franchise.services import resolve_dispute, set_claim_status
from franchise.text import CleanTextAdminMixin, CleanTextFormMixin

# Writers add claims as they report them; confirming or denying is an editor's
# call, made through set_claim_status with a reason.
WRITER_CLAIM_STATUSES = [Claim.Status.RUMOURED, Claim.Status.REPORTED]
REASON_REQUIRED = "Give a reason for the change of status."

CLAIM_FIELDS = [
    "property",
    "qualifier",
    "value",
    "value_date",
    "value_precision",
    "value_number",
    "value_person",
    "status",
    "sources",
]


def describe_sources(sources):
    """One line per source: kind, who and outlet, for editors weighing a fact."""
    return format_html_join(
        "",
        "<li>{} — {}{}</li>",
        (
            (
                source.get_kind_display(),
                source.who or source.title,
                f" ({source.outlet})" if source.outlet else "",
            )
            for source in sources
        ),
    ) or format_html("<li>{}</li>", "no source")


class ClaimInline(ShownRowInline, admin.StackedInline):
    model = Claim
    fields = CLAIM_FIELDS
    autocomplete_fields = ["value_person", "sources"]
    extra = 0
    show_change_link = True
    verbose_name = "sourced fact"
    verbose_name_plural = "sourced facts about this subject"


class FilmClaimInline(ClaimInline):
    fk_name = "film"


class PersonClaimInline(ClaimInline):
    fk_name = "person"


class SongClaimInline(ClaimInline):
    fk_name = "song"


class CreditInline(ShownRowInline, admin.TabularInline):
    model = Credit
    fields = ["person", "job", "character", "billing_order", "status", "note"]
    autocomplete_fields = ["person", "character"]
    extra = 0


class ReleaseInline(ShownRowInline, admin.TabularInline):
    model = Release
    fields = ["kind", "country", "date", "precision", "platform"]
    extra = 0


class FilmSongInline(admin.TabularInline):
    model = Song.films.through
    autocomplete_fields = ["song"]
    extra = 0
    verbose_name = "song"
    verbose_name_plural = "songs in this film"


class AwardInline(ShownRowInline, admin.TabularInline):
    model = Award
    fields = ["name", "category", "year", "result"]
    extra = 0


@admin.register(Franchise)
class FranchiseAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Film)
class FilmAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["title", "franchise", "format", "production_status", "release"]
    list_filter = ["production_status", "format", "franchise"]
    list_select_related = ["franchise"]
    search_fields = ["title", "slug", "distributor"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["sequel_to"]
    inlines = [CreditInline, ReleaseInline, FilmSongInline, FilmClaimInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "franchise", "format", "sequel_to"]}),
        (
            "Release and production",
            {
                "fields": [
                    "production_status",
                    ("release_date", "release_precision"),
                    "distributor",
                ],
                "description": "Only what is confirmed. Anything reported or "
                "rumoured goes in the sourced facts below.",
            },
        ),
        ("About", {"fields": ["based_on", "synopsis"]}),
    ]

    @admin.display(description="release", ordering="release_date")
    def release(self, film):
        return film.release_display


@admin.register(Release)
class ReleaseAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["film", "kind", "country", "date_display", "platform"]
    list_filter = ["kind", "country"]
    list_select_related = ["film"]
    search_fields = ["film__title", "platform"]
    autocomplete_fields = ["film"]

    @admin.display(description="date", ordering="date")
    def date_display(self, release):
        return release.date_display


@admin.register(Person)
class PersonAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["name", "born"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonClaimInline]


@admin.register(Character)
class CharacterAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["name", "franchise"]
    list_filter = ["franchise"]
    list_select_related = ["franchise"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Credit)
class CreditAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["person", "job", "character", "film", "status", "billing_order"]
    list_filter = ["job", "status"]
    list_select_related = ["person", "character", "film"]
    search_fields = ["person__name", "film__title", "character__name"]
    autocomplete_fields = ["film", "person", "character"]


@admin.register(Song)
class SongAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["title", "status"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["films", "performers", "writers"]
    inlines = [AwardInline, SongClaimInline]


@admin.register(Award)
class AwardAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["song", "name", "category", "year", "result"]
    list_filter = ["result", "year"]
    list_select_related = ["song"]
    search_fields = ["name", "category", "song__title"]
    autocomplete_fields = ["song"]


@admin.register(Source)
class SourceAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "who", "outlet", "date", "on_record"]
    list_filter = ["kind", "on_record"]
    list_select_related = ["speaker"]
    search_fields = ["title", "outlet", "key", "speaker__name", "speaker_description"]
    autocomplete_fields = ["speaker"]
    # The key is made from the title on save (Source.save), never asked for.
    readonly_fields = ["key"]
    fieldsets = [
        (None, {"fields": ["kind", "title"]}),
        (
            "Who and where",
            {
                "fields": [
                    "speaker",
                    "speaker_description",
                    "on_record",
                    "outlet",
                    "url",
                    ("date", "date_precision"),
                ],
                "description": "Pick the speaker from the knowledge base, or "
                "describe them when they are not in it.",
            },
        ),
        ("Notes", {"fields": ["note"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Handle", {"fields": ["key"], "classes": ["collapse"]})]

    @admin.display(description="who", ordering="speaker__name")
    def who(self, source):
        return source.who


def coverage_model():
    """The article model, reached through the reverse relation: no import of it."""
    return Claim.articles.rel.related_model


class StatusChangeForm(CleanTextFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Claim.Status.choices, label="New status")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text="What settled it and where, e.g. 'Netflix press release, "
        "12 March'. Kept in the claim's history.",
    )

    def __init__(self, *args, claim=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.claim is not None and status == self.claim.status:
            raise ValidationError(
                f"The claim is already {self.claim.get_status_display()}."
            )
        return status


class ReasonForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
        help_text="Kept in the history of every claim changed.",
    )


class ResolveForm(CleanTextFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for confirming this value."},
        help_text="Why this value is right: the source that settles it.",
    )
    loser_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the denials",
        help_text="Optional. Left empty, each denial says which value "
        "contradicts it and repeats the reason above.",
    )


class StatusChangeInline(admin.TabularInline):
    """The claim's status history, read-only: changes go through the service."""

    model = ClaimStatusChange
    fields = ["at", "by", "change", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "status change"
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        # Each row's title is str(change), which names the claim and its subject.
        return (
            super()
            .get_queryset(request)
            .select_related("by", "claim__film", "claim__person", "claim__song")
        )

    def has_view_permission(self, request, obj=None):
        # History is part of the claim: whoever may read the claim reads it.
        return request.user.has_perm("franchise.view_claim")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="from → to")
    def change(self, entry):
        return f"{entry.get_from_status_display()} → {entry.get_to_status_display()}"


def mark_as(status):
    """A bulk action that asks for a reason, then sets ``status`` on each claim."""

    def action(modeladmin, request, queryset):
        return modeladmin.change_status_in_bulk(request, queryset, status)

    action.__name__ = f"mark_{status.value}"
    return admin.action(
        permissions=["change_status"], description=f"Mark as {status.label}"
    )(
        action
    )


@admin.register(Claim)
class ClaimAdmin(CleanTextAdminMixin, ShownRowAdmin, admin.ModelAdmin):
    list_display = [
        "subject",
        "property",
        "qualifier",
        "value",
        "status",
        "sources_count",
    ]
    list_filter = ["status", "property"]
    list_select_related = ["film", "person", "song"]
    search_fields = [
        "value",
        "qualifier",
        "film__title",
        "person__name",
        "song__title",
    ]
    autocomplete_fields = ["film", "person", "song", "value_person", "sources"]
    # Explicit, because the sources count's GROUP BY drops Meta.ordering.
    ordering = ["property", "qualifier", "id"]
    actions = [mark_as(status) for status in Claim.Status]
    fieldsets = [
        (
            "What the fact is about",
            {
                "fields": ["film", "person", "song"],
                "description": "Pick exactly one: a film, a person or a song.",
            },
        ),
        (
            "The fact",
            {
                "fields": [
                    "property",
                    "qualifier",
                    "value",
                    ("value_date", "value_precision"),
                    "value_number",
                    "value_person",
                ],
                "description": "Write the value as a reader should read it; fill "
                "the date, number or person too when the value is one.",
            },
        ),
        (
            "How sure we are",
            {
                "fields": ["status", "sources", "note", "key"],
                "description": "Writers file a claim as rumoured or reported. "
                "Editors change the status with “Change status”: every change "
                "needs a reason and is kept in the history below.",
            },
        ),
    ]
    change_fieldsets = [
        ("Where it comes from", {"fields": ["source_details", "asserted_by"]}),
        ("Disagreements", {"fields": ["competing_claims"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [*self.fieldsets, *self.change_fieldsets]

    def has_change_status_permission(self, request, obj=None):
        """Editors rule on how sure we are; writers may only word the claim."""
        return request.user.has_perm("franchise.change_claim_status")

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_change_status"] = self.has_change_status_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The status moves only through set_claim_status, which keeps history.
        return ["status", "source_details", "asserted_by", "competing_claims"]

    def get_inlines(self, request, obj):
        return [StatusChangeInline] if obj is not None else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_change_status_permission(
            request
        ):
            kwargs["choices"] = [
                (status.value, status.label) for status in WRITER_CLAIM_STATUSES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(sources_total=Count("sources", distinct=True))
        )

    @admin.display(description="sources", ordering="sources_total")
    def sources_count(self, claim):
        return claim.sources_total

    @admin.display(description="sources")
    def source_details(self, claim):
        sources = claim.sources.select_related("speaker")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {}{}{}</li>',
                (
                    (
                        reverse("admin:franchise_source_change", args=[source.pk]),
                        source.title,
                        source.get_kind_display(),
                        f", {source.who}" if source.who else "",
                        f" ({source.outlet})" if source.outlet else "",
                    )
                    for source in sources
                ),
            )
            or format_html("<li>{}</li>", "no source yet"),
        )

    @admin.display(description="articles asserting it")
    def asserted_by(self, claim):
        articles = claim.articles.only("id", "title", "status", "deleted_at")
        needs_correction = set()
        if not claim.is_live:
            # A denied or retracted fact in live coverage calls for a correction.
            needs_correction = set(
                claim.articles.published().values_list("pk", flat=True)
            )
        rows = []
        for article in articles:
            change_url = reverse("admin:articles_article_change", args=[article.pk])
            state = article.get_status_display()
            if article.deleted_at:
                state += ", in the trash"
            correction = ""
            if article.pk in needs_correction:
                correction = format_html(
                    ' — <a href="{}#corrections">Add a correction</a>', change_url
                )
            rows.append((change_url, article.title, state, correction))
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}">{}</a> ({}){}</li>', rows)
            or format_html("<li>{}</li>", "none"),
        )

    @admin.display(description="other live claims on the same fact")
    def competing_claims(self, claim):
        if not claim.pk:
            return "—"
        competitors = Claim.objects.competing_with(claim).for_display()
        if not competitors:
            return "None: no live claim contradicts this one."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})<ul>{}</ul></li>',
                (
                    (
                        reverse("admin:franchise_claim_change", args=[other.pk]),
                        other.value,
                        other.get_status_display(),
                        describe_sources(other.sources.all()),
                    )
                    for other in competitors
                ),
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "disputed/", view(self.disputed_view), name="franchise_claim_disputed"
            ),
            path(
                "disputed/<int:pk>/confirm/",
                view(self.resolve_view),
                name="franchise_claim_resolve",
            ),
            path(
                "<path:object_id>/status/",
                view(self.status_view),
                name="franchise_claim_status",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            **extra,
        }

    def status_view(self, request, object_id):
        """Change one claim's status: a new status and a reason, both required."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404("No such claim.")
        if not self.has_change_status_permission(request, claim):
            raise PermissionDenied
        form = StatusChangeForm(
            request.POST if request.method == "POST" else None,
            claim=claim,
            initial={"status": claim.status},
        )
        if form.is_valid():
            try:
                set_claim_status(
                    claim,
                    form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                claim.refresh_from_db(fields=["status"])
                self.message_user(
                    request, f"The claim is now {claim.get_status_display()}."
                )
                return HttpResponseRedirect(
                    reverse("admin:franchise_claim_change", args=[claim.pk])
                )
        if form.errors:
            self.message_user(request, "The status was not changed.", messages.ERROR)
        context = self._context(
            request, "Change the status of a claim", claim=claim, form=form
        )
        return TemplateResponse(request, "admin/franchise/claim/status.html", context)

    def change_status_in_bulk(self, request, queryset, status):
        """The bulk actions' intermediate page: ask for the reason, then apply."""
        label = Claim.Status(status).label
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = 0
            with transaction.atomic():
                for claim in queryset:
                    if claim.status != status:
                        set_claim_status(
                            claim,
                            status,
                            by=request.user,
                            reason=form.cleaned_data["reason"],
                        )
                        changed += 1
            self.message_user(request, f"{changed} claim(s) marked as {label}.")
            return None
        if form.errors:
            self.message_user(request, "No claim was changed.", messages.ERROR)
        context = self._context(
            request,
            f"Mark claims as {label}",
            claims=queryset,
            form=form,
            label=label,
            action=request.POST.get("action", f"mark_{status}"),
            action_checkbox_name=ACTION_CHECKBOX_NAME,
        )
        return TemplateResponse(
            request, "admin/franchise/claim/status_bulk.html", context
        )

    def disputed_view(self, request):
        """Every fact on which live claims disagree, with who said what."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        claims = (
            Claim.objects.disputed()
            .for_display()
            .prefetch_related(
                # Only what the list shows: no article bodies.
                Prefetch(
                    "articles",
                    queryset=coverage_model().objects.only("id", "title", "status"),
                )
            )
            .order_by("conflict_key", "status", "id")
        )
        disputes = [
            {"claims": group, "first": group[0]}
            for group in (
                list(rows)
                for _key, rows in itertools.groupby(claims, lambda c: c.conflict_key)
            )
        ]
        context = self._context(
            request,
            "Disputed facts",
            disputes=disputes,
            can_resolve=self.has_change_status_permission(request),
        )
        return TemplateResponse(request, "admin/franchise/claim/disputed.html", context)

    def resolve_view(self, request, pk):
        """Confirm one value of a disputed fact; list the coverage to correct."""
        if not self.has_change_status_permission(request):
            raise PermissionDenied
        winner = get_object_or_404(Claim.objects.for_display(), pk=pk)
        competitors = list(Claim.objects.competing_with(winner).for_display())
        if not competitors:
            self.message_user(
                request,
                "Nothing to resolve: no live claim contradicts this one.",
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:franchise_claim_disputed"))
        form = ResolveForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                losers = resolve_dispute(winner, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self._resolved(request, winner, losers)
        context = self._context(
            request,
            "Confirm a disputed value",
            winner=winner,
            competitors=competitors,
            form=form,
        )
        return TemplateResponse(request, "admin/franchise/claim/resolve.html", context)

    def _resolved(self, request, winner, losers):
        published = coverage_model().objects.published().only("id", "title", "status")
        denied = (
            Claim.objects.filter(pk__in=[loser.pk for loser in losers])
            .for_display()
            .prefetch_related(
                Prefetch("articles", queryset=published, to_attr="published_articles")
            )
        )
        self.message_user(
            request,
            f"Confirmed “{winner.value}”; denied {len(losers)} competing claim(s).",
        )
        context = self._context(
            request, "Dispute resolved", winner=winner, denied=denied
        )
        return TemplateResponse(request, "admin/franchise/claim/resolved.html", context)
