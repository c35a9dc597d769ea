"""Forms for the newsroom's own objects (used by the admin)."""

import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import linebreaks

from articles import tasks
from articles.images import EXTENSIONS, prepare_upload
from articles.models import Image
from franchise.text import CleanTextFormMixin

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


class LiveUpdateForm(CleanTextFormMixin, forms.Form):
    """One live blog update, typed on a phone as easily as on a desk."""

    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional; a key event's summary line uses it.",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 40}),
        max_length=20_000,
        help_text="Plain text, a blank line between paragraphs. Basic HTML "
        "(links, bold, lists) is kept and cleaned.",
    )
    key_event = forms.BooleanField(
        required=False,
        label="Key event",
        help_text="List it under 'Key events' at the top of the page.",
    )
    image = forms.ModelChoiceField(
        queryset=Image.objects.order_by("-created_at"),
        required=False,
        help_text="Optional picture from the library.",
    )
    embed_url = forms.URLField(
        max_length=500,
        required=False,
        label="Link to a post or video",
        assume_scheme="https",
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if "<" not in body:
            # Plain text from the textarea: paragraphs from blank lines.
            body = linebreaks(body, autoescape=True)
        return body

    @classmethod
    def initial_for(cls, update):
        return {
            "title": update.title,
            "body": update.body,
            "key_event": update.key_event,
            "image": update.image_id,
            "embed_url": update.embed_url,
        }
