"""The site-wide corrections page and its feed."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.views.generic import ListView

from articles.models import Correction


def public_corrections():
    return Correction.objects.public().select_related("article__section")


class CorrectionListView(ListView):
    template_name = "newsroom/corrections.html"
    context_object_name = "corrections"
    paginate_by = 50

    def get_queryset(self):
        return public_corrections()


class CorrectionsFeed(Feed):
    """Every correction, clarification and update, newest first (Atom)."""

    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: corrections"
    subtitle = "Every correction, clarification and update we publish."

    def link(self):
        return f"{settings.SITE_URL}/corrections/"

    def items(self):
        return public_corrections()[:50]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.title}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item):
        host = settings.SITE_URL.split("://", 1)[-1]
        return f"tag:{host},{item.published_at:%Y-%m-%d}:correction-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
