"""The newsroom's work: sections, authors, images, articles, citations, quotes."""

import posixpath
import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles.sanitize import clean_html
from franchise.models import Claim, Film, Person, Song, Source, unique_slug

# Section slugs share the URL space with these fixed prefixes.
RESERVED_SLUGS = {
    "admin",
    "static",
    "media",
    "films",
    "people",
    "songs",
    "franchises",
    "tags",
    "authors",
    "search",
    "feeds",
    "sitemap.xml",
    "robots.txt",
    "preview",
    "corrections",
    "about",
    "news-sitemap.xml",
    "sitemaps",
    "api",
}


def validate_section_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by another part of the site.")


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=50, unique=True, validators=[validate_section_slug]
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=10, help_text="Lower comes first in the navigation."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


# Files of an image under embargo live under this folder of MEDIA_ROOT, which
# the web server does not serve (deploy/nginx.conf); only staff reach them,
# through articles.views.held_media. articles/embargo.py moves them out when
# the embargo lifts.
HELD_MEDIA = "embargoed"


EMBARGO_HELP = (
    "Nothing of this may be seen by readers before this time (site time zone): "
    "not the page, lists, search, feeds or the picture's address. Leave empty "
    "for no embargo; a time already past means none."
)


def embargo_passed(now=None):
    """The rows whose embargo is over or was never set."""
    now = now or timezone.now()
    return Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)


def image_upload_to(instance, filename):
    # The original name may carry anything; keep only a safe extension.
    ext = instance.file_format or "bin"
    folder = f"{HELD_MEDIA}/images" if instance.is_embargoed else "images"
    return timezone.now().strftime(f"{folder}/%Y/%m/{instance.token}.{ext}")


def rendition_upload_to(instance, filename):
    # Renditions of a held image are held with it.
    folder = f"{HELD_MEDIA}/renditions" if instance.image.is_held else "renditions"
    return posixpath.join(timezone.now().strftime(f"{folder}/%Y/%m"), filename)


class Image(models.Model):
    """A picture in the library. Alt text and credit are required to publish it."""

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"
        GIF = "gif", "GIF"

    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.ImageField(
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        max_length=200,
    )
    file_format = models.CharField(
        max_length=4, choices=Format.choices, editable=False, blank=True
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    title = models.CharField(
        max_length=200, help_text="For the library only; readers do not see it."
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="Describe what the picture shows for readers who cannot see it.",
    )
    credit = models.CharField(
        max_length=200, help_text="Photographer and agency, e.g. 'Jane Doe / Netflix'."
    )
    caption = models.TextField(blank=True)
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal centre of interest, 0 (left) to 1 (right).",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical centre of interest, 0 (top) to 1 (bottom).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    embargo_until = models.DateTimeField(
        "embargoed until", null=True, blank=True, help_text=EMBARGO_HELP
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_hex(16)
        super().save(*args, **kwargs)

    @property
    def is_embargoed(self):
        """Whether the embargo time is still ahead."""
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def is_held(self):
        """Whether the file sits in the unserved folder (articles/embargo.py)."""
        return bool(self.file.name) and self.file.name.startswith(f"{HELD_MEDIA}/")

    @property
    def is_public(self):
        """Whether readers may see it: embargo over and its files released."""
        return not self.is_embargoed and not self.is_held


class Rendition(models.Model):
    """A resized, cropped copy of an image for one width, ratio and format."""

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    ratio = models.CharField(
        max_length=8, help_text="'original', '16x9', '4x3' or '1x1'."
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Image.Format.choices)
    file = models.ImageField(upload_to=rendition_upload_to, max_length=200)

    class Meta:
        ordering = ["ratio", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "ratio", "width", "format"], name="rendition_unique"
            ),
        ]

    def __str__(self):
        return f"{self.image} {self.ratio} {self.width}w {self.format}"


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )
    display_name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    role = models.CharField(max_length=100, blank=True, help_text="e.g. 'Film editor'.")
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.display_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Live articles whose publication time has passed.

        A scheduled article counts from its time on, whether or not the
        ``publish_scheduled`` command has run yet.
        """
        return self.filter(
            embargo_passed(),
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            published_at__lte=timezone.now(),
            deleted_at__isnull=True,
            # A scheduled new version replaces its live article's text when
            # publish_due runs; it is never listed on its own.
            draft_of__isnull=True,
        )

    def public(self):
        """Everything a reader may open: published, plus retraction notices."""
        return self.filter(
            embargo_passed(),
            status__in=PUBLIC_STATUSES,
            published_at__lte=timezone.now(),
            deleted_at__isnull=True,
            draft_of__isnull=True,
        )

    def in_review(self):
        """Submitted drafts waiting for an editor, oldest first."""
        return self.filter(
            status=Article.Status.IN_REVIEW, deleted_at__isnull=True
        ).order_by("edited_at")

    def not_trashed(self):
        """Everything the desk works with: the trash is out of sight."""
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        """Articles in the trash, most recently deleted first."""
        return self.filter(deleted_at__isnull=False).order_by("-deleted_at")

    def due(self):
        """Scheduled articles (and scheduled new versions) whose time has come.

        An embargo still to lift holds them back, so the record (and the mail)
        says "published" only once readers can see it.
        """
        return self.filter(
            embargo_passed(),
            status=Article.Status.SCHEDULED,
            published_at__lte=timezone.now(),
            deleted_at__isnull=True,
        )

    def newest_first(self):
        """Newest first with the primary key breaking ties, as keyset pages need."""
        return self.order_by("-published_at", "-pk")

    def older_than(self, published_at, pk):
        """Articles after the card (published_at, pk) in ``newest_first`` order."""
        return self.filter(
            Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        )

    def for_cards(self):
        """What an article card shows and nothing more: never the body."""
        return (
            self.select_related("section", "lead_image")
            .only(*CARD_FIELDS)
            .prefetch_related(*card_prefetches())
        )

    def for_page(self):
        """Everything the article page shows of the article's own rows.

        The Sources list and the claims block are built from a few more queries
        by ``articles.views.article_context``, so the page's count stays fixed.
        """
        return self.select_related("section", "lead_image").prefetch_related(
            Prefetch("bylines", Byline.objects.select_related("author")),
            "lead_image__renditions",
            "tags",
            "corrections",
        )


def card_prefetches():
    """The rows a card shows beside its own: bylines with authors, renditions.

    Apart from ``for_cards()`` for articles/cards.py, which reads them only for
    the cards it has to render.
    """
    return (
        Prefetch("bylines", Byline.objects.select_related("author")),
        "lead_image__renditions",
    )


# The columns an article card reads (section and lead image come whole).
CARD_FIELDS = (
    "title",
    "slug",
    "dek",
    "kind",
    "unconfirmed",
    "published_at",
    "embargo_until",
    "section",
    "lead_image",
)


# The rows published() can return, for partial indexes (it adds the time).
LISTED = Q(status__in=["published", "scheduled"], deleted_at__isnull=True)


# What readers may open once its time has come (Article.objects.public(),
# Article.is_public): live articles and the notices of retracted ones.
PUBLIC_STATUSES = ("published", "scheduled", "retracted")


class ArticleKind(models.TextChoices):
    NEWS = "news", "News"
    FEATURE = "feature", "Feature"
    INTERVIEW = "interview", "Interview"
    REVIEW = "review", "Review"
    ANALYSIS = "analysis", "Analysis"
    OPINION = "opinion", "Opinion"
    RUMOUR_ROUNDUP = "rumour_roundup", "Rumour roundup"
    FACT_CHECK = "fact_check", "Fact check"
    LIVE = "live", "Live"


class ClaimRating(models.TextChoices):
    """A fact check's verdict, as schema.org ClaimReview ratings from 1 to 5."""

    FALSE = "false", "False"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    MIXED = "mixed", "Half true"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    TRUE = "true", "True"
    UNPROVEN = "unproven", "Unproven"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    IN_REVIEW = "in_review", "in review"
    APPROVED = "approved", "approved"
    SCHEDULED = "scheduled", "scheduled"
    PUBLISHED = "published", "published"
    RETRACTED = "retracted", "retracted"


class Article(models.Model):
    Kind = ArticleKind

    Status = ArticleStatus

    title = models.CharField(max_length=300, help_text="The headline readers see.")
    slug = models.SlugField(
        max_length=80,
        help_text="The last part of the address. Changing it after publication "
        "keeps the old address working as a redirect.",
    )
    dek = models.TextField(
        blank=True, help_text="One or two sentences under the headline."
    )
    body = ProseEditorField(
        blank=True,
        sanitize=clean_html,
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Underline": True,
                "Strike": True,
                "Heading": {"levels": [2, 3]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "Link": {"enableTarget": False},
                "HorizontalRule": True,
                "Embed": True,
                "InlineImage": True,
                "Gallery": True,
                "HardBreak": True,
                "History": True,
            }
        },
        help_text="Paste from Word or Google Docs freely: formatting is cleaned on save.",
    )
    kind = models.CharField(
        max_length=16,
        choices=Kind.choices,
        default=Kind.NEWS,
        help_text="The label readers see above the headline.",
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        AuthorProfile, through="Byline", related_name="articles", blank=True
    )
    tags = TaggableManager(blank=True, help_text="Comma-separated topics.")
    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_image_caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="Overrides the image's own caption for this article.",
    )
    films = models.ManyToManyField(Film, blank=True, related_name="articles")
    people = models.ManyToManyField(Person, blank=True, related_name="articles")
    songs = models.ManyToManyField(Song, blank=True, related_name="articles")
    sources = models.ManyToManyField(
        Source, through="Citation", blank=True, related_name="articles"
    )
    claims = models.ManyToManyField(
        Claim,
        blank=True,
        related_name="articles",
        help_text="The facts this article states, from the knowledge base.",
    )
    rated_claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fact_checks",
        help_text="Fact checks only: the claim this piece rates.",
    )
    rating = models.CharField(
        max_length=14,
        choices=ClaimRating.choices,
        blank=True,
        help_text="Fact checks only: the verdict on the rated claim.",
    )
    unconfirmed = models.BooleanField(
        default=False,
        help_text="Shows readers an 'Unconfirmed' label: required when the "
        "article repeats rumours or disputed facts. Rumour roundups always "
        "carry it.",
    )
    retraction_note = models.TextField(
        blank=True,
        editable=False,
        help_text="Shown to readers in place of a retracted story.",
    )
    is_top_story = models.BooleanField(
        default=False, help_text="Feature at the top of the home page."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When readers were last told of a change (republish, correction).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(auto_now=True)
    # PostgreSQL full-text search: weighted title > dek > body, kept current on
    # save (see articles/search.py). SQLite uses an FTS5 table instead.
    search_vector = SearchVectorField(null=True, editable=False)
    draft_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="pending_version",
        help_text="Set on the working copy of a live article: edits happen here "
        "and reach readers only when an editor publishes this version.",
    )
    pending_correction = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="On a new version opened to correct a live article: the "
        "correction note ({kind, text}) published with it.",
    )
    planned_for = models.DateField(
        null=True,
        blank=True,
        help_text="When the desk plans to run this piece (editorial calendar).",
    )
    embargo_until = models.DateTimeField(
        "embargoed until", null=True, blank=True, help_text=EMBARGO_HELP
    )
    deleted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="In the trash since."
    )
    coverage_ended_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Live blogs only: when an editor ended the live coverage "
        "(it started at the first publication).",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every accepted save; a save based on an older "
        "version is refused instead of overwriting someone else's work.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # Keyset lists and the home page's top stories walk these newest
            # first and stop after a page; the conditions are published()'s.
            models.Index(
                fields=["-published_at", "-id"],
                condition=LISTED,
                name="article_listed_newest",
            ),
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=LISTED,
                name="article_section_newest",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=LISTED & Q(is_top_story=True),
                name="article_top_story_newest",
            ),
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # The next embargo to lift (newsroom/caching.py: lists expire then).
            models.Index(
                fields=["embargo_until"],
                condition=LISTED & Q(embargo_until__isnull=False),
                name="article_embargo_until",
            ),
        ]
        constraints = [
            # A new version of a live article shares its address until published.
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(draft_of__isnull=True),
                name="article_slug_unique",
                violation_error_message="Another article already uses this address.",
            ),
            # A new version may wait for its time (scheduled); it never goes
            # live itself: publishing copies it onto the live article.
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True)
                | Q(status__in=["draft", "in_review", "approved", "scheduled"]),
                name="article_new_version_not_live",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ArticleKind.values), name="article_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=ClaimRating.values),
                name="article_rating_valid",
            ),
            models.CheckConstraint(
                condition=Q(rated_claim__isnull=True) | Q(kind="fact_check"),
                name="article_rated_claim_only_on_fact_checks",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "scheduled", "retracted"])
                | Q(published_at__isnull=False),
                name="article_live_has_time",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish and retract"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        self.body = clean_html(self.body)
        if self.kind == self.Kind.RUMOUR_ROUNDUP:
            # A rumour roundup repeats unconfirmed reports by definition, claims
            # linked or not: the label is part of the kind, not a choice.
            self.unconfirmed = True
            fields = kwargs.get("update_fields")
            if fields is not None and "kind" in fields:
                kwargs["update_fields"] = {*fields, "unconfirmed"}
        # The search index follows in articles.search.reindex_saved_article
        # (post_save), so this model never imports the search module back.
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.section.slug, self.slug])

    @property
    def is_public(self):
        """The in-memory form of ``Article.objects.public()``: the same rules."""
        return (
            not self.is_embargoed
            and self.status in PUBLIC_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.deleted_at is None
            and self.draft_of_id is None
        )

    @property
    def is_embargoed(self):
        """Whether the embargo time is still ahead."""
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def shown_lead_image(self):
        """The lead image readers may see: none while the picture is embargoed.

        The story goes out on its own time and the picture joins it when its own
        embargo lifts (publish_due releases the files), as a desk expects when an
        agency or studio embargoes a still but not the news.
        """
        image = self.lead_image
        return image if image is not None and image.is_public else None

    @property
    def modified_at(self):
        return self.updated_at or self.published_at

    @property
    def is_live_blog(self):
        return self.kind == ArticleKind.LIVE

    @property
    def is_live_now(self):
        """A live blog whose coverage has not ended (updates may be posted)."""
        return self.is_live_blog and self.coverage_ended_at is None

    @property
    def root(self):
        """The article readers know: itself, or the live article this is a version of."""
        return self.draft_of if self.draft_of_id else self


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        AuthorProfile, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique"),
        ]

    def __str__(self):
        return str(self.author)


class Citation(models.Model):
    """A source the article relies on, and what it supports."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations"
    )
    supports = models.CharField(
        max_length=300,
        blank=True,
        help_text="What this source supports, e.g. 'filming dates'.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source"], name="citation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.article} cites {self.source}"


class Quote(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="quotes"
    )
    speaker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text="Who said it, from the knowledge base.",
    )
    speaker_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Only for a speaker not in the knowledge base (e.g. a social post).",
    )
    words = models.TextField(help_text="Exactly as said, without quotation marks.")
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        help_text="Where and how it was said: the interview, email, call, post.",
    )
    context = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown with the quote, e.g. 'in a follow-up call'.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.speaker_display}: {self.words[:60]}"

    @property
    def speaker_display(self):
        return str(self.speaker) if self.speaker_id else self.speaker_name


class TransitionAction(models.TextChoices):
    CREATE = "create", "created"
    EDIT = "edit", "edited"
    SUBMIT = "submit", "submitted for review"
    REQUEST_CHANGES = "request_changes", "changes requested"
    APPROVE = "approve", "approved"
    PUBLISH = "publish", "published"
    SCHEDULE = "schedule", "scheduled"
    UNPUBLISH = "unpublish", "unpublished"
    RETRACT = "retract", "retracted"
    CORRECT = "correct", "corrected"
    NEW_VERSION = "new_version", "new version started"
    DELETE = "delete", "moved to the trash"
    RESTORE = "restore", "restored from the trash"
    END_LIVE = "end_live", "live coverage ended"


class Transition(models.Model):
    """The audit trail: who moved which article from which state to which, and why."""

    Action = TransitionAction

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(max_length=16, choices=TransitionAction.choices)
    from_status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    to_status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the system acted (scheduled publication).",
    )
    reason = models.TextField(blank=True)
    on_new_version = models.BooleanField(
        default=False,
        help_text="Made on the working copy of a live article; kept in the "
        "story's history once that version is published.",
    )
    overridden_checks = models.JSONField(
        default=list,
        blank=True,
        help_text="Publish checks an editor overrode, with the reason above.",
    )
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text="What changed: a list of {field, old, new}.",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=TransitionAction.values),
                name="transition_action_valid",
            ),
        ]

    def __str__(self):
        who = self.by or "system"
        return f"{self.article}: {self.get_action_display()} by {who}"


class LiveUpdateQuerySet(models.QuerySet):
    def newest_first(self):
        """Newest first, the primary key breaking ties (and naming the latest)."""
        return self.order_by("-posted_at", "-pk")

    def for_page(self):
        """What the live blog shows of each update: author, image renditions."""
        return self.select_related(
            "author", "author__author_profile", "image"
        ).prefetch_related("image__renditions")


class LiveUpdate(models.Model):
    """A timestamped entry on a live blog, posted without republishing the article.

    Posted, edited and deleted through ``articles.liveblog``; its body is cleaned
    by the same sanitiser as articles.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="live_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional short headline; key events use it in their summary.",
    )
    body = models.TextField(help_text="What happened. Formatting is cleaned on save.")
    image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Optional picture from the library (alt text and credit shown).",
    )
    embed_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Optional link to a post or video this update refers to.",
    )
    key_event = models.BooleanField(
        default=False,
        help_text="Listed in the 'Key events' summary at the top of the page.",
    )
    posted_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["article", "-posted_at", "-id"])]

    def __str__(self):
        return f"Update on {self.article_id} at {self.posted_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        super().save(*args, **kwargs)

    @property
    def anchor(self):
        return f"update-{self.pk}"

    @property
    def author_name(self):
        if self.author is None:
            return ""
        profile = getattr(self.author, "author_profile", None)
        if profile is not None:
            return profile.display_name
        return self.author.get_full_name() or self.author.get_username()

    @property
    def headline(self):
        """The title, or the start of the body in plain words."""
        if self.title:
            return self.title
        return Truncator(strip_tags(self.body)).words(12)


class RevisionKind(models.TextChoices):
    SAVED = "saved", "saved"
    REFUSED = "refused", "refused: based on a stale version"
    RESTORED = "restored", "restored from an earlier revision"


class Revision(models.Model):
    """A full snapshot of an article's editable content, recorded on every save."""

    Kind = RevisionKind

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=10, choices=RevisionKind.choices, default=RevisionKind.SAVED
    )
    status = models.CharField(
        max_length=10,
        choices=ArticleStatus.choices,
        help_text="The article's state when this revision was saved.",
    )
    data = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RevisionKind.values), name="revision_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.article} — revision {self.number}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    CLARIFICATION = "clarification", "Clarification"
    UPDATE = "update", "Update"


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections on articles readers can open, newest first."""
        return self.filter(
            article__in=Article.objects.public(), published_at__lte=timezone.now()
        ).order_by("-published_at", "-id")


class Correction(models.Model):
    """A correction, clarification or update appended to a published article."""

    Kind = CorrectionKind

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        max_length=14, choices=CorrectionKind.choices, default=CorrectionKind.CORRECTION
    )
    text = models.TextField(
        help_text="What was wrong and what is right, in plain words for readers."
    )
    published_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"


class EditorialComment(models.Model):
    """A note on a draft between writers and editors; resolvable, never public."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment on {self.article} by {self.author}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A signed, expiring, revocable link to an unpublished article's preview."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who it is for, e.g. 'the source, to check a quote'.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} until {self.expires_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class ArticleAutosave(models.Model):
    """What a user's open article form held, kept every few seconds.

    One slot per user and article (per user and draft key on the add form). It is
    not a revision and never a conflict: the article and its history never see it,
    and a real save of the form deletes it (articles/autosave.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text="Empty for an article not saved yet (the add form).",
    )
    draft_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="The add form's own key, made by the browser; empty otherwise.",
    )
    data = models.JSONField(default=dict, help_text="The form's fields, by name.")
    base_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The article's version when the form was opened.",
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_user_article",
            ),
            models.UniqueConstraint(
                fields=["user", "draft_key"],
                condition=Q(article__isnull=True),
                name="autosave_one_per_user_draft_key",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | ~Q(draft_key=""),
                name="autosave_new_draft_has_key",
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.article or 'a new article'} by {self.user}"
