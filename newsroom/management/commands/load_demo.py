"""``manage.py load_demo``: the demo knowledge base, accounts and seed articles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom.demo.loader import DATA_DIR, DemoDataError, load


class Command(BaseCommand):
    help = (
        "Load the demo knowledge base, accounts (password 'newsroom-demo') and the "
        "two seed articles from newsroom/demo/*.toml. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="Folder holding knowledge_base.toml and articles.toml.",
        )

    def handle(self, *args, data_dir, **options):
        try:
            # One transaction: a bad entry leaves the database as it was.
            with transaction.atomic():
                loader = load(data_dir)
        except DemoDataError as exc:
            raise CommandError(f"{exc}. Nothing was loaded.") from exc
        self.stdout.write(self.style.SUCCESS(loader.summary()))
