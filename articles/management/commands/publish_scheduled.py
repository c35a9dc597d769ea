from django.core.management.base import BaseCommand

from articles import embargo
from articles.services import publish_due


class Command(BaseCommand):
    help = (
        "Mark scheduled articles whose time has come as published and record it, "
        "and release the files of pictures whose embargo is over. Run it from "
        "cron every minute; overlapping runs are safe. Readers see a scheduled "
        "article from its time on whether or not this runs; an embargoed "
        "picture appears once this has released it."
    )

    def handle(self, *args, **options):
        published = publish_due()
        for article in published:
            self.stdout.write(f"published: {article.title} (#{article.pk})")
        self.stdout.write(f"{len(published)} scheduled article(s) published.")
        released = embargo.release_due()
        for image in released:
            self.stdout.write(f"released: {image.title} (image #{image.pk})")
        if released:
            self.stdout.write(f"{len(released)} embargoed picture(s) released.")
