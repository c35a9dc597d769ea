from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.models.signals import post_save

        from articles import audit, permissions, search
        from articles.models import Article
        from franchise import locks

        # The search index is derived from an article's text, like a cache of it.
        post_save.connect(
            search.reindex_saved_article,
            sender=Article,
            dispatch_uid="articles.search.reindex",
        )

        # Rows a live article shows are changed by editors only, on the record.
        locks.register(
            permissions.shown_by,
            exempt=permissions.may_change_shown_rows,
            record=audit.record_shown_change,
        )
