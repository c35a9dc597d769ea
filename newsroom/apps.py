from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom site"

    def ready(self):
        from newsroom import caching, signals

        signals.connect()
        caching.register_expiry_hooks()
