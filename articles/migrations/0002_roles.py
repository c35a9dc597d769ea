from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from articles.roles import ROLES

    # Permissions are normally created after all migrations; make sure they
    # exist now so the groups get them on a fresh install.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

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


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Writers", "Editors"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_articles_images_bylines"),
        ("franchise", "0001_knowledge_base"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
