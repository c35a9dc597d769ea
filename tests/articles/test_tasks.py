import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import default_task_backend

from articles import tasks
from articles.forms import ImageForm
from articles.models import Rendition
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

QUEUE = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def upload_form():
    return ImageForm(
        data={
            "title": "Poster",
            "alt_text": "A purple poster with circles",
            "credit": "Staff",
            "focal_x": 0.5,
            "focal_y": 0.5,
        },
        files={"file": SimpleUploadedFile("p.jpg", image_bytes(), "image/jpeg")},
    )


def test_with_the_default_backend_renditions_exist_right_after_upload():
    form = upload_form()
    assert form.is_valid(), form.errors
    image = form.save()
    assert Rendition.objects.filter(image=image).exists()


def test_with_a_queue_the_upload_only_enqueues_the_renditions(settings):
    settings.TASKS = QUEUE
    default_task_backend.clear()
    form = upload_form()
    assert form.is_valid(), form.errors
    image = form.save()
    assert not Rendition.objects.filter(image=image).exists()
    (result,) = default_task_backend.results
    assert result.task.name == tasks.make_renditions.name
    assert result.args == [image.pk]


def test_workflow_mail_failure_is_logged_not_raised(settings, caplog):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.articles.test_tasks.BrokenBackend"}
    }
    tasks.send_workflow_mail.call("Subject", "Body", ["ed@example.org"])
    assert "Could not send workflow mail" in caplog.text
    assert mail.outbox == []


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
