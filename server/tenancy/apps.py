from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "server.tenancy"
    label = "tenancy"
    verbose_name = "Offices and companies"
