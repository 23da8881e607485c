"""No one outside a company reaches its items through the API; clients never reach internal ones."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bookkeeping import services as books_services
from bookkeeping.invoices import services as invoice_services
from bookkeeping.models import (
    Account,
    Allocation,
    BooksSettings,
    Entry,
    FiscalYear,
    Invoice,
    Party,
)
from calendar_app import services as calendar_services
from calendar_app.models import CalendarEvent
from chat import services as chat_services
from chat.models import Message, ReadState, Request, Thread
from dossier import services
from dossier.models import AccessRecord, DirectUpload, Document, Folder
from server.accounts.models import User
from server.realtime.models import Event
from server.tenancy.models import Assignment, Company, CompanyMember, OfficeMember
from tests.conftest import api_as
from tests.dossier_files import pdf_bytes
from tests.factories import World, user_make

from .isolation import COMPANY_SCOPED, NOT_COMPANY_SCOPED, Route

pytestmark = pytest.mark.django_db


def _api_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api":
                names.add(entry.name or f"<unnamed {entry.pattern}>")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_api_route_is_in_the_isolation_register() -> None:
    registered = {route.name for route in COMPANY_SCOPED} | set(NOT_COMPANY_SCOPED)
    missing = _api_route_names() - registered
    assert not missing, f"add these routes to tests/isolation.py: {sorted(missing)}"
    stale = registered - _api_route_names()
    assert not stale, f"tests/isolation.py names routes that no longer exist: {sorted(stale)}"


def _targets(company: Company, staff: User) -> dict[str, object]:
    """One item of every kind in `company`, for the routes' placeholders."""
    shared = Folder.objects.get(company=company, template_code="purchase_invoices")
    internal = Folder.objects.get(company=company, template_code="office_working_papers")

    def document(folder: Folder) -> Document:
        return services.document_upload(
            actor=staff, folder=folder, content=io.BytesIO(pdf_bytes()), name="x.pdf"
        )

    upload = DirectUpload.objects.create(
        company=company, folder=shared, user=staff, storage_key=f"uploads/test-{company.pk}",
        name="big.pdf", size=10, sha256="0" * 64, expires_at=timezone.now(),
    )  # fmt: skip
    thread = Thread.objects.get(company=company, kind="permanent")
    message = chat_services.message_send(actor=staff, thread=thread, body="Shared").message
    note = chat_services.message_send(actor=staff, thread=thread, body="Note", internal_note=True)
    internal_thread = chat_services.thread_create(
        actor=staff, company=company, title="Office only", internal=True
    )
    request = chat_services.request_create(actor=staff, message=message)
    event = calendar_services.event_create(
        actor=staff, company=company, title="Shared", date=datetime.date(2026, 6, 1)
    )
    internal_event = calendar_services.event_create(
        actor=staff, company=company, title="Office", date=datetime.date(2026, 6, 1),
        audience="internal",
    )  # fmt: skip
    assignee = user_make()
    client_person = user_make()
    if company.office_id is not None:
        OfficeMember.objects.create(office_id=company.office_id, user=assignee, role="accountant")
        Assignment.objects.create(company=company, user=assignee)
    CompanyMember.objects.create(company=company, user=client_person, role="client_member")
    return {
        "company": company.pk,
        "assignee": assignee.pk,
        "client_person": client_person.pk,
        "folder": shared.pk,
        "internal_folder": internal.pk,
        "document": document(shared).pk,
        "internal_document": document(internal).pk,
        "upload": upload.pk,
        "thread": thread.pk,
        "internal_thread": internal_thread.pk,
        "message": message.pk,
        "internal_message": note.message.pk,
        "request": request.pk,
        "event": event.pk,
        "internal_event": internal_event.pk,
        **_books_targets(company, staff),
        **_invoice_targets(company, staff),
    }


def _invoice_targets(company: Company, staff: User) -> dict[str, object]:
    from decimal import Decimal

    from bookkeeping.models import VatCode

    party = books_services.party_create(
        actor=staff, company=company, name="Invoiced", country=company.country
    )
    vat = VatCode.objects.filter(company=company, direction="sales", rate__gt=0)[0]
    line = invoice_services.InvoiceLineInput("Work", Decimal(1), Decimal("10.00"), vat)

    def draft() -> Invoice:
        return invoice_services.invoice_draft_create(
            actor=staff, company=company, party=party, lines=[line]
        )

    return {
        "invoice": draft().pk,
        "issued_invoice": invoice_services.invoice_issue(actor=staff, invoice=draft()).pk,
    }


def _books_targets(company: Company, staff: User) -> dict[str, object]:
    from tests.bookkeeping.helpers import draft, posted

    return {
        "account": Account.objects.filter(company=company)[0].pk,
        "fiscal_year": FiscalYear.objects.filter(company=company)[0].pk,
        "entry": posted(staff, company).pk,
        "internal_entry": draft(staff, company, internal_note="office only").pk,
        "party": books_services.party_create(
            actor=staff, company=company, name="Customer", country=company.country
        ).pk,
    }


_staff_of: dict[str, str] = {
    "company": "owner",
    "sibling_company": "owner",
    "other_company": "other_owner",
}


def _call(world: World, user, route: Route, targets: dict[str, object]):
    client = api_as(user)
    path = route.path.format(**targets)
    body = {k: v.format(**targets) if isinstance(v, str) else v for k, v in route.body.items()}
    return getattr(client, route.method)(path, body, format="json")


def _outsiders(w: World):
    # (who, which company they try): another office's owner and client, staff of the same office
    # who do not serve the company, and an assigned accountant reaching for a sibling company.
    return [
        ("other office owner", w.other_owner, "company"),
        ("other company client", w.other_client, "company"),
        ("unassigned assistant", w.assistant, "company"),
        ("accountant on a sibling", w.accountant, "sibling_company"),
        ("client on a sibling", w.client, "sibling_company"),
        ("owner on another office", w.owner, "other_company"),
    ]


@pytest.fixture
def targets(world: World) -> dict[str, dict[str, object]]:
    return {
        name: _targets(getattr(world, name), getattr(world, _staff_of[name]))
        for name in ("company", "sibling_company", "other_company")
    }


def _fingerprint() -> tuple:
    """Everything a refused call must leave as it was."""
    return (
        Event.objects.count(),
        list(Company.objects.order_by("pk").values_list("name", flat=True)),
        list(Folder.objects.order_by("pk").values_list("name", flat=True)),
        list(
            Document.objects.order_by("pk").values_list(
                "note", "deleted_at", "folder_id", "inbox_state", "published_at"
            )
        ),
        AccessRecord.objects.count(),
        DirectUpload.objects.count(),
        list(Thread.objects.order_by("pk").values_list("title", "resolved_at")),
        list(Message.objects.order_by("pk").values_list("body", "deleted_at")),
        list(ReadState.objects.order_by("pk").values_list("user", "thread", "last_read_id")),
        list(Request.objects.order_by("pk").values_list("message", "state")),
        list(CalendarEvent.objects.order_by("pk").values_list("title", "version", "deleted_at")),
        list(Entry.objects.order_by("pk").values_list("state", "memo", "number")),
        list(Account.objects.order_by("pk").values_list("name", "code")),
        list(Party.objects.order_by("pk").values_list("name")),
        list(BooksSettings.objects.order_by("pk").values_list("lock_date")),
        list(FiscalYear.objects.order_by("pk").values_list("closed_at")),
        list(Invoice.objects.order_by("pk").values_list("state", "number", "entry")),
        Allocation.objects.count(),
        list(Company.objects.order_by("pk").values_list("office")),
        list(OfficeMember.objects.order_by("pk").values_list("user", "role", "is_active")),
        list(CompanyMember.objects.order_by("pk").values_list("user", "role")),
        list(Assignment.objects.order_by("pk").values_list("user", "company")),
        User.objects.count(),
    )  # fmt: skip


@pytest.mark.parametrize("route", COMPANY_SCOPED, ids=lambda r: f"{r.method} {r.path}")
def test_outsiders_get_404_and_change_nothing(world: World, targets, route: Route) -> None:
    for who, user, company in _outsiders(world):
        before = _fingerprint()
        response = _call(world, user, route, targets[company])
        assert response.status_code == 404, (
            f"{who}: {response.status_code} {response.content[:200]}"
        )
        assert response.json()["code"] == "not_found"
        assert _fingerprint() == before, who


@pytest.mark.parametrize(
    "route", [r for r in COMPANY_SCOPED if r.internal], ids=lambda r: f"{r.method} {r.path}"
)
def test_clients_get_404_for_internal_items(world: World, targets, route: Route) -> None:
    for user in (world.client, world.client_member):
        before = _fingerprint()
        response = _call(world, user, route, targets["company"])
        assert response.status_code == 404, f"{route.path}: {response.status_code}"
        assert _fingerprint() == before


@pytest.mark.parametrize("route", COMPANY_SCOPED, ids=lambda r: f"{r.method} {r.path}")
def test_anonymous_callers_are_refused(world: World, targets, route: Route, api) -> None:
    targets_here = targets["company"]
    path = route.path.format(**targets_here)
    body = {k: v.format(**targets_here) if isinstance(v, str) else v for k, v in route.body.items()}
    response = getattr(api, route.method)(path, body)
    assert response.status_code in {401, 403}
