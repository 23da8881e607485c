from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "server.realtime"
    label = "realtime"
    verbose_name = "Live updates"

    def ready(self) -> None:
        from . import actions  # noqa: F401  (registers the built-in socket actions)
