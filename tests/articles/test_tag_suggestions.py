import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.widgets import TagAutocompleteWidget
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/admin/newsroom/tags/"


def test_suggestions_start_with_prefix_matches_then_contain(client, writer):
    for name in ["Sequels", "Sequel rumours", "Netflix sequels", "Soundtrack"]:
        Tag.objects.create(name=name)
    client.force_login(writer)
    response = client.get(URL, {"q": "seq"})
    assert response.json() == {"tags": ["Sequel rumours", "Sequels", "Netflix sequels"]}


def test_empty_and_hostile_queries_answer_cleanly(client, writer):
    client.force_login(writer)
    assert client.get(URL, {"q": "  "}).json() == {"tags": []}
    assert client.get(URL, {"q": "'; DROP TABLE taggit_tag; --" * 20}).status_code == 200


def test_readers_cannot_list_tags(client):
    client.force_login(make_user())
    response = client.get(URL, {"q": "s"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_widget_points_the_field_at_its_suggestions():
    html = TagAutocompleteWidget().render("tags", "", {"id": "id_tags"})
    assert 'list="id_tags-suggestions"' in html
    assert '<datalist id="id_tags-suggestions"></datalist>' in html
    assert f'data-tag-suggestions="{reverse("articles_admin:tag_suggestions")}"' in html
