import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article
from articles.sanitize import ALLOWED_TAGS, clean_html
from tests import factories
from tests.paths import TESTDATA

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "form", "style"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset"}
UNSAFE_SCHEME = re.compile(r"^(javascript|data|vbscript):")
# What a browser's URL parser ignores (WHATWG URL): C0 controls and spaces at
# either end, tabs and newlines anywhere ("java\tscript:" is still javascript:).
EDGE_CONTROLS = "".join(map(chr, range(0x21)))
INNER_IGNORED = re.compile(r"[\t\n\r]")


def xss_payloads():
    lines = (TESTDATA / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def blns():
    return json.loads((TESTDATA / "blns.json").read_text(encoding="utf-8"))


class Inspector(HTMLParser):
    """Collects every tag and attribute of a fragment, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def problems(html):
    """Every way a fragment could still run script or carry styling."""
    found = []
    if "<script" in html.lower():
        found.append("raw <script")
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    for tag in inspector.tags:
        if tag in FORBIDDEN_TAGS or tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
    for tag, name, value in inspector.attrs:
        if name.startswith("on"):
            found.append(f"handler {name} on <{tag}>")
        if name in {"style", "class", "id"}:
            found.append(f"{name} on <{tag}>")
        scheme = INNER_IGNORED.sub("", value.strip(EDGE_CONTROLS)).lower()
        if name in URL_ATTRIBUTES and UNSAFE_SCHEME.match(scheme):
            found.append(f"unsafe URL {value!r} in <{tag} {name}>")
    return found


def test_inspector_catches_what_it_is_meant_to_catch():
    dirty = (
        '<p style="x" onclick="y"><a href=" java\tscript:alert(1)">a</a>'
        "<svg></svg><img src=data:x></p>"
    )
    assert len(problems(dirty)) == 6


@pytest.mark.parametrize("payload", xss_payloads())
def test_xss_payload_comes_out_harmless(payload):
    assert problems(clean_html(payload)) == []


@pytest.mark.parametrize("payload", xss_payloads())
def test_xss_payload_inside_a_paragraph_comes_out_harmless(payload):
    assert problems(clean_html(f"<p>Before {payload} after</p>")) == []


def test_naughty_strings_come_out_harmless():
    dirty = {text: problems(clean_html(text)) for text in blns()}
    assert {text: found for text, found in dirty.items() if found} == {}


def test_plain_naughty_strings_keep_their_text():
    for text in ["Ω≈ç√∫˜µ≤≥÷", "田中さんにあげて下さい", "👾 🙇 💁 🙅", "‪‪test‪"]:
        assert text in clean_html(f"<p>{text}</p>")


WORD_PASTE = """
<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=ProgId content=Word.Document>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View>
</w:WordDocument></xml><![endif]-->
<style>p.MsoNormal {mso-style-parent:""; margin:0cm; font-family:"Calibri";}</style>
</head>
<body lang=EN-GB style='tab-interval:36.0pt'>
<div class=WordSection1>
<h2 style='mso-margin-top-alt:auto'><span style='mso-fareast-font-family:"Times"'
>Filming starts in March<o:p></o:p></span></h2>
<p class=MsoNormal style='mso-line-height-alt:12pt'><span lang=EN-US
style='font-size:12.0pt;mso-ansi-language:EN-US'>Sofia Carson told us
<b style='mso-bidi-font-weight:normal'>filming</b> begins in <i>March</i>.
<o:p></o:p></span></p>
<ul style='margin-top:0cm' type=disc>
<li class=MsoNormal style='mso-list:l1 level1 lfo2'>First point<o:p></o:p></li>
<li class=MsoNormal style='mso-list:l1 level1 lfo2'>Second point<o:p></o:p></li>
</ul>
<p class=MsoNormal><a href="https://example.com/interview"
style='color:#0563C1;mso-themecolor:hyperlink'>the interview</a><o:p>&nbsp;</o:p></p>
</div></body></html>
"""

GOOGLE_DOCS_PASTE = (
    '<meta charset="utf-8"><b style="font-weight:normal;" '
    'id="docs-internal-guid-3f2a1b7c-7fff-4e1d-9a0b-1234567890ab">'
    '<h2 dir="ltr" style="line-height:1.38;margin-top:18pt;margin-bottom:6pt;">'
    '<span style="font-size:16pt;font-family:Arial,sans-serif;color:#000000;'
    'font-weight:400;font-variant:normal;">Sequel confirmed</span></h2>'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;">'
    '<span style="font-size:11pt;font-family:Arial;">The news came from </span>'
    '<a href="https://www.netflix.com/tudum" style="text-decoration:none;">'
    '<span style="font-size:11pt;color:#1155cc;text-decoration:underline;">'
    'Netflix</span></a><span style="font-size:11pt;">.</span></p>'
    '<ul style="margin-top:0;margin-bottom:0;padding-inline-start:48px;">'
    '<li dir="ltr" style="list-style-type:disc;font-size:11pt;" aria-level="1">'
    '<p dir="ltr" style="line-height:1.38;" role="presentation">'
    '<span style="font-size:11pt;">Filming in March</span></p></li></ul>'
    '</b><br class="Apple-interchange-newline">'
)


def test_word_paste_comes_out_as_clean_heading_paragraphs_list_and_link():
    cleaned = clean_html(WORD_PASTE)
    assert problems(cleaned) == []
    assert "mso" not in cleaned and "o:p" not in cleaned and "<span" not in cleaned
    assert "<h2>Filming starts in March</h2>" in cleaned
    assert "<b>filming</b>" in cleaned and "<i>March</i>" in cleaned
    assert re.search(
        r"<ul>\s*<li>First point</li>\s*<li>Second point</li>\s*</ul>", cleaned
    )
    assert '<a href="https://example.com/interview"' in cleaned
    assert "Normal" not in cleaned  # the XML and style blocks are dropped whole


def test_google_docs_paste_keeps_structure_and_loses_styling():
    cleaned = clean_html(GOOGLE_DOCS_PASTE)
    assert problems(cleaned) == []
    assert "<span" not in cleaned and "docs-internal-guid" not in cleaned
    assert "<h2>Sequel confirmed</h2>" in cleaned
    assert '<a href="https://www.netflix.com/tudum"' in cleaned
    assert "<ul><li><p>Filming in March</p></li></ul>" in cleaned


def test_google_docs_paste_is_not_wrapped_in_bold():
    assert "<b>" not in clean_html(GOOGLE_DOCS_PASTE)


@pytest.mark.django_db
def test_hostile_body_posted_through_the_admin_is_stored_clean(client, writer):
    hostile = (
        '<p style="color:red" onclick="steal()">Hello <a href="javascript:alert(1)">'
        "there</a></p><script>alert(document.cookie)</script>"
        '<iframe src="https://evil.example"></iframe><svg onload=alert(1)></svg>'
        '<img src=x onerror=alert(1)><form action="https://evil.example">'
        '<input name=q></form><p><a href="https://example.com">safe</a></p>'
    )
    management = {}
    for prefix in ("bylines", "citations", "quotes"):
        management |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Hostile",
            "slug": "hostile",
            "body": hostile,
            "kind": Article.Kind.NEWS,
            "section": factories.make_section().pk,
            **management,
        },
    )
    assert response.status_code == 302
    body = Article.objects.get().body
    assert problems(body) == []
    assert "Hello" in body and "there" in body
    assert '<a href="https://example.com"' in body
    assert "alert" not in body and "steal" not in body
