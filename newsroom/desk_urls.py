"""The desk's admin pages, mounted at /admin/desk/ before the admin's own URLs."""

from django.contrib import admin
from django.urls import path

from newsroom import desk

app_name = "desk"

urlpatterns = [
    path("", admin.site.admin_view(desk.index), name="index"),
    path("calendar/", admin.site.admin_view(desk.calendar), name="calendar"),
]
