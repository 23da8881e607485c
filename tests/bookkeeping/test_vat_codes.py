"""VAT codes per country: the rates the issue lists, boxes that exist, accounts that exist."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bookkeeping.charts import Role, chart_for
from bookkeeping.vat_codes import (
    Direction,
    VatCodeTemplate,
    VatKind,
    credit_note_box,
    default_vat_code,
    return_boxes_for,
    vat_codes_for,
)

COUNTRIES = ("BE", "PL", "NO")
UBL_CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O"}


def _codes(country: str) -> dict[str, VatCodeTemplate]:
    return {c.code: c for c in vat_codes_for(country)}


def _rates(country: str, direction: Direction, kind: VatKind | None = None) -> set[Decimal]:
    return {
        c.rate
        for c in vat_codes_for(country)
        if c.direction == direction and (kind is None or c.kind == kind)
    }


@pytest.mark.parametrize(
    ("country", "rates"),
    [
        ("BE", {"21", "12", "6", "0"}),
        ("PL", {"23", "8", "5", "0"}),
        ("NO", {"25", "15", "12", "0"}),
    ],
)
def test_every_rate_of_the_issue_exists_for_sales(country: str, rates: set[str]) -> None:
    assert {Decimal(r) for r in rates} <= _rates(country, Direction.SALES)
    standard = {Decimal(r) for r in rates} - {Decimal(0)}
    assert standard <= _rates(country, Direction.PURCHASES, VatKind.STANDARD)
    assert standard == _rates(country, Direction.SALES, VatKind.STANDARD)


@pytest.mark.parametrize("country", COUNTRIES)
def test_kinds_present(country: str) -> None:
    kinds = {(c.direction, c.kind) for c in vat_codes_for(country)}
    assert (Direction.SALES, VatKind.EXEMPT) in kinds
    assert (Direction.SALES, VatKind.EXPORT) in kinds
    assert (Direction.SALES, VatKind.ZERO) in kinds
    assert (Direction.PURCHASES, VatKind.REVERSE_CHARGE) in kinds
    if country != "NO":  # Norway is outside the EU
        assert (Direction.SALES, VatKind.INTRA_EU) in kinds
        assert (Direction.PURCHASES, VatKind.INTRA_EU) in kinds


@pytest.mark.parametrize("country", COUNTRIES)
def test_codes_unique_and_well_formed(country: str) -> None:
    codes = vat_codes_for(country)
    assert len({c.code for c in codes}) == len(codes)
    for c in codes:
        assert c.ubl_category in UBL_CATEGORIES, c.code
        assert c.rate >= 0 and isinstance(c.rate, Decimal)
        assert c.base_boxes, f"{country} {c.code}: the base must be reported somewhere"
        if c.kind == VatKind.STANDARD:
            assert c.ubl_category == "S" and c.rate > 0, c.code
        if c.rate == 0:
            assert c.ubl_category != "S", c.code


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_box_referred_to_exists(country: str) -> None:
    boxes = [b.code for b in return_boxes_for(country)]
    assert len(boxes) == len(set(boxes))
    for c in vat_codes_for(country):
        for box in (*c.base_boxes, *c.tax_boxes, *c.self_assessed_boxes):
            assert box in boxes, (country, c.code, box)
            assert credit_note_box(country, box) in boxes


@pytest.mark.parametrize("country", COUNTRIES)
def test_tax_accounts_only_on_taxed_codes(country: str) -> None:
    for c in vat_codes_for(country):
        taxed = c.rate > 0
        if not taxed:
            assert c.tax_account is None and not c.tax_boxes and not c.self_assessed_boxes, c.code
            continue
        if c.tax_boxes:
            expected = Role.VAT_DUE if c.direction == Direction.SALES else Role.VAT_DEDUCTIBLE
            assert c.tax_account == expected, c.code
        else:  # only non-deductible self-assessed VAT has no tax box
            assert c.self_assessed_boxes and c.tax_account is None, c.code
        if c.self_assessed_boxes:
            assert c.direction == Direction.PURCHASES, c.code


@pytest.mark.parametrize("country", COUNTRIES)
def test_roles_exist_in_the_same_countrys_chart(country: str) -> None:
    roles = {a.role for a in chart_for(country)}
    for c in vat_codes_for(country):
        if c.tax_account is not None:
            assert c.tax_account in roles
    # Self-assessed VAT is owed on VAT_DUE (see Role's docstring).
    assert Role.VAT_DUE in roles


def test_belgian_grids() -> None:
    be = _codes("BE")
    assert (be["S21"].base_boxes, be["S21"].tax_boxes) == (("03",), ("54",))
    assert be["S12"].base_boxes == ("02",) and be["S06"].base_boxes == ("01",)
    assert be["ICG"].base_boxes == ("46",) and be["ICG"].ubl_category == "K"
    assert be["ICS"].base_boxes == ("44",)
    assert be["EXP"].base_boxes == ("47",) and be["EXP"].ubl_category == "G"
    assert be["CCS"].base_boxes == ("45",) and be["CCS"].ubl_category == "AE"
    assert (be["P21"].base_boxes, be["P21G"].base_boxes, be["P21I"].base_boxes) == (
        ("82",),
        ("81",),
        ("83",),
    )
    ica = be["ICA"]
    assert (ica.base_boxes, ica.self_assessed_boxes, ica.tax_boxes) == (
        ("81", "86"),
        ("55",),
        ("59",),
    )
    assert be["CCP"].base_boxes == ("82", "87") and be["CCP"].self_assessed_boxes == ("56",)
    assert be["ICAS"].base_boxes == ("82", "88") and be["ICAS"].self_assessed_boxes == ("55",)
    assert credit_note_box("BE", "03") == "49"
    assert credit_note_box("BE", "46") == "48"
    assert credit_note_box("BE", "54") == "64"
    assert credit_note_box("BE", "82") == "85"
    assert credit_note_box("BE", "86") == "84"
    assert credit_note_box("BE", "59") == "63"


def test_polish_fields() -> None:
    pl = _codes("PL")
    assert (pl["S23"].base_boxes, pl["S23"].tax_boxes) == (("K_19",), ("K_20",))
    assert (pl["S08"].base_boxes, pl["S08"].tax_boxes) == (("K_17",), ("K_18",))
    assert (pl["S05"].base_boxes, pl["S05"].tax_boxes) == (("K_15",), ("K_16",))
    assert pl["S00"].base_boxes == ("K_13",) and pl["ZW"].base_boxes == ("K_10",)
    assert pl["WDT"].base_boxes == ("K_21",) and pl["EXP"].base_boxes == ("K_22",)
    assert pl["WNT"].self_assessed_boxes == ("K_24",) and "K_23" in pl["WNT"].base_boxes
    assert pl["IU"].self_assessed_boxes == ("K_28",)
    assert pl["OOK"].self_assessed_boxes == ("K_32",)
    assert (pl["P23ST"].base_boxes, pl["P23ST"].tax_boxes) == (("K_40",), ("K_41",))
    assert (pl["P23"].base_boxes, pl["P23"].tax_boxes) == (("K_42",), ("K_43",))
    assert credit_note_box("PL", "K_19") == "K_19"


def test_norwegian_codes() -> None:
    no = _codes("NO")
    assert {"3", "31", "33", "5", "6", "52", "1", "11", "13", "14", "15", "86", "87", "88"} <= set(
        no
    )
    assert (no["3"].rate, no["31"].rate, no["33"].rate) == (Decimal(25), Decimal(15), Decimal(12))
    assert no["3"].tax_boxes == ("3-mva",) and no["1"].tax_boxes == ("1-fradrag",)
    assert no["86"].self_assessed_boxes == ("86-mva",) and no["86"].tax_boxes == ("86-fradrag",)
    assert no["87"].tax_boxes == () and no["87"].tax_account is None
    assert no["52"].ubl_category == "G" and no["5"].ubl_category == "Z"


def test_default_code_for_a_line() -> None:
    sales = Direction.SALES
    purchases = Direction.PURCHASES
    s21 = default_vat_code("BE", direction=sales, category="S", rate=Decimal("21"))
    assert s21 is not None and s21.code == "S21"
    p21 = default_vat_code("BE", direction=purchases, category="S", rate=Decimal("21.00"))
    assert p21 is not None and p21.code == "P21"
    ica = default_vat_code("BE", direction=purchases, category="K", rate=Decimal("21"))
    assert ica is not None and ica.code == "ICA"
    p8 = default_vat_code("PL", direction=purchases, category="S", rate=Decimal("8"))
    assert p8 is not None and p8.code == "P08"
    no25 = default_vat_code("NO", direction=sales, category="S", rate=Decimal("25"))
    assert no25 is not None and no25.code == "3"
    assert default_vat_code("NO", direction=sales, category="S", rate=Decimal("21")) is None


def test_unknown_country() -> None:
    with pytest.raises(ValueError, match="DE"):
        vat_codes_for("DE")
