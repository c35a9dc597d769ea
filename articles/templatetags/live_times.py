"""A live update's time as readers read it: {% load live_times %}.

A blog that runs past midnight, or that a reader opens the next day, needs the
date on the updates of other days; "14:05" alone would be ambiguous. The day
that needs no date is the last one the blog speaks of (``reference_day``), in
the site's time zone, the same on the page and in what liveblog.js fetches.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


def reference_day(*moments):
    """The local calendar day of the latest of the moments given (its newest
    update, the end of its coverage), or None when there is none."""
    known = [moment for moment in moments if moment is not None]
    return timezone.localtime(max(known)).date() if known else None


def time_label(moment, day):
    """The time alone on the reference day ("14:05"), with the date on another
    day of its year ("7 Dec, 14:05") and the year too in another year or when
    there is no reference day ("31 Dec 2026, 23:50")."""
    if not isinstance(moment, dt.datetime):
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if isinstance(day, dt.date) and local.date() == day:
        return date_format(local, "H:i")
    if isinstance(day, dt.date) and local.year == day.year:
        return date_format(local, "j M, H:i")
    return date_format(local, "j M Y, H:i")


@register.filter
def live_time(moment, day):
    """``{{ update.posted_at|live_time:live_day }}``: see ``time_label``."""
    return time_label(moment, day)
