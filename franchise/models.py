"""The knowledge base: franchises, films, people, credits, songs, sources, claims.

This app imports nothing of ours. Articles reach it through their own relations,
and a film page reaches its coverage through reverse relations (``film.articles``).
"""

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.text import slugify

from franchise import dates
from franchise.dates import Precision


def _choices_check(field, choices, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=name
    )


def unique_slug(instance, text, *, field="slug", max_length=80):
    """A slug for ``text`` not yet used by another row of the same model."""
    base = slugify(text)[:max_length].strip("-") or "item"
    candidate, n = base, 2
    model = type(instance)
    while (
        model._default_manager.filter(**{field: candidate})
        .exclude(pk=instance.pk)
        .exists()
    ):
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate


class Franchise(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("franchise:franchise-detail", args=[self.slug])


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    bio = models.TextField(blank=True, help_text="A short, sourced biography.")
    born = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("franchise:person-detail", args=[self.slug])


class FilmFormat(models.TextChoices):
    FEATURE = "feature", "feature film"
    SERIES = "series", "television series"


class ProductionStatus(models.TextChoices):
    RUMOURED = "rumoured", "rumoured"
    ANNOUNCED = "announced", "announced"
    IN_DEVELOPMENT = "in_development", "in development"
    PRE_PRODUCTION = "pre_production", "pre-production"
    FILMING = "filming", "filming"
    POST_PRODUCTION = "post_production", "post-production"
    RELEASED = "released", "released"
    CANCELLED = "cancelled", "cancelled"


class Film(models.Model):
    Format = FilmFormat

    ProductionStatus = ProductionStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    franchise = models.ForeignKey(
        Franchise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="films",
    )
    format = models.CharField(
        max_length=10, choices=Format.choices, default=Format.FEATURE
    )
    release_date = models.DateField(
        null=True,
        blank=True,
        help_text="The first day the release can mean; the precision says how exact.",
    )
    release_precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.YEAR
    )
    production_status = models.CharField(
        max_length=16,
        choices=ProductionStatus.choices,
        default=ProductionStatus.RUMOURED,
    )
    distributor = models.CharField(
        max_length=200, blank=True, help_text="Studio, distributor or platform."
    )
    based_on = models.CharField(max_length=300, blank=True)
    synopsis = models.TextField(blank=True)
    sequel_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="sequels"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            _choices_check("format", FilmFormat, "film_format_valid"),
            _choices_check("production_status", ProductionStatus, "film_status_valid"),
            _choices_check("release_precision", Precision, "film_precision_valid"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("franchise:film-detail", args=[self.slug])

    @property
    def release_display(self):
        return dates.describe(self.release_date, self.release_precision)


class ReleaseKind(models.TextChoices):
    PREMIERE = "premiere", "premiere"
    THEATRICAL = "theatrical", "theatrical"
    STREAMING = "streaming", "streaming"
    TELEVISION = "television", "television"
    HOME_MEDIA = "home_media", "home media"


class Release(models.Model):
    Kind = ReleaseKind

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="releases")
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 code; empty means worldwide."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    date = models.DateField()
    precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.DAY
    )
    platform = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "country", "kind"], name="release_unique_per_market"
            ),
            _choices_check("kind", ReleaseKind, "release_kind_valid"),
            _choices_check("precision", Precision, "release_precision_valid"),
        ]

    def __str__(self):
        where = self.country or "worldwide"
        return f"{self.film} — {self.get_kind_display()} ({where}), {self.date_display}"

    @property
    def date_display(self):
        return dates.describe(self.date, self.precision)


class Character(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    franchise = models.ForeignKey(
        Franchise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="characters",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class CreditStatus(models.TextChoices):
    CONFIRMED = "confirmed", "confirmed"
    REPORTED = "reported", "reported"
    RUMOURED = "rumoured", "rumoured"
    IN_TALKS = "in_talks", "in talks"
    DENIED = "denied", "denied"
    DEPARTED = "departed", "departed"


class CreditJob(models.TextChoices):
    CAST = "cast", "cast"
    DIRECTOR = "director", "director"
    SCREENPLAY = "screenplay", "screenplay"
    NOVEL = "novel", "novel"
    PRODUCER = "producer", "producer"
    EXECUTIVE_PRODUCER = "executive_producer", "executive producer"
    COMPOSER = "composer", "composer"


class Credit(models.Model):
    Job = CreditJob

    Status = CreditStatus

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    job = models.CharField(max_length=20, choices=Job.choices)
    character = models.ForeignKey(
        Character,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credits",
        help_text="Cast only: the part played.",
    )
    billing_order = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first in the cast list."
    )
    status = models.CharField(
        max_length=10, choices=CreditStatus.choices, default=CreditStatus.REPORTED
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["billing_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "person", "job"],
                condition=Q(character__isnull=True),
                name="credit_unique_crew",
            ),
            models.UniqueConstraint(
                fields=["film", "person", "character"],
                condition=Q(character__isnull=False),
                name="credit_unique_role",
            ),
            models.CheckConstraint(
                condition=Q(job="cast") | Q(character__isnull=True),
                name="credit_character_only_for_cast",
            ),
            _choices_check("job", CreditJob, "credit_job_valid"),
            _choices_check("status", CreditStatus, "credit_status_valid"),
        ]

    def __str__(self):
        if self.character_id:
            return f"{self.person} as {self.character} in {self.film}"
        return f"{self.person}, {self.get_job_display()}, {self.film}"

    @property
    def is_cast(self):
        return self.job == self.Job.CAST


class SongStatus(models.TextChoices):
    RELEASED = "released", "released"
    ANNOUNCED = "announced", "announced"
    UNRELEASED = "unreleased", "unreleased"
    RUMOURED = "rumoured", "rumoured"


class Song(models.Model):
    Status = SongStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    films = models.ManyToManyField(Film, blank=True, related_name="songs")
    performers = models.ManyToManyField(
        Person, blank=True, related_name="songs_performed"
    )
    writers = models.ManyToManyField(Person, blank=True, related_name="songs_written")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RELEASED
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [_choices_check("status", SongStatus, "song_status_valid")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("franchise:song-detail", args=[self.slug])


class AwardResult(models.TextChoices):
    WON = "won", "won"
    NOMINATED = "nominated", "nominated"


class Award(models.Model):
    Result = AwardResult

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="awards")
    name = models.CharField(max_length=200, help_text="e.g. MTV Movie & TV Awards")
    category = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.WON)

    class Meta:
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["song", "name", "category"], name="award_unique_per_song"
            ),
            _choices_check("result", AwardResult, "award_result_valid"),
        ]

    def __str__(self):
        return f"{self.name}: {self.category} ({self.get_result_display()})"


class SourceKind(models.TextChoices):
    INTERVIEW = "interview", "interview"
    EMAIL = "email", "email"
    PHONE_CALL = "phone_call", "phone call"
    PRESS_RELEASE = "press_release", "press release"
    OFFICIAL_STATEMENT = "official_statement", "official statement"
    SOCIAL_POST = "social_post", "social media post"
    OUTLET_REPORT = "outlet_report", "another outlet's report"
    STAFF_REPORTING = "staff_reporting", "our own reporting"
    DOCUMENT = "document", "document"
    DATA = "data", "data"
    UNSTATED = "unstated", "channel not stated"


class Source(models.Model):
    """What a fact or a quote came from."""

    Kind = SourceKind

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="A short stable handle, used by imports and the demo data.",
    )
    title = models.CharField(
        max_length=300, help_text="What it is, e.g. 'Interview with Sofia Carson'."
    )
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.DAY
    )
    speaker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="The person speaking, when the source is a person.",
    )
    speaker_description = models.CharField(
        max_length=200,
        blank=True,
        help_text="For an unnamed or non-notable speaker, e.g. 'a Reddit user'.",
    )
    on_record = models.BooleanField(
        default=True, help_text="Untick when the source spoke on background."
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            _choices_check("kind", SourceKind, "source_kind_valid"),
            _choices_check("date_precision", Precision, "source_precision_valid"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = unique_slug(self, self.title, field="key")
        super().save(*args, **kwargs)

    @property
    def date_display(self):
        return dates.describe(self.date, self.date_precision)

    @property
    def who(self):
        return str(self.speaker) if self.speaker_id else self.speaker_description


class ClaimStatus(models.TextChoices):
    RUMOURED = "rumoured", "rumoured"
    REPORTED = "reported", "reported"
    CONFIRMED = "confirmed", "confirmed"
    DENIED = "denied", "denied"
    RETRACTED = "retracted", "retracted"


LIVE_CLAIM_STATUSES = [
    ClaimStatus.RUMOURED,
    ClaimStatus.REPORTED,
    ClaimStatus.CONFIRMED,
]


def normalise_qualifier(text):
    """The form of a qualifier that facts are grouped by: case-folded, spaces collapsed."""
    return " ".join(text.casefold().split())


# The conflict rule, in its two forms side by side so they cannot drift apart.
# Two values disagree when both are dates with a precision whose intervals do
# not overlap, or both are plain values (text, number, person) whose
# normalised keys differ. A date and a plain value are not compared.


def values_disagree(a, b):
    """Whether the values of claims ``a`` and ``b`` (any objects with the
    derived ``value_start``/``value_end``/``value_key`` fields) disagree."""
    if a.value_start and b.value_start:
        return a.value_start > b.value_end or a.value_end < b.value_start
    if a.value_start or b.value_start:
        return False
    return a.value_key != b.value_key


def _disagrees_with(ref):
    """``values_disagree(row, reference)`` as a filter on the row.

    ``ref(field)`` gives the reference claim's field as an expression: a
    ``Value`` for a claim in memory, an ``OuterRef`` inside a subquery.
    """
    ref_is_dated = IsNull(ref("value_start"), False)
    ref_is_plain = IsNull(ref("value_start"), True)
    dated = Q(value_start__isnull=False) & (
        Q(value_start__gt=ref("value_end")) | Q(value_end__lt=ref("value_start"))
    )
    plain = Q(value_start__isnull=True) & ~Q(value_key=ref("value_key"))
    return (Q(ref_is_dated) & dated) | (Q(ref_is_plain) & plain)


class ClaimQuerySet(models.QuerySet):
    def live(self):
        """Claims still standing: not denied, not retracted."""
        return self.filter(status__in=LIVE_CLAIM_STATUSES)

    def about(self, subject):
        """Claims whose subject is this film, person or song."""
        return self.filter(subject_key=Claim.key_for(subject))

    def competing_with(self, claim):
        """Live claims on the same fact as ``claim`` whose values disagree with it.

        ``claim`` is a saved Claim, or ``OuterRef("pk")`` inside ``Exists()`` /
        ``Subquery()`` to compare each row of the outer claim query. This and
        ``Claim.competes_with()`` are the query and in-memory forms of one
        rule; ``values_disagree()`` says when two values differ.
        """
        if isinstance(claim, OuterRef):
            if claim.name != "pk":
                raise ValueError('competing_with() takes a Claim or OuterRef("pk").')

            def ref(field):
                return OuterRef(field)

        else:

            def ref(field):
                model_field = (
                    Claim._meta.pk if field == "pk" else Claim._meta.get_field(field)
                )
                return Value(getattr(claim, field), output_field=model_field)

        return (
            self.live()
            .exclude(conflict_key="")
            .filter(conflict_key=ref("conflict_key"))
            .exclude(pk=ref("pk"))
            .filter(_disagrees_with(ref))
        )

    def disputed(self):
        """Live claims that another live claim on the same fact contradicts."""
        return self.live().filter(Exists(Claim.objects.competing_with(OuterRef("pk"))))

    # The names the rule had before it lived in one place.
    conflicting = disputed

    def on_the_same_facts_as(self, claims):
        """Live claims sharing a fact with any of ``claims``, in one query.

        Pair them up in memory with ``Claim.competes_with()``, e.g. to show
        the competing values beside an article's own claims.
        """
        keys = {claim.conflict_key for claim in claims if claim.conflict_key}
        return self.live().filter(conflict_key__in=keys)

    def for_display(self):
        """Claims with their subject, value and sources (speakers included)."""
        # A Prefetch with select_related keeps the query count constant whether
        # or not any source names its speaker.
        return self.select_related(
            "film", "person", "song", "value_person"
        ).prefetch_related(
            Prefetch("sources", queryset=Source.objects.select_related("speaker"))
        )

    def for_public(self):
        """``for_display()`` plus the public history of each claim's status."""
        # Only what readers see: when, from what, to what and why; not who.
        history = ClaimStatusChange.objects.order_by("at", "id").only(
            "claim_id", "from_status", "to_status", "reason", "at"
        )
        return self.for_display().prefetch_related(
            Prefetch("status_changes", queryset=history)
        )


class ClaimProperty(models.TextChoices):
    TITLE = "title", "title"
    SUBTITLE = "subtitle", "subtitle"
    PRODUCTION_STATUS = "production_status", "production status"
    PRODUCTION_START = "production_start", "production start"
    PRODUCTION_WRAP = "production_wrap", "production wrap"
    RELEASE_WINDOW = "release_window", "release window"
    RELEASE_PLATFORM = "release_platform", "platform"
    DIRECTOR = "director", "director"
    SCREENWRITER = "screenwriter", "screenwriter"
    EXECUTIVE_PRODUCER = "executive_producer", "executive producer"
    CAST_MEMBER = "cast_member", "cast member"
    BASED_ON = "based_on", "based on"
    FILMING_LOCATION = "filming_location", "filming location"
    SETTING = "setting", "setting"
    PLOT = "plot", "plot point"
    SONG = "song", "song"
    VIEWING_FIGURE = "viewing_figure", "viewing figure"
    AUDIENCE_FIGURE = "audience_figure", "fan campaign figure"
    CHART_POSITION = "chart_position", "chart position"
    AWARD = "award", "award"
    AGE = "age", "age"
    PROJECT = "project", "current project"


class Claim(models.Model):
    """A sourced statement about a film, a person or a song.

    Two live claims with the same ``conflict_key`` and different values are a
    conflict: listed for editors, shown to readers as disputed, never resolved
    silently.
    """

    Status = ClaimStatus

    Property = ClaimProperty

    # Properties that can truly hold several values at once (a film has many cast
    # members); their claims compete only when qualified (the same character).
    MULTI_VALUED = {
        ClaimProperty.SCREENWRITER,
        ClaimProperty.EXECUTIVE_PRODUCER,
        ClaimProperty.CAST_MEMBER,
        ClaimProperty.FILMING_LOCATION,
        ClaimProperty.SONG,
        ClaimProperty.AWARD,
        ClaimProperty.PROJECT,
        ClaimProperty.AUDIENCE_FIGURE,
        ClaimProperty.PLOT,
    }

    film = models.ForeignKey(
        Film, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    song = models.ForeignKey(
        Song, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    property = models.CharField(max_length=24, choices=Property.choices)
    qualifier = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Narrows the fact, e.g. 'first month' for a viewing figure or the "
            "character for a cast member. Claims compete only with the same qualifier."
        ),
    )
    value = models.CharField(
        max_length=500, help_text="The value as a reader should read it."
    )
    value_date = models.DateField(
        null=True, blank=True, help_text="For dates: the first day the value can mean."
    )
    value_precision = models.CharField(
        max_length=8, choices=Precision.choices, blank=True
    )
    value_number = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True
    )
    value_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims_as_value",
    )
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED
    )
    sources = models.ManyToManyField(Source, related_name="claims", blank=True)
    note = models.TextField(
        blank=True, help_text="For editors: how the claim was worded and where."
    )
    key = models.SlugField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text="Stable handle for imports and the demo data.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived in save(), so the conflicts query is a plain indexed comparison.
    subject_key = models.CharField(max_length=40, editable=False, db_index=True)
    conflict_key = models.CharField(max_length=300, editable=False, db_index=True)
    value_key = models.CharField(max_length=500, editable=False)
    value_start = models.DateField(null=True, editable=False)
    value_end = models.DateField(null=True, editable=False)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["property", "qualifier", "id"]
        # Editing a claim's wording and changing how sure we are of it are two
        # rights: writers fix the claims their drafts use, editors rule on status.
        permissions = [("change_claim_status", "Can change the status of a claim")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(film__isnull=False, person__isnull=True, song__isnull=True)
                    | Q(film__isnull=True, person__isnull=False, song__isnull=True)
                    | Q(film__isnull=True, person__isnull=True, song__isnull=False)
                ),
                name="claim_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(value_date__isnull=True) | ~Q(value_precision=""),
                name="claim_date_has_precision",
            ),
            _choices_check("property", ClaimProperty, "claim_property_valid"),
            _choices_check("status", ClaimStatus, "claim_status_valid"),
        ]

    def __str__(self):
        qualifier = f" ({self.qualifier})" if self.qualifier else ""
        return (
            f"{self.subject} — {self.get_property_display()}{qualifier}: {self.value}"
        )

    def save(self, *args, **kwargs):
        subject = self.subject
        self.subject_key = self.key_for(subject) if subject else ""
        if self.value_date and not self.value_precision:
            self.value_precision = Precision.DAY
        self.value_start, self.value_end = dates.interval(
            self.value_date, self.value_precision
        )
        self.value_key = "" if self.value_date else self._normalised_value()[:500]
        qualifier = normalise_qualifier(self.qualifier)
        if self.property in self.MULTI_VALUED and not qualifier:
            self.conflict_key = ""
        else:
            self.conflict_key = f"{self.subject_key}|{self.property}|{qualifier}"[:300]
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(subject):
        return f"{subject._meta.model_name}:{subject.pk}"

    @builtins.property
    def subject(self):
        return self.film or self.person or self.song

    @builtins.property
    def is_live(self):
        return self.status in LIVE_CLAIM_STATUSES

    @builtins.property
    def fact_key(self):
        """What a fact box groups by: the property and the normalised qualifier.

        The same key as ``conflict_key`` without the subject, so facts and
        disputes always line up.
        """
        return (self.property, normalise_qualifier(self.qualifier))

    def _normalised_value(self):
        if self.value_person_id:
            return f"person:{self.value_person_id}"
        if self.value_number is not None:
            return f"number:{self.value_number.normalize()}"
        return "text:" + " ".join(self.value.casefold().split())

    def contradicts(self, other):
        """Whether this claim's value disagrees with ``other``'s (see ``values_disagree``)."""
        return values_disagree(self, other)

    def competes_with(self, other):
        """Whether ``other`` is among ``Claim.objects.competing_with(self)``.

        The in-memory form of that query, for claims already fetched.
        """
        return (
            bool(self.conflict_key)
            and other.conflict_key == self.conflict_key
            and other.pk != self.pk
            and other.is_live
            and values_disagree(self, other)
        )

    def competitors(self):
        """Other live claims on the same fact whose values differ from this one."""
        return Claim.objects.competing_with(self)


class ClaimStatusChange(models.Model):
    """History of a claim's status: who changed it, from what, to what, and why."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    to_status = models.CharField(max_length=10, choices=ClaimStatus.choices)
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.claim}: {self.from_status} → {self.to_status}"
