"""Writing Peppol BIS 3 UBL: what is written reads back equal, in the schema's shape."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from defusedxml import ElementTree as ET
from hypothesis import given, settings
from hypothesis import strategies as st

from bookkeeping.einvoice import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    EAllowanceCharge,
    EInvoice,
    EInvoiceError,
    ELine,
    EParty,
    EPayment,
    ETotals,
    EVatBreakdown,
    einvoice_read,
    einvoice_write,
)
from bookkeeping.einvoice.read import CAC, CBC, CREDIT_NOTE_NS, INVOICE_NS
from bookkeeping.totals import TotalsLine, invoice_totals

NS = {"cac": CAC, "cbc": CBC}

SELLER_PL = EParty(
    name="Piekarnia Łódzka Sp. z o.o.",
    vat_number="PL5260001246",
    registration_id="0000012345",
    endpoint_id="PL5260001246",
    endpoint_scheme="9945",
    country="PL",
    street="ul. Żółkiewskiego 12",
    city="Łódź",
    postcode="90-001",
    email="biuro@piekarnia.example",
)
BUYER_NO = EParty(
    name="Bærum Bakeri AS",
    vat_number="NO123456785MVA",
    registration_id="123456785",
    registration_scheme="0192",
    endpoint_id="123456785",
    endpoint_scheme="0192",
    country="NO",
    street="Størgata 5",
    additional_street="Bakgården",
    city="Tromsø",
    postcode="9008",
    trade_name="Bærum Bakeri",
    tax_registration="Foretaksregisteret",
)
SELLER_BE = EParty(
    name="Imprimerie Lumière SRL",
    vat_number="BE0123456749",
    registration_id="0123456749",
    registration_scheme="0208",
    endpoint_id="0123456749",
    endpoint_scheme="0208",
    country="BE",
    city="Liège",
)
BUYER_BE = EParty(
    name="Boulangerie Dupont SA",
    vat_number="BE0403170701",
    endpoint_id="0403170701",
    endpoint_scheme="0208",
    country="BE",
)


def build(
    kind: str = "invoice",
    *,
    seller: EParty = SELLER_BE,
    buyer: EParty = BUYER_BE,
    rows: list[tuple[str, str, str, str]] | None = None,
    allowances: tuple[EAllowanceCharge, ...] = (),
    charges: tuple[EAllowanceCharge, ...] = (),
    prepaid: D = D(0),
    currency: str = "EUR",
    **fields,
) -> EInvoice:
    """An invoice whose totals come from bookkeeping.totals, as the export service will do."""
    rows = rows or [("Flyers A5", "500", "0.20", "21"), ("Recipe book", "4", "4.70", "6")]
    totals_lines = [TotalsLine(D(q), D(p), "S", D(r)) for _, q, p, r in rows]
    t = invoice_totals(totals_lines, allowances=allowances, charges=charges, prepaid=prepaid)
    lines = tuple(
        ELine(
            id=str(i),
            name=name,
            quantity=D(q),
            unit_price=D(p),
            net_amount=net,
            vat_category="S",
            vat_rate=D(r),
        )
        for i, ((name, q, p, r), net) in enumerate(zip(rows, t.line_nets, strict=True), start=1)
    )
    return EInvoice(
        kind=kind,  # type: ignore[arg-type]
        number=fields.pop("number", "F2025-0042"),
        issue_date=dt.date(2025, 3, 14),
        currency=currency,
        seller=seller,
        buyer=buyer,
        lines=lines,
        allowances=allowances,
        charges=charges,
        vat_breakdown=tuple(EVatBreakdown(v.category, v.rate, v.base, v.tax) for v in t.vat),
        totals=ETotals(
            line_extension=t.line_extension,
            allowance_total=t.allowance_total,
            charge_total=t.charge_total,
            tax_exclusive=t.net_total,
            tax_total=t.vat_total,
            tax_inclusive=t.gross_total,
            prepaid=t.prepaid,
            payable=t.payable,
        ),
        **fields,
    )


def test_invoice_round_trips_equal():
    invoice = build(
        due_date=dt.date(2025, 4, 13),
        buyer_reference="PO-88",
        order_reference="ORD-7",
        note="Merci pour votre commande.",
        payment_terms="30 days net",
        payment=EPayment("58", "+++090/9337/55493+++", "BE68539007547034", "GKCCBEBB", "Lumière"),
    )
    data = einvoice_write(invoice)
    assert einvoice_read(data) == invoice


def test_credit_note_round_trips_equal_with_its_due_date_in_payment_means():
    credit = build(
        "credit_note",
        number="CN-3",
        billing_reference="F2025-0042",
        due_date=dt.date(2025, 4, 1),
        payment=EPayment("30", "CN-3", "BE68539007547034"),
    )
    data = einvoice_write(credit)
    root = ET.fromstring(data)
    assert root.tag == f"{{{CREDIT_NOTE_NS}}}CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert root.find("cbc:DueDate", NS) is None
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2025-04-01"
    assert len(root.findall("cac:CreditNoteLine/cbc:CreditedQuantity", NS)) == 2
    assert root.find("cac:InvoiceLine", NS) is None
    assert einvoice_read(data) == credit


def test_non_ascii_names_survive_polish_to_norwegian():
    invoice = build(
        seller=SELLER_PL,
        buyer=BUYER_NO,
        currency="PLN",
        rows=[("Chleb żytni „Łódzki”", "10", "12.50", "23"), ("Kaffe og bløtkake", "1", "99", "8")],
        note="Zażółć gęślą jaźń — æøå ÆØÅ",
        buyer_reference="Ærlig talt",
    )
    data = einvoice_write(invoice)
    assert "Żółkiewskiego".encode() in data and "Tromsø".encode() in data
    back = einvoice_read(data)
    assert back == invoice
    assert back.buyer.name == "Bærum Bakeri AS" and back.lines[0].name == "Chleb żytni „Łódzki”"


def test_several_vat_rates_allowances_charges_and_prepaid():
    invoice = build(
        rows=[
            ("Paper", "3", "0.333", "21"),
            ("Books", "7", "10.07", "6"),
            ("Food", "12", "1.13", "12"),
            ("Toner", "1", "0.05", "21"),
        ],
        allowances=(EAllowanceCharge(D("5.00"), "S", D("21"), "Loyalty", "95"),),
        charges=(EAllowanceCharge(D("7.50"), "S", D("6"), "Delivery", "FC"),),
        prepaid=D("20"),
        order_reference="ORD-9",
    )
    assert len(invoice.vat_breakdown) == 3
    assert invoice.totals.payable == invoice.totals.tax_inclusive - D(20)
    data = einvoice_write(invoice)
    assert einvoice_read(data) == invoice
    root = ET.fromstring(data)
    percents = root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", NS)
    assert [p.text for p in percents] == ["21", "6", "12"]


def test_foreign_currency_invoice_keeps_its_tax_currency_total():
    invoice = build(currency="USD", tax_currency="EUR")
    invoice = dataclasses.replace(
        invoice, totals=dataclasses.replace(invoice.totals, tax_total_in_tax_currency=D("20.50"))
    )
    data = einvoice_write(invoice)
    root = ET.fromstring(data)
    amounts = [
        (e.text, e.get("currencyID")) for e in root.findall("cac:TaxTotal/cbc:TaxAmount", NS)
    ]
    assert amounts == [("22.13", "USD"), ("20.50", "EUR")]
    assert einvoice_read(data) == invoice


def test_line_allowance_and_price_base_quantity_round_trip():
    base = build()
    line = dataclasses.replace(
        base.lines[0],
        quantity=D("250"),
        unit_price=D("0.4"),
        base_quantity=D("1"),
        allowance=D("2.00"),
        charge=D("1.00"),
        net_amount=D("99.00"),
        unit_code="MTR",
        description="Cable, Cat5, per metre",
    )
    invoice = dataclasses.replace(
        base,
        lines=(line, base.lines[1]),
        vat_breakdown=(
            EVatBreakdown("S", D(21), D("99.00"), D("20.79")),
            base.vat_breakdown[1],
        ),
        totals=dataclasses.replace(
            base.totals,
            line_extension=D("117.80"),
            tax_exclusive=D("117.80"),
            tax_total=D("21.92"),
            tax_inclusive=D("139.72"),
            payable=D("139.72"),
        ),
    )
    assert einvoice_read(einvoice_write(invoice)) == invoice


def test_xml_has_the_peppol_shape():
    data = einvoice_write(build(payment=EPayment("58", "REF", "BE68539007547034")))
    assert data.startswith(b"<?xml")
    root = ET.fromstring(data)
    assert root.tag == f"{{{INVOICE_NS}}}Invoice"
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID
    assert root.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    # Top-level elements in the UBL 2.1 Invoice schema order.
    order = [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "InvoiceTypeCode",
        "DocumentCurrencyCode", "AccountingSupplierParty", "AccountingCustomerParty",
        "PaymentMeans", "TaxTotal", "LegalMonetaryTotal", "InvoiceLine", "InvoiceLine",
    ]  # fmt: skip
    assert [child.tag.split("}")[1] for child in root] == order
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert party is not None
    assert [child.tag.split("}")[1] for child in party] == [
        "EndpointID", "PostalAddress", "PartyTaxScheme", "PartyLegalEntity"
    ]  # fmt: skip
    endpoint = party.find("cbc:EndpointID", NS)
    assert endpoint is not None and endpoint.get("schemeID") == "0208"
    assert party.findtext("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID", namespaces=NS) == "VAT"
    # Every amount has its currency and two decimals.
    for amount in root.iter():
        if amount.tag.endswith("Amount") and not amount.tag.endswith("PriceAmount"):
            assert amount.get("currencyID") == "EUR", amount.tag
            assert len(amount.text.split(".")[1]) == 2, (amount.tag, amount.text)
    assert root.findtext("cac:PaymentMeans/cbc:PaymentMeansCode", namespaces=NS) == "58"
    iban = root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS)
    assert iban == "BE68539007547034"


@pytest.mark.parametrize(
    ("party", "scheme", "identifier"),
    [
        (EParty("BE SA", vat_number="BE 0403.170.701", country="BE"), "0208", "0403170701"),
        (EParty("NO AS", vat_number="NO123456785MVA", country="NO"), "0192", "123456785"),
        (EParty("NO AS", registration_id="123 456 785", country="NO"), "0192", "123456785"),
        (EParty("PL sp", vat_number="PL 526-000-12-46", country="PL"), "9945", "PL5260001246"),
        (EParty("DE GmbH", vat_number="DE123456789", country="DE"), "9930", "DE123456789"),
    ],
)
def test_endpoint_derived_when_the_party_has_none(party, scheme, identifier):
    root = ET.fromstring(einvoice_write(build(seller=party)))
    endpoint = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.get("schemeID"), endpoint.text) == (scheme, identifier)


def test_a_party_without_any_address_is_refused():
    with pytest.raises(EInvoiceError) as caught:
        einvoice_write(build(buyer=EParty("Jan Kowalski", country="US")))
    assert caught.value.code == "missing_field" and "Jan Kowalski" in caught.value.message


def test_written_file_passes_the_readers_totals_checks_at_scale():
    rows = [(f"Item {i}", str(1 + i % 7), f"{(i * 37) % 1000 / 100:.2f}", "21" if i % 3 else "6")
            for i in range(200)]  # fmt: skip
    invoice = build(rows=rows)
    assert einvoice_read(einvoice_write(invoice)) == invoice


_text = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(_text, min_size=1, max_size=6),
    quantities=st.lists(st.decimals(min_value=-99, max_value=999, places=2), min_size=6),
    prices=st.lists(st.decimals(min_value=0, max_value=9999, places=4), min_size=6),
    rates=st.lists(st.sampled_from(["0", "5", "6", "8", "12", "21", "23", "25"]), min_size=6),
    party_name=_text,
    kind=st.sampled_from(["invoice", "credit_note"]),
)
def test_any_built_invoice_round_trips(names, quantities, prices, rates, party_name, kind):
    columns = zip(
        names, quantities[: len(names)], prices[: len(names)], rates[: len(names)], strict=True
    )
    rows = [(name, str(q), str(p), r) for name, q, p, r in columns]
    invoice = build(kind, rows=rows, buyer=dataclasses.replace(BUYER_BE, name=party_name))
    assert einvoice_read(einvoice_write(invoice)) == invoice
