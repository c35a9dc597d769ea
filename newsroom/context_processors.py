from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _sections():
    from articles.models import Section

    return list(Section.objects.only("name", "slug"))


def site(request):
    """The publication's name, base URL and navigation, for the layout."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_DESCRIPTION": settings.SITE_DESCRIPTION,
        "SITE_URL": settings.SITE_URL,
        "STANDARDS_PAGES": settings.STANDARDS_PAGES,
        # Lazy: pages that do not render the navigation run no query for it.
        "nav_sections": SimpleLazyObject(_sections),
    }
