"""Public pages of the knowledge base: franchise hubs, films, people and songs.

Every page fetches all it shows here, so templates never query and the number of
queries does not grow with credits, claims or sources.
"""

from django.db.models import F, Prefetch
from django.views.generic import DetailView

from franchise.cache import RenderCacheMixin, subject_page_keys
from franchise.facts import build_facts
from franchise.models import Claim, Credit, Film, Franchise, Person, Song

COVERAGE_LIMIT = 12


def facts_about(subject):
    """The fact box of a film, person or song: its claims grouped, sources fetched."""
    return build_facts(Claim.objects.about(subject).for_display())


def coverage_of(related_manager):
    """Published articles reached through a reverse relation, newest first."""
    return list(related_manager.published().select_related("section")[:COVERAGE_LIMIT])


class FranchiseDetailView(DetailView):
    model = Franchise

    def get_queryset(self):
        films = Film.objects.order_by(F("release_date").asc(nulls_last=True), "title")
        return Franchise.objects.prefetch_related(
            Prefetch("films", queryset=films), "characters"
        )

    def get_context_data(self, **kwargs):
        # The article model is reached through Film's reverse relation so this
        # app never imports ``articles``.
        article_model = Film.articles.rel.related_model
        coverage = (
            article_model.objects.published()
            .filter(films__franchise=self.object)
            .select_related("section")
            .distinct()[:COVERAGE_LIMIT]
        )
        return super().get_context_data(coverage=list(coverage), **kwargs)


class FilmDetailView(RenderCacheMixin, DetailView):
    model = Film

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        credits = Credit.objects.select_related("person", "character")
        return Film.objects.select_related("franchise", "sequel_to").prefetch_related(
            "sequels",
            "releases",
            Prefetch("credits", queryset=credits),
            "songs__performers",
            "songs__awards",
        )

    def get_context_data(self, **kwargs):
        film = self.object
        credits = list(film.credits.all())
        return super().get_context_data(
            cast=[c for c in credits if c.is_cast],
            crew=[c for c in credits if not c.is_cast],
            facts=facts_about(film),
            coverage=coverage_of(film.articles),
            **kwargs,
        )


class PersonDetailView(RenderCacheMixin, DetailView):
    model = Person

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        # Newest work first; films without a date yet (announced) lead.
        credits = Credit.objects.select_related("film", "character").order_by(
            F("film__release_date").desc(nulls_first=True), "film__title", "id"
        )
        return Person.objects.prefetch_related(
            Prefetch("credits", queryset=credits), "songs_performed", "songs_written"
        )

    def get_context_data(self, **kwargs):
        person = self.object
        credits = list(person.credits.all())
        return super().get_context_data(
            cast_credits=[c for c in credits if c.is_cast],
            crew_credits=[c for c in credits if not c.is_cast],
            facts=facts_about(person),
            coverage=coverage_of(person.articles),
            **kwargs,
        )


class SongDetailView(RenderCacheMixin, DetailView):
    model = Song

    def cache_dependencies(self, context):
        return subject_page_keys(context)

    def get_queryset(self):
        return Song.objects.prefetch_related("films", "performers", "writers", "awards")

    def get_context_data(self, **kwargs):
        song = self.object
        return super().get_context_data(
            facts=facts_about(song), coverage=coverage_of(song.articles), **kwargs
        )
