"""Recording into the audit log, inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from server.accounts.models import User

from .models import AuditEntry


def audit_record(
    *,
    actor: User | None,
    action: str,
    office_id: int | None = None,
    company_id: int | None = None,
    subject: User | None = None,
    **details: Any,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        office_id=office_id,
        company_id=company_id,
        subject_user_id=subject.pk if subject is not None else None,
        details=details,
    )
