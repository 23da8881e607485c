"""The register of API routes for the isolation check in tests/test_isolation.py.

Every route under /api/v1/ must appear here: either as a company-scoped route (with how to call
it for a given company) or in NOT_COMPANY_SCOPED with the reason. A new endpoint that is in
neither makes the suite fail, so no route ships without its isolation test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Route:
    name: str  # the URL name in the "api" namespace
    method: str
    path: str  # with {company}, {document}, ... filled in by the check (tests/test_isolation.py)
    body: dict[str, Any] = field(default_factory=dict)
    internal: bool = False  # an office-only item: a client of the company must get 404 too


DOC = "/api/v1/documents/{document}"
INTERNAL_DOC = "/api/v1/documents/{internal_document}"

_ACTION_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("restore", {}),
    ("move", {"folder": 0}),
    ("inbox", {"state": "in_progress"}),
    ("publish", {"note": "x"}),
    ("acknowledge", {}),
]

COMPANY_SCOPED: list[Route] = [
    Route("company-detail", "get", "/api/v1/companies/{company}/"),
    Route("company-detail", "patch", "/api/v1/companies/{company}/", {"name": "Taken over"}),
    # Who works where (server/tenancy/people_api.py): {assignee} is staff assigned to the company,
    # {client_person} one of its client users. Assignments are the office's business: internal.
    Route("assignment-list", "get", "/api/v1/companies/{company}/assignments/", internal=True),
    Route("assignment-list", "post", "/api/v1/companies/{company}/assignments/",
          {"user": "{assignee}"}, True),
    Route("assignment-detail", "delete", "/api/v1/companies/{company}/assignments/{assignee}/",
          internal=True),
    Route("company-detach", "post", "/api/v1/companies/{company}/detach/", {}, True),
    Route("company-people", "get", "/api/v1/companies/{company}/people/"),
    Route("company-people", "post", "/api/v1/companies/{company}/people/",
          {"email": "newcomer@example.test", "role": "client_admin"}),
    Route("company-person", "delete", "/api/v1/companies/{company}/people/{client_person}/"),
    # Dossier: {folder} and {document} are shared items of the company; {internal_folder} and
    # {internal_document} are office-only ones.
    Route("folder-list", "get", "/api/v1/companies/{company}/folders/"),
    Route("folder-list", "post", "/api/v1/companies/{company}/folders/", {"name": "Mine now"}),
    Route("folder-detail", "patch", "/api/v1/folders/{folder}/", {"name": "Renamed"}),
    Route("folder-detail", "patch", "/api/v1/folders/{internal_folder}/", {"name": "R"}, True),
    Route("folder-detail", "delete", "/api/v1/folders/{folder}/"),
    Route("folder-detail", "delete", "/api/v1/folders/{internal_folder}/", internal=True),
    Route("document-list", "get", "/api/v1/companies/{company}/documents/"),
    Route("document-list", "post", "/api/v1/companies/{company}/documents/", {"folder": 0}),
    Route("document-detail", "get", f"{DOC}/"),
    Route("document-detail", "get", f"{INTERNAL_DOC}/", internal=True),
    Route("document-detail", "patch", f"{DOC}/", {"note": "x"}),
    Route("document-detail", "patch", f"{INTERNAL_DOC}/", {"note": "x"}, True),
    Route("document-detail", "delete", f"{DOC}/"),
    Route("document-detail", "delete", f"{INTERNAL_DOC}/", internal=True),
    *[
        Route(f"document-{action}", "post", f"{path}/{action}/", body, internal)
        for action, body in _ACTION_BODIES
        for path, internal in ((DOC, False), (INTERNAL_DOC, True))
    ],
    Route("version-list", "get", f"{DOC}/versions/"),
    Route("version-list", "get", f"{INTERNAL_DOC}/versions/", internal=True),
    Route("version-list", "post", f"{DOC}/versions/"),
    Route("document-download", "get", f"{DOC}/download/"),
    Route("document-download", "get", f"{INTERNAL_DOC}/download/", internal=True),
    Route("document-preview", "get", f"{DOC}/preview/"),
    Route("document-preview", "get", f"{INTERNAL_DOC}/preview/", internal=True),
    Route("document-access", "get", f"{DOC}/access/"),
    Route("document-access", "get", f"{INTERNAL_DOC}/access/", internal=True),
    Route("direct-upload-start", "post", "/api/v1/companies/{company}/uploads/",
          {"folder": 0, "name": "x.pdf", "size": 10, "sha256": "0" * 64}),
    Route("direct-upload-finish", "post", "/api/v1/uploads/{upload}/finish/"),
    Route("direct-upload-detail", "delete", "/api/v1/uploads/{upload}/"),
    Route("dossier-export", "get", "/api/v1/companies/{company}/export/"),
    # Chat: {thread} is the permanent thread, {message} a shared message in it; {internal_thread}
    # an office-only thread, {internal_message} a staff note in the shared thread.
    Route("thread-list", "get", "/api/v1/companies/{company}/threads/"),
    Route("thread-list", "post", "/api/v1/companies/{company}/threads/", {"title": "Mine"}),
    Route("thread-for-subject", "post", "/api/v1/threads/for-subject/",
          {"subject_type": "dossier.document", "subject_id": "{document}"}),
    Route("thread-for-subject", "post", "/api/v1/threads/for-subject/",
          {"subject_type": "dossier.document", "subject_id": "{internal_document}"}, True),
    *[
        route
        for thread, internal in (("{thread}", False), ("{internal_thread}", True))
        for route in (
            Route("thread-detail", "get", f"/api/v1/threads/{thread}/", internal=internal),
            Route("thread-resolve", "post", f"/api/v1/threads/{thread}/resolve/", {}, internal),
            Route("message-list", "get", f"/api/v1/threads/{thread}/messages/", internal=internal),
            Route("message-list", "post", f"/api/v1/threads/{thread}/messages/",
                  {"body": "x", "client_id": "8a8b0f5e-6a3c-4d1e-9a7e-1a2b3c4d5e6f"}, internal),
            Route("thread-read", "get", f"/api/v1/threads/{thread}/read/", internal=internal),
            Route("thread-read", "post", f"/api/v1/threads/{thread}/read/", {}, internal),
        )
    ],
    *[
        route
        for message, internal in (("{message}", False), ("{internal_message}", True))
        for route in (
            Route("message-detail", "patch", f"/api/v1/messages/{message}/", {"body": "y"},
                  internal),
            Route("message-detail", "delete", f"/api/v1/messages/{message}/", {}, internal),
            Route("message-history", "get", f"/api/v1/messages/{message}/history/", {}, internal),
            Route("message-request", "post", f"/api/v1/messages/{message}/request/", {}, internal),
        )
    ],
    Route("request-detail", "post", "/api/v1/requests/{request}/", {"state": "done"}),
    # Calendar: {event} is a shared event of the company, {internal_event} an office-only one.
    Route("calendar-list", "get", "/api/v1/companies/{company}/calendar/"),
    Route("calendar-list", "post", "/api/v1/companies/{company}/calendar/",
          {"title": "Mine", "date": "2026-05-05"}),
    *[
        route
        for event, internal in (("{event}", False), ("{internal_event}", True))
        for route in (
            Route("calendar-detail", "get", f"/api/v1/calendar/{event}/", {}, internal),
            Route("calendar-detail", "patch", f"/api/v1/calendar/{event}/",
                  {"version": 1, "title": "Moved"}, internal),
            Route("calendar-detail", "delete", f"/api/v1/calendar/{event}/?version=1", {},
                  internal),
            Route("calendar-done", "post", f"/api/v1/calendar/{event}/done/", {"version": 1},
                  internal),
            Route("calendar-notice", "post", f"/api/v1/calendar/{event}/notice/",
                  {"amount": "1.00", "currency": "EUR"}, internal),
            Route("calendar-notice-confirm", "post", f"/api/v1/calendar/{event}/notice/confirm/",
                  {}, internal),
        )
    ],
    Route("deadline-rules", "get", "/api/v1/companies/{company}/deadlines/"),
    Route("engagement-list", "get", "/api/v1/companies/{company}/engagements/"),
    Route("notice-list", "get", "/api/v1/companies/{company}/notices/"),
    Route("engagement-list", "post", "/api/v1/companies/{company}/engagements/",
          {"service": "payroll", "responsible": 1, "starts_on": "2026-01-01"}),
    Route("deadline-generate", "post", "/api/v1/companies/{company}/deadlines/generate/"),
    # Books: {entry} is a posted (shared) entry, {internal_entry} an office draft; {account},
    # {party} and {fiscal_year} belong to the company.
    Route("account-list", "get", "/api/v1/companies/{company}/accounts/"),
    Route("account-list", "post", "/api/v1/companies/{company}/accounts/",
          {"code": "ZZ1", "name": "Mine", "kind": "asset"}),
    Route("account-detail", "patch", "/api/v1/accounts/{account}/", {"name": "Taken"}),
    Route("journal-list", "get", "/api/v1/companies/{company}/journals/"),
    Route("fiscal-year-list", "get", "/api/v1/companies/{company}/fiscal-years/"),
    Route("fiscal-year-close", "post", "/api/v1/fiscal-years/{fiscal_year}/close/"),
    Route("vat-code-list", "get", "/api/v1/companies/{company}/vat-codes/"),
    Route("books-settings", "get", "/api/v1/companies/{company}/books-settings/"),
    Route("books-settings", "patch", "/api/v1/companies/{company}/books-settings/",
          {"lock_date": "2020-01-01"}),
    Route("entry-list", "get", "/api/v1/companies/{company}/entries/"),
    Route("entry-list", "post", "/api/v1/companies/{company}/entries/",
          {"journal": 0, "date": "2026-01-01", "lines": []}),
    Route("entry-detail", "get", "/api/v1/entries/{entry}/"),
    Route("entry-detail", "get", "/api/v1/entries/{internal_entry}/", internal=True),
    Route("entry-detail", "patch", "/api/v1/entries/{internal_entry}/", {"memo": "x"}, True),
    Route("entry-detail", "delete", "/api/v1/entries/{internal_entry}/", internal=True),
    Route("entry-post", "post", "/api/v1/entries/{internal_entry}/post/", {}, True),
    Route("entry-reverse", "post", "/api/v1/entries/{entry}/reverse/", {"date": "2030-01-01"}),
    Route("party-list", "get", "/api/v1/companies/{company}/parties/"),
    Route("party-list", "post", "/api/v1/companies/{company}/parties/",
          {"name": "Mine", "country": "BE"}),
    Route("party-detail", "get", "/api/v1/parties/{party}/"),
    Route("party-detail", "patch", "/api/v1/parties/{party}/", {"name": "Taken"}),
    # Reports (bookkeeping/report_urls.py): read by client and staff; publishing is staff-only.
    *[
        Route(f"report-{name}", "get", f"/api/v1/companies/{{company}}/reports/{name}/{query}")
        for name, query in (
            ("trial-balance", ""), ("general-ledger", "?account={account}"),
            ("profit-and-loss", ""), ("balance-sheet", ""), ("vat-summary", ""), ("cash", ""),
            ("receivables", "?party={party}"), ("payables", ""), ("ratios", ""),
        )
    ],
    Route("report-trial-balance", "get",
          "/api/v1/companies/{company}/reports/trial-balance/?format=csv"),
    Route("report-publish", "post", "/api/v1/companies/{company}/reports/balance-sheet/publish/",
          {"format": "csv", "note": "Mine"}),
    # Purchases and payments (bookkeeping/purchases, bookkeeping/payments).
    Route("einvoice-import", "post", "/api/v1/companies/{company}/einvoices/", {"file": "x"}),
    Route("purchase-form", "get", f"{DOC}/purchase-form/"),
    Route("purchase-form", "get", f"{INTERNAL_DOC}/purchase-form/", internal=True),
    Route("purchase-book", "post", f"{DOC}/book-purchase/", {"party": "{party}"}),
    Route("purchase-book", "post", f"{INTERNAL_DOC}/book-purchase/", {"party": "{party}"}, True),
    Route("payment-list", "post", "/api/v1/companies/{company}/payments/",
          {"direction": "received", "amount": "1.00", "party": "{party}"}),
    Route("open-items", "get", "/api/v1/companies/{company}/open-items/?side=receivable"),
    Route("open-items", "get", "/api/v1/companies/{company}/open-items/?side=payable"),
    # Sales invoices: {invoice} is a draft of the company, {issued_invoice} an issued one.
    Route("invoice-list", "get", "/api/v1/companies/{company}/invoices/"),
    Route("invoice-list", "post", "/api/v1/companies/{company}/invoices/",
          {"party": "{party}", "lines": []}),
    Route("invoice-detail", "get", "/api/v1/invoices/{invoice}/"),
    Route("invoice-detail", "patch", "/api/v1/invoices/{invoice}/", {"note": "Taken"}),
    Route("invoice-detail", "delete", "/api/v1/invoices/{invoice}/"),
    Route("invoice-issue", "post", "/api/v1/invoices/{invoice}/issue/", {}),
    Route("invoice-credit-note", "post", "/api/v1/invoices/{issued_invoice}/credit-note/", {}),
    Route("invoice-pdf", "get", "/api/v1/invoices/{invoice}/pdf/"),
    Route("invoice-pdf", "get", "/api/v1/invoices/{issued_invoice}/pdf/"),
    Route("invoice-ubl", "get", "/api/v1/invoices/{issued_invoice}/ubl/"),
]  # fmt: skip  # fmt: skip

NOT_COMPANY_SCOPED: dict[str, str] = {
    "auth-token": "signs in; no company data",
    "ws-ticket": "a ticket for the caller's own socket; the socket applies the access rules",
    "me": "the caller's own account",
    "my-password": "the caller's own password (tests/accounts/test_password_change.py)",
    "my-tokens": "the caller's own tokens (tests/accounts/test_sign_out.py)",
    "my-token": "the caller's own tokens (tests/accounts/test_sign_out.py)",
    "auth-sign-out": "ends the caller's own credential",
    "password-reset": "answers the same for every address (tests/accounts/test_passwords.py)",
    "password-reset-confirm": "acts only with a link's secret token",
    "office-people": "the owner's own office only (tests/tenancy/test_people_api.py)",
    "office-person": "the owner's own office only (tests/tenancy/test_people_api.py)",
    "company-list": "lists only what the caller may see (tests/tenancy/test_api.py)",
    "schema": "the public API description",
    "docs": "the public API description",
    "inbox": "lists only what the caller may see (tests/dossier/test_api.py)",
    "request-list": "lists only what the caller may see (tests/chat/test_api.py)",
    "chat-search": "searches only what the caller may see (tests/chat/test_api.py)",
    "chat-unread": "counts only what the caller may see (tests/chat/test_api.py)",
    "chat-preferences": "the caller's own preferences",
    "calendar-feed-address": "the caller's own feed (tests/calendar_app/test_feed.py)",
    "my-tasks": "the caller's own tasks (tests/calendar_app/test_engagements.py)",
}


# The socket side: every event kind the code publishes, with the audiences it may carry. A kind
# published by a service but missing here makes tests/test_socket_isolation.py fail, and that
# test delivers each kind to the sockets of every kind of person, before and after their reach
# changes: it reaches exactly the sockets whose reach includes it at the moment of delivery.
BOTH = ("shared", "internal")
SOCKET_EVENTS: dict[str, tuple[str, ...]] = {
    "company.updated": ("shared",),
    "company.assignment": ("internal",),
    "company.person": ("shared",),
    "office.staff": ("internal",),
    "dossier.folder": BOTH,
    "dossier.document": BOTH,
    "dossier.version": BOTH,
    "dossier.published": ("shared",),
    "dossier.acknowledged": ("shared",),
    "chat.thread": BOTH,
    "chat.message": BOTH,
    "chat.message_edited": BOTH,
    "chat.message_deleted": BOTH,
    "chat.read": BOTH,
    "chat.request": ("shared",),
    "calendar.event": BOTH,
    "calendar.generated": ("shared",),
    "calendar.reminder": BOTH,
    "calendar.notice": ("shared",),
    "books.entry": BOTH,
    "books.settings": ("shared",),
    "books.invoice": BOTH,
}
