import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.images import make_renditions
from tests.factories import make_image

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("prune_media", *args, stdout=out)
    return out.getvalue()


def test_only_files_nobody_uses_are_listed_and_kept_without_delete(settings):
    kept = make_image()
    make_renditions(kept)
    gone = make_image()
    make_renditions(gone)
    gone_files = [gone.file.path] + [r.file.path for r in gone.renditions.all()]
    gone.delete()  # rows go, files stay

    report = run()

    assert f"Found {len(gone_files)} unused file(s)." in report
    assert kept.file.name not in report
    assert all(Path(path).exists() for path in gone_files)  # nothing removed yet


def test_delete_removes_only_the_unused_files(settings):
    kept = make_image()
    make_renditions(kept)
    gone = make_image()
    gone_path = gone.file.path
    gone.delete()
    stray = settings.MEDIA_ROOT / "other" / "keep.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("not ours")

    assert "Removed 1 unused file(s)." in run("--delete")
    assert not (settings.MEDIA_ROOT / gone_path).exists()
    assert (settings.MEDIA_ROOT / kept.file.name).exists()
    assert stray.exists()
    assert "Found 0 unused file(s)." in run()


def test_unused_files_of_embargoed_pictures_are_found_too(settings):
    import datetime as dt

    from django.utils import timezone

    held = make_image(embargo_until=timezone.now() + dt.timedelta(days=1))
    make_renditions(held)
    gone = make_image(embargo_until=timezone.now() + dt.timedelta(days=1))
    gone_path = gone.file.path
    assert "/embargoed/" in gone_path
    gone.delete()

    report = run()

    assert "Found 1 unused file(s)." in report
    assert held.file.name not in report
    run("--delete")
    assert not Path(gone_path).exists()
    assert Path(held.file.path).exists()
