from django.urls import path

from franchise import views

app_name = "franchise"
urlpatterns = [
    path(
        "franchises/<slug:slug>/",
        views.FranchiseDetailView.as_view(),
        name="franchise-detail",
    ),
    path("films/<slug:slug>/", views.FilmDetailView.as_view(), name="film-detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("songs/<slug:slug>/", views.SongDetailView.as_view(), name="song-detail"),
]
