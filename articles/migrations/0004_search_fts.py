"""Full-text search on SQLite: an FTS5 table kept current by triggers.

PostgreSQL uses the search_vector column and its GIN index (0003) instead, so
on PostgreSQL this migration only fills that column.
"""

from django.db import migrations

CREATE = [
    # rowid is the article id. The table keeps its own copy of the text, so
    # snippet() can quote it; articles.search writes tag-free text over the
    # triggers' raw copy whenever it re-indexes an article.
    "CREATE VIRTUAL TABLE article_fts USING fts5("
    "title, dek, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO article_fts (rowid, title, dek, body) "
    "SELECT id, title, dek, body FROM articles_article",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON articles_article BEGIN "
    "INSERT INTO article_fts (rowid, title, dek, body) "
    "VALUES (new.id, new.title, new.dek, new.body); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, dek, body "
    "ON articles_article BEGIN "
    "DELETE FROM article_fts WHERE rowid = old.id; "
    "INSERT INTO article_fts (rowid, title, dek, body) "
    "VALUES (new.id, new.title, new.dek, new.body); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON articles_article BEGIN "
    "DELETE FROM article_fts WHERE rowid = old.id; END",
]
DROP = [
    "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_update",
    "DROP TRIGGER IF EXISTS article_fts_insert",
    "DROP TABLE IF EXISTS article_fts",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector
        from django.db.models import F, Func, TextField, Value

        body = Func(
            F("body"), Value("<[^>]*>"), Value(" "), Value("g"),
            function="regexp_replace", output_field=TextField(),
        )
        apps.get_model("articles", "Article").objects.update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector("dek", weight="B", config="english")
            + SearchVector(body, weight="C", config="english")
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_vector")]

    operations = [migrations.RunPython(forwards, backwards)]
