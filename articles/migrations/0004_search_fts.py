# Placeholder reserved for the SQLite FTS5 search index (filled in by the search work).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_vector")]
    operations = []
