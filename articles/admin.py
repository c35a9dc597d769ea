"""The newsroom's admin: where writers draft and editors review."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html

from articles import services
from articles.forms import ImageForm
from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Image,
    Quote,
    Rendition,
    Section,
)


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
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
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
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "credit", "width", "height", "created_at"]
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
        ("File", {"fields": [("width", "height", "file_format"), "uploaded_by"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

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

    @admin.display(description="picture")
    def thumbnail(self, image):
        return self._img(image, 80)

    @admin.display(description="preview")
    def preview(self, image):
        return self._img(image, 320) if image.pk else "—"


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "section",
        "kind",
        "first_byline",
        "published_at",
    ]
    list_filter = ["status", "kind", "section"]
    list_select_related = ["section"]
    search_fields = ["title", "dek"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_image", "films", "people", "songs", "claims"]
    readonly_fields = [
        "status",
        "first_published_at",
        "published_at",
        "updated_at",
    ]
    inlines = [BylineInline, CitationInline, QuoteInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body"]}),
        (
            "Label and place",
            {"fields": ["kind", "section", "tags"]},
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
        ("Flags", {"fields": ["unconfirmed", "is_top_story"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    ("first_published_at", "published_at", "updated_at"),
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    @admin.display(description="byline")
    def first_byline(self, article):
        bylines = article.bylines.all()
        return bylines[0].author if bylines else "—"

    def save_model(self, request, obj, form, change):
        old_path = None
        if change:
            old = Article.objects.select_related("section").get(pk=obj.pk)
            if old.is_public:
                old_path = old.get_absolute_url()
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if old_path:
            services.remember_old_url(obj, old_path)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # A new piece is signed by whoever wrote it unless they named someone else.
        if not change and not article.bylines.exists():
            Byline.objects.create(
                article=article, author=profile_for(request.user), position=0
            )
