"""Forms for the newsroom's own objects (used by the admin)."""

import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from articles import tasks
from articles.images import EXTENSIONS, prepare_upload
from articles.models import Image

# Alt text that tells a reader who can't see the picture nothing at all.
EMPTY_ALT_TEXTS = {
    "image",
    "photo",
    "picture",
    "pic",
    "img",
    "photograph",
    "graphic",
    "screenshot",
    "alt",
    "alt text",
    "untitled",
    "lead image",
    "thumbnail",
}


def _plain(text):
    """Lower case, with separators as spaces, for comparing names and alt text."""
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


class ImageForm(forms.ModelForm):
    # A plain FileField: the model's ImageField form field would decode the
    # upload before our size and pixel checks, and refuse SVG with a vague message.
    file = forms.FileField(
        label="Picture",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "alt_text",
            "credit",
            "caption",
            "focal_x",
            "focal_y",
            "embargo_until",
        ]
        error_messages = {
            "alt_text": {
                "required": "Describe what the picture shows for readers who can't "
                "see it, e.g. 'Ana Lopez and Ben Marr on the set in London'.",
            },
            "credit": {
                "required": "Credit the photographer and agency, e.g. 'Jane Doe / "
                "Netflix'. For a handout, write who handed it out.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"JPEG, PNG, WebP or GIF, up to "
            f"{filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES)}. Location and "
            f"camera details are removed on upload."
        )
        self.upload_name = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # the picture already stored; nothing new to check
        self.upload_name = upload.name or ""
        cleaned, fmt = prepare_upload(upload)
        # The writer's file name may carry anything; the stored name is ours.
        cleaned.name = f"{secrets.token_hex(8)}.{EXTENSIONS[fmt]}"
        self.instance.file_format = fmt
        return cleaned

    def clean_alt_text(self):
        alt = self.cleaned_data["alt_text"].strip()
        plain = _plain(alt)
        if plain.rstrip(".") in EMPTY_ALT_TEXTS:
            raise ValidationError(
                "Say what the picture shows, e.g. 'Ana Lopez laughing on the red "
                "carpet'; “%(alt)s” tells a reader nothing.",
                code="alt_meaningless",
                params={"alt": alt},
            )
        name = PurePath(self.upload_name or self._raw_upload_name())
        if name.name and plain in {_plain(name.name), _plain(name.stem)}:
            raise ValidationError(
                "That is the file name. Describe what the picture shows instead.",
                code="alt_is_filename",
            )
        return alt

    def _raw_upload_name(self):
        # alt_text may be cleaned before the file field when fields are reordered.
        upload = self.files.get(self.add_prefix("file"))
        return getattr(upload, "name", "") or ""

    def save(self, commit=True):
        image = super().save(commit=commit)
        if commit:
            tasks.make_renditions.enqueue(image.pk)
        else:
            # The admin saves with commit=False and calls save_m2m() once the
            # row exists; renditions need the row, so they are made there.
            save_m2m = self.save_m2m

            def save_m2m_and_renditions():
                save_m2m()
                tasks.make_renditions.enqueue(image.pk)

            self.save_m2m = save_m2m_and_renditions
        return image
