"""Admin widgets for writers."""

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from taggit.forms import TagWidget


class TagAutocompleteWidget(TagWidget):
    """Comma-separated tags with suggestions of existing tags as you type.

    Uses a native <datalist>, so it works with the keyboard and screen readers,
    and the field still accepts new tags.
    """

    def __init__(self, attrs=None):
        attrs = {"class": "vTextField", "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-suggestions"
        widget_attrs["data-tag-suggestions"] = str(
            reverse_lazy("articles_admin:tag_suggestions")
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-suggestions"
        return format_html(
            '{}<datalist id="{}"></datalist>', html, list_id
        )

    @property
    def media(self):
        return forms.Media(js=["newsroom/tag-autocomplete.js"])
