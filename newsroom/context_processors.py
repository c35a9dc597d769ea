from django.conf import settings


def site(request):
    """The publication's name and base URL, for the layout and metadata."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
