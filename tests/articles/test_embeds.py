"""Embeds: a provider and an id in the body, a click-to-load placeholder on the page."""

import json
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse

from articles import embeds
from articles.sanitize import clean_html
from newsroom.structured_data import article_json_ld
from tests import factories
from tests.articles.test_sanitize import Inspector, problems, xss_payloads

YOUTUBE = '<figure data-embed="youtube:dQw4w9WgXcQ"></figure>'


@pytest.mark.parametrize(
    ("url", "ref"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "youtube:dQw4w9WgXcQ"),
        (
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "youtube:dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "youtube:dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ"),
        ("  https://youtu.be/dQw4w9WgXcQ  ", "youtube:dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo:76979871"),
        ("https://player.vimeo.com/video/76979871", "vimeo:76979871"),
        ("https://x.com/netflix/status/1234567890123456789", "x:1234567890123456789"),
        (
            "https://twitter.com/netflix/status/1234567890123456789?s=20",
            "x:1234567890123456789",
        ),
        ("https://www.instagram.com/p/C1a2B3c4D5e/", "instagram:C1a2B3c4D5e"),
        ("https://instagram.com/reel/C1a2B3c4D5e", "instagram:C1a2B3c4D5e"),
        (
            "https://www.tiktok.com/@netflix/video/7301234567890123456",
            "tiktok:7301234567890123456",
        ),
        (
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
            "spotify:track/4uLU6hMCjMI75M1A2tKUQC",
        ),
        (
            "https://open.spotify.com/intl-de/album/4uLU6hMCjMI75M1A2tKUQC?si=x",
            "spotify:album/4uLU6hMCjMI75M1A2tKUQC",
        ),
        (
            "https://open.spotify.com/embed/episode/4uLU6hMCjMI75M1A2tKUQC",
            "spotify:episode/4uLU6hMCjMI75M1A2tKUQC",
        ),
    ],
)
def test_each_providers_url_forms_give_provider_and_id(url, ref):
    assert embeds.ref_from_url(url) == ref
    assert embeds.parse_ref(ref)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/embed/dQw4w9WgXcQ",
        "https://youtu.be.evil.example/dQw4w9WgXcQ",
        "https://evil.example/?u=https://youtu.be/dQw4w9WgXcQ",
        "https://evil.example/youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
        "https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
        "javascript://youtu.be/dQw4w9WgXcQ",
        "data:text/html,https://youtu.be/dQw4w9WgXcQ",
        "ftp://youtu.be/dQw4w9WgXcQ",
        "//youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/channel/UC1234567890",
        "https://youtu.be/dQw4w9WgXcQ/../../evil",
        "https://youtu.be/dQw4\tw9WgXcQ",
        "https://vimeo.com/channels/staffpicks",
        "https://x.com/netflix",
        "https://x.com/netflix/status/123abc",
        "https://www.instagram.com/netflix/",
        "https://www.tiktok.com/@netflix",
        "https://open.spotify.com/track/short",
        "https://open.spotify.com/user/4uLU6hMCjMI75M1A2tKUQC",
        "https://spotify.com.evil.example/track/4uLU6hMCjMI75M1A2tKUQC",
        "https://www.youtube.com/watch?v=" + "a" * 600,
    ],
)
def test_lookalike_and_unsupported_urls_are_refused(url):
    assert embeds.ref_from_url(url) is None


@pytest.mark.parametrize(
    "ref",
    [
        "youtube:dQw4w9WgXc",
        "youtube:dQw4w9WgXcQQ",
        'youtube:dQw4w9WgXc"',
        "youtube:dQw4w9WgXcQ\n",
        "YouTube:dQw4w9WgXcQ",
        "evil:dQw4w9WgXcQ",
        "javascript:alert(1)",
        "vimeo:abc",
        "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
        "spotify:../track/4uLU6hMCjMI75M1A2tKUQC",
        "__class__:x",
        "",
    ],
)
def test_invalid_refs_are_not_embeds(ref):
    assert embeds.parse_ref(ref) is None
    assert "data-embed" not in clean_html(f'<figure data-embed="{ref}"></figure>')


def test_sanitiser_keeps_a_valid_embed_as_stored():
    assert clean_html(YOUTUBE) == YOUTUBE
    titled = (
        '<figure data-embed="spotify:track/4uLU6hMCjMI75M1A2tKUQC" '
        'data-embed-title="Theme song"></figure>'
    )
    assert clean_html(titled) == titled
    assert clean_html(clean_html(titled)) == titled


def test_sanitiser_strips_extra_attributes_and_content_of_an_embed():
    dirty = (
        '<figure class="x" style="color:red" onclick="steal()" id="e" '
        'src="https://evil.example" data-embed="youtube:dQw4w9WgXcQ" '
        'data-embed-frame="https://evil.example" data-x="1">'
        '<iframe src="https://evil.example"></iframe><p>Inside</p>'
        "<figure><p>nested</p></figure></figure><p>After</p>"
    )
    cleaned = clean_html(dirty)
    assert cleaned.startswith(YOUTUBE)
    assert "evil" not in cleaned and "steal" not in cleaned
    assert "Inside" not in cleaned
    assert cleaned.endswith("<p>After</p>")
    assert problems(cleaned) == []


def test_raw_iframes_and_embed_scripts_are_dropped():
    dirty = (
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
        '<blockquote class="twitter-tweet"><a href="https://x.com/a/status/123456">'
        'post</a></blockquote><script src="https://platform.twitter.com/widgets.js">'
        "</script>"
    )
    cleaned = clean_html(dirty)
    assert "iframe" not in cleaned and "script" not in cleaned
    assert "data-embed" not in cleaned


def test_title_is_one_short_line_of_escaped_text():
    long = "A " * 300
    cleaned = clean_html(
        f'<figure data-embed="youtube:dQw4w9WgXcQ" '
        f'data-embed-title="{long}&quot;&gt;&lt;script&gt;"></figure>'
    )
    title = re.search(r'data-embed-title="([^"]*)"', cleaned)[1]
    assert len(title) <= embeds.TITLE_MAX + 30  # entities count as several
    assert "<" not in title and '"' not in title


@pytest.mark.parametrize("payload", xss_payloads())
def test_xss_payload_as_embed_title_stays_text_on_the_page(payload):
    escaped = payload.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    stored = clean_html(
        f'<figure data-embed="youtube:dQw4w9WgXcQ" data-embed-title="{escaped}">'
        f"{payload}</figure><p>{payload}</p>"
    )
    assert problems(stored) == []
    assert_placeholder_harmless(embeds.placeholders(stored))


@pytest.mark.parametrize("payload", xss_payloads())
def test_xss_payload_as_embed_ref_is_refused(payload):
    escaped = payload.replace("&", "&amp;").replace('"', "&quot;")
    stored = clean_html(f'<figure data-embed="{escaped}"></figure>')
    assert "data-embed" not in stored
    assert problems(stored) == []


def assert_placeholder_harmless(html):
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    assert "<script" not in html.lower()
    assert not {"iframe", "script", "img", "svg", "object", "embed"} & set(
        inspector.tags
    )
    for tag, name, value in inspector.attrs:
        assert not name.startswith("on"), (tag, name)
        if name in {"href", "src", "data-embed-frame"}:
            assert value.startswith("https://"), (tag, name, value)


def test_placeholder_has_button_link_and_no_third_party_source():
    html = embeds.placeholders(
        '<p>Before</p><figure data-embed="youtube:dQw4w9WgXcQ" '
        'data-embed-title="Official trailer"></figure><p>After</p>'
    )
    assert html.startswith('<p>Before</p><figure class="embed')
    assert html.endswith("<p>After</p>")
    assert (
        '<button type="button" class="embed-load" hidden>'
        "Play video on YouTube: Official trailer</button>"
    ) in html
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert (
        'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ'
        '?autoplay=1"'
    ) in html
    assert " src=" not in html and "<iframe" not in html and "<img" not in html


@pytest.mark.parametrize(
    ("ref", "frame", "watch"),
    [
        (
            "vimeo:76979871",
            "https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1",
            "https://vimeo.com/76979871",
        ),
        (
            "x:1234567890123456789",
            "https://platform.twitter.com/embed/Tweet.html?id=1234567890123456789"
            "&amp;dnt=true",
            "https://x.com/i/status/1234567890123456789",
        ),
        (
            "instagram:C1a2B3c4D5e",
            "https://www.instagram.com/p/C1a2B3c4D5e/embed/",
            "https://www.instagram.com/p/C1a2B3c4D5e/",
        ),
        (
            "tiktok:7301234567890123456",
            "https://www.tiktok.com/embed/v2/7301234567890123456",
            "https://www.tiktok.com/embed/v2/7301234567890123456",
        ),
        (
            "spotify:track/4uLU6hMCjMI75M1A2tKUQC",
            "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC",
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
        ),
    ],
)
def test_each_provider_has_its_frame_and_original_link(ref, frame, watch):
    html = embeds.placeholders(f'<figure data-embed="{ref}"></figure>')
    assert f'data-embed-frame="{frame}"' in html
    assert f'<a href="{watch}"' in html
    assert urlsplit(frame.replace("&amp;", "&")).netloc in "".join(embeds.FRAME_HOSTS)


def test_feeds_and_api_get_a_plain_link():
    body = "<p>Watch.</p>" + YOUTUBE
    assert embeds.as_links(body) == (
        '<p>Watch.</p><p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "YouTube video</a></p>"
    )
    titled = (
        '<figure data-embed="vimeo:76979871" data-embed-title="A &amp; B"></figure>'
    )
    assert embeds.as_links(titled) == (
        '<p><a href="https://vimeo.com/76979871">Vimeo: A &amp; B</a></p>'
    )


def test_csp_frame_src_is_exactly_the_providers_frame_hosts():
    assert sorted(settings.SECURE_CSP["frame-src"]) == embeds.FRAME_HOSTS


@pytest.mark.django_db
def test_article_page_shows_placeholder_and_allows_only_provider_frames(client):
    article = factories.make_article(
        title="Trailer", body="<p>Watch.</p>" + YOUTUBE + "<p>More.</p>"
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="embed-load" hidden>Play video on YouTube</button>' in html
    assert "Open on YouTube</a>" in html
    assert "/static/newsroom/embeds.js" in html
    # Nothing of a third party is loaded by the page itself: every src is ours.
    for value in re.findall(r'\ssrc="([^"]*)"', html):
        assert not urlsplit(value).netloc, value
    assert "<iframe" not in html
    csp = response["Content-Security-Policy"]
    frame_src = re.search(r"frame-src ([^;]*)", csp)[1].split()
    assert sorted(frame_src) == embeds.FRAME_HOSTS
    assert "youtube.com " not in csp + " "


@pytest.mark.django_db
def test_article_without_embeds_loads_no_embed_script(client):
    article = factories.make_article(body="<p>Plain.</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "embeds.js" not in html and 'class="embed' not in html


@pytest.mark.django_db
def test_api_body_carries_the_embed_as_a_plain_link(client):
    article = factories.make_article(body="<p>Watch.</p>" + YOUTUBE)
    data = client.get(f"/api/v1/articles/{article.pk}").json()
    assert data["body_html"] == (
        '<p>Watch.</p><p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "YouTube video</a></p>"
    )


@pytest.mark.django_db
def test_feeds_and_json_ld_carry_no_embed_markup(client):
    article = factories.make_article(
        title="Trailer", dek="The trailer.", body="<p>Watch.</p>" + YOUTUBE
    )
    for name in ("feed-rss", "feed-atom"):
        content = client.get(reverse(name)).content.decode()
        feed = feedparser.parse(content)
        assert feed.bozo == 0
        assert [entry.title for entry in feed.entries] == ["Trailer"]
        assert "data-embed" not in content and "nocookie" not in content
    data = json.dumps(article_json_ld(article))
    assert "data-embed" not in data and "iframe" not in data and "nocookie" not in data


@pytest.mark.django_db
def test_admin_read_only_body_shows_embed_as_link(client, editor):
    from articles.admin import ArticleAdmin
    from articles.models import Article

    article = factories.make_article(body=YOUTUBE)
    admin = ArticleAdmin(Article, None)
    html = str(admin.rendered_body(article))
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert "data-embed" not in html


def test_empty_paragraphs_left_at_the_end_are_dropped():
    assert clean_html("<p></p>") == ""
    assert clean_html("<p><br></p>") == ""
    assert clean_html(YOUTUBE + "<p></p><p><br></p>") == YOUTUBE
    assert clean_html("<p></p><p>Text</p>") == "<p></p><p>Text</p>"


@pytest.mark.django_db
def test_placeholder_shows_a_local_thumbnail_only(client):
    still = factories.make_image(alt_text="The trailer's first shot", credit="Netflix")
    body = (
        f'<figure data-embed="youtube:dQw4w9WgXcQ" data-embed-image="{still.pk}">'
        "</figure>"
    )
    assert clean_html(body) == body
    article = factories.make_article(body=body)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<div class="embed-thumb"><picture>' in html
    assert 'alt="The trailer&#x27;s first shot"' in html
    assert still.file.url in html
    assert " · Picture: Netflix</figcaption>" in html
    for value in re.findall(r'\ssrc(?:set)?="([^"]*)"', html):
        assert not urlsplit(value).netloc, value


@pytest.mark.django_db
def test_thumbnail_without_alt_text_or_missing_is_not_shown():
    bare = factories.make_image(alt_text="")
    for ident in (bare.pk, 999999):
        html = embeds.placeholders(
            f'<figure data-embed="youtube:dQw4w9WgXcQ" data-embed-image="{ident}">'
            "</figure>"
        )
        assert "embed-thumb" not in html and "<picture" not in html
        assert "Play video on YouTube" in html


def test_bad_thumbnail_reference_is_dropped():
    cleaned = clean_html(
        '<figure data-embed="youtube:dQw4w9WgXcQ" '
        'data-embed-image="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"></figure>'
    )
    assert cleaned == YOUTUBE
