from django.db import migrations


def grant(apps, schema_editor):
    from articles.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_workflow_audit")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
