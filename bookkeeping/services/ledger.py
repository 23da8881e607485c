"""Accounts, entries, fiscal years and the lock date: everything that changes the ledger.

An entry is a draft until it is posted; posting checks it balances per currency, gives it the next
number of its journal in its fiscal year under a row lock (no gaps, no duplicates), and from then
on it never changes (also enforced by PostgreSQL triggers, migration 0001). Mistakes are corrected
by `entry_reverse`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.access import require_staff
from server.tenancy.models import Audience, Company

from .. import events
from ..charts import AccountKind, Role
from ..errors import (
    BooksError,
    BooksNotInstalled,
    NoFiscalYear,
    PeriodLocked,
    PostedImmutable,
    Unbalanced,
)
from ..models import (
    Account,
    Allocation,
    BooksSettings,
    Entry,
    EntrySource,
    EntryState,
    FiscalYear,
    Journal,
    JournalKind,
    JournalSequence,
    Line,
    OpenItem,
    Party,
    VatCode,
)
from .install import fiscal_year_bounds, fiscal_year_open

CENT = Decimal("0.01")
ZERO = Decimal("0")
# How many fiscal years ahead posting may open by itself (an invoice dated next year).
_YEARS_AHEAD = 2


@dataclass(frozen=True)
class LineInput:
    """One line of an entry to write: exactly one of debit and credit is > 0."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    party: Party | None = None
    currency: str = ""  # '' = the company's currency
    vat_code: VatCode | None = None
    vat_base: Decimal | None = None
    due_date: datetime.date | None = None


# --- Look-ups other features use ---------------------------------------------------------------


def account_for_role(*, company: Company, role: Role | str) -> Account:
    """The company's account with this role (bank, receivable, vat_due, ...)."""
    try:
        return Account.objects.get(company=company, role=str(role))
    except Account.DoesNotExist:
        raise BooksError(
            "no_account_for_role",
            f"No account has the role {role!s}; give one in the chart of accounts that role.",
        ) from None


def journal_for(*, company: Company, kind: JournalKind | str) -> Journal:
    """The company's first journal of this kind (SAL, PUR, BNK, GEN after install)."""
    journal = Journal.objects.filter(company=company, kind=str(kind)).order_by("id").first()
    if journal is None:
        raise BooksNotInstalled()
    return journal


def books_settings(company: Company) -> BooksSettings:
    try:
        return BooksSettings.objects.get(company=company)
    except BooksSettings.DoesNotExist:
        raise BooksNotInstalled() from None


# --- Accounts ----------------------------------------------------------------------------------

ACCOUNT_FIELDS = ("code", "name", "kind", "role", "current", "inventory", "active")


def _account_check(company: Company, values: dict[str, Any], instance: Account | None) -> None:
    code = str(values.get("code", "")).strip()
    if not code or len(code) > 20:
        raise BooksError("invalid", "An account needs a code of 1 to 20 characters.")
    if not str(values.get("name", "")).strip():
        raise BooksError("invalid", "An account needs a name.")
    if values.get("kind") not in AccountKind.__members__.values():
        raise BooksError("invalid", "The kind is asset, liability, equity, income or expense.")
    others = Account.objects.filter(company=company)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.filter(code=code).exists():
        raise BooksError("duplicate_account", f"Account {code} exists already.")
    role = values.get("role")
    if role:
        if role not in Role.__members__.values():
            raise BooksError("invalid", f"{role!r} is not a known account role.")
        holder = others.filter(role=role).first()
        if holder is not None:
            raise BooksError(
                "duplicate_role", f"Account {holder.code} has the role {role} already."
            )


def account_create(
    *,
    actor: User,
    company: Company,
    code: str,
    name: str,
    kind: str,
    role: str | None = None,
    current: bool = False,
    inventory: bool = False,
) -> Account:
    require_staff(actor, company)
    values = {"code": code.strip(), "name": name.strip(), "kind": kind, "role": role or None}
    _account_check(company, values, None)
    return Account.objects.create(company=company, current=current, inventory=inventory, **values)


def account_update(*, actor: User, account: Account, changes: dict[str, Any]) -> Account:
    require_staff(actor, account.company)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise BooksError(
            "invalid", f"These fields cannot be changed: {', '.join(sorted(unknown))}."
        )
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if "role" in changes:
            changes["role"] = changes["role"] or None
        if (
            "kind" in changes
            and changes["kind"] != account.kind
            and Line.objects.filter(account=account, posted=True).exists()
        ):
            raise BooksError(
                "account_in_use", "The kind of an account with posted lines cannot change."
            )
        values = {name: changes.get(name, getattr(account, name)) for name in ACCOUNT_FIELDS}
        _account_check(account.company, values, account)
        role_before = account.role
        for name, value in changes.items():
            setattr(account, name, value)
        account.save()
        if account.role != role_before and {role_before, account.role} & set(_OPEN_ITEM_SIDES):
            _open_items_rebuild(account)
    return account


# --- Fiscal years and the lock date --------------------------------------------------------------


def fiscal_year_for(
    *, company: Company, date: datetime.date, open_ahead: bool = True
) -> FiscalYear:
    """The fiscal year containing `date`; the following years are opened when needed."""
    year = FiscalYear.objects.filter(company=company, start__lte=date, end__gte=date).first()
    if year is not None:
        return year
    last = FiscalYear.objects.filter(company=company).order_by("-end").first()
    if last is None:
        raise BooksNotInstalled()
    if date < last.end or not open_ahead:
        raise NoFiscalYear(f"No fiscal year covers {date:%Y-%m-%d}.")
    for _ in range(_YEARS_AHEAD):
        start = last.end + datetime.timedelta(days=1)
        end = fiscal_year_bounds(company, start)[1]
        last = fiscal_year_open(company=company, start=start, end=end)
        if last.start <= date <= last.end:
            return last
    raise NoFiscalYear(f"{date:%Y-%m-%d} is too far ahead: no fiscal year is open for it yet.")


def _period_check(company: Company, date: datetime.date) -> FiscalYear:
    """The open fiscal year of `date`, or a refusal when the date is locked or closed."""
    lock = BooksSettings.objects.filter(company=company).values_list("lock_date", flat=True).first()
    if lock is not None and date <= lock:
        raise PeriodLocked(f"The books are locked up to {lock:%Y-%m-%d}; choose a later date.")
    year = fiscal_year_for(company=company, date=date)
    if year.closed_at is not None:
        raise PeriodLocked(f"The fiscal year {year} is closed; choose a later date.")
    return year


def lock_date_set(
    *, actor: User, company: Company, lock_date: datetime.date | None
) -> BooksSettings:
    """Nothing dated on or before `lock_date` is posted any more (staff only)."""
    require_staff(actor, company)
    with transaction.atomic():
        settings = BooksSettings.objects.select_for_update().get(company=company)
        closed = (
            FiscalYear.objects.filter(company=company, closed_at__isnull=False)
            .order_by("-end")
            .first()
        )
        if closed is not None and (lock_date is None or lock_date < closed.end):
            raise PeriodLocked(
                f"The fiscal year {closed} is closed: the lock date stays on or after {closed.end}."
            )
        settings.lock_date = lock_date
        settings.save(update_fields=["lock_date"])
        publish(company, events.SETTINGS, events.settings_payload(settings), Audience.SHARED)
    return settings


# --- Entries -------------------------------------------------------------------------------------


def _amount(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        raise BooksError("bad_amount", f"The {what} {value!r} is not a number.") from None
    if not amount.is_finite():
        raise BooksError("bad_amount", f"The {what} {value!r} is not a number.")
    if amount < 0:
        raise BooksError("negative_amount", f"The {what} may not be negative; swap the side.")
    if amount != amount.quantize(CENT):
        raise BooksError("bad_amount", f"The {what} {amount} has more than two decimals.")
    return amount.quantize(CENT)


def _lines_build(company: Company, entry: Entry, lines: Sequence[LineInput]) -> list[Line]:
    built = []
    for number, given in enumerate(lines, start=1):
        if given.account.company_id != company.pk:
            raise BooksError(
                "invalid_account", f"Line {number}: that account is not in these books."
            )
        if given.party is not None and given.party.company_id != company.pk:
            raise BooksError("invalid_party", f"Line {number}: that party is not in these books.")
        if given.vat_code is not None and given.vat_code.company_id != company.pk:
            raise BooksError("invalid_vat_code", f"Line {number}: unknown VAT code.")
        debit = _amount(given.debit, f"debit of line {number}")
        credit = _amount(given.credit, f"credit of line {number}")
        if (debit > 0) == (credit > 0):
            raise BooksError(
                "debit_xor_credit", f"Line {number} needs either a debit or a credit, not both."
            )
        currency = (given.currency or company.currency).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise BooksError("bad_currency", f"Line {number}: {currency!r} is not a currency.")
        built.append(
            Line(
                entry=entry,
                company=company,
                account=given.account,
                party=given.party,
                description=given.description[:300],
                debit=debit,
                credit=credit,
                currency=currency,
                vat_code=given.vat_code,
                vat_base=(
                    Decimal(given.vat_base).quantize(CENT) if given.vat_base is not None else None
                ),
                due_date=given.due_date,
                date=entry.date,
                posted=False,
            )
        )
    return built


def _balance_check(lines: Iterable[Line]) -> None:
    lines = list(lines)
    if len(lines) < 2:
        raise Unbalanced("An entry needs at least two lines.")
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in lines:
        if not line.account.active:
            raise BooksError("inactive_account", f"Account {line.account.code} is inactive.")
        totals[line.currency][0] += line.debit
        totals[line.currency][1] += line.credit
    for currency, (debit, credit) in sorted(totals.items()):
        if debit != credit:
            raise Unbalanced(
                f"The debits ({debit} {currency}) and credits ({credit} {currency}) differ by "
                f"{abs(debit - credit)} {currency}."
            )


def _draft_check(entry: Entry) -> Entry:
    """The entry, re-read under a row lock, if it is still a draft."""
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    if locked.state != EntryState.DRAFT:
        raise PostedImmutable()
    return locked


def _publish(entry: Entry) -> None:
    publish(entry.company_id, events.ENTRY, events.entry_payload(entry), entry.audience)


def entry_create(
    *,
    actor: User,
    company: Company,
    journal: Journal,
    date: datetime.date,
    lines: Sequence[LineInput],
    reference: str = "",
    memo: str = "",
    internal_note: str = "",
    source: str = EntrySource.MANUAL,
) -> Entry:
    """A draft entry prepared by the office (internal until posted)."""
    require_staff(actor, company)
    if journal.company_id != company.pk:
        raise BooksError("invalid_journal", "That journal is not in these books.")
    with transaction.atomic():
        entry = Entry.objects.create(
            company=company,
            journal=journal,
            date=date,
            reference=reference[:100],
            memo=memo[:500],
            internal_note=internal_note,
            source=source,
            audience=Audience.INTERNAL,
            created_by=actor,
        )
        Line.objects.bulk_create(_lines_build(company, entry, lines))
        _publish(entry)
    return entry


def entry_update(
    *,
    actor: User,
    entry: Entry,
    journal: Journal | None = None,
    date: datetime.date | None = None,
    lines: Sequence[LineInput] | None = None,
    reference: str | None = None,
    memo: str | None = None,
    internal_note: str | None = None,
) -> Entry:
    """Change a draft; a posted entry answers `posted_immutable`."""
    require_staff(actor, entry.company)
    with transaction.atomic():
        entry = _draft_check(entry)
        if journal is not None:
            if journal.company_id != entry.company_id:
                raise BooksError("invalid_journal", "That journal is not in these books.")
            entry.journal = journal
        if date is not None:
            entry.date = date
        if reference is not None:
            entry.reference = reference[:100]
        if memo is not None:
            entry.memo = memo[:500]
        if internal_note is not None:
            entry.internal_note = internal_note
        entry.save()
        if lines is not None:
            entry.lines.all().delete()
            Line.objects.bulk_create(_lines_build(entry.company, entry, lines))
        elif date is not None:
            entry.lines.update(date=entry.date)
        _publish(entry)
    return entry


def entry_delete(*, actor: User, entry: Entry) -> None:
    require_staff(actor, entry.company)
    with transaction.atomic():
        entry = _draft_check(entry)
        payload = {"id": entry.pk, "deleted": True}
        audience = entry.audience
        entry.lines.all().delete()
        entry.delete()
        publish(entry.company_id, events.ENTRY, payload, audience)


# --- Open items: what remains of each receivable or payable line ---------------------------------

_OPEN_ITEM_SIDES = (Role.RECEIVABLE, Role.PAYABLE)


def _open_item(
    line: Line,
    date: datetime.date,
    allocated: Decimal = ZERO,
    allocated_until: datetime.date | None = None,
) -> OpenItem:
    """The open item of a posted line; `allocated` is ledger-signed (+ as the debit line)."""
    amount = line.debit - line.credit
    residual = amount - allocated
    return OpenItem(
        company_id=line.company_id,
        line=line,
        account_id=line.account_id,
        party_id=line.party_id,
        side=str(line.account.role),
        date=date,
        due_date=line.due_date or date,
        currency=line.currency,
        amount=amount,
        residual=residual,
        allocated_until=allocated_until,
        closed_at=timezone.now() if residual == 0 else None,
    )


def _open_items_rebuild(account: Account) -> None:
    """After a role change: the account's open items follow its new role. They are derived from
    the posted lines and allocations, so they are dropped and built again."""
    OpenItem.objects.filter(account=account).delete()
    if account.role not in _OPEN_ITEM_SIDES:
        return
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    until: dict[int, datetime.date] = {}
    for column, sign in (("debit_line", 1), ("credit_line", -1)):
        rows = (
            Allocation.objects.filter(**{f"{column}__account": account})
            .values(column)
            .annotate(total=Sum("amount"), last=Max("date"))
            .order_by()
        )
        for row in rows:
            allocated[row[column]] += sign * row["total"]
            until[row[column]] = max(row["last"], until.get(row[column], row["last"]))
    lines = Line.objects.filter(account=account, posted=True).select_related("account")
    OpenItem.objects.bulk_create(
        (
            _open_item(line, line.date, allocated[line.pk], until.get(line.pk))
            for line in lines.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


def _post(entry: Entry, actor: User | None) -> Entry:
    """Post a locked draft: checks, the next number, and the denormalised line flags."""
    year = _period_check(entry.company, entry.date)
    lines = list(entry.lines.select_related("account"))
    _balance_check(lines)
    try:
        with transaction.atomic():
            sequence, _ = JournalSequence.objects.get_or_create(
                journal=entry.journal, fiscal_year=year
            )
    except IntegrityError:
        pass
    sequence = JournalSequence.objects.select_for_update().get(
        journal=entry.journal, fiscal_year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    # Lines first, while the entry is still a draft: the trigger refuses line changes after.
    entry.lines.update(posted=True, date=entry.date)
    OpenItem.objects.bulk_create(
        _open_item(line, entry.date) for line in lines if line.account.role in _OPEN_ITEM_SIDES
    )
    entry.fiscal_year = year
    entry.number = sequence.last_number
    entry.state = EntryState.POSTED
    entry.audience = Audience.SHARED
    entry.posted_by = actor
    entry.posted_at = timezone.now()
    entry.save()
    _publish(entry)
    return entry


def entry_post(*, actor: User, entry: Entry) -> Entry:
    """Post a draft (staff only): balanced, in an open period, numbered without gaps."""
    require_staff(actor, entry.company)
    with transaction.atomic():
        return _post(_draft_check(entry), actor)


def entry_book(
    *,
    actor: User | None,
    company: Company,
    journal: Journal,
    date: datetime.date,
    lines: Sequence[LineInput],
    reference: str = "",
    memo: str = "",
    source: str = EntrySource.MANUAL,
    reverses: Entry | None = None,
) -> Entry:
    """Create and post an entry at once, for other services (an issued invoice, a payment).

    The calling service decides who may do it; this one checks only the books' rules. Nothing is
    stored if it refuses.
    """
    if journal.company_id != company.pk:
        raise BooksError("invalid_journal", "That journal is not in these books.")
    with transaction.atomic():
        entry = Entry.objects.create(
            company=company,
            journal=journal,
            date=date,
            reference=reference[:100],
            memo=memo[:500],
            source=source,
            audience=Audience.SHARED,
            created_by=actor,
            reverses=reverses,
        )
        Line.objects.bulk_create(_lines_build(company, entry, lines))
        return _post(entry, actor)


def entry_reverse(*, actor: User, entry: Entry, date: datetime.date, memo: str = "") -> Entry:
    """A posted entry with every debit and credit swapped, pointing to the original."""
    require_staff(actor, entry.company)
    return entry_reverse_system(actor=actor, entry=entry, date=date, memo=memo)


def entry_reverse_system(
    *, actor: User | None, entry: Entry, date: datetime.date, memo: str = ""
) -> Entry:
    """`entry_reverse` without the staff check, for services that decided (a cancelled invoice)."""
    with transaction.atomic():
        original = Entry.objects.select_for_update().get(pk=entry.pk)
        if original.state != EntryState.POSTED:
            raise BooksError("not_posted", "Only a posted entry can be reversed; edit the draft.")
        if Entry.objects.filter(reverses=original).exists():
            raise BooksError("already_reversed", f"Entry {original.label} is reversed already.")
        lines = [
            LineInput(
                account=line.account,
                debit=line.credit,
                credit=line.debit,
                description=line.description,
                party=line.party,
                currency=line.currency,
                vat_code=line.vat_code,
                vat_base=line.vat_base,  # its sign follows the line's side, which flips
                due_date=line.due_date,
            )
            for line in original.lines.select_related("account", "party", "vat_code")
        ]
        try:
            return entry_book(
                actor=actor,
                company=original.company,
                journal=original.journal,
                date=date,
                lines=lines,
                reference=original.reference,
                memo=memo or f"Reversal of {original.label}",
                source=EntrySource.REVERSAL,
                reverses=original,
            )
        except IntegrityError:  # a concurrent reversal won the unique `reverses`
            raise BooksError(
                "already_reversed", f"Entry {original.label} is reversed already."
            ) from None


# --- Year-end closing --------------------------------------------------------------------------


def fiscal_year_close(*, actor: User, fiscal_year: FiscalYear) -> FiscalYear:
    """Close a year: income and expense are moved to the result account (role retained_earnings,
    else result_year) by a closing entry dated on the year end; balance-sheet accounts carry their
    balances forward (balances are cumulative); the next year is opened; the lock date moves to the
    year end.
    """
    company = fiscal_year.company
    require_staff(actor, company)
    with transaction.atomic():
        year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
        if year.closed_at is not None:
            raise BooksError("already_closed", f"The fiscal year {year} is closed already.")
        earlier = FiscalYear.objects.filter(company=company, end__lt=year.start, closed_at=None)
        if earlier.exists():
            raise BooksError("earlier_year_open", "Close the earlier fiscal years first.")
        drafts = Entry.objects.filter(
            company=company, state=EntryState.DRAFT, date__gte=year.start, date__lte=year.end
        ).count()
        if drafts:
            raise BooksError(
                "drafts_open",
                f"{drafts} draft entries are dated in this year; post or delete them first.",
            )
        result = (
            Account.objects.filter(company=company, role=Role.RETAINED_EARNINGS).first()
            or Account.objects.filter(company=company, role=Role.RESULT_YEAR).first()
        )
        if result is None:
            raise BooksError(
                "no_account_for_role",
                "No account has the role retained_earnings or result_year; assign one first.",
            )
        balances = (
            Line.objects.filter(
                company=company,
                posted=True,
                date__gte=year.start,
                date__lte=year.end,
                account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE],
            )
            .values("account", "currency")
            .annotate(debit=Sum("debit"), credit=Sum("credit"))
            .order_by("account", "currency")
        )
        accounts = {a.pk: a for a in Account.objects.filter(company=company)}
        lines: list[LineInput] = []
        net: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for row in balances:
            balance = row["debit"] - row["credit"]
            if balance == 0:
                continue
            account = accounts[row["account"]]
            lines.append(
                LineInput(
                    account=account,
                    debit=-balance if balance < 0 else ZERO,
                    credit=balance if balance > 0 else ZERO,
                    currency=row["currency"],
                    description="Year-end closing",
                )
            )
            net[row["currency"]] += balance
        for currency, balance in sorted(net.items()):
            if balance != 0:
                lines.append(
                    LineInput(
                        account=result,
                        debit=balance if balance > 0 else ZERO,
                        credit=-balance if balance < 0 else ZERO,
                        currency=currency,
                        description="Result of the year",
                    )
                )
        closing = None
        if lines:
            closing = entry_book(
                actor=actor,
                company=company,
                journal=journal_for(company=company, kind=JournalKind.GENERAL),
                date=year.end,
                lines=lines,
                memo=f"Year-end closing {year}",
                source=EntrySource.CLOSING,
            )
        start = year.end + datetime.timedelta(days=1)
        fiscal_year_open(company=company, start=start, end=fiscal_year_bounds(company, start)[1])
        year.closed_at = timezone.now()
        year.closed_by = actor
        year.closing_entry = closing
        year.save()
        settings = BooksSettings.objects.select_for_update().get(company=company)
        if settings.lock_date is None or settings.lock_date < year.end:
            settings.lock_date = year.end
            settings.save(update_fields=["lock_date"])
        publish(company, events.SETTINGS, events.settings_payload(settings), Audience.SHARED)
    return year


# --- Allocations (matching receivable/payable lines) ----------------------------------------------


def _unsigned(line: Line, residual: Decimal) -> Decimal:
    """An open item's ledger-signed residual as what remains of the line's own amount."""
    return residual if line.debit > 0 else -residual


def _residual_summed(line: Line) -> Decimal:
    """A line without an open item (not on a receivable or payable account): summed."""
    allocated = Allocation.objects.filter(Q(debit_line=line) | Q(credit_line=line)).aggregate(
        total=Sum("amount")
    )["total"]
    return line.amount - (allocated or ZERO)


def line_residual(line: Line) -> Decimal:
    """What remains open of a line: its amount minus what is allocated to it."""
    residual = OpenItem.objects.filter(line_id=line.pk).values_list("residual", flat=True).first()
    if residual is None:
        return _residual_summed(line)
    return _unsigned(line, residual)


def allocation_record(
    *,
    actor: User | None,
    debit_line: Line,
    credit_line: Line,
    amount: Decimal,
    date: datetime.date | None = None,
) -> Allocation:
    """Match `amount` of a debit line with a credit line (same party, same account), for services
    that decided who may (a bank payment); `allocation_create` is the staff-checked one."""
    amount = _amount(amount, "amount")
    if amount <= 0:
        raise BooksError("bad_amount", "The amount to allocate must be more than zero.")
    with transaction.atomic():
        # Locked in id order (no deadlock between two allocations of the same pair).
        locked = {
            line.pk: line
            for line in Line.objects.select_for_update()
            .filter(pk__in=[debit_line.pk, credit_line.pk])
            .order_by("pk")
        }
        debit, credit = locked[debit_line.pk], locked[credit_line.pk]
        if debit.company_id != credit.company_id:
            raise BooksError("invalid_allocation", "Both lines must be in the same books.")
        if not (debit.posted and credit.posted):
            raise BooksError("invalid_allocation", "Only posted lines can be matched.")
        if not (debit.debit > 0 and credit.credit > 0):
            raise BooksError("invalid_allocation", "Match a debit line with a credit line.")
        if debit.party_id is None or debit.party_id != credit.party_id:
            raise BooksError("invalid_allocation", "Both lines must belong to the same party.")
        if debit.account_id != credit.account_id or debit.currency != credit.currency:
            raise BooksError(
                "invalid_allocation", "Both lines must be on the same account and currency."
            )
        # The open items are what the residual is read from and written to: locked too, so that
        # two concurrent allocations never both see the same open amount.
        items = {
            item.line_id: item
            for item in OpenItem.objects.select_for_update()
            .filter(line_id__in=[debit.pk, credit.pk])
            .order_by("pk")
        }
        open_amount = min(
            _unsigned(line, items[line.pk].residual) if line.pk in items else _residual_summed(line)
            for line in (debit, credit)
        )
        if amount > open_amount:
            raise BooksError(
                "over_allocation", f"Only {open_amount} {debit.currency} is open on these lines."
            )
        allocation = Allocation.objects.create(
            company_id=debit.company_id,
            debit_line=debit,
            credit_line=credit,
            amount=amount,
            date=date or timezone.localdate(),
            created_by=actor,
        )
        for line_id, change in ((debit.pk, -amount), (credit.pk, amount)):
            item = items.get(line_id)
            if item is None:
                continue
            item.residual += change
            item.closed_at = timezone.now() if item.residual == 0 else None
            if item.allocated_until is None or item.allocated_until < allocation.date:
                item.allocated_until = allocation.date
            item.save(update_fields=["residual", "closed_at", "allocated_until"])
        return allocation


def allocation_create(
    *,
    actor: User,
    debit_line: Line,
    credit_line: Line,
    amount: Decimal,
    date: datetime.date | None = None,
) -> Allocation:
    require_staff(actor, debit_line.company)
    return allocation_record(
        actor=actor, debit_line=debit_line, credit_line=credit_line, amount=amount, date=date
    )
