"""Uploading a picture from the body editor's Picture dialog (issue 13)."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Image
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("admin:articles_image_upload")


def fields(**overrides):
    data = {
        "file": SimpleUploadedFile(
            "premiere.jpg", factories.image_bytes(), content_type="image/jpeg"
        ),
        "title": "Premiere",
        "alt_text": "Two actors on a purple carpet",
        "credit": "Jane Doe / Netflix",
        "caption": "At the premiere",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_writer_uploads_a_picture_made_as_the_add_form_makes_it(client, writer):
    client.force_login(writer)
    response = client.post(URL, fields())
    assert response.status_code == 201, response.json()
    image = Image.objects.get()
    assert response.json() == {
        "image": {
            "id": image.pk,
            "title": "Premiere",
            "alt": "Two actors on a purple carpet",
            "credit": "Jane Doe / Netflix",
        }
    }
    assert image.uploaded_by == writer
    assert image.caption == "At the premiere"
    assert image.embargo_until is None
    assert (image.focal_x, image.focal_y) == (0.5, 0.5)
    assert image.file_format == "jpeg"
    assert not image.file.name.endswith("premiere.jpg")  # our name, not theirs
    assert image.renditions.exists()
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (
        writer,
        ADDITION,
        str(image.pk),
    )
    # The library now offers it, and tells the dialog where to upload.
    library = client.get(reverse("admin:articles_image_library")).json()
    assert [i["id"] for i in library["images"]] == [image.pk]
    assert library["upload_url"] == URL
    assert library["can_upload"] is True


def test_an_embargo_sent_along_is_ignored(client, writer):
    client.force_login(writer)
    response = client.post(URL, fields(embargo_until="2099-01-01 10:00"))
    assert response.status_code == 201
    assert Image.objects.get().embargo_until is None


def test_a_user_without_image_rights_is_refused(client, reader):
    reader.is_staff = True
    reader.save()
    client.force_login(reader)
    response = client.post(URL, fields())
    assert response.status_code == 403
    assert response.json()["error"] == "You are not allowed to add pictures."
    assert not Image.objects.exists()


def test_a_reader_without_admin_access_and_anonymous_are_sent_to_log_in(client, reader):
    response = client.post(URL, fields())
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(reader)
    response = client.post(URL, fields())
    assert response.status_code == 302
    assert not Image.objects.exists()


def test_get_is_refused(client, writer):
    client.force_login(writer)
    response = client.get(URL)
    assert response.status_code == 405
    assert "POST" in response.json()["error"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        (
            {
                "file": SimpleUploadedFile(
                    "x.jpg", b"not an image", content_type="image/jpeg"
                )
            },
            "file",
            "",
        ),
        ({"file": None}, "file", "required"),
        ({"alt_text": ""}, "alt_text", "Describe what the picture shows"),
        ({"credit": ""}, "credit", "Credit the photographer"),
        ({"alt_text": "image"}, "alt_text", "tells a reader nothing"),
    ],
)
def test_bad_uploads_answer_400_with_a_message_and_make_no_image(
    client, writer, overrides, field, words
):
    client.force_login(writer)
    response = client.post(URL, fields(**overrides))
    assert response.status_code == 400
    body = response.json()
    assert body["error"]
    assert words in body["errors"][field][0]
    assert body["error"] == next(iter(body["errors"].values()))[0]
    assert not Image.objects.exists()
    assert not LogEntry.objects.exists()


def test_too_large_and_too_many_pixels_are_refused(client, writer, settings):
    client.force_login(writer)
    settings.IMAGE_MAX_PIXELS = 100
    response = client.post(URL, fields())
    assert response.status_code == 400
    assert "pixels" in response.json()["error"].lower()
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    response = client.post(URL, fields())
    assert response.status_code == 400
    assert response.json()["errors"]["file"]
    assert not Image.objects.exists()
