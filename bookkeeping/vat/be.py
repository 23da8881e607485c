"""Belgium: VAT codes mapped to the grids of the periodic VAT return (déclaration périodique).

Purchases are reported twice in Belgium: once in 81/82/83 by nature (goods for resale and raw
materials, services and other goods, investment goods) and, for intra-EU and reverse-charge
operations, also in 86/87/88. Each purchase rate has three codes, one per nature; the plain code
(P21, P12, P06) is "services and other goods" (82), the most common default for an office's
clients, `G` suffix is goods (81), `I` suffix is investments (83). Self-assessed acquisitions
default to their natural nature (goods 81, services 82).
Credit notes go to other grids (48/49, 84/85, 63/64): see `credit_note_boxes` in vat_codes.py.
"""

from decimal import Decimal

from bookkeeping.charts import Role
from bookkeeping.vat_codes import Direction as D
from bookkeeping.vat_codes import ReturnBox as B
from bookkeeping.vat_codes import VatCodeTemplate as V
from bookkeeping.vat_codes import VatKind as K

_DUE = Role.VAT_DUE
_DED = Role.VAT_DEDUCTIBLE
_0 = Decimal("0")


def _purchases(rate: int) -> tuple[V, ...]:
    r = Decimal(rate)
    tag = f"{rate:02d}"
    return (
        V(f"P{tag}", f"Achats {rate} % — services et biens divers", D.PURCHASES, K.STANDARD, r,
          ("82",), ("59",), (), _DED, "S"),
        V(f"P{tag}G", f"Achats {rate} % — marchandises", D.PURCHASES, K.STANDARD, r,
          ("81",), ("59",), (), _DED, "S"),
        V(f"P{tag}I", f"Achats {rate} % — investissements", D.PURCHASES, K.STANDARD, r,
          ("83",), ("59",), (), _DED, "S"),
    )  # fmt: skip


CODES: tuple[V, ...] = (
    # Sales (opérations à la sortie)
    V("S21", "Ventes 21 %", D.SALES, K.STANDARD, Decimal("21"), ("03",), ("54",), (), _DUE, "S"),
    V("S12", "Ventes 12 %", D.SALES, K.STANDARD, Decimal("12"), ("02",), ("54",), (), _DUE, "S"),
    V("S06", "Ventes 6 %", D.SALES, K.STANDARD, Decimal("6"), ("01",), ("54",), (), _DUE, "S"),
    V("S00", "Ventes 0 %", D.SALES, K.ZERO, _0, ("00",), (), (), None, "Z"),
    V("ICG", "Livraisons intracommunautaires de biens", D.SALES, K.INTRA_EU, _0,
      ("46",), (), (), None, "K"),
    V("ICS", "Services intracommunautaires (art. 21 § 2)", D.SALES, K.INTRA_EU, _0,
      ("44",), (), (), None, "K"),
    V("EXP", "Exportations", D.SALES, K.EXPORT, _0, ("47",), (), (), None, "G"),
    V("CCS", "Autoliquidation — TVA due par le cocontractant", D.SALES, K.REVERSE_CHARGE, _0,
      ("45",), (), (), None, "AE"),
    # Art. 44 exempt supplies: grid 00 (mixed taxable persons report them there).
    V("EXE", "Opérations exemptées (art. 44)", D.SALES, K.EXEMPT, _0, ("00",), (), (), None, "E"),
    # Purchases (opérations à l'entrée)
    *_purchases(21),
    *_purchases(12),
    *_purchases(6),
    V("P00", "Achats exemptés ou à 0 %", D.PURCHASES, K.EXEMPT, _0, ("82",), (), (), None, "E"),
    V("ICA", "Acquisitions intracommunautaires de biens 21 %", D.PURCHASES, K.INTRA_EU,
      Decimal("21"), ("81", "86"), ("59",), ("55",), _DED, "K"),
    V("ICAS", "Services intracommunautaires reçus 21 %", D.PURCHASES, K.INTRA_EU,
      Decimal("21"), ("82", "88"), ("59",), ("55",), _DED, "K"),
    V("CCP", "Autoliquidation reçue (cocontractant, hors UE) 21 %", D.PURCHASES,
      K.REVERSE_CHARGE, Decimal("21"), ("82", "87"), ("59",), ("56",), _DED, "AE"),
)  # fmt: skip

BOXES: tuple[B, ...] = (
    B("00", "Opérations soumises à un régime particulier"),
    B("01", "Opérations pour lesquelles la TVA est due par le déclarant — 6 %"),
    B("02", "Opérations pour lesquelles la TVA est due par le déclarant — 12 %"),
    B("03", "Opérations pour lesquelles la TVA est due par le déclarant — 21 %"),
    B("44", "Services intracommunautaires (art. 21 § 2)"),
    B("45", "Opérations pour lesquelles la TVA est due par le cocontractant"),
    B("46", "Livraisons intracommunautaires exemptées et ventes ABC"),
    B("47", "Autres opérations exemptées et opérations effectuées à l'étranger"),
    B("48", "Notes de crédit relatives aux opérations des grilles 44 et 46"),
    B("49", "Notes de crédit relatives aux autres opérations"),
    B("54", "TVA due sur les opérations des grilles 01, 02 et 03"),
    B("55", "TVA due sur les opérations des grilles 86 et 88"),
    B("56", "TVA due sur les opérations de la grille 87"),
    B("57", "TVA due sur les importations avec report de perception"),
    B("59", "TVA déductible"),
    B("61", "Diverses régularisations TVA en faveur de l'État"),
    B("62", "Diverses régularisations TVA en faveur du déclarant"),
    B("63", "TVA à reverser mentionnée sur les notes de crédit reçues"),
    B("64", "TVA à récupérer mentionnée sur les notes de crédit délivrées"),
    B("71", "Taxe due à l'État"),
    B("72", "Sommes dues par l'État"),
    B("81", "Achats de marchandises, matières premières et auxiliaires"),
    B("82", "Achats de services et biens divers"),
    B("83", "Achats de biens d'investissement"),
    B("84", "Notes de crédit reçues relatives aux grilles 86 et 88"),
    B("85", "Notes de crédit reçues relatives aux autres opérations"),
    B("86", "Acquisitions intracommunautaires de biens et opérations ABC"),
    B("87", "Autres opérations à l'entrée pour lesquelles la TVA est due par le déclarant"),
    B("88", "Services intracommunautaires reçus (art. 21 § 2)"),
)

# Where a credit note's amounts go instead of the invoice's grids.
CREDIT_NOTE_BOXES: dict[str, str] = {
    **{box: "49" for box in ("00", "01", "02", "03", "45", "47")},
    **{box: "48" for box in ("44", "46")},
    "54": "64",  # VAT refunded to customers
    **{box: "85" for box in ("81", "82", "83", "87")},
    **{box: "84" for box in ("86", "88")},
    "59": "63",  # deducted VAT to give back
    # Self-assessed VAT on a credit note received: the VAT owed falls (in the declarant's
    # favour, 62) while the deduction falls through 63, so the two still cancel out.
    "55": "62",
    "56": "62",
}
