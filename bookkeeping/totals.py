"""Invoice totals the EN 16931 way: VAT is rounded once per (category, rate), never per line.

Line net = quantity × unit price, rounded half-up to the currency's smallest unit, then minus the
line's allowance plus its charge. The VAT breakdown groups the line nets (and the document-level
allowances and charges of the same category and rate) and rounds base × rate / 100 once per group.
Rounding per line instead can differ by a cent per line: 10 lines of 0.05 at 21 % are 10 × 0.01
per line, but 0.11 on the sum of 0.50.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TotalsLine:
    quantity: Decimal
    unit_price: Decimal  # net of any price discount, per `base_quantity` units
    vat_category: str  # UNCL5305: S, Z, E, AE, K, G, O
    vat_rate: Decimal  # percent, e.g. Decimal("21")
    allowance: Decimal = ZERO  # a line-level discount amount
    charge: Decimal = ZERO
    base_quantity: Decimal = Decimal(1)


class Adjustment(Protocol):
    """A document-level allowance or charge (TotalsAdjustment, einvoice.EAllowanceCharge, ...)."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def vat_category(self) -> str: ...
    @property
    def vat_rate(self) -> Decimal: ...


@dataclass(frozen=True)
class TotalsAdjustment:
    amount: Decimal
    vat_category: str
    vat_rate: Decimal
    reason: str = ""


@dataclass(frozen=True)
class VatSubtotal:
    category: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    line_nets: tuple[Decimal, ...]  # in the order of the lines
    vat: tuple[VatSubtotal, ...]  # in the order each (category, rate) first appears
    line_extension: Decimal  # Σ line nets
    allowance_total: Decimal
    charge_total: Decimal
    net_total: Decimal  # tax exclusive: line_extension − allowances + charges
    vat_total: Decimal
    gross_total: Decimal  # tax inclusive
    prepaid: Decimal
    payable: Decimal


def money_round(amount: Decimal, currency_decimals: int = 2) -> Decimal:
    """Half-up (away from zero on a tie, so −0.005 → −0.01) to the currency's smallest unit."""
    return amount.quantize(Decimal(1).scaleb(-currency_decimals), rounding=ROUND_HALF_UP)


def line_net(line: TotalsLine, currency_decimals: int = 2) -> Decimal:
    gross = money_round(line.quantity * line.unit_price / line.base_quantity, currency_decimals)
    return (
        gross
        - money_round(line.allowance, currency_decimals)
        + money_round(line.charge, currency_decimals)
    )


def invoice_totals(
    lines: Sequence[TotalsLine],
    *,
    allowances: Iterable[Adjustment] = (),
    charges: Iterable[Adjustment] = (),
    prepaid: Decimal | int = 0,
    currency_decimals: int = 2,
) -> Totals:
    def r(amount: Decimal) -> Decimal:
        return money_round(amount, currency_decimals)

    allowances = tuple(allowances)
    charges = tuple(charges)
    nets = tuple(line_net(line, currency_decimals) for line in lines)

    # Decimal("21") and Decimal("21.0") are equal and hash alike, so they share one group.
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for line, net in zip(lines, nets, strict=True):
        key = (line.vat_category, line.vat_rate)
        bases[key] = bases.get(key, ZERO) + net
    for sign, adjustments in ((-1, allowances), (1, charges)):
        for adj in adjustments:
            key = (adj.vat_category, adj.vat_rate)
            bases[key] = bases.get(key, ZERO) + sign * r(adj.amount)

    vat = tuple(
        VatSubtotal(category=category, rate=rate, base=r(base), tax=r(base * rate / HUNDRED))
        for (category, rate), base in bases.items()
    )
    line_extension = r(sum(nets, ZERO))
    allowance_total = sum((r(a.amount) for a in allowances), ZERO)
    charge_total = sum((r(c.amount) for c in charges), ZERO)
    net_total = line_extension - allowance_total + charge_total
    vat_total = sum((v.tax for v in vat), ZERO)
    gross_total = net_total + vat_total
    prepaid_amount = r(Decimal(prepaid))
    return Totals(
        line_nets=nets,
        vat=vat,
        line_extension=line_extension,
        allowance_total=allowance_total,
        charge_total=charge_total,
        net_total=net_total,
        vat_total=r(vat_total),
        gross_total=r(gross_total),
        prepaid=prepaid_amount,
        payable=r(gross_total - prepaid_amount),
    )
