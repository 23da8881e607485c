from django.apps import AppConfig


class CalendarAppConfig(AppConfig):
    name = "calendar_app"

    def ready(self) -> None:
        from server.tenancy.signals import company_created, company_profile_changed

        from .services import PROFILE_FIELDS, deadlines_generate

        def generate(sender: object, company: object, **kwargs: object) -> None:
            deadlines_generate(company=company)  # type: ignore[arg-type]

        def regenerate(
            sender: object, company: object, changed: list[str], **kwargs: object
        ) -> None:
            if PROFILE_FIELDS & set(changed):
                deadlines_generate(company=company)  # type: ignore[arg-type]

        company_created.connect(generate, weak=False, dispatch_uid="calendar.generate")
        company_profile_changed.connect(regenerate, weak=False, dispatch_uid="calendar.regenerate")
