import pytest
from django.contrib.auth.models import Group

from tests.factories import make_editor, make_writer

pytestmark = pytest.mark.django_db


def test_fresh_install_has_writers_and_editors_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Writers", "Editors"}


def test_writer_drafts_but_cannot_publish_or_delete():
    writer = make_writer()
    assert writer.has_perm("articles.add_article")
    assert writer.has_perm("articles.change_article")
    assert writer.has_perm("franchise.add_source")
    assert not writer.has_perm("articles.publish_article")
    assert not writer.has_perm("articles.delete_article")
    # Writers word the claims their drafts use; only editors rule on status.
    assert writer.has_perm("franchise.change_claim")
    assert not writer.has_perm("franchise.change_claim_status")
    assert not writer.has_perm("articles.change_section")


def test_editor_publishes_and_curates_the_knowledge_base():
    editor = make_editor()
    for perm in (
        "articles.publish_article",
        "articles.delete_article",
        "articles.change_section",
        "franchise.change_claim",
        "franchise.change_claim_status",
        "franchise.delete_credit",
        "redirects.add_redirect",
        "articles.view_transition",
    ):
        assert editor.has_perm(perm), perm


def test_nobody_may_edit_the_audit_trail():
    for group in Group.objects.filter(name__in=["Writers", "Editors"]):
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert "change_transition" not in codenames
        assert "delete_transition" not in codenames
        assert "view_transition" in codenames


@pytest.mark.django_db
def test_syncing_roles_on_the_project_registry_keeps_its_models_modules():
    """Else post_migrate (content types, the site) goes silent after a flush."""
    from django.apps import apps

    from articles.roles import sync_roles

    before = {config.label: config.models_module for config in apps.get_app_configs()}
    sync_roles(apps)
    after = {config.label: config.models_module for config in apps.get_app_configs()}
    assert after == before
