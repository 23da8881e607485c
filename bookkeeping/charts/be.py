"""Belgium: the minimum standard chart of accounts (PCMN / MAR, Royal Decree of 21 October 2018).

Six-digit codes, names in French (the Dutch MAR name in the comment where it helps). Class 0
(off-balance rights and commitments) is left out: its accounts carry memorandum items with no
balance-sheet or income kind, and none of Kontor's features posts to them.

The PCMN has no account for the result of the year awaiting appropriation (the 69/79
appropriation accounts move it straight to 13/14/47); 149000, a sub-account of 14, plays that
part so the year-end closing can be the same in every country (see Role.RESULT_YEAR).
"""

from . import AccountKind as K
from . import AccountTemplate as A
from . import Role as R

ACCOUNTS: tuple[A, ...] = (
    # Class 1 — equity, provisions, debts over one year (Eigen vermogen, schulden > 1 jaar)
    A("100000", "Capital souscrit", K.EQUITY, R.EQUITY_CAPITAL),
    A("101000", "Capital non appelé", K.EQUITY),
    A("110000", "Primes d'émission", K.EQUITY),
    A("130000", "Réserve légale", K.EQUITY),
    A("133000", "Réserves disponibles", K.EQUITY),
    A("140000", "Bénéfice reporté", K.EQUITY, R.RETAINED_EARNINGS),  # Overgedragen winst
    A("141000", "Perte reportée", K.EQUITY),  # Overgedragen verlies
    A("149000", "Résultat de l'exercice à affecter", K.EQUITY, R.RESULT_YEAR),
    A("150000", "Subsides en capital", K.EQUITY),
    A("160000", "Provisions pour risques et charges", K.LIABILITY),
    A("173000", "Dettes à plus d'un an — établissements de crédit", K.LIABILITY),
    A("174000", "Autres emprunts à plus d'un an", K.LIABILITY),
    # Class 2 — formation expenses, fixed assets (Vaste activa)
    A("211000", "Concessions, brevets, licences, marques", K.ASSET),
    A("220000", "Terrains", K.ASSET),
    A("221000", "Constructions", K.ASSET),
    A("230000", "Installations, machines et outillage", K.ASSET),
    A("240000", "Mobilier et matériel de bureau", K.ASSET),
    A("240900", "Mobilier et matériel de bureau — amortissements actés", K.ASSET),
    A("241000", "Matériel roulant", K.ASSET),
    A("241900", "Matériel roulant — amortissements actés", K.ASSET),
    A("288000", "Cautionnements versés en numéraire", K.ASSET),
    # Class 3 — inventories (Voorraden)
    A("300000", "Matières premières", K.ASSET, current=True, inventory=True),
    A("340000", "Marchandises", K.ASSET, current=True, inventory=True),
    # Class 4 — receivables and payables within one year (Vorderingen en schulden ≤ 1 jaar)
    A("400000", "Clients", K.ASSET, R.RECEIVABLE, current=True),  # Handelsdebiteuren
    A("404000", "Produits à recevoir", K.ASSET, current=True),
    A("407000", "Créances douteuses", K.ASSET, current=True),
    A("409000", "Réductions de valeur actées sur clients", K.ASSET, current=True),
    A(
        "411000", "TVA à récupérer", K.ASSET, R.VAT_DEDUCTIBLE, current=True
    ),  # Terug te vorderen btw
    A("412000", "Impôts et précomptes à récupérer", K.ASSET, current=True),
    A("416000", "Créances diverses", K.ASSET, current=True),
    A("440000", "Fournisseurs", K.LIABILITY, R.PAYABLE, current=True),  # Leveranciers
    A("444000", "Factures à recevoir", K.LIABILITY, current=True),
    A("450000", "Dettes fiscales estimées", K.LIABILITY, current=True),
    A("451000", "TVA à payer", K.LIABILITY, R.VAT_DUE, current=True),  # Te betalen btw
    A("451800", "TVA — compte courant", K.LIABILITY, R.VAT_SETTLEMENT, current=True),
    A("452000", "Impôts et taxes à payer", K.LIABILITY, current=True),
    A("453000", "Précomptes retenus", K.LIABILITY, current=True),  # Ingehouden voorheffingen
    A("454000", "Office national de sécurité sociale", K.LIABILITY, current=True),  # RSZ
    A("455000", "Rémunérations", K.LIABILITY, R.PAYROLL_PAYABLE, current=True),  # Bezoldigingen
    A("456000", "Pécules de vacances", K.LIABILITY, current=True),
    A("471000", "Dividendes de l'exercice", K.LIABILITY, current=True),
    A("489000", "Autres dettes diverses", K.LIABILITY, current=True),
    A("490000", "Charges à reporter", K.ASSET, current=True),
    A("491000", "Produits acquis", K.ASSET, current=True),
    A("492000", "Charges à imputer", K.LIABILITY, current=True),
    A("493000", "Produits à reporter", K.LIABILITY, current=True),
    A("499000", "Comptes d'attente", K.ASSET, R.SUSPENSE, current=True),  # Wachtrekening
    # Class 5 — investments and cash (Geldbeleggingen en liquide middelen)
    A("550000", "Établissements de crédit — comptes courants", K.ASSET, R.BANK, current=True),
    A("570000", "Caisses — espèces", K.ASSET, R.CASH, current=True),  # Kas
    A("580000", "Virements internes", K.ASSET, current=True),
    # Class 6 — charges (Kosten)
    A("600000", "Achats de matières premières", K.EXPENSE),
    A("604000", "Achats de marchandises", K.EXPENSE, R.PURCHASES),  # Aankopen handelsgoederen
    A("609000", "Variation des stocks", K.EXPENSE),
    A("610000", "Loyers et charges locatives", K.EXPENSE),
    A("611000", "Entretien et réparations", K.EXPENSE),
    A("612000", "Fournitures (eau, gaz, électricité)", K.EXPENSE),
    A("613000", "Rétributions de tiers", K.EXPENSE, R.COSTS),  # Diensten en diverse goederen
    A("614000", "Publicité, annonces et catalogues", K.EXPENSE),
    A("615000", "Frais de déplacement", K.EXPENSE),
    A("616000", "Assurances", K.EXPENSE),
    A("618000", "Rémunérations des administrateurs et gérants", K.EXPENSE),
    A("620200", "Rémunérations — employés", K.EXPENSE, R.PAYROLL_EXPENSE),  # Bezoldigingen
    A("621000", "Cotisations patronales d'assurances sociales", K.EXPENSE),
    A("623000", "Autres frais de personnel", K.EXPENSE),
    A("630000", "Dotations aux amortissements", K.EXPENSE),
    A("640000", "Charges fiscales d'exploitation", K.EXPENSE),
    A("650000", "Charges des dettes", K.EXPENSE),
    A("657000", "Écarts d'arrondi et de paiement", K.EXPENSE, R.ROUNDING),
    A("670000", "Impôts belges sur le résultat de l'exercice", K.EXPENSE),
    A("693000", "Bénéfice à reporter", K.EXPENSE),  # result appropriation (profit)
    # Class 7 — income (Opbrengsten)
    A("700000", "Ventes de marchandises", K.INCOME, R.REVENUE_GOODS),  # Verkopen
    A("705000", "Prestations de services", K.INCOME, R.REVENUE_SERVICES),
    A("708000", "Remises, ristournes et rabais accordés", K.INCOME),
    A("740000", "Subsides d'exploitation", K.INCOME),
    A("743000", "Produits d'exploitation divers", K.INCOME),
    A("751000", "Produits des actifs circulants", K.INCOME),
    A("757000", "Produits financiers divers", K.INCOME),
    A("793000", "Perte à reporter", K.INCOME),  # result appropriation (loss)
)
