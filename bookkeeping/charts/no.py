"""Norway: a compact chart on the Norsk Standard kontoplan NS 4102, classes 1–8.

Four-digit codes, names in Norwegian (bokmål). 8800 Årsresultat is kept as the equity account the
year-end closing moves the result to (see Role.RESULT_YEAR); its disposal (8900-series in NS 4102)
is then booked from it to 2050 Annen egenkapital. 3010 and 7798 are sub-accounts within their
NS 4102 groups.
"""

from . import AccountKind as K
from . import AccountTemplate as A
from . import Role as R

ACCOUNTS: tuple[A, ...] = (
    # Klasse 1 — eiendeler (assets)
    A("1080", "Goodwill", K.ASSET),
    A("1200", "Maskiner og anlegg", K.ASSET),
    A("1230", "Personbiler", K.ASSET),
    A("1250", "Inventar", K.ASSET),
    A("1280", "Kontormaskiner", K.ASSET),
    A("1400", "Varelager", K.ASSET, current=True, inventory=True),  # inventory
    A("1500", "Kundefordringer", K.ASSET, R.RECEIVABLE, current=True),  # trade receivables
    A("1530", "Opptjent, ikke fakturert driftsinntekt", K.ASSET, current=True),
    A("1570", "Andre kortsiktige fordringer", K.ASSET, current=True),
    A("1700", "Forskuddsbetalte kostnader", K.ASSET, current=True),
    A("1900", "Kontanter", K.ASSET, R.CASH, current=True),  # cash
    A("1920", "Bankinnskudd", K.ASSET, R.BANK, current=True),  # bank
    A("1950", "Bankinnskudd for skattetrekk", K.ASSET, current=True),
    # Klasse 2 — egenkapital og gjeld (equity and liabilities)
    A("2000", "Aksjekapital", K.EQUITY, R.EQUITY_CAPITAL),  # share capital
    A("2020", "Overkurs", K.EQUITY),
    A("2050", "Annen egenkapital", K.EQUITY, R.RETAINED_EARNINGS),  # retained earnings
    A("2080", "Udekket tap", K.EQUITY),
    A("2120", "Utsatt skatt", K.LIABILITY),
    A("2220", "Gjeld til kredittinstitusjoner", K.LIABILITY),  # long-term bank loans
    A("2400", "Leverandørgjeld", K.LIABILITY, R.PAYABLE, current=True),  # trade payables
    A("2500", "Betalbar skatt", K.LIABILITY, current=True),
    A("2600", "Forskuddstrekk", K.LIABILITY, current=True),  # withholding tax
    A("2700", "Utgående merverdiavgift", K.LIABILITY, R.VAT_DUE, current=True),  # output VAT
    # Input VAT stays in class 2 as NS 4102 has it: a debit balance that nets the VAT owed.
    A("2710", "Inngående merverdiavgift", K.LIABILITY, R.VAT_DEDUCTIBLE, current=True),
    A("2740", "Oppgjørskonto merverdiavgift", K.LIABILITY, R.VAT_SETTLEMENT, current=True),
    A("2770", "Skyldig arbeidsgiveravgift", K.LIABILITY, current=True),
    A("2780", "Påløpt arbeidsgiveravgift på ferielønn", K.LIABILITY, current=True),
    A("2800", "Avsatt utbytte", K.LIABILITY, current=True),
    A("2930", "Skyldig lønn", K.LIABILITY, R.PAYROLL_PAYABLE, current=True),  # wages payable
    A("2940", "Skyldige feriepenger", K.LIABILITY, current=True),
    A("2960", "Påløpte kostnader", K.LIABILITY, current=True),
    A("2990", "Uavklarte poster", K.LIABILITY, R.SUSPENSE, current=True),  # suspense
    # Klasse 3 — salgs- og driftsinntekt (revenue)
    A("3000", "Salgsinntekt varer, avgiftspliktig", K.INCOME, R.REVENUE_GOODS),
    A("3010", "Salgsinntekt tjenester, avgiftspliktig", K.INCOME, R.REVENUE_SERVICES),
    A("3100", "Salgsinntekt, avgiftsfri", K.INCOME),  # zero-rated sales
    A("3200", "Salgsinntekt, utenfor avgiftsområdet", K.INCOME),  # exempt / outside scope
    A("3900", "Annen driftsrelatert inntekt", K.INCOME),
    # Klasse 4 — varekostnad (cost of goods)
    A("4000", "Varekjøp", K.EXPENSE, R.PURCHASES),  # purchases of goods
    A("4090", "Beholdningsendring", K.EXPENSE),
    A("4500", "Fremmedytelser og underentreprise", K.EXPENSE),
    # Klasse 5 — lønnskostnad (payroll)
    A("5000", "Lønn til ansatte", K.EXPENSE, R.PAYROLL_EXPENSE),
    A("5020", "Feriepenger", K.EXPENSE),
    A("5400", "Arbeidsgiveravgift", K.EXPENSE),
    A("5420", "Innberetningspliktig pensjonskostnad", K.EXPENSE),
    A("5990", "Annen personalkostnad", K.EXPENSE),
    # Klasse 6 — avskrivning og annen driftskostnad (depreciation, other operating costs)
    A("6000", "Avskrivning på varige driftsmidler", K.EXPENSE),
    A("6300", "Leie lokaler", K.EXPENSE),
    A("6340", "Lys, varme", K.EXPENSE),
    A("6540", "Inventar", K.EXPENSE),
    A("6700", "Regnskaps- og revisjonshonorar", K.EXPENSE),
    A("6790", "Annen fremmed tjeneste", K.EXPENSE, R.COSTS),  # other external services
    A("6800", "Kontorrekvisita", K.EXPENSE),
    A("6900", "Telefon", K.EXPENSE),
    # Klasse 7 — annen driftskostnad (other operating costs)
    A("7000", "Drivstoff", K.EXPENSE),
    A("7140", "Reisekostnad, ikke oppgavepliktig", K.EXPENSE),
    A("7320", "Reklamekostnad", K.EXPENSE),
    A("7350", "Representasjon, fradragsberettiget", K.EXPENSE),
    A("7500", "Forsikringspremie", K.EXPENSE),
    A("7770", "Bank- og kortgebyrer", K.EXPENSE),
    A("7790", "Annen kostnad, fradragsberettiget", K.EXPENSE),
    A("7798", "Øreavrunding", K.EXPENSE, R.ROUNDING),  # rounding
    # Klasse 8 — finansposter, skatt og årsresultat (finance, tax, result)
    A("8040", "Renteinntekt", K.INCOME),
    A("8060", "Valutagevinst (agio)", K.INCOME),
    A("8140", "Rentekostnad", K.EXPENSE),
    A("8160", "Valutatap (disagio)", K.EXPENSE),
    A("8300", "Betalbar skatt", K.EXPENSE),
    A("8320", "Endring utsatt skatt", K.EXPENSE),
    A("8800", "Årsresultat", K.EQUITY, R.RESULT_YEAR),
)
