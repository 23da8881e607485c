"""The company's books settings as staff edit them: the lock date and the seller details that
issued invoices print (IBAN, BIC, postal address)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.access import require_staff
from server.tenancy.models import Audience, Company

from .. import events
from ..identifiers import bic_normalise, iban_normalise
from ..models import BooksSettings
from .ledger import lock_date_set

SELLER_FIELDS = ("iban", "bic", "street", "postcode", "city")


def books_settings_update(
    *, actor: User, company: Company, changes: dict[str, Any]
) -> BooksSettings:
    """Apply `changes` (any of lock_date and SELLER_FIELDS) in one transaction (staff only).

    A bad IBAN or BIC is refused with one sentence and nothing is changed.
    """
    require_staff(actor, company)
    seller = {name: str(changes[name] or "").strip() for name in SELLER_FIELDS if name in changes}
    if "iban" in seller:
        seller["iban"] = iban_normalise(seller["iban"])
    if "bic" in seller:
        seller["bic"] = bic_normalise(seller["bic"])
    with transaction.atomic():
        if "lock_date" in changes:
            lock_date_set(actor=actor, company=company, lock_date=changes["lock_date"])
        settings = BooksSettings.objects.select_for_update().get(company=company)
        if seller:
            for name, value in seller.items():
                setattr(settings, name, value)
            settings.save(update_fields=list(seller))
            publish(company, events.SETTINGS, events.settings_payload(settings), Audience.SHARED)
    return settings
