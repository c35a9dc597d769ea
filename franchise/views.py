from django.views.generic import DetailView

from franchise.models import Film, Franchise, Person, Song


class FranchiseDetailView(DetailView):
    model = Franchise


class FilmDetailView(DetailView):
    model = Film


class PersonDetailView(DetailView):
    model = Person


class SongDetailView(DetailView):
    model = Song
