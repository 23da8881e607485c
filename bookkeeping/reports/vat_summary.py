"""VAT summary for a period, per VAT code and per box of the country's return.

The base of a code is the `vat_base` of the posted lines carrying it (the VAT line; for a code
without tax, the line that carries the code), signed by the line's side: a credit adds to a sales
code and a debit to a purchases code, so a reversal or a credit note subtracts. The tax is what the
lines on the code's tax account carry, signed the same way. Self-assessed boxes (reverse charge,
intra-Community acquisitions) receive the tax too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum

from server.tenancy.models import Company

from ..models import VatCode
from ..vat_codes import Direction, return_boxes_for
from .common import ZERO, ReportTable, in_company_currency, money


@dataclass(frozen=True)
class VatCodeRow:
    code: str
    name: str
    direction: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class VatBox:
    box: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class VatSummary:
    start: datetime.date
    end: datetime.date
    currency: str
    codes: list[VatCodeRow]
    boxes: list[VatBox]
    vat_due: Decimal  # tax of sales codes + self-assessed tax
    vat_deductible: Decimal  # tax of purchases codes
    balance: Decimal  # due - deductible: > 0 to pay, < 0 to recover


def vat_summary(*, company: Company, start: datetime.date, end: datetime.date) -> VatSummary:
    on_tax_account = Q(account_id=F("vat_code__tax_account_id"))
    rows = (
        in_company_currency(company)
        .filter(date__gte=start, date__lte=end, vat_code__isnull=False)
        .values("vat_code_id")
        .annotate(
            base_credit=Sum("vat_base", filter=Q(credit__gt=0)),
            base_debit=Sum("vat_base", filter=Q(debit__gt=0)),
            tax_credit=Sum("credit", filter=on_tax_account),
            tax_debit=Sum("debit", filter=on_tax_account),
        )
        .order_by()
    )
    sums = {row["vat_code_id"]: row for row in rows}
    codes: list[VatCodeRow] = []
    boxes: dict[str, Decimal] = {}
    due = deductible = ZERO
    for vat in VatCode.objects.filter(company=company, pk__in=list(sums)).order_by("code"):
        row = sums[vat.pk]
        base = money(row["base_credit"]) - money(row["base_debit"])
        tax = money(row["tax_credit"]) - money(row["tax_debit"])
        if vat.direction == Direction.PURCHASES:
            base, tax = -base, -tax
            deductible += tax
            if vat.self_assessed_boxes:
                due += tax
        else:
            due += tax
        codes.append(VatCodeRow(vat.code, vat.name, vat.direction, vat.rate, base, tax))
        for box in vat.base_boxes:
            boxes[box] = boxes.get(box, ZERO) + base
        for box in [*vat.tax_boxes, *vat.self_assessed_boxes]:
            boxes[box] = boxes.get(box, ZERO) + tax
    try:
        known = list(return_boxes_for(company.country))
    except KeyError:
        known = []
    listed = [VatBox(b.code, b.label, boxes.pop(b.code, ZERO)) for b in known]
    listed += [VatBox(code, code, amount) for code, amount in sorted(boxes.items())]
    return VatSummary(
        start=start,
        end=end,
        currency=company.currency,
        codes=codes,
        boxes=listed,
        vat_due=due,
        vat_deductible=deductible,
        balance=due - deductible,
    )


def table(report: VatSummary, company: Company) -> ReportTable:
    rows: list = [[b.box, b.label, b.amount] for b in report.boxes]
    rows.append(["", "", None])
    rows += [[c.code, f"{c.name} (base)", c.base] for c in report.codes]
    rows += [[c.code, f"{c.name} (VAT)", c.tax] for c in report.codes]
    rows.append(["", "VAT due", report.vat_due])
    rows.append(["", "VAT deductible", report.vat_deductible])
    rows.append(["", "To pay (+) / to recover (-)", report.balance])
    return ReportTable(
        title=f"VAT summary — {company.name}",
        subtitle=f"{report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}, {report.currency}",
        headers=["Box", "Label", "Amount"],
        rows=rows,
        money_columns=frozenset({2}),
    )
