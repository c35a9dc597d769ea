from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages.views import flatpage as flatpage_view
from django.urls import include, path, re_path

from articles.embargo import held_media
from articles.models import HELD_MEDIA
from articles.preview import public_preview
from newsroom.corrections import CorrectionListView, CorrectionsFeed

# The admin is the newsroom's working space; name it after the publication.
admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} newsroom"
admin.site.index_title = "Desk, articles and knowledge base"

urlpatterns = [
    # Embargoed pictures' files, for staff only; before static() below, and
    # nginx passes this prefix to the app (deploy/nginx.conf).
    path(
        f"{settings.MEDIA_URL.strip('/')}/{HELD_MEDIA}/<path:path>",
        held_media,
        name="held-media",
    ),
    path("", include("newsroom.site_urls")),
    path("admin/newsroom/", include("articles.admin_urls")),
    path("admin/desk/", include("newsroom.desk_urls")),
    path("admin/", admin.site.urls),
    # Standards pages (editable flat pages) before the catch-all article URLs.
    re_path(r"^(?P<url>about/.+/)$", flatpage_view, name="standards-page"),
    path("corrections/", CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", CorrectionsFeed(), name="corrections-feed"),
    path("api/v1/", include("newsroom.api.urls")),
    path("", include("franchise.urls")),
    path("preview/<str:token>/", public_preview, name="preview"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
