from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"

    def ready(self) -> None:
        from server.tenancy.signals import company_created

        from . import actions  # noqa: F401  (registers the chat socket actions)
        from .services import thread_permanent_ensure

        def permanent_thread(sender: object, company: object, **kwargs: object) -> None:
            thread_permanent_ensure(company=company)  # type: ignore[arg-type]

        company_created.connect(permanent_thread, weak=False, dispatch_uid="chat.permanent")
