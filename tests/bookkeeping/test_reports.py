"""The reports on a small hand-made ledger with known numbers (tests/bookkeeping/report_ledger.py):
a reversal, a partial allocation and a draft that must not count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from bookkeeping.models import JournalKind, Line
from bookkeeping.reports import (
    balance_sheet,
    cash,
    ledger,
    open_items,
    profit_loss,
    ratios,
    trial_balance,
    vat_summary,
)
from bookkeeping.reports.common import BadReportInput, date_parse
from bookkeeping.reports.registry import period
from bookkeeping.services import LineInput
from tests.factories import World

from .helpers import account
from .report_ledger import Books, book, books_make, party

pytestmark = pytest.mark.django_db
D = datetime.date
END_Q1 = D(2026, 3, 31)


def M(value: str) -> Decimal:
    return Decimal(value)


@pytest.fixture
def books(world: World) -> Books:
    return books_make(world.accountant, world.company)


def _by_role(world: World, rows, role: str):
    pk = account(world.company, role).pk
    return next(r for r in rows if r.account == pk)


def test_trial_balance_counts_posted_lines_only_and_balances(world: World, books: Books) -> None:
    report = trial_balance.trial_balance(company=world.company, date=END_Q1)
    [total] = report.totals
    assert (total.currency, total.debit, total.credit) == ("EUR", M("2594.00"), M("2594.00"))
    bank = _by_role(world, report.rows, "bank")
    # 500 in, 300 out, the mistake and its reversal; the 999 draft does not count.
    assert (bank.debit, bank.credit, bank.balance) == (M("550"), M("350"), M("200"))
    services_revenue = _by_role(world, report.rows, "revenue_services")
    assert services_revenue.balance == 0
    assert _by_role(world, report.rows, "receivable").balance == M("710")
    assert _by_role(world, report.rows, "revenue_goods").balance == M("-1000")


def test_trial_balance_as_of_an_earlier_date(world: World, books: Books) -> None:
    report = trial_balance.trial_balance(company=world.company, date=D(2026, 1, 31))
    assert report.totals[0].debit == M("1694")  # the invoice and the purchase only
    assert {r.code for r in report.rows} == {
        account(world.company, role).code
        for role in ("receivable", "revenue_goods", "vat_due", "purchases", "vat_deductible",
                     "payable")
    }  # fmt: skip


def test_general_ledger_running_balance(world: World, books: Books) -> None:
    bank = account(world.company, "bank")
    report = ledger.general_ledger(
        company=world.company, account=bank, start=D(2026, 3, 1), end=END_Q1
    )
    assert report.opening == M("500")
    assert [(line.debit, line.credit, line.balance) for line in report.lines] == [
        (M("0"), M("300"), M("200")),
        (M("50"), M("0"), M("250")),
        (M("0"), M("50"), M("200")),
    ]
    assert (report.debit, report.credit, report.closing) == (M("50"), M("350"), M("200"))
    assert report.lines[2].entry_label == books.reversal.label


def test_profit_and_loss_by_month(world: World, books: Books) -> None:
    report = profit_loss.profit_and_loss(company=world.company, start=D(2026, 1, 1), end=END_Q1)
    assert [(m.month, m.income, m.expense, m.result) for m in report.months] == [
        (D(2026, 1, 1), M("1000"), M("400"), M("600")),
        (D(2026, 2, 1), M("0"), M("0"), M("0")),
        (D(2026, 3, 1), M("0"), M("300"), M("-300")),
    ]
    assert (report.income, report.expense, report.result) == (M("1000"), M("700"), M("300"))
    goods = _by_role(world, report.accounts, "revenue_goods")
    assert goods.months == [M("1000"), M("0"), M("0")]


def test_balance_sheet_balances_with_the_unclosed_result(world: World, books: Books) -> None:
    report = balance_sheet.balance_sheet(company=world.company, date=END_Q1)
    assert report.total_assets == M("994")  # receivable 710 + VAT deductible 84 + bank 200
    assert report.total_liabilities == M("694")  # VAT due 210 + payable 484
    assert report.unclosed_result == M("300")
    assert report.total_equity == M("300")
    assert report.balanced


def test_vat_summary_per_box(world: World, books: Books) -> None:
    report = vat_summary.vat_summary(company=world.company, start=D(2026, 1, 1), end=END_Q1)
    boxes = {b.box: b.amount for b in report.boxes}
    assert (boxes["03"], boxes["54"], boxes["82"], boxes["59"]) == (
        M("1000"), M("210"), M("400"), M("84")
    )  # fmt: skip
    assert boxes["01"] == 0  # listed even when empty, in the return's order
    assert (report.vat_due, report.vat_deductible, report.balance) == (M("210"), M("84"), M("126"))
    # Outside the period: nothing.
    later = vat_summary.vat_summary(company=world.company, start=D(2026, 4, 1), end=D(2026, 4, 30))
    assert later.balance == 0 and later.codes == []


def test_vat_of_a_reversed_invoice_cancels_out(world: World, books: Books) -> None:
    from bookkeeping import services

    services.entry_reverse(actor=world.accountant, entry=books.invoice, date=D(2026, 3, 20))
    report = vat_summary.vat_summary(company=world.company, start=D(2026, 1, 1), end=END_Q1)
    boxes = {b.box: b.amount for b in report.boxes}
    assert (boxes["03"], boxes["54"]) == (M("0"), M("0"))


def test_cash_position(world: World, books: Books) -> None:
    report = cash.cash_position(company=world.company, date=END_Q1)
    assert report.total == M("200")
    assert {a.role: a.balance for a in report.accounts} == {"bank": M("200"), "cash": M("0")}
    assert (report.inflow_30_days, report.outflow_30_days) == (M("50"), M("350"))


def test_receivables_with_a_partial_allocation(world: World, books: Books) -> None:
    report = open_items.open_items(company=world.company, side="receivables", date=END_Q1)
    [customer] = report.parties
    assert customer.party == books.customer.pk
    # Due 02-09, 50 days past due on 03-31; the payment line is fully allocated (not open).
    assert customer.ageing.days_31_60 == M("710") and customer.ageing.total == M("710")
    assert customer.items == 1
    [item] = open_items.open_item_list(company=world.company, side="receivables", date=END_Q1)
    assert (item.amount, item.residual, item.days_past_due, item.bucket) == (
        M("1210"), M("710"), 50, "days_31_60"
    )  # fmt: skip
    # Before the payment was allocated, all of it was open and 5 days late.
    early = open_items.open_items(company=world.company, side="receivables", date=D(2026, 2, 14))
    assert early.totals.days_1_30 == M("1210")


def test_payables(world: World, books: Books) -> None:
    report = open_items.open_items(company=world.company, side="payables", date=END_Q1)
    [supplier] = report.parties
    assert (supplier.name, supplier.ageing.days_31_60) == ("Beta Supplier", M("484"))


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "current"), (1, "days_1_30"), (30, "days_1_30"), (31, "days_31_60"),
     (60, "days_31_60"), (61, "days_61_90"), (90, "days_61_90"), (91, "over_90"),
     (-5, "current")],
)  # fmt: skip
def test_ageing_bucket_boundaries(world: World, days: int, bucket: str) -> None:
    company, as_of = world.company, D(2026, 12, 31)
    customer = party(company, "Gamma", "customer")
    book(world.accountant, company, JournalKind.SALES, D(2026, 6, 1), [
        LineInput(account=account(company, "receivable"), debit=M("10"), party=customer,
                  due_date=as_of - datetime.timedelta(days=days)),
        LineInput(account=account(company, "revenue_goods"), credit=M("10")),
    ])  # fmt: skip
    totals = open_items.open_items(company=company, side="receivables", date=as_of).totals
    assert getattr(totals, bucket) == M("10")
    assert totals.total == M("10")
    [item] = open_items.open_item_list(company=company, side="receivables", date=as_of)
    assert item.bucket == bucket and item.days_past_due == max(days, 0)


def test_ratios_with_the_previous_period(world: World, books: Books) -> None:
    report = ratios.ratios(company=world.company, start=D(2026, 1, 1), end=END_Q1)
    assert (report.previous_start, report.previous_end) == (D(2025, 10, 1), D(2025, 12, 31))
    values = {r.name: r for r in report.ratios}
    assert values["gross_margin"].value == M("0.6")
    assert values["net_margin"].value == M("0.3")
    assert values["current_ratio"].value == M("1.4323")  # 994 / 694
    assert values["quick_ratio"].value == M("1.4323")
    assert values["dso"].value == M("63.9")  # 710 / 1000 x 90 days
    assert values["dpo"].value == M("108.9")  # 484 / 400 x 90 days
    # Nothing in the previous quarter: no revenue, no liabilities -> None, not a crash.
    assert all(r.previous is None and r.change is None for r in report.ratios)


def test_ratio_change_against_the_previous_period(world: World, books: Books) -> None:
    report = ratios.ratios(company=world.company, start=D(2026, 4, 1), end=D(2026, 6, 30))
    values = {r.name: r for r in report.ratios}
    # No revenue in Q2: margins None; the balance-sheet ratios exist in both quarters.
    assert values["gross_margin"].value is None and values["gross_margin"].change is None
    assert values["current_ratio"].previous == M("1.4323")
    assert values["current_ratio"].change == M("0")


def test_ratios_of_empty_books_are_none(world: World) -> None:
    report = ratios.ratios(company=world.company, start=D(2026, 1, 1), end=END_Q1)
    assert [r.value for r in report.ratios] == [None] * 6


def test_other_companies_lines_never_count(world: World, books: Books) -> None:
    other = world.sibling_company
    book(world.owner, other, JournalKind.GENERAL, D(2026, 2, 1), [
        LineInput(account=account(other, "bank"), debit=M("7777")),
        LineInput(account=account(other, "revenue_goods"), credit=M("7777")),
    ])  # fmt: skip
    report = trial_balance.trial_balance(company=world.company, date=END_Q1)
    assert report.totals[0].debit == M("2594.00")
    assert Line.objects.filter(company=other, posted=True).count() == 2


def test_bad_dates_and_periods_are_refused(world: World) -> None:
    with pytest.raises(BadReportInput) as bad:
        date_parse("2026-13-01", "report")
    assert bad.value.code == "bad_date"
    with pytest.raises(BadReportInput) as swapped:
        period(world.company, {"from": "2026-03-01", "to": "2026-01-01"})
    # Without `from`, the period starts with the fiscal year of `to`.
    assert period(world.company, {"to": "2026-05-31"}) == (D(2026, 1, 1), D(2026, 5, 31))
    assert swapped.value.code == "bad_period"
