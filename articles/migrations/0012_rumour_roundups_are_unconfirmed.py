from django.db import migrations, models


def label_rumour_roundups(apps, schema_editor):
    """Rumour roundups saved before the label was derived get it now."""
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(kind="rumour_roundup", unconfirmed=False).update(
        unconfirmed=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_transition_on_new_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="unconfirmed",
            field=models.BooleanField(
                default=False,
                help_text="Shows readers an 'Unconfirmed' label: required when the "
                "article repeats rumours or disputed facts. Rumour roundups always "
                "carry it.",
            ),
        ),
        # Reversing keeps the labels: which ones were set by hand is not known.
        migrations.RunPython(label_rumour_roundups, migrations.RunPython.noop),
    ]
