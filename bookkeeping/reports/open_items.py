"""Receivables and payables as of a date: what each party still owes (or is owed), aged by days
past due into current / 1-30 / 31-60 / 61-90 / over 90.

An open item is a posted line on the receivable (or payable) account dated up to the date; its
residual is its amount minus the allocations recorded up to the date (allocations to it as the
debit line count against a debit, as the credit line against a credit). An unallocated payment or
credit note is an open item too, with a negative residual. A line without a due date is due on its
date.

The residuals are kept in bookkeeping.models.OpenItem (maintained by posting and allocation).
When no allocation on the side is dated after the date (today's report, the dashboard) the ageing
reads the items still open through the partial index on them; otherwise (an as-of report in the
past, or allocations dated ahead) the allocations after the date are added back to the items that
had them. Portable SQL, so that the embedded SQLite default runs it too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import connection, transaction

from server.tenancy.models import Company

from ..charts import Role
from ..models import Account, Allocation, Line, OpenItemSide, Party
from ..models import OpenItem as OpenItemRow
from .common import ZERO, BadReportInput, ReportTable, money

Side = Literal["receivables", "payables"]
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "over_90")
BUCKET_LABELS = ("Current", "1-30 days", "31-60 days", "61-90 days", "Over 90 days")
# The last day past due of buckets 1-30, 31-60 and 61-90.
_EDGES = (30, 60, 90)
MAX_ITEMS = 5_000


@dataclass
class Ageing:
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in BUCKETS), ZERO)

    def add(self, bucket: int, amount: Decimal) -> None:
        name = BUCKETS[bucket]
        setattr(self, name, getattr(self, name) + amount)


@dataclass
class PartyAgeing:
    party: int | None
    name: str
    ageing: Ageing = field(default_factory=Ageing)
    items: int = 0  # open items (residual not zero)


@dataclass(frozen=True)
class OpenItems:
    side: str
    date: datetime.date
    currency: str
    parties: list[PartyAgeing]
    totals: Ageing


@dataclass(frozen=True)
class OpenItem:
    line: int
    entry: int
    entry_label: str
    party: int | None
    party_name: str
    date: datetime.date
    due_date: datetime.date
    description: str
    amount: Decimal  # signed: > 0 owed to us (receivable) / by us (payable)
    residual: Decimal
    days_past_due: int
    bucket: str


def _account(company: Company, side: Side) -> Account | None:
    role = Role.RECEIVABLE if side == "receivables" else Role.PAYABLE
    return Account.objects.filter(company=company, role=role).first()


def _item_side(side: Side) -> str:
    return OpenItemSide.RECEIVABLE if side == "receivables" else OpenItemSide.PAYABLE


def _allocated_after(company: Company, side: Side, date: datetime.date) -> bool:
    """Whether an item of this side has an allocation dated after `date` (one index probe)."""
    return OpenItemRow.objects.filter(
        company=company, side=_item_side(side), allocated_until__gt=date
    ).exists()


def _residuals_sql(side: Side, allocated_after: bool) -> str:
    """(line id, party id, bucket, residual) of the open items; parameters: company, side,
    account, currency, the as-of date and the bucket edges.

    Without allocations after the date, the items open now are the items open then. With them,
    an item open then is one open now or one allocated after the date, and its residual then is
    the residual now plus those later allocations (ledger-signed, as on the item).
    """
    item, allocation = OpenItemRow._meta.db_table, Allocation._meta.db_table
    sign = "" if side == "receivables" else "-"
    residual, later, still_open = "i.residual", "", "i.residual <> 0"
    if allocated_after:
        residual = "i.residual + COALESCE(a.amount, 0)"
        later = f"""
        LEFT JOIN (SELECT line_id, SUM(amount) AS amount
                   FROM (SELECT debit_line_id AS line_id, amount FROM {allocation}
                         WHERE company_id = %(company)s AND date > %(date)s
                         UNION ALL
                         SELECT credit_line_id, -amount FROM {allocation}
                         WHERE company_id = %(company)s AND date > %(date)s) matched
                   GROUP BY line_id) a
               ON a.line_id = i.line_id"""  # noqa: S608
        still_open = "(i.residual <> 0 OR i.allocated_until > %(date)s)"
    # Only table names, a sign and fixed fragments are formatted in; values are parameters.
    return f"""
        SELECT i.line_id AS line_id, i.party_id AS party_id,
               CASE WHEN i.due_date >= %(date)s THEN 0
                    WHEN i.due_date >= %(edge30)s THEN 1
                    WHEN i.due_date >= %(edge60)s THEN 2
                    WHEN i.due_date >= %(edge90)s THEN 3
                    ELSE 4 END AS bucket,
               {sign}({residual}) AS residual
        FROM {item} i{later}
        WHERE i.company_id = %(company)s AND i.side = %(side)s AND {still_open}
          AND i.account_id = %(account)s AND i.currency = %(currency)s AND i.date <= %(date)s
    """  # noqa: S608


def _params(company: Company, side: Side, account: Account, date: datetime.date) -> dict[str, Any]:
    params: dict[str, Any] = {
        "company": company.pk,
        "side": _item_side(side),
        "account": account.pk,
        "currency": company.currency,
        "date": date,
    }
    for days in _EDGES:
        params[f"edge{days}"] = date - datetime.timedelta(days=days)
    return params


def open_items(*, company: Company, side: Side, date: datetime.date) -> OpenItems:
    """Per party, the residuals by age bucket (parties with nothing open are left out)."""
    account = _account(company, side)
    parties: dict[int | None, PartyAgeing] = {}
    totals = Ageing()
    if account is not None:
        later = _allocated_after(company, side, date)
        sql = f"""
            SELECT party_id, bucket, SUM(residual),
                   SUM(CASE WHEN residual <> 0 THEN 1 ELSE 0 END)
            FROM ({_residuals_sql(side, later)}) open_lines
            GROUP BY party_id, bucket
        """  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            if later and connection.vendor == "postgresql":
                # Hash the later allocations in memory rather than sort them on disk; one
                # process (parallel workers would each rebuild the allocation hash).
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute(sql, _params(company, side, account, date))
            rows = cursor.fetchall()
        names = dict(
            Party.objects.filter(company=company, pk__in={r[0] for r in rows if r[0]}).values_list(
                "id", "name"
            )
        )
        for party_id, bucket, residual, count in rows:
            if not count:
                continue
            amount = money(Decimal(str(residual)))
            entry = parties.setdefault(
                party_id, PartyAgeing(party_id, names.get(party_id, "(no party)"))
            )
            entry.ageing.add(int(bucket), amount)
            entry.items += int(count)
            totals.add(int(bucket), amount)
    ordered = sorted(parties.values(), key=lambda p: (-p.ageing.total, p.name))
    return OpenItems(side, date, company.currency, ordered, totals)


def open_item_list(
    *, company: Company, side: Side, date: datetime.date, party: int | None = None
) -> list[OpenItem]:
    """The open items themselves (of one party when given), oldest due first."""
    account = _account(company, side)
    if account is None:
        return []
    params = _params(company, side, account, date)
    where = ""
    if party is not None:
        where = "AND party_id = %(party)s"
        params["party"] = party
    later = _allocated_after(company, side, date)
    sql = f"""
        SELECT line_id, bucket, residual FROM ({_residuals_sql(side, later)}) open_lines
        WHERE residual <> 0 {where}
        LIMIT {MAX_ITEMS + 1}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {line_id: (int(bucket), money(Decimal(str(r)))) for line_id, bucket, r in cursor}
    if len(rows) > MAX_ITEMS:
        raise BadReportInput(
            "too_many_items", "More than 5,000 items are open; choose one party (?party=<id>)."
        )
    sign = 1 if side == "receivables" else -1
    items = []
    lines = Line.objects.filter(pk__in=list(rows)).select_related(
        "entry__journal", "entry__fiscal_year", "party"
    )
    for line in lines:
        bucket, residual = rows[line.pk]
        due = line.due_date or line.date
        items.append(
            OpenItem(
                line=line.pk,
                entry=line.entry_id,
                entry_label=line.entry.label,
                party=line.party_id,
                party_name=line.party.name if line.party else "(no party)",
                date=line.date,
                due_date=due,
                description=line.description or line.entry.memo,
                amount=sign * (line.debit - line.credit),
                residual=residual,
                days_past_due=max((date - due).days, 0),
                bucket=BUCKETS[bucket],
            )
        )
    items.sort(key=lambda i: (i.due_date, i.line))
    return items


def table(report: OpenItems, company: Company) -> ReportTable:
    rows: list = [
        [p.name, *(getattr(p.ageing, name) for name in BUCKETS), p.ageing.total]
        for p in report.parties
    ]
    rows.append(["Total", *(getattr(report.totals, name) for name in BUCKETS), report.totals.total])
    return ReportTable(
        title=f"{report.side.capitalize()} — {company.name}",
        subtitle=f"Open items as of {report.date:%Y-%m-%d}, {report.currency}",
        headers=["Party", *BUCKET_LABELS, "Total"],
        rows=rows,
        money_columns=frozenset(range(1, 7)),
    )
