"""Poland: a company chart of accounts (zakładowy plan kont) on the classes 0–8 of the model chart.

Costs are kept by kind in class 4 only (the comparative P&L variant, usual in small companies),
so class 5 is empty. Goods bought for resale are expensed on purchase to 731 (the simplification
art. 17 ust. 2 of the Accounting Act allows); VAT is split 221 input / 222 output / 223 the
settlement with the tax office. Three-digit synthetic accounts; 761-1 is an analytic account.
"""

from . import AccountKind as K
from . import AccountTemplate as A
from . import Role as R

ACCOUNTS: tuple[A, ...] = (
    # Zespół 0 — fixed assets
    A("010", "Środki trwałe", K.ASSET),  # Property, plant and equipment
    A("020", "Wartości niematerialne i prawne", K.ASSET),  # Intangible assets
    A("030", "Długoterminowe aktywa finansowe", K.ASSET),
    A("070", "Odpisy umorzeniowe środków trwałych i WNiP", K.ASSET),  # Accumulated depreciation
    A("080", "Środki trwałe w budowie", K.ASSET),
    # Zespół 1 — cash, bank accounts, short-term financial assets and bank loans
    A("100", "Kasa", K.ASSET, R.CASH, current=True),
    A("130", "Rachunek bankowy", K.ASSET, R.BANK, current=True),
    A("131", "Rachunek bankowy walutowy", K.ASSET, current=True),
    A("134", "Kredyty bankowe", K.LIABILITY, current=True),
    A("140", "Krótkoterminowe aktywa finansowe", K.ASSET, current=True),
    A("141", "Środki pieniężne w drodze", K.ASSET, current=True),
    # Zespół 2 — settlements (receivables, payables, taxes, payroll)
    A("200", "Rozrachunki z odbiorcami", K.ASSET, R.RECEIVABLE, current=True),
    A("201", "Rozrachunki z dostawcami", K.LIABILITY, R.PAYABLE, current=True),
    A("221", "VAT naliczony", K.ASSET, R.VAT_DEDUCTIBLE, current=True),  # input VAT
    A("222", "VAT należny", K.LIABILITY, R.VAT_DUE, current=True),  # output VAT
    A("223", "Rozliczenie VAT z urzędem skarbowym", K.LIABILITY, R.VAT_SETTLEMENT, current=True),
    A("224", "Rozrachunki z urzędem skarbowym — CIT", K.LIABILITY, current=True),
    A("225", "Rozrachunki z urzędem skarbowym — PIT", K.LIABILITY, current=True),
    A("229", "Rozrachunki z ZUS", K.LIABILITY, current=True),  # social security
    A("230", "Rozrachunki z tytułu wynagrodzeń", K.LIABILITY, R.PAYROLL_PAYABLE, current=True),
    A("234", "Pozostałe rozrachunki z pracownikami", K.ASSET, current=True),
    A("240", "Pozostałe rozrachunki", K.ASSET, current=True),
    A("249", "Rozrachunki do wyjaśnienia", K.ASSET, R.SUSPENSE, current=True),  # suspense
    A("290", "Odpisy aktualizujące należności", K.ASSET, current=True),
    # Zespół 3 — materials and goods
    A("300", "Rozliczenie zakupu", K.ASSET, current=True),  # goods received / not invoiced
    A("310", "Materiały", K.ASSET, current=True, inventory=True),
    A("330", "Towary", K.ASSET, current=True, inventory=True),
    # Zespół 4 — costs by kind
    A("400", "Amortyzacja", K.EXPENSE),
    A("401", "Zużycie materiałów i energii", K.EXPENSE),
    A("402", "Usługi obce", K.EXPENSE, R.COSTS),  # external services
    A("403", "Podatki i opłaty", K.EXPENSE),
    A("404", "Wynagrodzenia", K.EXPENSE, R.PAYROLL_EXPENSE),
    A("405", "Ubezpieczenia społeczne i inne świadczenia", K.EXPENSE),
    A("409", "Pozostałe koszty rodzajowe", K.EXPENSE),
    # Zespół 6 — products and accruals
    A("600", "Produkty gotowe", K.ASSET, current=True, inventory=True),
    A("640", "Rozliczenia międzyokresowe kosztów", K.ASSET, current=True),  # prepaid expenses
    # Zespół 7 — revenue and the costs matched to it
    A("700", "Przychody ze sprzedaży produktów i usług", K.INCOME, R.REVENUE_SERVICES),
    A("730", "Przychody ze sprzedaży towarów", K.INCOME, R.REVENUE_GOODS),
    A("731", "Wartość sprzedanych towarów w cenach zakupu", K.EXPENSE, R.PURCHASES),
    A("750", "Przychody finansowe", K.INCOME),
    A("751", "Koszty finansowe", K.EXPENSE),
    A("760", "Pozostałe przychody operacyjne", K.INCOME),
    A("761", "Pozostałe koszty operacyjne", K.EXPENSE),
    A("761-1", "Różnice z zaokrągleń", K.EXPENSE, R.ROUNDING),  # rounding differences
    # Zespół 8 — equity, reserves, provisions and the financial result
    A("800", "Kapitał zakładowy", K.EQUITY, R.EQUITY_CAPITAL),  # share capital
    A("801", "Kapitał zapasowy", K.EQUITY),
    A("802", "Kapitał z aktualizacji wyceny", K.EQUITY),
    A("803", "Pozostałe kapitały rezerwowe", K.EQUITY),
    A("820", "Rozliczenie wyniku finansowego", K.EQUITY, R.RETAINED_EARNINGS),  # prior years
    A("840", "Rezerwy", K.LIABILITY),  # provisions
    A("860", "Wynik finansowy", K.EQUITY, R.RESULT_YEAR),  # result of the year
    A("870", "Podatek dochodowy", K.EXPENSE),  # income tax (CIT) charged to the result
)
