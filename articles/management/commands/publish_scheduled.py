from django.core.management.base import BaseCommand

from articles.services import publish_due


class Command(BaseCommand):
    help = (
        "Mark scheduled articles whose time has come as published and record it. "
        "Run it from cron every minute; overlapping runs are safe. Readers see a "
        "scheduled article from its time on whether or not this runs."
    )

    def handle(self, *args, **options):
        published = publish_due()
        for article in published:
            self.stdout.write(f"published: {article.title} (#{article.pk})")
        self.stdout.write(f"{len(published)} scheduled article(s) published.")
