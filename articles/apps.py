from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from articles import audit, permissions
        from franchise import locks

        # Rows a live article shows are changed by editors only, on the record.
        locks.register(
            permissions.shown_by,
            exempt=permissions.may_change_shown_rows,
            record=audit.record_shown_change,
        )
