"""The audit log: who changed what, when. Rows are only ever added."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Null when the system acted (a person setting a password through an e-mailed link is the
    # actor of that change, so this stays rare).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    # What the change was about; ids are kept as plain numbers so that deleting a person or a
    # company does not erase the record of what was done to them.
    office_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    company_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_user_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_id}"
