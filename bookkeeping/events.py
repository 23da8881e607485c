"""The payloads the books publish (docs/realtime.md).

`books.entry`: an entry was drafted, changed, deleted (`{"id", "deleted": true}`) or posted. Drafts
are internal (office staff only); a posted entry is shared with the client. The internal note is
never part of a payload.
`books.settings`: the lock date moved (a year was closed); shared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import BooksSettings, Entry

ENTRY = "books.entry"
SETTINGS = "books.settings"


def entry_payload(entry: Entry) -> dict[str, Any]:
    lines = list(entry.lines.all())
    return {
        "id": entry.pk,
        "journal": entry.journal_id,
        "number": entry.number,
        "label": entry.label,
        "date": entry.date.isoformat(),
        "state": entry.state,
        "reference": entry.reference,
        "memo": entry.memo,
        "source": entry.source,
        "reverses": entry.reverses_id,
        "total": str(sum((line.debit for line in lines), Decimal("0"))),
        "accounts": sorted({line.account_id for line in lines}),
    }


def settings_payload(settings: BooksSettings) -> dict[str, Any]:
    return {
        "company": settings.company_id,
        "lock_date": settings.lock_date.isoformat() if settings.lock_date else None,
    }
