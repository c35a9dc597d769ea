"""The image pipeline: check and clean uploads, then make renditions with Pillow."""

import hashlib
import io
import warnings
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from articles.models import Image, Rendition

# A truncated upload must be refused, never silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Pillow format name -> our format name. MPO is the multi-picture JPEG many
# cameras and phones write; its first frame is an ordinary JPEG.
ACCEPTED_FORMATS = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
}
# What Pillow may try when opening an upload; no exotic decoders are reached.
OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "gif": "gif"}

# Magic bytes of formats writers often try, so the refusal can name them.
KNOWN_OTHER_FORMATS = [
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"BM", "BMP"),
    (0, b"8BPS", "Photoshop (PSD)"),
    (0, b"%PDF", "PDF"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIC"),
    (4, b"ftypavif", "AVIF"),
]

WIDTHS = (320, 640, 960, 1280, 1600)
LANCZOS = PILImage.Resampling.LANCZOS
RATIOS = {"original": None, "16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
JPEG_QUALITY = 82
WEBP_QUALITY = 80
# Bump to remake every rendition after changing how they are made.
PIPELINE_VERSION = "1"


def prepare_upload(uploaded_file):
    """Check an upload, re-encode it without metadata: (ContentFile, format)."""
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            "This file is %(size)s; the limit is %(limit)s. Export a smaller "
            "JPEG (about 3000 pixels wide is plenty) and upload that.",
            code="too_large",
            params={
                "size": filesizeformat(uploaded_file.size),
                "limit": filesizeformat(limit),
            },
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    uploaded_file.seek(0)
    _refuse_known_formats(head, getattr(uploaded_file, "name", "") or "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(uploaded_file, formats=OPEN_FORMATS) as probe:
                fmt = ACCEPTED_FORMATS[probe.format]
                _check_pixels(*probe.size)
                probe.verify()
            # verify() leaves the image unusable, so decode from a fresh start.
            uploaded_file.seek(0)
            with PILImage.open(uploaded_file, formats=OPEN_FORMATS) as picture:
                picture.load()
                data = _clean_encode(picture, fmt)
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        raise ValidationError(
            "This file isn't a JPEG, PNG, WebP or GIF picture. Export it in one "
            "of those formats and upload it again.",
            code="not_an_image",
        ) from None
    except Exception:
        # Pillow raises many kinds of errors on damaged files; all mean the same.
        raise ValidationError(
            "This picture is damaged or incomplete (perhaps the upload was cut "
            "short). Open it on your computer, save a fresh copy and try again.",
            code="damaged",
        ) from None
    return ContentFile(data, name=f"upload.{EXTENSIONS[fmt]}"), fmt


def _refuse_known_formats(head, name):
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (
        name.lower().endswith((".svg", ".svgz"))
        or b"<svg" in stripped
        or (stripped.startswith(b"<?xml") and b"svg" in stripped)
    ):
        raise ValidationError(
            "SVG files aren't accepted because they can carry scripts. Export "
            "the picture as PNG (for logos and graphics) or JPEG and upload that.",
            code="svg",
        )
    for offset, magic, label in KNOWN_OTHER_FORMATS:
        if head[offset : offset + len(magic)] == magic:
            raise ValidationError(
                "%(format)s files aren't accepted. Export the picture as JPEG, "
                "PNG, WebP or GIF and upload that.",
                code="unsupported_format",
                params={"format": label},
            )


def _too_many_pixels(width=None, height=None):
    limit_mp = settings.IMAGE_MAX_PIXELS / 1_000_000
    size = f" ({width} × {height} pixels)" if width else ""
    return ValidationError(
        "This picture is too large%(size)s; the limit is %(limit)g megapixels. "
        "Resize it to about 3000 pixels wide and upload it again.",
        code="too_many_pixels",
        params={"size": size, "limit": limit_mp},
    )


def _check_pixels(width, height):
    # The header is read before any pixel is decoded, so a small file that
    # claims a huge canvas (a decompression bomb) stops here.
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)


def _has_alpha(picture):
    return picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )


def _to_srgb(picture):
    """Convert colours to sRGB when the file carries another ICC profile."""
    icc = picture.info.get("icc_profile")
    if not icc or picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return picture
    out_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode=out_mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped; the colours may be a little off.
        return picture


def _clean_encode(picture, fmt):
    """Apply EXIF orientation, drop every piece of metadata, encode as fmt."""
    picture = ImageOps.exif_transpose(picture)
    picture = _to_srgb(picture)
    if picture.mode == "P" and fmt in ("png", "gif"):
        # Palette images stay small; keep only the transparent colour.
        transparency = picture.info.get("transparency")
        clean = picture.copy()
        clean.info = {}
        options = {} if transparency is None else {"transparency": transparency}
    else:
        if _has_alpha(picture):
            clean = picture.convert("RGBA")
            if clean.getchannel("A").getextrema() == (255, 255):
                clean = clean.convert("RGB")  # alpha that hides nothing
        elif picture.mode in ("L", "RGB"):
            clean = picture.copy()
        else:
            clean = picture.convert("RGB")
        if fmt == "jpeg" and clean.mode == "RGBA":
            clean = clean.convert("RGB")
        clean.info = {}
        options = {}
    if fmt == "jpeg":
        options.update(quality=90, progressive=True, optimize=True)
    elif fmt == "webp":
        options.update(quality=90, method=4)
    buffer = io.BytesIO()
    # Passing no exif/icc_profile/xmp and an empty info writes none of them.
    clean.save(buffer, fmt.upper(), **options)
    return buffer.getvalue()


def crop_box(width, height, ratio, focal_x=0.5, focal_y=0.5):
    """The largest box of the ratio inside the image, centred on the focal point."""
    if RATIOS[ratio] is None:
        return (0, 0, width, height)
    rw, rh = RATIOS[ratio]
    if width * rh > height * rw:
        box_w, box_h = max(1, round(height * rw / rh)), height
    else:
        box_w, box_h = width, max(1, round(width * rh / rw))
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def rendition_widths(box_width):
    """Standard widths below the box width, plus the largest we can make."""
    widths = {w for w in WIDTHS if w < box_width}
    widths.add(min(box_width, WIDTHS[-1]))
    return sorted(widths)


def signature(image, ratio):
    """Changes when the file, or the focal point of a cropped ratio, changes."""
    parts = [PIPELINE_VERSION, image.file.name, ratio]
    if RATIOS[ratio] is not None:
        parts += [f"{image.focal_x:.4f}", f"{image.focal_y:.4f}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]


def _plan(image, width, height, has_alpha):
    """Renditions the image should have: {(ratio, width, format): (box, height)}."""
    plan = {}
    formats = ("png" if has_alpha else "jpeg", "webp")
    for ratio in RATIOS:
        box = crop_box(width, height, ratio, image.focal_x, image.focal_y)
        box_w, box_h = box[2] - box[0], box[3] - box[1]
        for w in rendition_widths(box_w):
            h = max(1, round(w * box_h / box_w))
            for fmt in formats:
                plan[(ratio, w, fmt)] = (box, h)
    return plan


def make_renditions(image):
    """Create missing renditions and delete stale ones; safe to run again."""
    with image.file.open("rb") as f, PILImage.open(f) as picture:
        width, height = picture.size
        plan = _plan(image, width, height, _has_alpha(picture))
        signatures = {ratio: signature(image, ratio) for ratio in RATIOS}
        keep, stale = set(), []
        # Read the rows afresh: a prefetch cache may hold deleted ones.
        for rendition in Rendition.objects.filter(image=image):
            key = (rendition.ratio, rendition.width, rendition.format)
            name = PurePath(rendition.file.name).name
            if key in plan and signatures[rendition.ratio] in name:
                keep.add(key)
            else:
                stale.append(rendition)
        _delete(stale)
        missing = sorted((k for k in plan if k not in keep), key=lambda k: -k[1])
        if not missing:
            return
        picture = _prepare_source(picture, plan)
        scale = picture.width / width
        for ratio in RATIOS:
            smaller = None
            for key in (k for k in missing if k[0] == ratio):
                _, w, fmt = key
                box, h = plan[key]
                if smaller is None:
                    box = tuple(c * scale for c in box)
                    smaller = picture.resize((w, h), LANCZOS, box=box, reducing_gap=3.0)
                elif smaller.size != (w, h):
                    # Each width is made from the one above: much faster than
                    # going back to the full-size picture every time.
                    smaller = smaller.resize((w, h), LANCZOS)
                _save_rendition(image, key, h, smaller, signatures[ratio])


def make_renditions_for(image_id):
    """Entry point for a background task: renditions of one image by id."""
    image = Image.objects.filter(pk=image_id).first()
    if image is not None:
        make_renditions(image)


def refresh_renditions(image):
    """Delete every rendition of the image and make them again."""
    _delete(list(Rendition.objects.filter(image=image)))
    make_renditions(image)


def _prepare_source(picture, plan):
    """Decode only as many pixels as the largest rendition needs."""
    # JPEG can decode at 1/2, 1/4 or 1/8 size almost for free.
    scale = max(w / (box[2] - box[0]) for (_, w, _), (box, _) in plan.items())
    if picture.format in ("JPEG", "MPO") and scale < 1:
        picture.draft(
            None, (int(picture.width * scale) + 1, int(picture.height * scale) + 1)
        )
    picture.load()
    if _has_alpha(picture):
        return picture.convert("RGBA")
    return picture.convert("RGB") if picture.mode != "RGB" else picture


def _encode(picture, fmt):
    buffer = io.BytesIO()
    if fmt == "jpeg":
        picture.convert("RGB").save(
            buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True
        )
    elif fmt == "webp":
        # method 2 encodes about twice as fast as the default 4 for a few
        # percent more bytes; renditions are made while the writer waits.
        picture.save(buffer, "WEBP", quality=WEBP_QUALITY, method=2)
    else:
        picture.save(buffer, "PNG")
    return buffer.getvalue()


def _save_rendition(image, key, height, picture, sig):
    ratio, width, fmt = key
    rendition = Rendition(
        image=image, ratio=ratio, width=width, height=height, format=fmt
    )
    name = f"{image.token}-{sig}-{ratio}-{width}w.{EXTENSIONS[fmt]}"
    rendition.file.save(name, ContentFile(_encode(picture, fmt)), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        # Another run made the same rendition meanwhile; keep theirs.
        rendition.file.delete(save=False)


def _delete(renditions):
    if not renditions:
        return
    names = [r.file.name for r in renditions]
    storage = Rendition._meta.get_field("file").storage
    Rendition.objects.filter(pk__in=[r.pk for r in renditions]).delete()
    # Files go only once the rows are gone for good, so a rollback can't
    # leave rows pointing at missing files.
    transaction.on_commit(partial(_delete_files, storage, names))


def _delete_files(storage, names):
    for name in names:
        storage.delete(name)
