from django.db import models

from server.tenancy.models import Audience, Company, TenantQuerySet


class Event(models.Model):
    """The outbox: every change pushed to sockets, kept so that a reconnecting client can resume.

    Ids come from the database sequence; they increase in insert order, not commit order.
    """

    id = models.BigAutoField(primary_key=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices)
    kind = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["company", "id"], name="event_company_id")]

    def __str__(self) -> str:
        return f"#{self.id} {self.kind} ({self.audience}) company {self.company_id}"
