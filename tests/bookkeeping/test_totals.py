"""Invoice totals: per-line nets rounded half-up, VAT rounded once per (category, rate)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from bookkeeping.totals import TotalsAdjustment, TotalsLine, VatSubtotal, invoice_totals


def line(quantity: str, price: str, rate: str = "21", category: str = "S", **kw) -> TotalsLine:
    return TotalsLine(D(quantity), D(price), category, D(rate), **kw)


def test_line_net_rounds_half_up_per_line():
    totals = invoice_totals([line("3", "0.333"), line("1", "0.125"), line("1", "0.135")])
    # 0.999 → 1.00; 0.125 → 0.13 (half-up, where banker's rounding would give 0.12); 0.135 → 0.14
    assert totals.line_nets == (D("1.00"), D("0.13"), D("0.14"))
    assert totals.line_extension == D("1.27")


def test_vat_of_a_tiny_amount_rounds_half_up():
    totals = invoice_totals([line("1", "0.05")])
    # 21 % of 0.05 = 0.0105 → 0.01
    assert totals.vat == (VatSubtotal("S", D("21"), D("0.05"), D("0.01")),)
    assert totals.gross_total == D("0.06")


def test_vat_is_rounded_per_rate_not_per_line():
    totals = invoice_totals([line("1", "0.05")] * 10)
    # Per line: 10 × round(0.0105) = 0.10. Per rate (EN 16931): round(0.50 × 21 %) = 0.105 → 0.11.
    assert totals.vat_total == D("0.11")
    assert totals.net_total == D("0.50")
    assert totals.payable == D("0.61")


def test_many_lines_where_per_line_rounding_drifts():
    lines = [line("1", "1.02", "6")] * 25  # 6 % of 1.02 = 0.0612 → 0.06 per line, 1.50 summed
    totals = invoice_totals(lines)
    assert totals.vat == (VatSubtotal("S", D("6"), D("25.50"), D("1.53")),)


def test_breakdown_per_category_and_rate_with_document_allowances_and_charges():
    totals = invoice_totals(
        [
            line("2", "100", "21"),
            line("1", "50", "6"),
            line("1", "19.99", "0", category="E"),
            line("1", "10", "21.0"),  # 21.0 % is the same rate as 21 %
        ],
        allowances=[TotalsAdjustment(D("20"), "S", D("21"), "Loyalty discount")],
        charges=[TotalsAdjustment(D("5"), "S", D("6"), "Delivery")],
        prepaid=D("100"),
    )
    assert totals.vat == (
        VatSubtotal("S", D("21"), D("190.00"), D("39.90")),
        VatSubtotal("S", D("6"), D("55.00"), D("3.30")),
        VatSubtotal("E", D("0"), D("19.99"), D("0.00")),
    )
    assert totals.line_extension == D("279.99")
    assert totals.allowance_total == D("20.00")
    assert totals.charge_total == D("5.00")
    assert totals.net_total == D("264.99")
    assert totals.vat_total == D("43.20")
    assert totals.gross_total == D("308.19")
    assert totals.prepaid == D("100.00")
    assert totals.payable == D("208.19")


def test_line_allowance_and_price_base_quantity():
    totals = invoice_totals(
        [
            line("3", "9.99", allowance=D("2.97")),  # 29.97 − 2.97
            line("250", "7.50", base_quantity=D("100")),  # 7.50 per hundred metres
        ]
    )
    assert totals.line_nets == (D("27.00"), D("18.75"))
    assert totals.vat == (VatSubtotal("S", D("21"), D("45.75"), D("9.61")),)  # 9.6075


def test_credit_lines_round_symmetrically():
    totals = invoice_totals([line("-1", "0.05"), line("-1", "0.025", "0", category="Z")])
    assert totals.line_nets == (D("-0.05"), D("-0.03"))  # −0.025 → −0.03, away from zero
    assert totals.vat[0].tax == D("-0.01")
    assert totals.payable == D("-0.09")


def test_currency_without_decimals():
    totals = invoice_totals([line("3", "333.5", "25")], currency_decimals=0)
    assert totals.line_nets == (D("1001"),)  # 1000.5 → 1001
    assert totals.vat_total == D("250")  # 250.25 → 250


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=-50, max_value=50, places=3),
            st.decimals(min_value=0, max_value=1000, places=4),
            st.sampled_from(["0", "6", "12", "21", "23", "25", "5.5"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_totals_always_add_up_and_stay_within_a_cent_per_group(rows):
    lines = [TotalsLine(q, p, "S", D(r)) for q, p, r in rows]
    totals = invoice_totals(lines)
    assert totals.line_extension == sum(totals.line_nets)
    assert totals.vat_total == sum(v.tax for v in totals.vat)
    assert totals.gross_total == totals.net_total + totals.vat_total == totals.payable
    for v in totals.vat:
        nets = zip(lines, totals.line_nets, strict=True)
        assert v.base == sum(n for ln, n in nets if ln.vat_rate == v.rate)
        assert abs(v.tax - v.base * v.rate / 100) <= D("0.005")
        assert v.tax.as_tuple().exponent == -2
