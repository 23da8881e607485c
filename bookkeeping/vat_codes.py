"""VAT codes per country, as data, mapped to the boxes of each country's VAT return.

`books_install` copies them into a company's ledger. A code says which rate applies, which return
boxes its base and its tax feed, and which account (by role) carries the tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bookkeeping.charts import Role


class VatKind(StrEnum):
    STANDARD = "standard"  # a rate > 0 charged in the country
    ZERO = "zero"  # 0 % rated supply (still reported)
    EXEMPT = "exempt"
    INTRA_EU = "intra_eu"  # intra-Community supply or acquisition
    REVERSE_CHARGE = "reverse_charge"
    EXPORT = "export"


class Direction(StrEnum):
    SALES = "sales"
    PURCHASES = "purchases"


@dataclass(frozen=True)
class VatCodeTemplate:
    code: str  # stable within a country, e.g. "S21", "P21", "ICS"
    name: str
    direction: Direction
    kind: VatKind
    rate: Decimal
    base_boxes: tuple[str, ...]  # return boxes the net amount is added to
    tax_boxes: tuple[str, ...]  # return boxes the VAT amount is added to
    # Reverse charge / intra-EU acquisitions: the buyer also owes the VAT (self-assessed).
    self_assessed_boxes: tuple[str, ...] = ()
    tax_account: Role | None = None
    # The UBL / EN 16931 VAT category (S, Z, E, AE, K, G, O) for e-invoices.
    ubl_category: str = "S"


@dataclass(frozen=True)
class ReturnBox:
    code: str
    label: str


def vat_codes_for(country: str) -> tuple[VatCodeTemplate, ...]:
    from bookkeeping.vat import be, no, pl

    codes = {"BE": be.CODES, "PL": pl.CODES, "NO": no.CODES}
    try:
        return codes[country]
    except KeyError:
        raise ValueError(f"No VAT codes for country {country!r}.") from None


def return_boxes_for(country: str) -> tuple[ReturnBox, ...]:
    """The boxes of the country's VAT return, in the order the return lists them."""
    from bookkeeping.vat import be, no, pl

    boxes = {"BE": be.BOXES, "PL": pl.BOXES, "NO": no.BOXES}
    return boxes[country]


def credit_note_box(country: str, box: str) -> str:
    """The box a credit note's amount goes to, for an amount an invoice would put in `box`.

    Belgium reports credit notes in their own grids (48/49, 63/64, 84/85); Poland and Norway
    report them in the invoice's own box with a negative sign, so the box is unchanged.
    """
    from bookkeeping.vat import be, no, pl

    mapping = {"BE": be.CREDIT_NOTE_BOXES, "PL": pl.CREDIT_NOTE_BOXES, "NO": no.CREDIT_NOTE_BOXES}
    return mapping[country].get(box, box)


def default_vat_code(
    country: str, *, direction: Direction, category: str, rate: Decimal
) -> VatCodeTemplate | None:
    """The code to book a line with, given its UBL category and rate (e-invoices, invoice forms).

    Codes are listed with the usual choice first (in Belgium, purchases default to "services and
    other goods", grid 82), so the first match is the default; None when no code fits.
    """
    for template in vat_codes_for(country):
        if (
            template.direction == direction
            and template.ubl_category == category
            and template.rate == rate
        ):
            return template
    return None
