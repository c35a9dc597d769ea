"""Public pages of the knowledge base: franchise hubs, films, people and songs.

Every page fetches all it shows here, so templates never query and the number of
queries does not grow with credits, claims, sources or history.
"""

from django.db.models import F, IntegerField, Prefetch, Q, Value
from django.http import Http404
from django.views.generic import DetailView

from franchise.cache import RenderCacheMixin, subject_page_keys
from franchise.facts import essential, fact_box, film_essentials
from franchise.models import Claim, Credit, Film, Franchise, Person, Song, Source

COVERAGE_LIMIT = 12


def article_model():
    # Reached through a reverse relation so this app never imports ``articles``.
    return Source.articles.rel.related_model


def articles_about(related_manager, sources):
    """The page's published coverage, and the published articles citing or
    quoting each of ``sources``, in one query.

    Returns ``(coverage, reports)``: at most ``COVERAGE_LIMIT`` articles reached
    through the reverse relation, newest first, and ``{source id: [article]}``.
    """
    base = (
        article_model()
        .objects.published()
        .select_related("section")
        .only(
            "id",
            "title",
            "slug",
            "kind",
            "unconfirmed",
            "published_at",
            "section__slug",
        )
        .order_by()
    )
    newest = related_manager.published().order_by("-published_at", "-id")
    parts = [
        base.filter(pk__in=newest.values("pk")[:COVERAGE_LIMIT]).annotate(
            via=Value(0, output_field=IntegerField())
        )
    ]
    ids = {source.pk for source in sources}
    if ids:
        parts.append(
            base.filter(citations__source__in=ids).annotate(
                via=F("citations__source_id")
            )
        )
        parts.append(
            base.filter(quotes__source__in=ids).annotate(via=F("quotes__source_id"))
        )
    coverage, reports = [], {}
    rows = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    for article in rows.order_by("-published_at", "-id"):
        if article.via:
            reports.setdefault(article.via, []).append(article)
        else:
            coverage.append(article)
    return coverage, reports


def knowledge_of(subject):
    """A film's, person's or song's fact box and coverage.

    The fact box groups the subject's claims; each source carries
    ``reported_in``, the published articles that cite or quote it, and each
    claim its public history. Returns ``(fact box, coverage)``.
    """
    claims = list(Claim.objects.about(subject).for_public())
    sources = [source for claim in claims for source in claim.sources.all()]
    coverage, reports = articles_about(subject.articles, sources)
    for source in sources:
        source.reported_in = reports.get(source.pk, [])
    return fact_box(claims), coverage


class FranchiseDetailView(DetailView):
    model = Franchise

    def get_queryset(self):
        films = Film.objects.order_by(F("release_date").asc(nulls_last=True), "title")
        return Franchise.objects.prefetch_related(
            Prefetch("films", queryset=films), "characters"
        )

    def get_context_data(self, **kwargs):
        # Each film's status and release window as its claims state them, so
        # the hub agrees with the film pages.
        claims = Claim.objects.live().filter(
            film__franchise=self.object,
            property__in=[
                Claim.Property.RELEASE_WINDOW,
                Claim.Property.PRODUCTION_STATUS,
            ],
        )
        by_film = {}
        for claim in claims:
            by_film.setdefault(claim.film_id, []).append(claim)
        films = []
        for film in self.object.films.all():
            box = fact_box(by_film.get(film.pk, []))
            films.append(
                {
                    "film": film,
                    "release": essential(box, "Release", Claim.Property.RELEASE_WINDOW),
                    "status": essential(
                        box, "Status", Claim.Property.PRODUCTION_STATUS
                    ),
                }
            )
        coverage = (
            article_model()
            .objects.published()
            .filter(films__franchise=self.object)
            .select_related("section")
            .distinct()[:COVERAGE_LIMIT]
        )
        return super().get_context_data(films=films, coverage=list(coverage), **kwargs)


class FilmDetailView(RenderCacheMixin, DetailView):
    model = Film

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        credits = Credit.objects.select_related("person", "character")
        return Film.objects.select_related("franchise", "sequel_to").prefetch_related(
            "releases",
            Prefetch("credits", queryset=credits),
            Prefetch("songs", queryset=Song.objects.order_by("title")),
        )

    def get_object(self, queryset=None):
        # The film and the films that follow it, in one query.
        slug = self.kwargs["slug"]
        rows = list(self.get_queryset().filter(Q(slug=slug) | Q(sequel_to__slug=slug)))
        films = [film for film in rows if film.slug == slug]
        if not films:
            raise Http404("No film at this address.")
        self.sequels = sorted(
            (film for film in rows if film.slug != slug),
            key=lambda film: (film.release_date is None, film.release_date, film.title),
        )
        return films[0]

    def get_context_data(self, **kwargs):
        film = self.object
        credits = list(film.credits.all())
        box, coverage = knowledge_of(film)
        return super().get_context_data(
            cast=[c for c in credits if c.is_cast],
            crew=[c for c in credits if not c.is_cast],
            sequels=self.sequels,
            facts=box,
            essentials=film_essentials(film, box),
            coverage=coverage,
            **kwargs,
        )


class PersonDetailView(RenderCacheMixin, DetailView):
    model = Person

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        # In order of release; films without a date yet come last.
        credits = Credit.objects.select_related("film", "character").order_by(
            F("film__release_date").asc(nulls_last=True), "film__title", "id"
        )
        return Person.objects.prefetch_related(
            Prefetch("credits", queryset=credits), "songs_performed", "songs_written"
        )

    def get_context_data(self, **kwargs):
        person = self.object
        credits = list(person.credits.all())
        box, coverage = knowledge_of(person)
        return super().get_context_data(
            cast_credits=[c for c in credits if c.is_cast],
            crew_credits=[c for c in credits if not c.is_cast],
            facts=box,
            coverage=coverage,
            **kwargs,
        )


class SongDetailView(RenderCacheMixin, DetailView):
    model = Song

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        return Song.objects.prefetch_related("films", "performers", "writers", "awards")

    def get_context_data(self, **kwargs):
        box, coverage = knowledge_of(self.object)
        return super().get_context_data(facts=box, coverage=coverage, **kwargs)
