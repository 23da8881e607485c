from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BookkeepingConfig(AppConfig):
    name = "bookkeeping"

    def ready(self) -> None:
        from server.tenancy.signals import company_created

        from .services import books_install, books_install_missing

        def install(sender: object, company: object, **kwargs: object) -> None:
            books_install(company=company)  # type: ignore[arg-type]

        def install_missing(sender: Any, **kwargs: Any) -> None:
            # Companies created before the books existed get theirs after `migrate`.
            if kwargs.get("plan") and any(
                migration.app_label == "bookkeeping" for migration, backwards in kwargs["plan"]
            ):
                books_install_missing()

        company_created.connect(install, weak=False, dispatch_uid="bookkeeping.books_install")
        post_migrate.connect(
            install_missing, sender=self, weak=False, dispatch_uid="bookkeeping.install_missing"
        )
