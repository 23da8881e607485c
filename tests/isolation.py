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
    path: str  # with {company} (and later other ids) filled in by the check
    body: dict[str, Any] = field(default_factory=dict)
    internal: bool = False  # an office-only item: a client of the company must get 404 too


COMPANY_SCOPED: list[Route] = [
    Route("company-detail", "get", "/api/v1/companies/{company}/"),
    Route("company-detail", "patch", "/api/v1/companies/{company}/", {"name": "Taken over"}),
]

NOT_COMPANY_SCOPED: dict[str, str] = {
    "auth-token": "signs in; no company data",
    "ws-ticket": "a ticket for the caller's own socket; the socket applies the access rules",
    "me": "the caller's own account",
    "company-list": "lists only what the caller may see (tests/tenancy/test_api.py)",
    "schema": "the public API description",
    "docs": "the public API description",
}
