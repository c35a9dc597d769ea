import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import ImageDraw
from PIL.PngImagePlugin import PngInfo

from articles.forms import ImageForm
from articles.images import (
    make_renditions,
    make_renditions_for,
    prepare_upload,
    refresh_renditions,
)
from articles.models import Image, Rendition
from tests.factories import image_bytes, make_image

GPS_IFD = 0x8825


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def encode(picture, fmt, **options):
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def noisy(size=(600, 400)):
    """A picture that does not compress to nothing, so truncation cuts pixels."""
    return PILImage.effect_noise(size, 60).convert("RGB")


def exif_with_gps(orientation=None):
    exif = PILImage.Exif()
    exif[0x010F] = "Canon"  # camera make
    if orientation:
        exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    return exif


def png_header(width, height):
    """A PNG that claims a canvas of width x height but holds no pixels."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def code_of(excinfo):
    return excinfo.value.code


def reopen(content):
    content.seek(0)
    picture = PILImage.open(io.BytesIO(content.read()))
    picture.load()
    return picture


# prepare_upload: refusals


def test_file_larger_than_the_limit_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    # Not even an image: the size check must come first.
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(b"x" * 1001))
    assert code_of(excinfo) == "too_large"
    assert "limit is 1000" in excinfo.value.messages[0]


def test_file_at_the_size_limit_is_accepted(settings):
    data = image_bytes(size=(50, 50))
    settings.IMAGE_MAX_UPLOAD_BYTES = len(data)
    _, fmt = prepare_upload(upload(data))
    assert fmt == "jpeg"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"Just some notes, not a picture.\n",
        b"",
    ],
)
def test_file_that_is_not_an_image_is_refused(data):
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data, "holiday.jpg"))
    assert code_of(excinfo) == "not_an_image"
    assert "isn't a JPEG, PNG, WebP or GIF" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg onload="alert(1)"/>',
            "logo.png",
        ),
        (b"\xef\xbb\xbf  <svg/>", "innocent.jpg"),
    ],
)
def test_svg_is_refused_because_it_can_carry_scripts(data, name):
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data, name, "image/svg+xml"))
    assert code_of(excinfo) == "svg"
    assert (
        "SVG files aren't accepted because they can carry scripts"
        in (excinfo.value.messages[0])
    )


@pytest.mark.parametrize(("fmt", "label"), [("TIFF", "TIFF"), ("BMP", "BMP")])
def test_other_image_formats_are_refused_by_name(fmt, label):
    data = encode(PILImage.new("RGB", (20, 20)), fmt)
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data, f"scan.{fmt.lower()}"))
    assert code_of(excinfo) == "unsupported_format"
    assert excinfo.value.messages[0].startswith(f"{label} files aren't accepted")


def test_heic_from_a_phone_is_refused_by_name():
    data = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data, "IMG_0001.HEIC"))
    assert "HEIC files aren't accepted" in excinfo.value.messages[0]


def test_truncated_jpeg_is_refused():
    data = encode(noisy(), "JPEG", quality=90)
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data[: len(data) // 2]))
    assert code_of(excinfo) == "damaged"
    assert "damaged or incomplete" in excinfo.value.messages[0]


def test_truncated_png_is_refused():
    data = encode(noisy(), "PNG")
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(data[: len(data) // 2], "chart.png"))
    assert code_of(excinfo) == "damaged"


def test_png_with_a_broken_checksum_is_refused():
    data = bytearray(encode(noisy((40, 40)), "PNG"))
    data[-20] ^= 0xFF  # flip bits inside the last IDAT chunk
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(bytes(data), "chart.png"))
    assert code_of(excinfo) == "damaged"


def test_header_over_the_pixel_limit_is_refused_without_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    # 8000 x 6000 = 48 MP: under Pillow's own bomb limit, over ours.
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(png_header(8000, 6000), "big.png"))
    assert code_of(excinfo) == "too_many_pixels"
    assert "8000 × 6000 pixels" in excinfo.value.messages[0]
    assert "limit is 40 megapixels" in excinfo.value.messages[0]


def test_decompression_bomb_is_refused_even_with_a_generous_setting(settings):
    # Pillow's own guard must also answer with our message, not a crash.
    settings.IMAGE_MAX_PIXELS = 10**12
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(png_header(30000, 30000), "bomb.png"))
    assert code_of(excinfo) == "too_many_pixels"


def test_pillow_bomb_warning_is_treated_as_a_refusal(settings):
    settings.IMAGE_MAX_PIXELS = 10**12
    # 10000 x 10000 is over Pillow's warning level but under its error level.
    with pytest.raises(ValidationError) as excinfo:
        prepare_upload(upload(png_header(10000, 10000), "bomb.png"))
    assert code_of(excinfo) == "too_many_pixels"


# prepare_upload: accepted formats and cleaning


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")],
)
def test_common_web_formats_are_accepted_and_reencoded(fmt, expected):
    data = encode(PILImage.new("RGB", (64, 48), (200, 30, 30)), fmt)
    content, result = prepare_upload(upload(data, f"picture.{fmt.lower()}"))
    assert result == expected
    picture = reopen(content)
    assert picture.format == fmt
    assert picture.size == (64, 48)


def test_gps_and_all_exif_are_stripped_from_jpeg():
    data = encode(noisy((120, 80)), "JPEG", exif=exif_with_gps())
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # sanity
    content, _ = prepare_upload(upload(data))
    picture = reopen(content)
    assert "exif" not in picture.info
    assert len(picture.getexif()) == 0
    content.seek(0)
    raw = content.read()
    assert b"Exif" not in raw
    assert b"Canon" not in raw


def test_exif_xmp_and_icc_are_stripped_from_webp():
    data = encode(
        noisy((120, 80)),
        "WEBP",
        exif=exif_with_gps(),
        xmp=b"<x:xmpmeta>secret location</x:xmpmeta>",
    )
    content, _ = prepare_upload(upload(data, "p.webp"))
    content.seek(0)
    raw = content.read()
    assert b"secret location" not in raw
    assert b"Exif" not in raw
    assert len(reopen(content).getexif()) == 0


def test_png_text_chunks_and_exif_are_stripped():
    info = PngInfo()
    info.add_text("Comment", "taken at 12 Secret Street")
    data = encode(noisy((60, 40)), "PNG", pnginfo=info, exif=exif_with_gps())
    content, _ = prepare_upload(upload(data, "p.png"))
    content.seek(0)
    raw = content.read()
    assert b"Secret Street" not in raw
    assert b"eXIf" not in raw
    assert "Comment" not in reopen(content).info


def test_gif_comment_is_stripped():
    data = encode(PILImage.new("P", (30, 30)), "GIF", comment=b"home address")
    content, _ = prepare_upload(upload(data, "a.gif"))
    content.seek(0)
    assert b"home address" not in content.read()


def test_icc_profile_is_dropped_after_converting_to_srgb():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    data = encode(noisy((40, 40)), "JPEG", icc_profile=icc)
    content, _ = prepare_upload(upload(data))
    assert "icc_profile" not in reopen(content).info


def test_exif_orientation_is_applied_to_the_pixels():
    # A 200x100 picture, left half red, that the camera says to turn 90° clockwise.
    picture = PILImage.new("RGB", (200, 100), (0, 0, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, 99, 99), fill=(255, 0, 0))
    data = encode(picture, "JPEG", exif=exif_with_gps(orientation=6))
    content, _ = prepare_upload(upload(data))
    turned = reopen(content)
    assert turned.size == (100, 200)
    # The red half was on the left, so it is now on top.
    red, _, blue = turned.getpixel((50, 20))
    assert red > 200 and blue < 60
    assert "exif" not in turned.info


def test_transparency_is_kept_in_png():
    picture = PILImage.new("RGBA", (40, 40), (255, 0, 0, 0))
    picture.paste((0, 255, 0, 255), (10, 10, 30, 30))
    content, fmt = prepare_upload(upload(encode(picture, "PNG"), "logo.png"))
    cleaned = reopen(content)
    assert fmt == "png"
    assert cleaned.mode == "RGBA"
    assert cleaned.getpixel((0, 0))[3] == 0


def test_opaque_alpha_channel_is_dropped():
    picture = PILImage.new("RGBA", (40, 40), (255, 0, 0, 255))
    content, _ = prepare_upload(upload(encode(picture, "PNG"), "flat.png"))
    assert reopen(content).mode == "RGB"


def test_palette_gif_keeps_its_transparent_colour():
    picture = PILImage.new("P", (20, 20), 3)
    data = encode(picture, "GIF", transparency=3)
    content, _ = prepare_upload(upload(data, "a.gif"))
    assert reopen(content).convert("RGBA").getpixel((5, 5))[3] == 0


def test_animated_gif_is_kept_as_its_first_frame():
    frames = [PILImage.new("P", (20, 20), i) for i in range(3)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    content, fmt = prepare_upload(upload(data, "loop.gif"))
    assert fmt == "gif"
    assert getattr(reopen(content), "n_frames", 1) == 1


# Renditions


def red_pixels(picture):
    rgb = picture.convert("RGB")
    return sum(
        count
        for count, (r, g, b) in rgb.getcolors(rgb.width * rgb.height)
        if r > 180 and g < 90 and b < 90
    )


def small_image(**kw):
    """A 400 x 300 image: 14 renditions, quick to make."""
    data = image_bytes(size=(400, 300))
    return make_image(file=SimpleUploadedFile("s.jpg", data, "image/jpeg"), **kw)


def keys(image):
    return {(r.ratio, r.width, r.height, r.format) for r in image.renditions.all()}


@pytest.mark.django_db
def test_renditions_are_made_for_every_ratio_width_and_format():
    image = make_image()  # 1200 x 800 JPEG
    make_renditions(image)
    expected = set()
    for ratio, sizes in {
        "original": [(320, 213), (640, 427), (960, 640), (1200, 800)],
        "16x9": [(320, 180), (640, 360), (960, 540), (1200, 675)],
        "4x3": [(320, 240), (640, 480), (960, 720), (1067, 800)],
        "1x1": [(320, 320), (640, 640), (800, 800)],
    }.items():
        for width, height in sizes:
            for fmt in ("jpeg", "webp"):
                expected.add((ratio, width, height, fmt))
    assert keys(image) == expected
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as f, PILImage.open(f) as picture:
            assert picture.size == (rendition.width, rendition.height)
            assert picture.format == rendition.format.upper()
            assert "exif" not in picture.info


@pytest.mark.django_db
def test_jpeg_renditions_are_progressive():
    image = make_image()
    make_renditions(image)
    rendition = image.renditions.get(ratio="original", width=640, format="jpeg")
    with rendition.file.open("rb") as f, PILImage.open(f) as picture:
        assert picture.info.get("progressive")


@pytest.mark.django_db
def test_renditions_are_never_wider_than_the_original():
    image = make_image(
        file=SimpleUploadedFile("s.jpg", image_bytes(size=(200, 100)), "image/jpeg")
    )
    make_renditions(image)
    assert {(r.ratio, r.width) for r in image.renditions.all()} == {
        ("original", 200),
        ("16x9", 178),
        ("4x3", 133),
        ("1x1", 100),
    }


@pytest.mark.django_db
def test_large_pictures_stop_at_the_widest_rendition():
    # 3300 pixels square: big enough for the JPEG to be decoded at half size.
    image = make_image(file=SimpleUploadedFile("l.jpg", image_bytes(size=(3300, 3300))))
    make_renditions(image)
    widths = sorted(
        r.width for r in image.renditions.filter(ratio="original", format="jpeg")
    )
    assert widths == [320, 640, 960, 1280, 1600]
    largest = image.renditions.get(ratio="original", width=1600, format="webp")
    assert largest.height == 1600
    with largest.file.open("rb") as f, PILImage.open(f) as picture:
        assert picture.size == (1600, 1600)


@pytest.mark.django_db
def test_transparent_png_gets_png_and_webp_renditions():
    picture = PILImage.new("RGBA", (400, 300), (0, 0, 0, 0))
    image = make_image(
        file=SimpleUploadedFile("t.png", encode(picture, "PNG")), file_format="png"
    )
    make_renditions(image)
    assert {r.format for r in image.renditions.all()} == {"png", "webp"}
    rendition = image.renditions.get(ratio="1x1", width=300, format="webp")
    with rendition.file.open("rb") as f, PILImage.open(f) as picture:
        assert picture.mode == "RGBA"


def picture_with_red_dot_near_top_right():
    picture = PILImage.new("RGB", (1200, 800), (255, 255, 255))
    ImageDraw.Draw(picture).ellipse((1080, 60, 1120, 100), fill=(255, 0, 0))
    return SimpleUploadedFile("dot.jpg", encode(picture, "JPEG", quality=95))


def square(image):
    rendition = image.renditions.get(ratio="1x1", width=800, format="jpeg")
    with rendition.file.open("rb") as f, PILImage.open(f) as picture:
        picture.load()
        return picture


@pytest.mark.django_db
def test_square_crop_keeps_the_focal_point_inside():
    image = make_image(file=picture_with_red_dot_near_top_right())
    image.focal_x, image.focal_y = 1100 / 1200, 80 / 800
    image.save()
    make_renditions(image)
    assert red_pixels(square(image)) > 500


@pytest.mark.django_db
def test_centred_square_crop_loses_the_corner_dot():
    # The control for the test above: without the focal point the dot is cut.
    image = make_image(file=picture_with_red_dot_near_top_right())
    make_renditions(image)
    assert red_pixels(square(image)) == 0


@pytest.mark.django_db
def test_making_renditions_twice_changes_nothing(django_assert_num_queries):
    image = small_image()
    make_renditions(image)
    before = {(r.pk, r.file.name) for r in image.renditions.all()}
    # One query to read the renditions; nothing is written.
    with django_assert_num_queries(1):
        make_renditions(image)
    assert {(r.pk, r.file.name) for r in image.renditions.all()} == before
    assert Rendition.objects.count() == len(before) == 14


@pytest.mark.django_db
def test_moving_the_focal_point_replaces_only_cropped_renditions(
    django_capture_on_commit_callbacks,
):
    image = small_image()
    make_renditions(image)
    old = {r.pk: r for r in image.renditions.all()}
    image.focal_x = 0.1
    image.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_renditions(image)
    new = {r.pk: r for r in image.renditions.all()}
    assert len(new) == len(old)
    kept = {new[pk].ratio for pk in new.keys() & old.keys()}
    assert kept == {"original"}
    storage = Rendition._meta.get_field("file").storage
    for pk, rendition in old.items():
        assert storage.exists(rendition.file.name) == (rendition.ratio == "original")
        assert (pk in new) == (rendition.ratio == "original")


@pytest.mark.django_db
def test_refresh_makes_every_rendition_again(django_capture_on_commit_callbacks):
    image = small_image()
    make_renditions(image)
    old = {r.pk: r.file.name for r in image.renditions.all()}
    image = Image.objects.prefetch_related("renditions").get(pk=image.pk)
    with django_capture_on_commit_callbacks(execute=True):
        refresh_renditions(image)
    new = set(Rendition.objects.filter(image=image).values_list("pk", flat=True))
    assert len(new) == len(old)
    assert not new & old.keys()
    storage = Rendition._meta.get_field("file").storage
    assert not any(storage.exists(name) for name in old.values())


@pytest.mark.django_db
def test_renditions_can_be_made_from_an_id_as_a_task_would():
    image = small_image()
    make_renditions_for(image.pk)
    assert image.renditions.count() == 14
    make_renditions_for(image.pk + 1000)  # deleted meanwhile: nothing to do


# ImageForm


def form_data(**overrides):
    data = {
        "title": "Set photo",
        "alt_text": "Ana Lopez reading a script on set",
        "credit": "Jane Doe / Netflix",
        "caption": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    return data | overrides


def form_files(data=None, name="IMG_0042.jpg"):
    data = data or encode(noisy((400, 300)), "JPEG", exif=exif_with_gps())
    return {"file": upload(data, name)}


@pytest.mark.django_db
def test_form_saves_a_clean_picture_under_a_generated_name_with_renditions():
    form = ImageForm(form_data(), form_files())
    assert form.is_valid(), form.errors
    image = form.save()
    assert image.file_format == "jpeg"
    assert (image.width, image.height) == (400, 300)
    assert "IMG_0042" not in image.file.name
    assert image.file.name.startswith("images/")
    assert image.file.name.endswith(f"{image.token}.jpeg")
    with image.file.open("rb") as f, PILImage.open(f) as picture:
        assert len(picture.getexif()) == 0
    # 400 x 300: two widths per ratio (320 and the full box), one for 1x1.
    assert image.renditions.count() == 14


@pytest.mark.django_db
def test_form_saved_without_commit_makes_renditions_in_save_m2m():
    form = ImageForm(form_data(), form_files())
    assert form.is_valid(), form.errors
    image = form.save(commit=False)
    image.save()
    assert not image.renditions.exists()
    form.save_m2m()
    assert image.renditions.exists()


@pytest.mark.django_db
def test_form_refuses_svg_with_the_reason():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    form = ImageForm(form_data(), form_files(svg, "logo.svg"))
    assert not form.is_valid()
    assert "can carry scripts" in form.errors["file"][0]
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_form_refuses_a_pixel_bomb_with_the_reason():
    form = ImageForm(form_data(), form_files(png_header(30000, 30000), "x.png"))
    assert not form.is_valid()
    assert "too large" in form.errors["file"][0]


@pytest.mark.parametrize("alt", ["", "   ", "\t\n"])
@pytest.mark.django_db
def test_form_requires_alt_text_that_is_not_just_whitespace(alt):
    form = ImageForm(form_data(alt_text=alt), form_files())
    assert not form.is_valid()
    assert "Describe what the picture shows" in form.errors["alt_text"][0]


@pytest.mark.parametrize("alt", ["image", "Photo", " PHOTO. ", "picture"])
@pytest.mark.django_db
def test_form_refuses_alt_text_that_says_nothing(alt):
    form = ImageForm(form_data(alt_text=alt), form_files())
    assert not form.is_valid()
    assert "tells a reader nothing" in form.errors["alt_text"][0]


@pytest.mark.parametrize("alt", ["IMG_0042.jpg", "IMG_0042", "img 0042"])
@pytest.mark.django_db
def test_form_refuses_the_file_name_as_alt_text(alt):
    form = ImageForm(form_data(alt_text=alt), form_files())
    assert not form.is_valid()
    assert "That is the file name" in form.errors["alt_text"][0]


@pytest.mark.django_db
def test_form_requires_a_credit():
    form = ImageForm(form_data(credit="  "), form_files())
    assert not form.is_valid()
    assert "Credit the photographer and agency" in form.errors["credit"][0]


@pytest.mark.django_db
def test_form_refuses_a_focal_point_outside_the_picture():
    form = ImageForm(form_data(focal_x="1.5"), form_files())
    assert not form.is_valid()
    assert "focal_x" in form.errors


@pytest.mark.django_db
def test_editing_without_a_new_file_keeps_the_picture_and_recrops():
    form = ImageForm(form_data(), form_files())
    assert form.is_valid(), form.errors
    image = form.save()
    name = image.file.name
    squares = set(image.renditions.filter(ratio="1x1").values_list("pk", flat=True))
    form = ImageForm(form_data(focal_x="0.9"), {}, instance=image)
    assert form.is_valid(), form.errors
    image = form.save()
    assert image.file.name == name
    assert image.file_format == "jpeg"
    new_squares = set(image.renditions.filter(ratio="1x1").values_list("pk", flat=True))
    assert new_squares and not squares & new_squares
