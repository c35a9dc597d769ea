from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.models import HELD_MEDIA, AuthorProfile, Image, Rendition

# Folders only the image library writes to; anything else in MEDIA_ROOT is left alone.
# Embargoed pictures keep theirs under HELD_MEDIA (articles/embargo.py).
MANAGED = (
    "images",
    "renditions",
    f"{HELD_MEDIA}/images",
    f"{HELD_MEDIA}/renditions",
)


class Command(BaseCommand):
    help = (
        "List image files in MEDIA_ROOT that no Image or Rendition uses any more "
        "(left by deleted or replaced pictures). Nothing is removed without --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Remove the files listed."
        )

    def handle(self, *args, delete=False, **options):
        root = Path(settings.MEDIA_ROOT)
        used = set(Image.objects.exclude(file="").values_list("file", flat=True))
        used |= set(Rendition.objects.values_list("file", flat=True))
        used |= set(
            AuthorProfile.objects.exclude(photo=None).values_list("photo__file", flat=True)
        )
        orphans = [
            path
            for folder in MANAGED
            if (root / folder).is_dir()
            for path in sorted((root / folder).rglob("*"))
            if path.is_file() and path.relative_to(root).as_posix() not in used
        ]
        for path in orphans:
            self.stdout.write(str(path.relative_to(root)))
            if delete:
                path.unlink()
        verb = "Removed" if delete else "Found"
        hint = "" if delete or not orphans else " Run again with --delete to remove them."
        self.stdout.write(f"{verb} {len(orphans)} unused file(s).{hint}")
