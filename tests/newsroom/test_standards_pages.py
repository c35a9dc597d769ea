import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key,url,title", settings.STANDARDS_PAGES)
def test_each_standards_page_exists_after_a_fresh_install(client, key, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert "<h1>" in response.text


def test_every_page_footer_links_the_standards_pages(client):
    response = client.get("/about/ethics/")
    for _key, url, _title in settings.STANDARDS_PAGES:
        assert f'href="{url}"' in response.text
    assert 'href="/corrections/"' in response.text


def test_unknown_about_page_is_a_friendly_404(client):
    response = client.get("/about/nothing-here/")
    assert response.status_code == 404
