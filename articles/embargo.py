"""Embargoed pictures: their files wait in a folder no one outside the desk reaches.

An image under embargo keeps its original and renditions under
``MEDIA_ROOT/embargoed/`` (``articles.models.HELD_MEDIA``). nginx hands that
prefix to the app (deploy/nginx.conf), which serves it to staff only
(``held_media``), so the admin still shows the picture while every public
address of it answers 404. ``release_due`` (run by the ``publish_scheduled``
command, every minute) moves the files to their public folders once the
embargo is over; saving the image then moves the pages that show it.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils import formats, timezone

from articles.models import HELD_MEDIA, Image, Rendition


def format_embargo(moment):
    """The embargo time as a desk reads it: "Tue 8 Dec 09:00" in the site's zone."""
    return formats.date_format(timezone.localtime(moment), "D j M H:i")


def _moved_name(name, held):
    path = PurePosixPath(name)
    if held:
        return str(PurePosixPath(HELD_MEDIA) / path)
    return str(path.relative_to(HELD_MEDIA))


def _move(field_file, held):
    """Move one stored file in or out of the held folder; returns its new name."""
    old = field_file.name
    storage = field_file.storage
    with storage.open(old, "rb") as f:
        new = storage.save(_moved_name(old, held), f)
    storage.delete(old)
    return new


@transaction.atomic
def sync_files(image):
    """Hold the image's files while it is embargoed, release them after.

    Safe to run again: files already where they belong stay put.
    """
    held = image.is_embargoed
    if not image.file or image.is_held == held:
        return False
    for rendition in Rendition.objects.filter(image=image):
        if rendition.file.name.startswith(f"{HELD_MEDIA}/") != held:
            rendition.file.name = _move(rendition.file, held)
            rendition.save(update_fields=["file"])
    image.file.name = _move(image.file, held)
    # A save (not an update) so newsroom/signals.py moves every page showing it.
    image.save(update_fields=["file"])
    return True


def release_due():
    """Release the files of every held image whose embargo is over."""
    due = Image.objects.filter(file__startswith=f"{HELD_MEDIA}/").filter(
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=timezone.now())
    )
    return [image for image in due if sync_files(image)]


def held_media(request, path):
    """An embargoed image's file, for signed-in staff only (the admin shows it).

    Anyone else gets the 404 of a file that does not exist.
    """
    user = request.user
    name = f"{HELD_MEDIA}/{path}"
    if not (user.is_active and user.is_staff):
        raise Http404("No such file.")
    try:
        found = ".." not in PurePosixPath(path).parts and default_storage.exists(name)
    except (ValueError, SuspiciousFileOperation):  # a NUL byte, a path outside
        found = False
    if not found:
        raise Http404("No such file.")
    response = FileResponse(default_storage.open(name, "rb"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
