from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "server.tenancy"
    label = "tenancy"
    verbose_name = "Offices and companies"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .access import reach_cache_clear
        from .models import Assignment, Company, CompanyMember, OfficeMember

        # A reach kept for the current request must not outlive a change to who sees what.
        for model in (Assignment, Company, CompanyMember, OfficeMember):
            for signal in (post_save, post_delete):
                uid = f"reach.{model.__name__}.{signal is post_save}"
                signal.connect(reach_cache_clear, sender=model, dispatch_uid=uid)
