"""While the database is unreachable readers get a friendly 503, then pages come back."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper

from tests import factories


def database_down(error):
    """Every new cursor fails as psycopg or sqlite3 does when the server is gone."""
    return mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=error, autospec=True
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        OperationalError(
            "connection to server at 127.0.0.1 failed: Connection refused"
        ),
        InterfaceError("connection already closed"),
    ],
)
def test_public_page_answers_503_with_retry_after_while_database_is_down(client, error):
    article = factories.make_article(title="Sequel confirmed")
    with database_down(error):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "We will be back in a moment" in body
    assert "Error 503" in body


@pytest.mark.django_db
def test_outage_page_is_never_cached(client):
    with database_down(OperationalError("the database system is starting up")):
        response = client.get("/")
    assert response.status_code == 503
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control or "no-cache" in cache_control


@pytest.mark.django_db
def test_outage_page_renders_without_touching_the_database(client):
    """The page is rendered while every query fails: it must not run one."""
    with database_down(OperationalError("server closed the connection")) as cursor:
        response = client.get("/")
        calls_before_page = cursor.call_count
    assert response.status_code == 503
    # The view's first query failed; the 503 page itself asked for no cursor.
    assert calls_before_page == 1


@pytest.mark.django_db
def test_pages_recover_without_a_restart_once_the_database_is_back(client):
    article = factories.make_article(title="Recovery headline")
    with database_down(OperationalError("Connection refused")):
        assert client.get(article.get_absolute_url()).status_code == 503
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Recovery headline" in response.content.decode()
    assert connection.is_usable()


@pytest.mark.django_db
def test_other_errors_still_reach_the_ordinary_error_handling(client):
    client.raise_request_exception = True
    with (
        mock.patch(
            "articles.views.HomeView.get", side_effect=RuntimeError("a real bug")
        ),
        pytest.raises(RuntimeError, match="a real bug"),
    ):
        client.get("/")
