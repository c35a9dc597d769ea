"""``iso_datetime``: a datetime as HTML's <time datetime> accepts it.

Django's ``date:"c"`` keeps microseconds, which the HTML standard refuses in a
global date and time string; readers' validators flag every page. Loaded as a
template builtin (settings), so every template can use it without ``{% load %}``.
"""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """``2025-03-14T09:30:00+00:00``: local time, whole seconds, with its offset."""
    if not isinstance(value, dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
