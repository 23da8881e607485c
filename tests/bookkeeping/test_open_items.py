"""Open items: the residual of each receivable and payable line, kept by posting and allocation,
and the ageing read from them (as of today and as of any earlier date)."""

from __future__ import annotations

import datetime
import importlib
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Q

from bookkeeping import services
from bookkeeping.errors import BooksError
from bookkeeping.models import Allocation, JournalKind, Line, OpenItem, Party
from bookkeeping.reports import open_items
from bookkeeping.services import LineInput
from server.tenancy.models import Company
from tests.factories import World, world_make

from .helpers import account
from .report_ledger import book, books_make, party

D = datetime.date
M = Decimal


def invoice(world: World, customer: Party, amount: str, date: datetime.date, due=None) -> Line:
    entry = book(world.accountant, world.company, JournalKind.SALES, date, [
        LineInput(account=account(world.company, "receivable"), debit=M(amount), party=customer,
                  due_date=due),
        LineInput(account=account(world.company, "revenue_goods"), credit=M(amount)),
    ])  # fmt: skip
    return entry.lines.get(account__role="receivable")


def payment(world: World, customer: Party, amount: str, date: datetime.date) -> Line:
    entry = book(world.accountant, world.company, JournalKind.BANK, date, [
        LineInput(account=account(world.company, "bank"), debit=M(amount)),
        LineInput(account=account(world.company, "receivable"), credit=M(amount), party=customer),
    ])  # fmt: skip
    return entry.lines.get(account__role="receivable")


def allocate(world: World, debit: Line, credit: Line, amount: str, date: datetime.date) -> None:
    services.allocation_record(
        actor=world.accountant, debit_line=debit, credit_line=credit, amount=M(amount), date=date
    )


def item(line: Line) -> OpenItem:
    return OpenItem.objects.get(line=line)


@pytest.mark.django_db
def test_posting_opens_an_item_per_receivable_and_payable_line(world: World) -> None:
    customer = party(world.company, "Alpha", "customer")
    line = invoice(world, customer, "1210.00", D(2026, 1, 10), due=D(2026, 2, 9))
    opened = item(line)
    assert (opened.side, opened.party, opened.account.role) == (
        "receivable",
        customer,
        "receivable",
    )
    assert (opened.amount, opened.residual, opened.closed_at) == (M("1210"), M("1210"), None)
    assert (opened.date, opened.due_date, opened.currency) == (D(2026, 1, 10), D(2026, 2, 9), "EUR")
    # Only the receivable line: revenue is no open item.
    assert OpenItem.objects.filter(line__entry=line.entry).count() == 1
    # A payment is an item on the other side of the ledger, due on its date (it has no due date).
    paid = item(payment(world, customer, "100.00", D(2026, 1, 15)))
    assert (paid.amount, paid.residual, paid.due_date) == (M("-100"), M("-100"), D(2026, 1, 15))
    # A purchase opens a payable item.
    supplier = party(world.company, "Beta", "supplier")
    purchase = book(world.accountant, world.company, JournalKind.PURCHASES, D(2026, 1, 20), [
        LineInput(account=account(world.company, "purchases"), debit=M("400")),
        LineInput(account=account(world.company, "payable"), credit=M("400"), party=supplier),
    ])  # fmt: skip
    [payable] = OpenItem.objects.filter(line__entry=purchase)
    assert (payable.side, payable.residual) == ("payable", M("-400"))


@pytest.mark.django_db
def test_a_draft_opens_nothing_until_it_is_posted(world: World) -> None:
    customer = party(world.company, "Alpha", "customer")
    draft = services.entry_create(
        actor=world.accountant, company=world.company,
        journal=services.journal_for(company=world.company, kind=JournalKind.SALES),
        date=D(2026, 3, 1), lines=[
            LineInput(account=account(world.company, "receivable"), debit=M("50"), party=customer),
            LineInput(account=account(world.company, "revenue_goods"), credit=M("50")),
        ],
    )  # fmt: skip
    assert not OpenItem.objects.filter(line__entry=draft).exists()
    services.entry_post(actor=world.accountant, entry=draft)
    assert OpenItem.objects.get(line__entry=draft).residual == M("50")


@pytest.mark.django_db
def test_partial_then_full_allocation_closes_the_item(world: World) -> None:
    customer = party(world.company, "Alpha", "customer")
    debit = invoice(world, customer, "100.00", D(2026, 2, 1))
    first = payment(world, customer, "60.00", D(2026, 2, 10))
    second = payment(world, customer, "40.00", D(2026, 2, 20))
    allocate(world, debit, first, "60.00", D(2026, 2, 10))
    assert (item(debit).residual, item(first).residual) == (M("40"), M("0"))
    assert item(debit).closed_at is None and item(first).closed_at is not None
    assert item(debit).allocated_until == D(2026, 2, 10)
    assert services.line_residual(debit) == M("40") and services.line_residual(first) == 0
    allocate(world, debit, second, "40.00", D(2026, 2, 20))
    closed = item(debit)
    assert (closed.residual, closed.allocated_until) == (M("0"), D(2026, 2, 20))
    assert closed.closed_at is not None
    assert services.line_residual(debit) == 0
    with pytest.raises(BooksError) as refused:
        allocate(world, debit, second, "0.01", D(2026, 2, 21))
    assert refused.value.code == "over_allocation"
    today = open_items.open_items(company=world.company, side="receivables", date=D(2026, 3, 1))
    assert today.parties == []
    # As of 02-15, 40 was still open on the invoice and nothing on the payments.
    then = open_items.open_items(company=world.company, side="receivables", date=D(2026, 2, 15))
    [alpha] = then.parties
    assert (alpha.ageing.total, alpha.items) == (M("40"), 1)


@pytest.mark.django_db
def test_a_reversed_invoice_is_two_items_until_they_are_matched(world: World) -> None:
    """The reversal's receivable line is its own item (a credit, negative); the ageing nets them
    to zero for the party but lists both until they are allocated against each other."""
    customer = party(world.company, "Alpha", "customer")
    debit = invoice(world, customer, "300.00", D(2026, 4, 1))
    reversal = services.entry_reverse(actor=world.accountant, entry=debit.entry, date=D(2026, 4, 2))
    credit = reversal.lines.get(account__role="receivable")
    assert item(credit).residual == M("-300")
    report = open_items.open_items(company=world.company, side="receivables", date=D(2026, 4, 30))
    [alpha] = report.parties
    assert (alpha.ageing.total, alpha.items) == (M("0"), 2)
    allocate(world, debit, credit, "300.00", D(2026, 4, 2))
    assert item(debit).closed_at is not None and item(credit).closed_at is not None
    report = open_items.open_items(company=world.company, side="receivables", date=D(2026, 4, 30))
    assert report.parties == []


def _direct(company: Company, side: str, date: datetime.date) -> dict[int | None, Decimal]:
    """The residual per party as of `date`, summed straight from lines and allocations."""
    role = "receivable" if side == "receivables" else "payable"
    sign = 1 if side == "receivables" else -1
    totals: dict[int | None, Decimal] = defaultdict(Decimal)
    lines = Line.objects.filter(
        company=company, posted=True, account__role=role, currency=company.currency, date__lte=date
    )
    for line in lines:
        allocated = Decimal(0)
        for allocation in Allocation.objects.filter(
            Q(debit_line=line) | Q(credit_line=line), date__lte=date
        ):
            allocated += (
                allocation.amount if allocation.debit_line_id == line.pk else -allocation.amount
            )
        residual = line.debit - line.credit - allocated
        if residual:
            totals[line.party_id] += sign * residual
    return {party: total for party, total in totals.items() if total}


def _reported(company: Company, side: str, date: datetime.date) -> dict[int | None, Decimal]:
    report = open_items.open_items(company=company, side=side, date=date)  # type: ignore[arg-type]
    listed: dict[int | None, Decimal] = defaultdict(Decimal)
    for entry in open_items.open_item_list(company=company, side=side, date=date):  # type: ignore[arg-type]
        listed[entry.party] += entry.residual
    summed = {p.party: p.ageing.total for p in report.parties if p.ageing.total}
    assert summed == {party: total for party, total in listed.items() if total}
    return summed


def _history(world: World) -> tuple[Party, Party]:
    """Invoices, payments and allocations over the year, some allocations dated after the
    payment, one dated ahead of today; a supplier with a partly paid purchase."""
    books = books_make(world.accountant, world.company)
    gamma = party(world.company, "Gamma", "customer")
    one = invoice(world, gamma, "100.00", D(2026, 3, 1), due=D(2026, 3, 31))
    two = invoice(world, gamma, "250.00", D(2026, 4, 1))
    cash = payment(world, gamma, "300.00", D(2026, 5, 1))
    allocate(world, one, cash, "100.00", D(2026, 5, 3))
    allocate(world, two, cash, "150.00", D(2026, 6, 30))
    ahead = datetime.date.today() + datetime.timedelta(days=20)
    allocate(world, two, cash, "50.00", ahead)
    payable = account(world.company, "payable")
    paid = book(world.accountant, world.company, JournalKind.BANK, D(2026, 3, 1), [
        LineInput(account=payable, debit=M("200"), party=books.supplier),
        LineInput(account=account(world.company, "bank"), credit=M("200")),
    ])  # fmt: skip
    allocate(
        world, paid.lines.get(account=payable),
        Line.objects.get(entry=books.purchase, account=payable), "200.00", D(2026, 3, 2),
    )  # fmt: skip
    return books.customer, gamma


@pytest.mark.django_db
def test_ageing_as_of_any_date_equals_the_sum_over_lines_and_allocations(world: World) -> None:
    _history(world)
    today = datetime.date.today()
    dates = [D(2026, 1, 9), D(2026, 1, 10), D(2026, 2, 14), D(2026, 2, 15), D(2026, 3, 1),
             D(2026, 5, 2), D(2026, 5, 3), D(2026, 6, 29), D(2026, 6, 30), D(2026, 12, 31),
             today, today + datetime.timedelta(days=30)]  # fmt: skip
    for date in dates:
        for side in ("receivables", "payables"):
            assert _reported(world.company, side, date) == _direct(world.company, side, date), (
                side,
                date,
            )

    # The 50 allocated ahead of today leaves both Gamma's invoice and its payment open today.
    def gamma_items(date: datetime.date) -> tuple[Decimal, int]:
        report = open_items.open_items(company=world.company, side="receivables", date=date)
        [gamma] = [p for p in report.parties if p.name == "Gamma"]
        return gamma.ageing.total, gamma.items

    assert gamma_items(today) == (M("50"), 2)
    assert gamma_items(today + datetime.timedelta(days=30)) == (M("50"), 1)


@pytest.mark.django_db
def test_backfill_rebuilds_the_items_the_services_kept(world: World) -> None:
    _history(world)
    fields = ("line", "company", "account", "party", "side", "date", "due_date", "currency",
              "amount", "residual", "allocated_until")  # fmt: skip

    def rows() -> list[tuple]:
        return [
            (*values, closed is not None)
            for *values, closed in OpenItem.objects.order_by("line").values_list(
                *fields, "closed_at"
            )
        ]

    kept = rows()
    assert (
        len(kept)
        == Line.objects.filter(posted=True, account__role__in=["receivable", "payable"]).count()
    )
    OpenItem.objects.filter(line_id__in=[r[0] for r in kept[::2]]).delete()
    backfill = importlib.import_module("bookkeeping.migrations.0002_open_items")
    assert backfill.open_items_backfill(connection) == len(kept[::2])
    assert rows() == kept
    assert backfill.open_items_backfill(connection) == 0


@pytest.mark.django_db
def test_moving_the_receivable_role_rebuilds_the_items(world: World) -> None:
    customer = party(world.company, "Alpha", "customer")
    old = account(world.company, "receivable")
    other = services.account_create(
        actor=world.accountant, company=world.company, code="400900", name="Customers (new)",
        kind=old.kind,
    )  # fmt: skip
    line = book(world.accountant, world.company, JournalKind.SALES, D(2026, 2, 1), [
        LineInput(account=other, debit=M("80"), party=customer),
        LineInput(account=account(world.company, "revenue_goods"), credit=M("80")),
    ])  # fmt: skip
    assert not OpenItem.objects.filter(line__entry=line).exists()
    services.account_update(actor=world.accountant, account=old, changes={"role": None})
    services.account_update(actor=world.accountant, account=other, changes={"role": "receivable"})
    assert not OpenItem.objects.filter(account=old).exists()
    report = open_items.open_items(company=world.company, side="receivables", date=D(2026, 3, 1))
    assert report.totals.total == M("80")
    assert report.totals.total == sum(_direct(world.company, "receivables", D(2026, 3, 1)).values())


@pytest.fixture
def tx_world(transactional_db: None) -> World:
    return world_make()


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_over_allocate(tx_world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this proves; run it on PostgreSQL")
    world = tx_world
    customer = party(world.company, "Alpha", "customer")
    debit = invoice(world, customer, "100.00", D(2026, 2, 1))
    payments = [payment(world, customer, "30.00", D(2026, 2, 2)) for _ in range(8)]
    start = threading.Barrier(len(payments))
    refused: list[str] = []
    errors: list[BaseException] = []

    def pay(credit: Line) -> None:
        try:
            start.wait()
            allocate(world, debit, credit, "30.00", D(2026, 2, 3))
        except BooksError as error:
            refused.append(error.code)
        except BaseException as error:  # reported below; a thread must not swallow it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(credit,)) for credit in payments]
    connections.close_all()  # give this thread's pooled connection back while they run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refused == ["over_allocation"] * 5
    assert Allocation.objects.filter(debit_line=debit).count() == 3
    assert item(debit).residual == M("10")
    assert services.line_residual(debit) == M("10")
