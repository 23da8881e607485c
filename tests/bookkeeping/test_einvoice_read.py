"""Reading Peppol BIS 3 UBL invoices and credit notes: the shared samples, and bad files refused."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from bookkeeping.einvoice import EInvoiceError, buyer_is, einvoice_read, normalise_vat
from bookkeeping.einvoice.read import MAX_BYTES

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ubl"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/data/ubl")
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="the shared UBL samples are absent")


def read(name: str):
    return einvoice_read((DATA / name).read_bytes())


def shared(name: str):
    return einvoice_read((SHARED / name).read_bytes())


def refused(data: bytes) -> EInvoiceError:
    with pytest.raises(EInvoiceError) as caught:
        einvoice_read(data)
    return caught.value


# --- the shared samples, with the totals /work/shared/data/README.md gives -----------------------


@needs_shared
def test_every_shared_sample_reads():
    files = sorted(SHARED.glob("*.xml"))
    assert len(files) == 6
    for path in files:
        assert einvoice_read(path.read_bytes()).lines, path.name


@needs_shared
def test_openpeppol_base_example():
    inv = shared("openpeppol_base-example.xml")
    assert (inv.kind, inv.number, inv.currency) == ("invoice", "Snippet1", "EUR")
    assert (inv.issue_date, inv.due_date) == (dt.date(2017, 11, 13), dt.date(2017, 12, 1))
    assert inv.buyer_reference == "0150abc"
    assert inv.seller.vat_number == "GB1232434"
    assert inv.seller.country == "GB" and inv.buyer.country == "SE"
    assert [line.net_amount for line in inv.lines] == [D("2800"), D("-1500")]
    assert sum(line.net_amount for line in inv.lines) == D("1300")
    assert len(inv.charges) == 1 and inv.charges[0].amount == D("25")
    assert inv.charges[0].reason == "Insurance" and inv.allowances == ()
    [vat] = inv.vat_breakdown
    assert (vat.category, vat.rate, vat.base, vat.tax) == ("S", D("25"), D("1325"), D("331.25"))
    t = inv.totals
    assert (t.line_extension, t.charge_total, t.tax_exclusive) == (D(1300), D(25), D(1325))
    assert (t.tax_total, t.tax_inclusive, t.payable) == (D("331.25"), D("1656.25"), D("1656.25"))
    assert inv.payment is not None
    assert (inv.payment.means_code, inv.payment.payment_id) == ("30", "Snippet1")
    # A placeholder, not a valid IBAN: reading does not validate it.
    assert inv.payment.iban == "IBAN32423940"
    assert inv.customization_id.endswith("poacc:billing:3.0")


@needs_shared
def test_openpeppol_credit_note_correcting_snippet1():
    inv = shared("openpeppol_base-creditnote-correction.xml")
    assert (inv.kind, inv.number, inv.billing_reference) == ("credit_note", "Snippet1", "Snippet1")
    assert inv.due_date is None
    assert [line.quantity for line in inv.lines] == [D(7), D(-3)]
    assert [line.unit_code for line in inv.lines] == ["DAY", "DAY"]
    assert inv.totals.tax_total == D("331.25") and inv.totals.payable == D("1656.25")


@needs_shared
def test_norwegian_example_with_prepaid_rounding_and_three_vat_groups():
    inv = shared("openpeppol_NO_Norwegian-example-1.xml")
    assert (inv.number, inv.currency, inv.due_date) == ("TOSL108", "NOK", dt.date(2013, 7, 20))
    assert inv.seller.vat_number == "NO123456785MVA"
    assert inv.seller.tax_registration == "Foretaksregisteret"
    assert (inv.seller.endpoint_scheme, inv.seller.endpoint_id) == ("0192", "123456785")
    assert inv.buyer.vat_number == "NO987654325MVA"
    assert len(inv.lines) == 5 and inv.totals.line_extension == D("1436.5")
    assert (inv.lines[0].allowance, inv.lines[0].charge) == (D(12), D(12))
    assert inv.lines[4].quantity == D(250) and inv.lines[4].unit_code == "MTR"
    assert [a.amount for a in inv.allowances] == [D(100)]
    assert [c.amount for c in inv.charges] == [D(100)]
    groups = {(b.category, b.rate): (b.base, b.tax) for b in inv.vat_breakdown}
    assert groups == {
        ("S", D(25)): (D("1460.5"), D("365.13")),
        ("S", D(15)): (D(1), D("0.15")),
        ("E", D(0)): (D(-25), D(0)),
    }
    exempt = next(b for b in inv.vat_breakdown if b.category == "E")
    assert exempt.exemption_reason == "Exempt New Means of Transport"
    t = inv.totals
    assert (t.tax_total, t.tax_inclusive) == (D("365.28"), D("1801.78"))
    assert (t.prepaid, t.rounding, t.payable) == (D(1000), D("0.22"), D("802.00"))
    assert inv.payment is not None
    assert inv.payment.means_code == "31"
    assert (inv.payment.payment_id, inv.payment.iban) == ("0003434323213231", "NO9386011117947")
    assert buyer_is(inv, vat_number="987654325", country="NO")
    assert buyer_is(inv, vat_number="NO 987 654 325 MVA", country="NO")
    assert not buyer_is(inv, vat_number="123456785", country="NO")  # that is the seller


@needs_shared
def test_belgian_minimal_invoice_whose_buyer_fails_its_check_digits():
    inv = shared("odoo_BEG_testcase01_minimal_invoice.xml")
    assert (inv.number, inv.issue_date) == ("2019000001", dt.date(2018, 4, 9))
    assert inv.seller.name == "Demo Shop NV" and inv.seller.vat_number == "BE0123456749"
    # BE0214168947 fails mod-97: reading checks structure and totals, not check digits.
    assert inv.buyer.vat_number == "BE0214168947"
    assert inv.buyer.endpoint_scheme == "9956"
    assert [(line.quantity, line.unit_price, line.vat_rate) for line in inv.lines] == [
        (D(40), D(60), D(21)),
        (D(10), D(20), D(6)),
    ]
    assert [(b.rate, b.tax) for b in inv.vat_breakdown] == [(D(21), D(504)), (D(6), D(12))]
    t = inv.totals
    assert (t.line_extension, t.tax_total, t.tax_inclusive, t.payable) == (
        D(2600), D(516), D(3116), D(3116)
    )  # fmt: skip
    assert inv.payment is not None
    assert (inv.payment.iban, inv.payment.bic) == ("BE54000000000097", "BPOTBEB1")
    assert buyer_is(inv, vat_number="BE 0214.168.947", country="BE")


@needs_shared
def test_belgian_credit_note_for_empties_with_exempt_category():
    inv = shared("odoo_BEG_testcase04_creditnote_consumer_empties.xml")
    assert (inv.kind, inv.number, inv.billing_reference) == (
        "credit_note", "2019000004", "2019000002"
    )  # fmt: skip
    assert inv.payment is None and inv.due_date is None
    [line] = inv.lines
    assert (line.name, line.net_amount, line.vat_category) == (
        "Leeggoed/Vidange/Empties", D("4.50"), "E"
    )  # fmt: skip
    [vat] = inv.vat_breakdown
    assert (vat.category, vat.rate, vat.base, vat.tax) == ("E", D(0), D("4.5"), D(0))
    assert vat.exemption_reason.startswith("Leeggoed/Vidange/Empties")
    t = inv.totals
    assert (t.line_extension, t.tax_exclusive, t.tax_inclusive, t.payable) == (D("4.5"),) * 4
    assert t.tax_total == 0


@needs_shared
def test_usd_invoice_with_a_second_tax_total_in_eur():
    inv = shared("odoo_BEG_testcase11_invoice_in_usd_and_eur_vat_6_and_vat_21.xml")
    assert (inv.number, inv.currency, inv.tax_currency) == ("INV/2018/00001", "USD", "EUR")
    assert [(b.rate, b.tax) for b in inv.vat_breakdown] == [
        (D(21), D("3272.22")),
        (D(6), D("6.00")),
    ]
    t = inv.totals
    # BR-CO-15 uses the TaxTotal in the document currency, not the EUR one.
    assert (t.tax_total, t.tax_total_in_tax_currency) == (D("3278.22"), D("2937.08"))
    assert (t.line_extension, t.tax_inclusive, t.prepaid, t.payable) == (
        D("15682.00"), D("18960.22"), D(0), D("18960.22")
    )  # fmt: skip
    assert inv.lines[1].unit_code == "DZN"
    assert (inv.seller.endpoint_scheme, inv.seller.endpoint_id) == ("0208", "0123456749")
    assert inv.payment is not None and inv.payment.payment_id == "INV/2018/00001"


# --- our own fixtures --------------------------------------------------------------------------


def test_minimal_invoice_reads_completely():
    inv = read("minimal_invoice.xml")
    assert (inv.kind, inv.number, inv.buyer_reference) == ("invoice", "F2025-017", "PO-88")
    assert inv.seller.name == "Imprimerie Lumière SRL"
    assert (inv.seller.street, inv.seller.city, inv.seller.postcode) == (
        "Rue Haute 1", "Bruxelles", "1000"
    )  # fmt: skip
    assert inv.totals.tax_total == D("22.13") and inv.totals.payable == D("140.93")
    assert inv.payment is not None
    assert (inv.payment.means_code, inv.payment.payment_id) == ("58", "+++090/9337/55493+++")


def test_buyer_is_compares_normalised_numbers():
    inv = read("minimal_invoice.xml")  # buyer VAT written "BE 0403.170.701"
    assert buyer_is(inv, vat_number="BE0403170701", country="BE")
    assert buyer_is(inv, vat_number="0403.170.701", country="BE")
    assert buyer_is(inv, vat_number="403170701", country="BE")  # the old 9-digit form
    assert not buyer_is(inv, vat_number="BE0123456749", country="BE")  # the seller
    assert not buyer_is(inv, vat_number="NL0403170701B01", country="BE")
    assert not buyer_is(inv, vat_number="", country="BE")


def test_normalise_vat():
    assert normalise_vat("BE 0123.456.749", "BE") == "0123456749"
    assert normalise_vat("NO123456785MVA", "NO") == "123456785"
    assert normalise_vat("123 456 785", "NO") == "123456785"
    assert normalise_vat("PL 526-000-12-46", "PL") == "5260001246"
    assert normalise_vat("12345", "BE") == ""  # not a Belgian number's shape
    assert normalise_vat("DE123456789", "BE") == "DE123456789"  # another country's: kept apart


def test_totals_that_do_not_add_up_are_refused_naming_both_numbers():
    error = refused((DATA / "bad_totals.xml").read_bytes())
    assert error.code == "totals_mismatch"
    assert "141.93" in error.message and "140.93" in error.message
    assert "amount due" in error.message and "BR-CO-16" in error.message
    assert error.details == {"rule": "BR-CO-16", "stated": "141.93", "computed": "140.93"}


@pytest.mark.parametrize(
    ("old", "new", "rule", "numbers"),
    [
        # A line net that is not quantity × price (line 2: 4 × 4.70).
        (">18.80</cbc:LineExtensionAmount>", ">19.80</cbc:LineExtensionAmount>",
         "PEPPOL-EN16931-R120", ("19.80", "18.80")),
        # Σ lines ≠ LineExtensionAmount.
        ("<cbc:LineExtensionAmount currencyID=\"EUR\">118.80</cbc:LineExtensionAmount>",
         "<cbc:LineExtensionAmount currencyID=\"EUR\">118.70</cbc:LineExtensionAmount>",
         "BR-CO-10", ("118.70", "118.80")),
        # TaxAmount ≠ Σ breakdown.
        ("<cbc:TaxAmount currencyID=\"EUR\">22.13</cbc:TaxAmount>",
         "<cbc:TaxAmount currencyID=\"EUR\">22.12</cbc:TaxAmount>", "BR-CO-14", ("22.12", "22.13")),
        # TaxInclusive ≠ TaxExclusive + TaxAmount.
        ("<cbc:TaxInclusiveAmount currencyID=\"EUR\">140.93",
         "<cbc:TaxInclusiveAmount currencyID=\"EUR\">140.94", "BR-CO-15", ("140.94", "140.93")),
        # A breakdown base that is not its lines' sum.
        ("<cbc:TaxableAmount currencyID=\"EUR\">18.80</cbc:TaxableAmount>",
         "<cbc:TaxableAmount currencyID=\"EUR\">18.00</cbc:TaxableAmount>", "BR-S-08",
         ("18.00", "18.80")),
    ],
)  # fmt: skip
def test_each_totals_rule_is_checked(old, new, rule, numbers):
    xml = (DATA / "minimal_invoice.xml").read_text()
    assert old in xml
    error = refused(xml.replace(old, new, 1).encode())
    assert (error.code, error.details["rule"]) == ("totals_mismatch", rule)
    assert all(n in error.message for n in numbers), error.message


def test_lines_without_a_vat_breakdown_are_refused():
    xml = (DATA / "minimal_invoice.xml").read_text()
    six = r"<cac:TaxSubtotal>(?:(?!</cac:TaxSubtotal>).)*>6</cbc:Percent>.*?</cac:TaxSubtotal>"
    xml = re.sub(six, "", xml, flags=re.S)
    xml = xml.replace(">22.13<", ">21.00<").replace(">140.93<", ">139.80<")
    error = refused(xml.encode())
    assert error.code == "totals_mismatch"
    assert "no VAT breakdown" in error.message and "BR-S-01" in error.message


def test_cii_file_is_an_unknown_format():
    error = refused((DATA / "cii_invoice.xml").read_bytes())
    assert error.code == "unknown_format" and "CII" in error.message


def test_other_xml_is_an_unknown_format():
    error = refused(b"<?xml version='1.0'?><Order xmlns='urn:x'><ID>1</ID></Order>")
    assert error.code == "unknown_format" and "<Order>" in error.message


@pytest.mark.parametrize(
    "data", [(DATA / "not_xml.pdf").read_bytes(), b"", b"   ", b"hello", b"<a>"]
)
def test_not_xml_is_refused(data):
    assert refused(data).code == "not_xml"


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_entity_attacks_are_refused_unexpanded(name):
    error = refused((DATA / name).read_bytes())
    assert error.code == "unsafe_xml"
    assert "root:" not in error.message and "lol" not in error.message


def test_an_internal_entity_alone_is_refused_too():
    xml = (DATA / "minimal_invoice.xml").read_text()
    doc = xml.replace("<Invoice ", '<!DOCTYPE Invoice [<!ENTITY n "F-1">]>\n<Invoice ', 1)
    assert refused(doc.replace(">F2025-017<", ">&n;<").encode()).code == "unsafe_xml"


def test_oversized_input_is_refused_before_parsing():
    error = refused(b"<" + b"x" * MAX_BYTES)
    assert error.code == "too_large" and "10 MB" in error.message


def test_missing_invoice_number_is_named():
    error = refused((DATA / "missing_number.xml").read_bytes())
    assert error.code == "missing_field"
    assert error.message == "The invoice has no number (<ID>)."


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("<cac:LegalMonetaryTotal>", "<cac:Ignored>", "missing_field", "totals"),
        ("<cac:AccountingCustomerParty>", "<cac:Ignored>", "missing_field", "buyer"),
        ("<cbc:IssueDate>2025-03-14<", "<cbc:IssueDate>14/03/2025<", "bad_value", "issue date"),
        ('<cbc:PriceAmount currencyID="EUR">0.20<', '<cbc:PriceAmount currencyID="EUR">NaN<',
         "bad_value", "not a number"),
        ('<cbc:PayableAmount currencyID="EUR">', '<cbc:PayableAmount currencyID="USD">',
         "wrong_currency", "USD"),
    ],
)  # fmt: skip
def test_structural_faults_get_one_clear_sentence(old, new, code, words):
    xml = (DATA / "minimal_invoice.xml").read_text()
    closing = old.replace("<", "</", 1) if old.endswith(">") and "=" not in old else None
    xml = xml.replace(old, new, 1)
    if closing and new == "<cac:Ignored>":
        xml = xml.replace(closing, "</cac:Ignored>", 1)
    error = refused(xml.encode())
    assert error.code == code
    assert words in error.message
    assert error.message.endswith(".") and "\n" not in error.message
