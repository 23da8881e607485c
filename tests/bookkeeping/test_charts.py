"""The country chart templates: every role once, unique codes, kinds that follow each class."""

from __future__ import annotations

import pytest

from bookkeeping.charts import AccountKind, AccountTemplate, Role, chart_for

COUNTRIES = ("BE", "PL", "NO")

A, L, Q, INC, E = (
    AccountKind.ASSET,
    AccountKind.LIABILITY,
    AccountKind.EQUITY,
    AccountKind.INCOME,
    AccountKind.EXPENSE,
)

# The kinds each class (first digit) may hold, per country's official structure.
CLASS_KINDS: dict[str, dict[str, set[AccountKind]]] = {
    # PCMN: 1 equity/provisions/long-term debts, 2-3 fixed assets and stocks, 4 short-term
    # receivables/payables and accruals, 5 cash, 6 charges, 7 income.
    "BE": {"1": {Q, L}, "2": {A}, "3": {A}, "4": {A, L}, "5": {A}, "6": {E}, "7": {INC}},
    # Zakładowy plan kont: 0 fixed assets, 1 cash/bank (and bank loans), 2 settlements,
    # 3 materials, 4 costs by kind, 6 products/accruals, 7 revenue and matched costs,
    # 8 equity, provisions, result (870, income tax, is charged to the result).
    "PL": {
        "0": {A},
        "1": {A, L},
        "2": {A, L},
        "3": {A},
        "4": {E},
        "6": {A},
        "7": {INC, E},
        "8": {Q, L, E},
    },
    # NS 4102: 1 assets, 2 equity and liabilities, 3 revenue, 4-7 costs, 8 finance/tax/result.
    "NO": {
        "1": {A},
        "2": {Q, L},
        "3": {INC},
        "4": {E},
        "5": {E},
        "6": {E},
        "7": {E},
        "8": {INC, E, Q},
    },
}


def _by_code(country: str) -> dict[str, AccountTemplate]:
    return {a.code: a for a in chart_for(country)}


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_role_exactly_once(country: str) -> None:
    roles = [a.role for a in chart_for(country) if a.role is not None]
    assert sorted(roles) == sorted(Role), f"{country}: roles missing or repeated"


@pytest.mark.parametrize("country", COUNTRIES)
def test_codes_unique_and_chart_compact(country: str) -> None:
    codes = [a.code for a in chart_for(country)]
    assert len(codes) == len(set(codes))
    assert 40 <= len(codes) <= 80
    assert all(a.name.strip() for a in chart_for(country))


@pytest.mark.parametrize("country", COUNTRIES)
def test_kinds_follow_the_class(country: str) -> None:
    allowed = CLASS_KINDS[country]
    for account in chart_for(country):
        assert account.kind in allowed[account.code[0]], (country, account.code, account.kind)


@pytest.mark.parametrize("country", COUNTRIES)
def test_flags_for_the_ratios(country: str) -> None:
    chart = chart_for(country)
    for account in chart:
        if account.inventory:
            assert account.current and account.kind == AccountKind.ASSET, account.code
        if account.current:
            assert account.kind in (AccountKind.ASSET, AccountKind.LIABILITY), account.code
        if account.kind in (AccountKind.INCOME, AccountKind.EXPENSE, AccountKind.EQUITY):
            assert not account.current, account.code
    assert any(a.inventory for a in chart)
    by_role = {a.role: a for a in chart if a.role}
    for role in (Role.BANK, Role.CASH, Role.RECEIVABLE, Role.PAYABLE, Role.VAT_DUE):
        assert by_role[role].current, (country, role)
    for role, kind in (
        (Role.BANK, A),
        (Role.CASH, A),
        (Role.RECEIVABLE, A),
        (Role.PAYABLE, L),
        (Role.VAT_DUE, L),
        (Role.REVENUE_GOODS, INC),
        (Role.REVENUE_SERVICES, INC),
        (Role.PURCHASES, E),
        (Role.COSTS, E),
        (Role.PAYROLL_EXPENSE, E),
        (Role.PAYROLL_PAYABLE, L),
        (Role.EQUITY_CAPITAL, Q),
        (Role.RETAINED_EARNINGS, Q),
        (Role.RESULT_YEAR, Q),
    ):
        assert by_role[role].kind == kind, (country, role)


@pytest.mark.parametrize(
    ("country", "code", "name_part", "role"),
    [
        ("BE", "100000", "Capital", Role.EQUITY_CAPITAL),
        ("BE", "400000", "Clients", Role.RECEIVABLE),
        ("BE", "411000", "TVA à récupérer", Role.VAT_DEDUCTIBLE),
        ("BE", "440000", "Fournisseurs", Role.PAYABLE),
        ("BE", "451000", "TVA à payer", Role.VAT_DUE),
        ("BE", "550000", "crédit", Role.BANK),
        ("BE", "570000", "Caisses", Role.CASH),
        ("BE", "140000", "Bénéfice reporté", Role.RETAINED_EARNINGS),
        ("BE", "693000", "Bénéfice à reporter", None),
        ("BE", "793000", "Perte à reporter", None),
        ("PL", "100", "Kasa", Role.CASH),
        ("PL", "130", "Rachunek bankowy", Role.BANK),
        ("PL", "200", "Rozrachunki z odbiorcami", Role.RECEIVABLE),
        ("PL", "201", "Rozrachunki z dostawcami", Role.PAYABLE),
        ("PL", "221", "VAT naliczony", Role.VAT_DEDUCTIBLE),
        ("PL", "222", "VAT należny", Role.VAT_DUE),
        ("PL", "230", "wynagrodzeń", Role.PAYROLL_PAYABLE),
        ("PL", "800", "Kapitał zakładowy", Role.EQUITY_CAPITAL),
        ("PL", "820", "Rozliczenie wyniku finansowego", Role.RETAINED_EARNINGS),
        ("PL", "860", "Wynik finansowy", Role.RESULT_YEAR),
        ("NO", "1920", "Bankinnskudd", Role.BANK),
        ("NO", "1900", "Kontanter", Role.CASH),
        ("NO", "1500", "Kundefordringer", Role.RECEIVABLE),
        ("NO", "2400", "Leverandørgjeld", Role.PAYABLE),
        ("NO", "2700", "Utgående", Role.VAT_DUE),
        ("NO", "2710", "Inngående", Role.VAT_DEDUCTIBLE),
        ("NO", "2740", "Oppgjørskonto", Role.VAT_SETTLEMENT),
        ("NO", "3000", "Salgsinntekt", Role.REVENUE_GOODS),
        ("NO", "4000", "Varekjøp", Role.PURCHASES),
        ("NO", "5000", "Lønn", Role.PAYROLL_EXPENSE),
        ("NO", "2000", "Aksjekapital", Role.EQUITY_CAPITAL),
        ("NO", "2050", "Annen egenkapital", Role.RETAINED_EARNINGS),
        ("NO", "8800", "Årsresultat", Role.RESULT_YEAR),
    ],
)
def test_spot_checks(country: str, code: str, name_part: str, role: Role | None) -> None:
    account = _by_code(country)[code]
    assert name_part in account.name
    assert account.role == role


def test_code_formats_per_country() -> None:
    assert all(len(a.code) == 6 and a.code.isdigit() for a in chart_for("BE"))
    assert all(len(a.code) == 4 and a.code.isdigit() for a in chart_for("NO"))
    assert all(a.code[:3].isdigit() for a in chart_for("PL"))
    # PL's class 4 holds 401-409 costs by kind; BE's class 0 (off-balance) is left out.
    assert {"401", "402", "403", "404", "405", "409"} <= set(_by_code("PL"))
    assert not any(a.code.startswith("0") for a in chart_for("BE"))


def test_unknown_country() -> None:
    with pytest.raises(ValueError, match="DE"):
        chart_for("DE")
