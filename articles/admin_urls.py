"""Admin pages around one article, mounted at /admin/newsroom/ before the admin."""

from django.contrib import admin
from django.urls import path

from articles import admin_views as views
from articles import autosave

app_name = "articles_admin"


def staff(view):
    # The admin's own guard: active staff only, CSRF-checked, never cached.
    return admin.site.admin_view(view)


urlpatterns = [
    path("tags/", staff(views.tag_suggestions), name="tag_suggestions"),
    path(
        "articles/<int:pk>/history/",
        staff(views.revision_list),
        name="revisions",
    ),
    path(
        "articles/<int:pk>/history/<int:a>/<int:b>/",
        staff(views.revision_diff),
        name="diff",
    ),
    path(
        "articles/<int:pk>/history/<int:number>/restore/",
        staff(views.revision_restore),
        name="restore",
    ),
    path(
        "articles/<int:pk>/comments/",
        staff(views.comment_list),
        name="comments",
    ),
    path(
        "articles/<int:pk>/comments/<int:comment_pk>/resolve/",
        staff(views.comment_resolve),
        name="resolve_comment",
    ),
    path(
        "articles/<int:pk>/preview/",
        staff(views.preview),
        name="preview",
    ),
    path(
        "articles/<int:pk>/preview-links/",
        staff(views.preview_link_list),
        name="preview_links",
    ),
    path(
        "articles/<int:pk>/preview-links/<int:link_pk>/revoke/",
        staff(views.preview_link_revoke),
        name="revoke_preview_link",
    ),
    path(
        "articles/<int:pk>/live/",
        staff(views.live_update_list),
        name="live_updates",
    ),
    path(
        "articles/<int:pk>/live/<int:update_pk>/",
        staff(views.live_update_edit),
        name="live_update_edit",
    ),
    path(
        "articles/<int:pk>/live/<int:update_pk>/delete/",
        staff(views.live_update_delete),
        name="live_update_delete",
    ),
    path(
        "articles/<int:pk>/autosave/",
        staff(autosave.article_autosave),
        name="autosave",
    ),
    path(
        "articles/autosave/",
        staff(autosave.new_article_autosave),
        name="autosave_new",
    ),
]
