import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles import preview, services
from articles.models import Article, PreviewLink
from franchise.models import Claim
from tests import factories as f
from tests.factories import draft_by

pytestmark = pytest.mark.django_db

BANNER = "Preview — not published"
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'


def link_url(link):
    return reverse("preview", args=[preview.preview_token(link)])


def assert_private_and_unindexed(response):
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = response.content.decode()
    assert ROBOTS_META in page
    assert BANNER in page
    return page


# The admin preview


def test_admin_preview_of_a_draft_shows_its_text_with_the_banner_and_noindex(
    client, writer
):
    article = draft_by(
        writer, title="Sequel confirmed?", body="<p>Draft words only.</p>"
    )
    client.force_login(writer)

    response = client.get(reverse("articles_admin:preview", args=[article.pk]))

    page = assert_private_and_unindexed(response)
    assert "Sequel confirmed?" in page
    assert "Draft words only." in page
    assert "it is currently draft" in page.lower() or "currently draft" in page
    # No card or structured data announces an unpublished page.
    assert 'property="og:title"' not in page
    assert "application/ld+json" not in page


def test_admin_preview_of_a_working_copy_shows_the_new_text(client, editor):
    live = f.make_article(body="<p>Live words.</p>")
    copy = services.start_new_version(live, by=editor)
    copy.body = "<p>Revised words.</p>"
    copy.save()
    client.force_login(editor)

    page = assert_private_and_unindexed(
        client.get(reverse("articles_admin:preview", args=[copy.pk]))
    )

    assert "Revised words." in page
    assert "Live words." not in page
    assert "a new version of a live article" in page


def test_admin_preview_shows_the_articles_sources_and_quotes(client, editor):
    article = f.make_article(published=False)
    f.make_citation(article, f.make_source(title="Phone call with the producer"))
    quote = f.make_quote(article, words="We start shooting in March")
    client.force_login(editor)

    page = html_of(client.get(reverse("articles_admin:preview", args=[article.pk])))

    assert "Phone call with the producer" in page
    # Quotes live in the body; their source and speaker are in the Sources list.
    assert f'<li id="source-{quote.source_id}">' in page
    assert f"Quoted: {quote.speaker.name}" in page


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_admin_preview_is_for_staff_only(client, reader):
    article = f.make_article(published=False)
    response = client.get(reverse("articles_admin:preview", args=[article.pk]))
    assert response.status_code == 302
    client.force_login(reader)
    response = client.get(reverse("articles_admin:preview", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_preview_of_a_missing_article_is_not_found(client, editor):
    client.force_login(editor)
    response = client.get(reverse("articles_admin:preview", args=[999999]))
    assert response.status_code == 404


def test_the_public_page_has_no_banner(client):
    article = f.make_article()
    page = html_of(client.get(article.get_absolute_url()))
    assert BANNER not in page
    assert ROBOTS_META not in page


# Preview links: the public side


def test_a_preview_link_opens_without_an_account(client, writer):
    article = draft_by(writer, body="<p>Embargoed words.</p>")
    link = preview.create_preview_link(article, by=writer, days=3)

    page = assert_private_and_unindexed(client.get(link_url(link)))

    assert "Embargoed words." in page


def test_the_public_address_of_a_draft_stays_hidden_while_its_link_works(
    client, writer
):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(link_url(link)).status_code == 200


def test_a_revoked_link_stops_working_at_once(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    url = link_url(link)
    assert client.get(url).status_code == 200

    preview.revoke_preview_link(link, by=writer)

    assert client.get(url).status_code == 404


def test_an_expired_link_stops_working(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer, days=1)
    url = link_url(link)
    PreviewLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(url).status_code == 404


def test_forged_tokens_are_not_found(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    good = preview.preview_token(link)
    forged = [
        "nonsense",
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        # The raw token, unsigned.
        link.token,
        # Signed right, but with another salt.
        signing.dumps(link.token, salt="something-else"),
        # Signed right, for a token that does not exist.
        signing.dumps("no-such-token", salt=preview.PREVIEW_SALT),
    ]
    for value in forged:
        assert client.get(reverse("preview", args=[value])).status_code == 404, value


def test_every_refusal_looks_the_same(client, writer):
    article = draft_by(writer)
    revoked = preview.create_preview_link(article, by=writer)
    preview.revoke_preview_link(revoked, by=writer)
    expired = preview.create_preview_link(article, by=writer)
    PreviewLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    bodies = {
        client.get(url).content
        for url in [
            link_url(revoked),
            link_url(expired),
            reverse("preview", args=["forged"]),
        ]
    }
    assert len(bodies) == 1


def test_a_link_to_an_article_in_the_trash_is_not_found(client, writer, editor):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    services.trash(article, by=editor)
    assert client.get(link_url(link)).status_code == 404


def test_a_link_shows_the_current_text_not_the_text_when_shared(client, writer):
    article = draft_by(writer, body="<p>First draft.</p>")
    link = preview.create_preview_link(article, by=writer)
    article.body = "<p>Second draft.</p>"
    article.save()
    page = html_of(client.get(link_url(link)))
    assert "Second draft." in page and "First draft." not in page


def test_robots_txt_keeps_crawlers_out_of_previews(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /preview/" in lines


def preview_of(count):
    """A draft with ``count`` each of tags, bylines, sources, quotes, films, claims."""
    tags = [f"topic {i}" for i in range(count)]
    films = [f.make_film() for _ in range(count)]
    article = f.make_article(
        published=False,
        authors=[f.make_author() for _ in range(count)],
        tags=tags,
        lead_image=f.make_image(),
    )
    article.films.set(films)
    for i in range(count):
        source = f.make_source(speaker=f.make_person(), outlet="Outlet")
        f.make_citation(article, source, supports=f"fact {i}", position=i)
        f.make_quote(article, source=f.make_source(), context="by phone")
        claim = f.make_claim(
            films[i], sources=[source], property=Claim.Property.RELEASE_PLATFORM
        )
        article.claims.add(claim)
        f.make_article(section=article.section, tags=[tags[i]])
    return article


@pytest.mark.parametrize("count", [1, 30])
def test_the_preview_page_runs_a_fixed_number_of_queries(
    client, editor, django_assert_num_queries, count
):
    article = preview_of(count)
    link = preview.create_preview_link(article, by=editor)
    url = link_url(link)
    # The link, then what the public article page runs (see
    # test_article_page_runs_a_fixed_number_of_queries).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["claims"]) == count


# Preview links: the admin side


def test_preview_links_page_lists_links_with_their_full_address(
    client, writer, settings
):
    settings.SITE_URL = "https://news.example"
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer, note="for the producer")
    old = preview.create_preview_link(article, by=writer, note="old one")
    preview.revoke_preview_link(old, by=writer)
    client.force_login(writer)

    page = html_of(
        client.get(reverse("articles_admin:preview_links", args=[article.pk]))
    )

    token = preview.preview_token(link)
    assert f'value="https://news.example/preview/{token}/"' in page
    assert "for the producer" in page and "writer-fixture" in page
    assert "revoked" in page
    assert "old one" in page
    assert page.count("https://news.example/preview/") == 1


def test_writer_creates_a_link_that_lasts_the_days_asked(client, writer):
    article = draft_by(writer)
    client.force_login(writer)

    response = client.post(
        reverse("articles_admin:preview_links", args=[article.pk]),
        {"days": "3", "note": "for the source"},
        follow=True,
    )

    link = PreviewLink.objects.get(article=article)
    assert link.note == "for the source"
    assert link.created_by == writer
    left = link.expires_at - timezone.now()
    assert dt.timedelta(days=2, hours=23) < left <= dt.timedelta(days=3)
    messages = [str(m) for m in response.context["messages"]]
    assert any(preview.preview_token(link) in m for m in messages)


@pytest.mark.parametrize("days", ["0", "31", "", "seven", "-2"])
def test_a_link_outside_one_to_thirty_days_is_refused_with_a_message(
    client, writer, days
):
    article = draft_by(writer)
    client.force_login(writer)
    response = client.post(
        reverse("articles_admin:preview_links", args=[article.pk]),
        {"days": days},
        follow=True,
    )
    assert not PreviewLink.objects.exists()
    messages = " ".join(str(m) for m in response.context["messages"])
    assert re.search(r"1 (and|to) 30", messages)


def test_writer_cannot_share_another_writers_draft(client, writer, other_writer):
    article = draft_by(other_writer)
    client.force_login(writer)
    response = client.post(
        reverse("articles_admin:preview_links", args=[article.pk]), {"days": "7"}
    )
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_revoking_through_the_admin_stops_the_link(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    client.force_login(writer)

    response = client.post(
        reverse("articles_admin:revoke_preview_link", args=[article.pk, link.pk])
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    client.logout()
    assert client.get(link_url(link)).status_code == 404


def test_writer_cannot_revoke_a_link_to_another_writers_draft(
    client, writer, other_writer
):
    article = draft_by(other_writer)
    link = preview.create_preview_link(article, by=other_writer)
    client.force_login(writer)
    response = client.post(
        reverse("articles_admin:revoke_preview_link", args=[article.pk, link.pk])
    )
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_revoking_needs_a_post(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    client.force_login(writer)
    response = client.get(
        reverse("articles_admin:revoke_preview_link", args=[article.pk, link.pk])
    )
    assert response.status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_status_change_leaves_the_preview_page_unchanged_in_form(client, writer):
    article = draft_by(writer)
    link = preview.create_preview_link(article, by=writer)
    services.submit_for_review(article, by=writer)
    page = html_of(client.get(link_url(link)))
    assert Article.Status.IN_REVIEW.label in page
