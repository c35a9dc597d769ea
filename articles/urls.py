from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # taggit keeps Unicode in tag slugs, which the slug converter would refuse.
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path(
        "<slug:section>/<slug:slug>/",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    path(
        "<slug:section>/<slug:slug>/updates.json",
        views.live_updates,
        name="live-updates",
    ),
]
