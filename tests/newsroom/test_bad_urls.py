"""Hostile addresses get a clear answer, never a server error, on both databases."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db

URLS = [
    "/search/?q=%00",
    "/search/?q=a%00b",
    "/search/?q=x&section=%00",
    "/search/?q=x&date_from=%00",
    "/tags/%00/",
    "/films/%00/",
    "/?page=%00",
    "/feeds/tag/%00/rss/",
    "/preview/%00/",
    "/about/%00/",
    "/admin/newsroom/tags/?q=%00",
]


@pytest.mark.parametrize("url", URLS)
def test_nul_characters_are_refused_with_400(client, admin_user, url):
    make_article()
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert "cannot contain NUL" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%F0%9F%98%80&page=99999",
        "/tags/%F0%9F%98%80/",
        "/films/..%2F..%2Fetc%2Fpasswd/",
        "/search/?q=x&date_from=2026-13-45",
        "/?page=-1",
        "/corrections/?page=abc",
    ],
)
def test_odd_but_harmless_addresses_never_fail(client, url):
    make_article()
    assert client.get(url).status_code < 500
