"""What the API returns, as typed schemas: the OpenAPI document is built from these.

Fields are read from rows the views fetched (with everything prefetched), so a
schema never queries. Addresses are absolute: ``url`` is the public page,
``api_url`` the resource here.
"""

import datetime as dt
from typing import Literal
from urllib.parse import urlsplit

from django.urls import reverse
from ninja import Schema

from articles import embeds, inline_images
from articles.models import Article
from franchise.models import Claim


def absolute(context, path):
    return context["request"].build_absolute_uri(path)


def api_path(name, pk):
    return reverse(f"api-v1:{name}", args=[pk])


def media_url(context, field):
    return absolute(context, field.url) if field else ""


class Error(Schema):
    detail: str


# --- the knowledge base -------------------------------------------------------


class PersonRef(Schema):
    id: int
    slug: str
    name: str
    url: str
    api_url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("person", obj.pk))


class FilmRef(Schema):
    id: int
    slug: str
    title: str
    url: str
    api_url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("film", obj.pk))


class SongRef(FilmRef):
    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("song", obj.pk))


class FranchiseRef(Schema):
    slug: str
    name: str


class CharacterRef(Schema):
    slug: str
    name: str


class SourceOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    outlet: str
    url: str
    date: dt.date | None
    date_precision: str
    date_display: str
    speaker: PersonRef | None
    speaker_description: str
    on_record: bool
    api_url: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_url(obj):
        # As on the pages: rows written outside forms may hold other schemes.
        return obj.url if urlsplit(obj.url).scheme in {"http", "https"} else ""

    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("source", obj.pk))


class SubjectRef(Schema):
    type: Literal["film", "person", "song"]
    id: int
    slug: str
    name: str
    url: str
    api_url: str


def subject_of(claim, context):
    subject = claim.subject
    kind = subject._meta.model_name
    return {
        "type": kind,
        "id": subject.pk,
        "slug": subject.slug,
        "name": str(subject),
        "url": absolute(context, subject.get_absolute_url()),
        "api_url": absolute(context, api_path(kind, subject.pk)),
    }


class StructuredValue(Schema):
    """The value as data: a fuzzy date as its interval, a number, a person."""

    type: Literal["date", "number", "person", "text"]
    date: dt.date | None = None
    precision: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    number: str | None = None
    person: PersonRef | None = None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    at: dt.datetime


class ClaimRef(Schema):
    id: int
    subject: SubjectRef
    property: str
    property_label: str
    qualifier: str
    value: str
    status: str
    api_url: str

    @staticmethod
    def resolve_subject(obj, context):
        return subject_of(obj, context)

    @staticmethod
    def resolve_property_label(obj):
        return obj.get_property_display()

    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("claim", obj.pk))


class ArticleRef(Schema):
    id: int
    title: str
    url: str
    api_url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj, context):
        return absolute(context, api_path("article", obj.pk))


class ClaimOut(ClaimRef):
    structured_value: StructuredValue
    sources: list[SourceOut]
    history: list[StatusChangeOut]
    disputed: bool
    competing_claims: list[ClaimRef]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_structured_value(obj: Claim):
        if obj.value_date:
            return {
                "type": "date",
                "date": obj.value_date,
                "precision": obj.value_precision,
                "start": obj.value_start,
                "end": obj.value_end,
            }
        if obj.value_person_id:
            return {"type": "person", "person": obj.value_person}
        if obj.value_number is not None:
            return {"type": "number", "number": str(obj.value_number)}
        return {"type": "text"}

    @staticmethod
    def resolve_history(obj):
        return obj.status_changes.all()

    @staticmethod
    def resolve_competing_claims(obj):
        return obj.api_competitors

    @staticmethod
    def resolve_disputed(obj):
        return bool(obj.api_competitors) and obj.is_live


class ClaimDetailOut(ClaimOut):
    asserted_by: list[ArticleRef]

    @staticmethod
    def resolve_asserted_by(obj):
        return obj.api_articles


class DisputeOut(Schema):
    """Live claims on one fact whose values contradict each other."""

    subject: SubjectRef
    property: str
    property_label: str
    qualifier: str
    claims: list[ClaimOut]


class CreditOut(Schema):
    person: PersonRef
    job: str
    character: CharacterRef | None
    billing_order: int
    status: str


class FilmCreditOut(Schema):
    film: FilmRef
    job: str
    character: CharacterRef | None
    billing_order: int
    status: str


class ReleaseOut(Schema):
    country: str
    kind: str
    date: dt.date
    precision: str
    date_display: str
    platform: str


class FilmOut(FilmRef):
    franchise: FranchiseRef | None
    format: str
    release_date: dt.date | None
    release_precision: str
    release_display: str
    production_status: str
    distributor: str
    based_on: str
    synopsis: str


class FilmDetailOut(FilmOut):
    credits: list[CreditOut]
    releases: list[ReleaseOut]
    songs: list[SongRef]


class PersonOut(PersonRef):
    bio: str
    born: dt.date | None


class PersonDetailOut(PersonOut):
    credits: list[FilmCreditOut]
    songs_performed: list[SongRef]
    songs_written: list[SongRef]


class AwardOut(Schema):
    name: str
    category: str
    year: int | None
    result: str


class SongOut(SongRef):
    status: str


class SongDetailOut(SongOut):
    films: list[FilmRef]
    performers: list[PersonRef]
    writers: list[PersonRef]
    awards: list[AwardOut]


class SourceDetailOut(SourceOut):
    claims: list[ClaimRef]
    cited_by: list[ArticleRef]

    @staticmethod
    def resolve_claims(obj):
        return obj.claims.all()

    @staticmethod
    def resolve_cited_by(obj):
        return obj.api_articles


# --- articles -----------------------------------------------------------------


class SectionRef(Schema):
    slug: str
    name: str


class AuthorRef(Schema):
    slug: str
    name: str
    role: str

    @staticmethod
    def resolve_name(obj):
        return obj.display_name


class TagRef(Schema):
    slug: str
    name: str


class RenditionOut(Schema):
    ratio: str
    width: int
    height: int
    format: str
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return media_url(context, obj.file)


class ImageOut(Schema):
    url: str
    width: int
    height: int
    alt_text: str
    credit: str
    caption: str
    renditions: list[RenditionOut]

    @staticmethod
    def resolve_url(obj, context):
        return media_url(context, obj.file)


class CitationOut(Schema):
    source: SourceOut
    supports: str


class QuoteOut(Schema):
    speaker: PersonRef | None
    speaker_name: str
    words: str
    context: str
    source: SourceOut | None

    @staticmethod
    def resolve_speaker_name(obj):
        return obj.speaker_display


class CorrectionRef(Schema):
    id: int
    kind: str
    text: str
    published_at: dt.datetime


class ArticleOut(ArticleRef):
    slug: str
    dek: str
    kind: Literal[tuple(Article.Kind.values)]
    kind_label: str
    status: Literal["published", "retracted"]
    unconfirmed: bool
    section: SectionRef
    authors: list[AuthorRef]
    tags: list[TagRef]
    lead_image: ImageOut | None
    first_published_at: dt.datetime | None
    published_at: dt.datetime
    updated_at: dt.datetime | None
    modified_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status(obj):
        # A scheduled article whose time has passed is published for readers.
        return "retracted" if obj.status == Article.Status.RETRACTED else "published"

    @staticmethod
    def resolve_authors(obj):
        return [byline.author for byline in obj.bylines.all()]

    @staticmethod
    def resolve_lead_image(obj):
        # A retraction notice shows no picture on the site either.
        if obj.status == Article.Status.RETRACTED:
            return None
        # An embargoed picture is left out until its time, as on the site.
        return obj.shown_lead_image


class ArticleDetailOut(ArticleOut):
    body_html: str
    retraction_note: str
    films: list[FilmRef]
    people: list[PersonRef]
    songs: list[SongRef]
    citations: list[CitationOut]
    quotes: list[QuoteOut]
    corrections: list[CorrectionRef]
    claims: list[ClaimRef]

    @staticmethod
    def resolve_body_html(obj):
        if obj.status == Article.Status.RETRACTED:
            return ""
        # An embed is a plain link here: the API's readers choose what to load;
        # a library picture is its <picture> with alt text, caption and credit.
        return inline_images.render(embeds.as_links(obj.body))


class CorrectionOut(CorrectionRef):
    kind_label: str
    article: ArticleRef

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


# --- pages of results -----------------------------------------------------------


class Page(Schema):
    next: str | None


class ArticlePage(Page):
    results: list[ArticleOut]


class ClaimPage(Page):
    results: list[ClaimOut]


class DisputePage(Page):
    results: list[DisputeOut]


class FilmPage(Page):
    results: list[FilmOut]


class PersonPage(Page):
    results: list[PersonOut]


class SongPage(Page):
    results: list[SongOut]


class SourcePage(Page):
    results: list[SourceOut]


class CorrectionPage(Page):
    results: list[CorrectionOut]
