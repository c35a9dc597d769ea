from django.views.generic import DetailView, ListView

from articles.models import Article


class HomeView(ListView):
    queryset = Article.objects.published()


class TagView(ListView):
    queryset = Article.objects.published()


class AuthorView(ListView):
    queryset = Article.objects.published()


class SectionView(ListView):
    queryset = Article.objects.published()


class ArticleDetailView(DetailView):
    queryset = Article.objects.published()
