"""The newsroom's roles: which permissions Writers and Editors hold.

Used by the data migration that creates the groups and by tests.
"""

WRITER_PERMISSIONS = {
    "articles": [
        "add_article",
        "change_article",
        "view_article",
        "add_image",
        "change_image",
        "view_image",
        "add_citation",
        "change_citation",
        "delete_citation",
        "view_citation",
        "add_quote",
        "change_quote",
        "delete_quote",
        "view_quote",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "view_section",
        "view_authorprofile",
        "view_rendition",
        "view_transition",
        "view_revision",
        "view_correction",
        "add_editorialcomment",
        "view_editorialcomment",
        "change_editorialcomment",
        "add_previewlink",
        "view_previewlink",
        "change_previewlink",
        "add_liveupdate",
        "change_liveupdate",
        "delete_liveupdate",
        "view_liveupdate",
    ],
    "franchise": [
        "view_franchise",
        "view_film",
        "view_person",
        "view_character",
        "view_credit",
        "view_song",
        "view_release",
        "view_award",
        "add_source",
        "change_source",
        "view_source",
        "add_claim",
        "change_claim",
        "view_claim",
    ],
    "taggit": ["add_tag", "view_tag"],
}

EDITOR_EXTRA_PERMISSIONS = {
    "articles": [
        "delete_article",
        "add_correction",
        "change_correction",
        "publish_article",
        "delete_image",
        "add_section",
        "change_section",
        "delete_section",
        "add_authorprofile",
        "change_authorprofile",
    ],
    "franchise": [
        f"{action}_{model}"
        for model in (
            "franchise",
            "film",
            "person",
            "character",
            "credit",
            "song",
            "release",
            "award",
            "source",
            "claim",
        )
        for action in ("add", "change", "delete", "view")
    ]
    + ["change_claim_status"],
    "taggit": ["change_tag", "delete_tag"],
    "redirects": [
        "add_redirect",
        "change_redirect",
        "delete_redirect",
        "view_redirect",
    ],
}


def _merge(*maps):
    merged = {}
    for mapping in maps:
        for app, codenames in mapping.items():
            merged.setdefault(app, set()).update(codenames)
    return merged


ROLES = {
    "Writers": _merge(WRITER_PERMISSIONS),
    "Editors": _merge(WRITER_PERMISSIONS, EDITOR_EXTRA_PERMISSIONS),
}


def sync_roles(apps):
    """Create the groups and grant their permissions (used by data migrations)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they
    # exist now so the groups get them on a fresh install.
    for app_config in apps.get_app_configs():
        # A migration state's app configs have no models module, which
        # create_permissions skips; lend one, and give back what was there (the
        # project's own registry keeps its modules, or post_migrate goes silent).
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, codenames in grants.items():
            wanted += list(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
        group.permissions.add(*wanted)
