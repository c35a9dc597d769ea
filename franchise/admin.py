"""The knowledge base in the admin, written for writers and editors."""

import itertools

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from franchise.models import (
    Award,
    Character,
    Claim,
    Credit,
    Film,
    Franchise,
    Person,
    Release,
    Song,
    Source,
)

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


class ClaimInline(admin.StackedInline):
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


class CreditInline(admin.TabularInline):
    model = Credit
    fields = ["person", "job", "character", "billing_order", "status", "note"]
    autocomplete_fields = ["person", "character"]
    extra = 0


class ReleaseInline(admin.TabularInline):
    model = Release
    fields = ["kind", "country", "date", "precision", "platform"]
    extra = 0


class FilmSongInline(admin.TabularInline):
    model = Song.films.through
    autocomplete_fields = ["song"]
    extra = 0
    verbose_name = "song"
    verbose_name_plural = "songs in this film"


class AwardInline(admin.TabularInline):
    model = Award
    fields = ["name", "category", "year", "result"]
    extra = 0


@admin.register(Franchise)
class FranchiseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
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
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["film", "kind", "country", "date_display", "platform"]
    list_filter = ["kind", "country"]
    list_select_related = ["film"]
    search_fields = ["film__title", "platform"]
    autocomplete_fields = ["film"]

    @admin.display(description="date", ordering="date")
    def date_display(self, release):
        return release.date_display


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "born"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonClaimInline]


@admin.register(Character)
class CharacterAdmin(admin.ModelAdmin):
    list_display = ["name", "franchise"]
    list_filter = ["franchise"]
    list_select_related = ["franchise"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["person", "job", "character", "film", "status", "billing_order"]
    list_filter = ["job", "status"]
    list_select_related = ["person", "character", "film"]
    search_fields = ["person__name", "film__title", "character__name"]
    autocomplete_fields = ["film", "person", "character"]


@admin.register(Song)
class SongAdmin(admin.ModelAdmin):
    list_display = ["title", "status"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["films", "performers", "writers"]
    inlines = [AwardInline, SongClaimInline]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["song", "name", "category", "year", "result"]
    list_filter = ["result", "year"]
    list_select_related = ["song"]
    search_fields = ["name", "category", "song__title"]
    autocomplete_fields = ["song"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "who", "outlet", "date", "on_record"]
    list_filter = ["kind", "on_record"]
    list_select_related = ["speaker"]
    search_fields = ["title", "outlet", "key", "speaker__name", "speaker_description"]
    prepopulated_fields = {"key": ["title"]}
    autocomplete_fields = ["speaker"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "key"]}),
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

    @admin.display(description="who", ordering="speaker__name")
    def who(self, source):
        return source.who


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
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
    readonly_fields = ["competing_claims"]
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
        ("How sure we are", {"fields": ["status", "sources", "note", "key"]}),
        ("Disagreements", {"fields": ["competing_claims"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(sources_total=Count("sources", distinct=True))
        )

    @admin.display(description="sources", ordering="sources_total")
    def sources_count(self, claim):
        return claim.sources_total

    @admin.display(description="other live claims on the same fact")
    def competing_claims(self, claim):
        if not claim.pk:
            return "—"
        competitors = claim.competitors().for_display()
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
        disputed = path(
            "disputed/",
            self.admin_site.admin_view(self.disputed_view),
            name="franchise_claim_disputed",
        )
        return [disputed, *super().get_urls()]

    def disputed_view(self, request):
        """Every fact on which live claims disagree, with who said what."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        claims = (
            Claim.objects.conflicting()
            .for_display()
            .prefetch_related(
                # Only what the list shows: no article bodies.
                Prefetch(
                    "articles",
                    queryset=Claim.articles.rel.related_model.objects.only(
                        "id", "title", "status"
                    ),
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
        context = {
            **self.admin_site.each_context(request),
            "title": "Disputed facts",
            "opts": self.opts,
            "disputes": disputes,
        }
        return TemplateResponse(request, "admin/franchise/claim/disputed.html", context)
