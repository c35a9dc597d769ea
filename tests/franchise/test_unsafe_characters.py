"""The fast unsafe-character scan agrees with the rule on every code point."""

import pytest

from articles.sanitize import clean_html
from franchise.text import UNSAFE, find_unsafe, strip_unsafe

PLANE = 0x10000


@pytest.mark.parametrize("plane", range(17))
def test_strip_and_find_agree_with_the_rule_on_every_code_point(plane):
    chunk = "".join(chr(code) for code in range(plane * PLANE, (plane + 1) * PLANE))
    assert strip_unsafe(chunk) == UNSAFE.sub("", chunk)
    expected = [m.start() for m in UNSAFE.finditer(chunk)]
    found = []
    rest, offset = chunk, 0
    while (hit := find_unsafe(rest)) is not None:
        found.append(offset + hit[1] - 1)
        offset += hit[1]
        rest = rest[hit[1] :]
    assert found == expected


def test_find_skips_safe_characters_past_the_last_plane_boundary():
    # U+1F600 (an emoji) and U+10FFFD are safe; U+2FFFE is a non-character.
    assert find_unsafe("a\U0001f600\U0010fffd\U0002fffe") == ("\U0002fffe", 4)
    assert strip_unsafe("a\U0001f600\U0010fffd\U0002fffe") == "a\U0001f600\U0010fffd"


@pytest.mark.parametrize(
    ("html", "cleaned"),
    [
        ("<p>a</p><p></p>", "<p>a</p>"),
        ("<p>a</p>\n<p><br></p>\n<p></p>  ", "<p>a</p>\n"),
        ("<p>a</p><p></p><p>b</p>", "<p>a</p><p></p><p>b</p>"),
        ("<p></p><p><br></p>", ""),
    ],
)
def test_only_the_empty_paragraphs_at_the_end_are_dropped(html, cleaned):
    assert clean_html(html) == cleaned
