"""Site-wide pages that compose the apps: search, robots.txt, the sitemap index."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.sitemaps.views import x_robots_tag
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from articles import search
from articles.models import Article, Byline, Section

PAGE_SIZE = 20
LAST_PAGE = search.SEARCH_WINDOW // PAGE_SIZE


@dataclass(frozen=True)
class ResultPage:
    """Where a page of results sits: no total, only whether more follow."""

    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1

    @property
    def start_index(self):
        return (self.number - 1) * PAGE_SIZE + 1


def page_number(value):
    """The requested page, 1 for anything that is not a page number we serve."""
    if not value or not value.isdigit() or len(value) > 4:
        return 1
    return min(max(int(value), 1), LAST_PAGE)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    section = forms.SlugField(required=False)
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *Article.Kind.choices]
    )
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def clean_q(self):
        # Overlong or hostile input is trimmed, never refused with a 500.
        return search.clean_query(self.cleaned_data["q"])


@require_GET
def search_view(request):
    """One page of results across articles, films, people and songs."""
    form = SearchForm(request.GET)
    form.is_valid()  # invalid filters are reported and ignored
    filters = {
        name: form.cleaned_data.get(name)
        for name in ("section", "kind", "date_from", "date_to")
    }
    q = form.cleaned_data.get("q", "")
    articles = (
        search.search_articles(q, **filters)
        .select_related("section")
        .prefetch_related(Prefetch("bylines", Byline.objects.select_related("author")))
    )
    number = page_number(request.GET.get("page"))
    rows, has_next = search.page_of(articles, number, PAGE_SIZE)
    if not rows and number > 1:
        # Past the last page (an old link): show the first instead of nothing.
        number = 1
        rows, has_next = search.page_of(articles, number, PAGE_SIZE)
    page = ResultPage(number=number, has_next=has_next)
    rows = search.with_snippets(list(rows))
    # One list serves the filter and the navigation (the layout's own is lazy).
    sections = list(Section.objects.only("name", "slug"))
    # Films, people and songs have no section, kind or date: filters narrow to
    # articles, and later pages repeat only the article list.
    show_entities = bool(q) and page.number == 1 and not any(filters.values())
    context = {
        "form": form,
        "q": q,
        "page_obj": page,
        "articles": rows,
        "films": search.search_films(q) if show_entities else [],
        "people": search.search_people(q) if show_entities else [],
        "songs": search.search_songs(q) if show_entities else [],
        "sections": sections,
        "nav_sections": sections,
        "querystring": _without_page(request.GET),
    }
    return render(request, "newsroom/search.html", context)


def _without_page(params):
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def robots_txt(request):
    """Crawl everything public; point crawlers at both sitemaps."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap-index')}",
        f"Sitemap: {settings.SITE_URL}{reverse('news-sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@x_robots_tag
@require_GET
def sitemap_index(request, sitemaps):
    """Like Django's index view, but absolute URLs come from SITE_URL.

    Django's view takes the host from the sites framework, whose default row
    says example.com.
    """
    entries = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap() if callable(sitemap) else sitemap
        paginator = sitemap.paginator  # a new Paginator (and count) per access
        if not paginator.count:
            continue  # an empty <urlset> is invalid: list only sitemaps with URLs
        location = settings.SITE_URL + reverse("sitemap", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        entries.append({"location": location, "last_mod": lastmod})
        for number in range(2, paginator.num_pages + 1):
            entries.append({"location": f"{location}?p={number}", "last_mod": lastmod})
    return TemplateResponse(
        request,
        "newsroom/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )
