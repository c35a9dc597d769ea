import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.test import RequestFactory
from django.utils.html import escape
from PIL import Image as PILImage

from articles.images import make_renditions
from articles.models import Image
from tests.factories import image_bytes, make_image
from tests.paths import TESTDATA

PAYLOADS = TESTDATA / "xss_payloads.txt"


def render(source, **context):
    template = engines["django"].from_string("{% load images %}" + source)
    return template.render(context)


def image_with_renditions(**kw):
    """A 1200 x 800 image with its renditions, fetched as a view would."""
    image = make_image(**kw)
    make_renditions(image)
    return Image.objects.prefetch_related("renditions").get(pk=image.pk)


def hostile_alt():
    lines = PAYLOADS.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if "<" in line and '"' in line)


def srcset_widths(html, attribute_start):
    match = re.search(attribute_start + r' srcset="([^"]*)"', html)
    return [int(w) for w in re.findall(r" (\d+)w", match.group(1))]


@pytest.mark.django_db
def test_picture_lists_every_width_in_webp_and_jpeg():
    image = image_with_renditions()
    html = render('{% picture image ratio="16x9" sizes="50vw" %}', image=image)
    assert srcset_widths(html, '<source type="image/webp"') == [320, 640, 960, 1200]
    assert srcset_widths(html, '<img src="[^"]*"') == [320, 640, 960, 1200]
    assert html.count('sizes="50vw"') == 2
    assert ".webp 320w" in html and ".jpg 1200w" in html


@pytest.mark.django_db
def test_picture_img_has_size_alt_and_lazy_loading():
    image = image_with_renditions(alt_text="Ana Lopez on set")
    html = render('{% picture image ratio="4x3" %}', image=image)
    img = re.search(r"<img [^>]*>", html).group(0)
    # The default src is the first rendition at least 960 wide.
    assert re.search(r'src="/media/renditions/[^"]*-4x3-960w\.jpg"', img)
    assert 'width="960" height="720"' in img
    assert 'alt="Ana Lopez on set"' in img
    assert 'loading="lazy"' in img
    assert 'decoding="async"' in img
    assert "fetchpriority" not in img
    assert "class=" not in img


@pytest.mark.django_db
def test_eager_picture_asks_for_high_priority_and_carries_the_class():
    image = image_with_renditions()
    html = render('{% picture image loading="eager" css_class="lead" %}', image=image)
    assert 'loading="eager" decoding="async" fetchpriority="high" class="lead"' in html


@pytest.mark.django_db
def test_picture_escapes_hostile_alt_text():
    payload = hostile_alt()
    image = image_with_renditions(alt_text=payload)
    html = render("{% picture image %}", image=image)
    assert payload not in html
    assert f'alt="{escape(payload)}"' in html
    assert html.count("<img ") == 1


@pytest.mark.django_db
def test_picture_escapes_hostile_css_class_and_sizes():
    image = image_with_renditions()
    html = render(
        "{% picture image sizes=evil css_class=evil %}",
        image=image,
        evil='"><script>alert(1)</script>',
    )
    assert "<script>" not in html


@pytest.mark.django_db
def test_picture_falls_back_to_the_original_file_without_renditions():
    image = make_image(
        file=SimpleUploadedFile("a.jpg", image_bytes(size=(300, 200)), "image/jpeg")
    )
    html = render('{% picture image ratio="1x1" %}', image=image)
    assert f'src="{image.file.url}"' in html
    assert 'width="300" height="200"' in html
    assert "<source" not in html
    assert "srcset" not in html


@pytest.mark.django_db
def test_picture_of_no_image_renders_nothing():
    assert render("{% picture image %}", image=None).strip() == ""


@pytest.mark.parametrize("count", [1, 4])
@pytest.mark.django_db
def test_pictures_use_only_prefetched_renditions(count, django_assert_num_queries):
    for _ in range(count):
        image = make_image(
            file=SimpleUploadedFile("a.jpg", image_bytes(size=(700, 500)))
        )
        make_renditions(image)
    # One query for the images, one for all their renditions, whatever the count.
    with django_assert_num_queries(2):
        images = list(Image.objects.prefetch_related("renditions"))
        html = render(
            '{% for i in images %}{% picture i ratio="1x1" %}'
            '{% rendition_url i "1x1" 640 "webp" %}{% endfor %}',
            images=images,
        )
    assert html.count("<picture>") == count


@pytest.mark.django_db
def test_picture_of_a_prefetched_image_runs_no_query(django_assert_num_queries):
    image = image_with_renditions()
    with django_assert_num_queries(0):
        render('{% picture image ratio="16x9" %}', image=image)


@pytest.mark.django_db
def test_rendition_url_picks_the_widest_not_over_the_width(settings):
    settings.SITE_URL = "https://news.example"
    image = image_with_renditions()
    url = render('{% rendition_url image "1x1" 700 "jpeg" %}', image=image)
    assert re.fullmatch(r"https://news\.example/media/renditions/.*-1x1-640w\.jpg", url)


@pytest.mark.django_db
def test_rendition_url_uses_the_request_host_when_there_is_one():
    image = image_with_renditions()
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    template = engines["django"].from_string(
        '{% load images %}{% rendition_url image "16x9" 1280 "webp" %}'
    )
    url = template.render({"image": image}, request)
    assert re.fullmatch(r"http://testserver/media/renditions/.*-16x9-1200w\.webp", url)


@pytest.mark.django_db
def test_rendition_url_falls_back_to_the_smallest_then_the_original(settings):
    settings.SITE_URL = "https://news.example"
    image = image_with_renditions()
    url = render('{% rendition_url image "original" 100 %}', image=image)
    assert url.endswith("-original-320w.jpg")
    bare = make_image()
    url = render('{% rendition_url image "1x1" 640 %}', image=bare)
    assert url == "https://news.example" + bare.file.url


@pytest.mark.django_db
def test_rendition_url_gives_png_when_a_jpeg_is_asked_of_a_transparent_image():
    buffer = io.BytesIO()
    PILImage.new("RGBA", (400, 300), (0, 0, 0, 0)).save(buffer, "PNG")
    data = buffer.getvalue()
    image = image_with_renditions(
        file=SimpleUploadedFile("t.png", data), file_format="png"
    )
    url = render('{% rendition_url image "original" 640 "jpeg" %}', image=image)
    assert url.endswith("-original-400w.png")
