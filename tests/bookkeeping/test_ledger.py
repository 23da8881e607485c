"""Posting: balanced, numbered without gaps, in an open period; corrected only by reversal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from bookkeeping import services
from bookkeeping.errors import BooksError, NoFiscalYear, PeriodLocked, PostedImmutable, Unbalanced
from bookkeeping.models import (
    Account,
    BooksSettings,
    Entry,
    FiscalYear,
    Journal,
    JournalKind,
    JournalSequence,
    Line,
    VatCode,
)
from bookkeeping.services import LineInput
from server.tenancy.access import NotPermitted
from tests.factories import World, company_make

from .helpers import account, draft, journal, pair, posted

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _trial_balance(company) -> Decimal:
    totals = Line.objects.filter(company=company, posted=True).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (totals["d"] or Decimal(0)) - (totals["c"] or Decimal(0))


# --- Install -----------------------------------------------------------------------------------


def test_a_new_company_gets_its_books(world: World) -> None:
    company = world.company
    assert Account.objects.filter(company=company, role="bank").exists()
    assert set(Journal.objects.filter(company=company).values_list("code", flat=True)) == {
        "SAL", "PUR", "BNK", "GEN"
    }  # fmt: skip
    assert VatCode.objects.filter(company=company).exists()
    year = FiscalYear.objects.get(company=company)
    assert year.start <= TODAY <= year.end
    assert (year.end.month, year.end.day) == (12, 31)
    assert BooksSettings.objects.get(company=company).lock_date is None
    # Every journal has its number sequence for the year.
    assert JournalSequence.objects.filter(fiscal_year=year).count() == 4


def test_install_is_idempotent_and_keeps_staff_edits(world: World) -> None:
    bank = account(world.company, "bank")
    services.account_update(actor=world.accountant, account=bank, changes={"name": "KBC"})
    before = Account.objects.filter(company=world.company).count()
    services.books_install(company=world.company)
    assert Account.objects.filter(company=world.company).count() == before
    assert Account.objects.get(pk=bank.pk).name == "KBC"
    assert FiscalYear.objects.filter(company=world.company).count() == 1


def test_fiscal_year_follows_the_company_year_end(db) -> None:
    company = company_make(None, "NO")
    company.fiscal_year_end_month, company.fiscal_year_end_day = 6, 30
    company.save()
    FiscalYear.objects.filter(company=company).delete()
    services.books_install(company=company, today=datetime.date(2026, 8, 1))
    year = FiscalYear.objects.get(company=company)
    assert (year.start, year.end) == (datetime.date(2026, 7, 1), datetime.date(2027, 6, 30))


def test_companies_without_books_get_them(db) -> None:
    company = company_make(None, "PL")
    BooksSettings.objects.filter(company=company).delete()
    assert services.books_install_missing() == 1
    assert BooksSettings.objects.filter(company=company).exists()


# --- Posting -----------------------------------------------------------------------------------


def test_posting_numbers_each_journal_from_one(world: World) -> None:
    first = posted(world.accountant, world.company)
    second = posted(world.accountant, world.company)
    sales = posted(world.accountant, world.company, kind=JournalKind.SALES)
    assert (first.number, second.number, sales.number) == (1, 2, 1)
    assert first.state == "posted" and first.audience == "shared"
    assert first.posted_by == world.accountant and first.posted_at is not None
    assert list(first.lines.values_list("posted", flat=True)) == [True, True]
    assert first.fiscal_year is not None
    assert first.label == f"GEN-{first.fiscal_year.end.year}-0001"
    assert _trial_balance(world.company) == 0


def test_a_draft_is_internal_and_unnumbered(world: World) -> None:
    entry = draft(world.accountant, world.company, internal_note="check with client")
    assert (entry.state, entry.number, entry.audience) == ("draft", None, "internal")
    assert list(entry.lines.values_list("posted", flat=True)) == [False, False]


def test_unbalanced_is_refused_and_nothing_changes(world: World) -> None:
    lines = [
        LineInput(account=account(world.company, "bank"), debit=Decimal("100.00")),
        LineInput(account=account(world.company, "revenue_goods"), credit=Decimal("99.99")),
    ]
    entry = services.entry_create(
        actor=world.accountant, company=world.company, journal=journal(world.company),
        date=TODAY, lines=lines,
    )  # fmt: skip
    with pytest.raises(Unbalanced, match=r"differ by 0\.01"):
        services.entry_post(actor=world.accountant, entry=entry)
    entry.refresh_from_db()
    assert (entry.state, entry.number) == ("draft", None)
    assert JournalSequence.objects.filter(journal=entry.journal, last_number__gt=0).count() == 0
    count = Entry.objects.count()
    with pytest.raises(Unbalanced):
        services.entry_book(
            actor=None, company=world.company, journal=journal(world.company), date=TODAY,
            lines=lines,
        )  # fmt: skip
    assert Entry.objects.count() == count
    assert Line.objects.filter(posted=True).count() == 0


def test_balance_is_checked_per_currency(world: World) -> None:
    bank, revenue = account(world.company, "bank"), account(world.company, "revenue_goods")
    lines = [
        LineInput(account=bank, debit=Decimal("10.00"), currency="EUR"),
        LineInput(account=revenue, credit=Decimal("10.00"), currency="USD"),
    ]
    with pytest.raises(Unbalanced, match="EUR"):
        services.entry_book(
            actor=None, company=world.company, journal=journal(world.company), date=TODAY,
            lines=lines,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("debit", "credit", "code"),
    [
        ("-5.00", "0", "negative_amount"),
        ("5.00", "5.00", "debit_xor_credit"),
        ("0", "0", "debit_xor_credit"),
        ("1.005", "0", "bad_amount"),
    ],
)
def test_malformed_lines_are_refused(world: World, debit: str, credit: str, code: str) -> None:
    lines = [
        LineInput(account=account(world.company, "bank"), debit=Decimal(debit),
                  credit=Decimal(credit)),
        LineInput(account=account(world.company, "revenue_goods"), credit=Decimal("5.00")),
    ]  # fmt: skip
    with pytest.raises(BooksError) as refused:
        services.entry_create(
            actor=world.accountant, company=world.company, journal=journal(world.company),
            date=TODAY, lines=lines,
        )  # fmt: skip
    assert refused.value.code == code
    assert not Entry.objects.filter(company=world.company).exists()


def test_one_line_is_not_an_entry(world: World) -> None:
    entry = services.entry_create(
        actor=world.accountant, company=world.company, journal=journal(world.company), date=TODAY,
        lines=pair(world.company, "5.00")[:1],
    )  # fmt: skip
    with pytest.raises(Unbalanced, match="two lines"):
        services.entry_post(actor=world.accountant, entry=entry)


def test_accounts_of_another_company_are_refused(world: World) -> None:
    lines = pair(world.company, "5.00")
    foreign = [lines[0], LineInput(account=account(world.other_company, "bank"), credit=Decimal(5))]
    with pytest.raises(BooksError) as refused:
        services.entry_create(
            actor=world.accountant, company=world.company, journal=journal(world.company),
            date=TODAY, lines=foreign,
        )  # fmt: skip
    assert refused.value.code == "invalid_account"


def test_clients_cannot_write_entries(world: World) -> None:
    with pytest.raises(NotPermitted):
        draft(world.client, world.company)
    entry = draft(world.accountant, world.company)
    with pytest.raises(NotPermitted):
        services.entry_post(actor=world.client, entry=entry)


def test_the_lock_date_refuses_earlier_postings(world: World) -> None:
    services.lock_date_set(actor=world.owner, company=world.company, lock_date=TODAY)
    on_lock = draft(world.accountant, world.company, date=TODAY)
    with pytest.raises(PeriodLocked):
        services.entry_post(actor=world.accountant, entry=on_lock)
    later = posted(world.accountant, world.company, date=TODAY + datetime.timedelta(days=1))
    assert later.number == 1


def test_a_date_before_the_first_fiscal_year_is_refused(world: World) -> None:
    year = FiscalYear.objects.get(company=world.company)
    entry = draft(world.accountant, world.company, date=year.start - datetime.timedelta(days=1))
    with pytest.raises(NoFiscalYear):
        services.entry_post(actor=world.accountant, entry=entry)


def test_posting_into_next_year_opens_it(world: World) -> None:
    year = FiscalYear.objects.get(company=world.company)
    entry = posted(world.accountant, world.company, date=year.end + datetime.timedelta(days=3))
    assert entry.fiscal_year is not None
    assert entry.fiscal_year.start == year.end + datetime.timedelta(days=1)
    assert entry.number == 1
    assert FiscalYear.objects.filter(company=world.company).count() == 2


def test_drafts_change_and_posted_entries_do_not(world: World) -> None:
    entry = draft(world.accountant, world.company)
    services.entry_update(
        actor=world.accountant, entry=entry, memo="Fixed", lines=pair(world.company, "42.00")
    )
    assert sorted(entry.lines.values_list("debit", flat=True)) == [0, Decimal("42.00")]
    services.entry_post(actor=world.accountant, entry=entry)
    with pytest.raises(PostedImmutable):
        services.entry_update(actor=world.accountant, entry=entry, memo="Sneaky")
    with pytest.raises(PostedImmutable):
        services.entry_delete(actor=world.accountant, entry=entry)
    with pytest.raises(PostedImmutable):
        services.entry_post(actor=world.accountant, entry=entry)
    assert Entry.objects.get(pk=entry.pk).memo == "Fixed"


def test_a_draft_can_be_deleted(world: World) -> None:
    entry = draft(world.accountant, world.company)
    services.entry_delete(actor=world.accountant, entry=entry)
    assert not Entry.objects.filter(pk=entry.pk).exists()


# --- Reversal ----------------------------------------------------------------------------------


def test_reversal_swaps_sides_and_points_to_the_original(world: World) -> None:
    original = posted(world.accountant, world.company, "250.00")
    reversal = services.entry_reverse(actor=world.accountant, entry=original, date=TODAY)
    assert reversal.reverses == original and reversal.state == "posted"
    assert reversal.source == "reversal" and reversal.number == (original.number or 0) + 1
    sides = {(line.account_id, line.debit, line.credit) for line in original.lines.all()}
    swapped = {(line.account_id, line.credit, line.debit) for line in reversal.lines.all()}
    assert sides == swapped
    assert _trial_balance(world.company) == 0
    bank = account(world.company, "bank")
    bank_total = Line.objects.filter(account=bank, posted=True).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    assert bank_total["d"] == bank_total["c"]
    with pytest.raises(BooksError) as again:
        services.entry_reverse(actor=world.accountant, entry=original, date=TODAY)
    assert again.value.code == "already_reversed"


def test_a_draft_cannot_be_reversed(world: World) -> None:
    with pytest.raises(BooksError) as refused:
        services.entry_reverse(
            actor=world.accountant, entry=draft(world.accountant, world.company), date=TODAY
        )
    assert refused.value.code == "not_posted"


# --- Accounts ----------------------------------------------------------------------------------


def test_staff_create_and_edit_accounts(world: World) -> None:
    created = services.account_create(
        actor=world.accountant, company=world.company, code="ZZ612", name="Rent", kind="expense"
    )
    assert created.company == world.company
    with pytest.raises(BooksError) as duplicate:
        services.account_create(
            actor=world.accountant, company=world.company, code="ZZ612", name="X", kind="expense"
        )
    assert duplicate.value.code == "duplicate_account"
    with pytest.raises(NotPermitted):
        services.account_create(
            actor=world.client, company=world.company, code="ZZ613", name="X", kind="expense"
        )
    services.account_update(actor=world.accountant, account=created, changes={"kind": "asset"})
    assert Account.objects.get(pk=created.pk).kind == "asset"


def test_kind_is_fixed_once_an_account_has_posted_lines(world: World) -> None:
    posted(world.accountant, world.company)
    bank = account(world.company, "bank")
    with pytest.raises(BooksError) as refused:
        services.account_update(actor=world.accountant, account=bank, changes={"kind": "expense"})
    assert refused.value.code == "account_in_use"
    services.account_update(actor=world.accountant, account=bank, changes={"name": "Belfius"})


def test_a_role_belongs_to_one_account(world: World) -> None:
    with pytest.raises(BooksError) as refused:
        services.account_create(
            actor=world.accountant, company=world.company, code="ZZ550", name="Bank 2",
            kind="asset", role="bank",
        )  # fmt: skip
    assert refused.value.code == "duplicate_role"


# --- Year-end closing --------------------------------------------------------------------------


def _result_account(world: World) -> Account:
    return (
        Account.objects.filter(company=world.company, role="retained_earnings").first()
        or services.account_create(
            actor=world.owner, company=world.company, code="140000", name="Retained earnings",
            kind="equity", role="retained_earnings",
        )
    )  # fmt: skip


def test_closing_moves_the_result_and_locks_the_year(world: World) -> None:
    result = _result_account(world)
    year = FiscalYear.objects.get(company=world.company)
    on = year.start + datetime.timedelta(days=10)
    services.entry_book(
        actor=world.owner, company=world.company, journal=journal(world.company), date=on,
        lines=pair(world.company, "1000.00", "bank", "revenue_goods"),
    )  # fmt: skip
    services.entry_book(
        actor=world.owner, company=world.company, journal=journal(world.company), date=on,
        lines=pair(world.company, "300.00", "purchases", "bank"),
    )  # fmt: skip
    closed = services.fiscal_year_close(actor=world.owner, fiscal_year=year)
    assert closed.closed_at is not None and closed.closing_entry is not None
    closing = closed.closing_entry
    assert closing.source == "closing" and closing.date == year.end
    by_account = {line.account_id: line.credit - line.debit for line in closing.lines.all()}
    assert by_account[result.pk] == Decimal("700.00")  # the profit, credited to equity
    for kind in ("income", "expense"):
        totals = Line.objects.filter(
            company=world.company, posted=True, account__kind=kind, date__lte=year.end
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] == totals["c"], kind
    assert BooksSettings.objects.get(company=world.company).lock_date == year.end
    next_year = FiscalYear.objects.get(
        company=world.company, start=year.end + datetime.timedelta(1)
    )
    assert next_year.closed_at is None
    assert _trial_balance(world.company) == 0
    with pytest.raises(PeriodLocked):
        services.entry_post(actor=world.owner, entry=draft(world.owner, world.company, date=on))
    with pytest.raises(PeriodLocked):
        services.lock_date_set(actor=world.owner, company=world.company, lock_date=None)
    with pytest.raises(BooksError) as again:
        services.fiscal_year_close(actor=world.owner, fiscal_year=year)
    assert again.value.code == "already_closed"


def test_closing_waits_for_drafts(world: World) -> None:
    _result_account(world)
    year = FiscalYear.objects.get(company=world.company)
    draft(world.accountant, world.company, date=year.start)
    with pytest.raises(BooksError) as refused:
        services.fiscal_year_close(actor=world.owner, fiscal_year=year)
    assert refused.value.code == "drafts_open"
    assert FiscalYear.objects.get(pk=year.pk).closed_at is None


def test_clients_cannot_close_or_lock(world: World) -> None:
    year = FiscalYear.objects.get(company=world.company)
    with pytest.raises(NotPermitted):
        services.fiscal_year_close(actor=world.client, fiscal_year=year)
    with pytest.raises(NotPermitted):
        services.lock_date_set(actor=world.client, company=world.company, lock_date=TODAY)


# --- Allocations -------------------------------------------------------------------------------


def test_allocation_matches_up_to_the_residual(world: World) -> None:
    party = services.party_create(actor=world.accountant, company=world.company,
                                  name="Client NV", country="BE")  # fmt: skip
    receivable = account(world.company, "receivable")
    gen = journal(world.company)
    invoice = services.entry_book(
        actor=None, company=world.company, journal=gen, date=TODAY,
        lines=[LineInput(account=receivable, debit=Decimal("100.00"), party=party),
               LineInput(account=account(world.company, "revenue_goods"), credit=Decimal(100))],
    )  # fmt: skip
    payment = services.entry_book(
        actor=None, company=world.company, journal=gen, date=TODAY,
        lines=[LineInput(account=account(world.company, "bank"), debit=Decimal("60.00")),
               LineInput(account=receivable, credit=Decimal("60.00"), party=party)],
    )  # fmt: skip
    debit_line = invoice.lines.get(account=receivable)
    credit_line = payment.lines.get(account=receivable)
    services.allocation_create(actor=world.accountant, debit_line=debit_line,
                               credit_line=credit_line, amount=Decimal("40.00"))  # fmt: skip
    assert services.line_residual(debit_line) == Decimal("60.00")
    assert services.line_residual(credit_line) == Decimal("20.00")
    with pytest.raises(BooksError) as refused:
        services.allocation_create(actor=world.accountant, debit_line=debit_line,
                                   credit_line=credit_line, amount=Decimal("20.01"))  # fmt: skip
    assert refused.value.code == "over_allocation"
    with pytest.raises(NotPermitted):
        services.allocation_create(actor=world.client, debit_line=debit_line,
                                   credit_line=credit_line, amount=Decimal("1.00"))  # fmt: skip
