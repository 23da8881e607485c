from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "dossier"

    def ready(self) -> None:
        from server.tenancy.signals import company_created

        from .services import folders_seed

        def seed(sender: object, company: object, **kwargs: object) -> None:
            folders_seed(company=company)  # type: ignore[arg-type]

        company_created.connect(seed, weak=False, dispatch_uid="dossier.folders_seed")
