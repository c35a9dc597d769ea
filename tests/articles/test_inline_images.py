"""Library pictures and galleries in the body: a reference, rendered as <picture>."""

import pytest
from django.urls import reverse

from articles import checks, inline_images
from articles.models import Article
from articles.sanitize import clean_html
from tests import factories
from tests.articles.test_sanitize import problems, xss_payloads

pytestmark = pytest.mark.django_db


def test_sanitiser_keeps_references_and_drops_urls_and_content():
    assert clean_html('<figure data-image="12"></figure>') == (
        '<figure data-image="12"></figure>'
    )
    cleaned = clean_html(
        '<figure data-image="12" data-image-caption="On set" class="x" '
        'src="https://evil.example/a.jpg" onclick="x()">'
        '<img src="https://evil.example/a.jpg"><figcaption>Old</figcaption></figure>'
    )
    assert cleaned == '<figure data-image="12" data-image-caption="On set"></figure>'
    assert clean_html('<figure data-gallery="3, 1 2"></figure>') == (
        '<figure data-gallery="3 1 2"></figure>'
    )


@pytest.mark.parametrize(
    "figure",
    [
        '<figure data-image="0"></figure>',
        '<figure data-image="012"></figure>',
        '<figure data-image="-1"></figure>',
        '<figure data-image="1.5"></figure>',
        '<figure data-image="https://evil.example/a.jpg"></figure>',
        '<figure data-image="javascript:alert(1)"></figure>',
        '<figure data-image="12345678901"></figure>',
        '<figure data-gallery="1 1"></figure>',
        '<figure data-gallery="1 x"></figure>',
        '<figure data-gallery=""></figure>',
        '<figure data-gallery="' + " ".join(map(str, range(1, 30))) + '"></figure>',
    ],
)
def test_bad_references_are_dropped(figure):
    cleaned = clean_html(figure)
    assert "data-image" not in cleaned and "data-gallery" not in cleaned


@pytest.mark.parametrize("payload", xss_payloads())
def test_xss_payload_as_caption_or_reference_comes_out_harmless(payload):
    escaped = payload.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    stored = clean_html(
        f'<figure data-image="{escaped}"></figure>'
        f'<figure data-image="1" data-image-caption="{escaped}">{payload}</figure>'
        f'<figure data-gallery="{escaped}"></figure>'
    )
    assert problems(stored) == []


def test_picture_renders_with_alt_caption_and_credit(client):
    image = factories.make_image(
        alt_text="Two people on a rooftop", credit="Jane Doe / Netflix", caption="Lib"
    )
    article = factories.make_article(
        body=f'<p>Before</p><figure data-image="{image.pk}" '
        'data-image-caption="On the rooftop"></figure><p>After</p>'
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<figure class="inline-image"><picture>' in html
    assert 'alt="Two people on a rooftop"' in html
    assert (
        '<figcaption>On the rooftop <span class="image-credit">'
        "Photo: Jane Doe / Netflix</span></figcaption>"
    ) in html
    assert image.file.url in html
    assert "data-image" not in html


def test_picture_without_caption_uses_the_librarys(client):
    image = factories.make_image(caption="From the library")
    html = inline_images.render(f'<figure data-image="{image.pk}"></figure>')
    assert "<figcaption>From the library <span" in html


def test_gallery_renders_pictures_in_stored_order():
    first = factories.make_image(alt_text="First picture")
    second = factories.make_image(alt_text="Second picture")
    html = inline_images.render(
        f'<figure data-gallery="{second.pk} {first.pk}"></figure>'
    )
    assert html.startswith('<div class="gallery"><ul><li><figure class="gallery-item">')
    assert html.index("Second picture") < html.index("First picture")
    assert html.count("<picture>") == 2


def test_missing_or_incomplete_pictures_are_left_out_of_the_page():
    bare = factories.make_image(alt_text="", credit="Someone")
    html = inline_images.render(
        f'<p>A</p><figure data-image="999999"></figure>'
        f'<figure data-image="{bare.pk}"></figure><p>B</p>'
    )
    assert html == "<p>A</p><p>B</p>"


def test_rendering_a_body_with_pictures_takes_one_query(django_assert_num_queries):
    ids = [factories.make_image().pk for _ in range(3)]
    body = f'<figure data-image="{ids[0]}"></figure><figure data-gallery="{ids[1]} {ids[2]}"></figure>'
    with django_assert_num_queries(2):  # the images, then their renditions
        inline_images.render(body)


def test_publish_checks_cover_pictures_in_the_body():
    no_alt = factories.make_image(title="Rooftop", alt_text=" ", credit="Jane")
    no_credit = factories.make_image(title="Premiere", credit="")
    fine = factories.make_image()
    article = factories.make_article(
        published=False,
        kind=Article.Kind.FEATURE,
        body=f'<figure data-image="{no_alt.pk}"></figure>'
        f'<figure data-gallery="{fine.pk} {no_credit.pk} 999999"></figure>',
    )
    assert checks.publish_problems(article) == [
        "The picture “Rooftop” in the body has no alt text.",
        "The picture “Premiere” in the body has no credit.",
        "The body shows a picture (#999999) that is not in the library.",
    ]
    image_line = dict((key, found) for key, _label, found in checks.checklist(article))
    assert len(image_line["image"]) == 3


def test_publish_checks_pass_for_complete_pictures():
    image = factories.make_image()
    article = factories.make_article(
        published=False,
        kind=Article.Kind.FEATURE,
        body=f'<figure data-image="{image.pk}"></figure>',
    )
    assert checks.publish_problems(article) == []


def test_editor_library_lists_only_pictures_with_alt_text_and_credit(client, writer):
    complete = factories.make_image(title="Complete")
    factories.make_image(title="No alt", alt_text="")
    factories.make_image(title="No credit", credit="  ")
    client.force_login(writer)

    data = client.get(reverse("admin:articles_image_library")).json()

    assert [image["title"] for image in data["images"]] == ["Complete"]
    assert data["images"][0]["id"] == complete.pk
    assert data["add_url"] == reverse("admin:articles_image_add")


def test_editor_library_is_not_public(client):
    response = client.get(reverse("admin:articles_image_library"))
    assert response.status_code == 302


def test_api_body_carries_the_picture_with_alt_and_credit(client):
    image = factories.make_image(alt_text="The star", credit="Jane Doe / Netflix")
    article = factories.make_article(body=f'<figure data-image="{image.pk}"></figure>')

    data = client.get(f"/api/v1/articles/{article.pk}").json()

    assert data["body_html"].startswith('<figure class="inline-image"><picture>')
    assert 'alt="The star"' in data["body_html"]
    assert "Photo: Jane Doe / Netflix" in data["body_html"]
