"""Poland: VAT codes mapped to the fields of the JPK_V7 (M/K) declaration part.

Purchases are deducted in K_42/K_43 (other purchases) unless they are fixed assets (K_40/K_41,
code P23ST). Self-assessed purchases (WNT, import of services, domestic reverse charge) report the
base and the VAT owed in their own fields and the deduction in K_42/K_43. Corrections (credit
notes, faktury korygujące) go into the same fields with a negative sign.
"""

# ruff: noqa: E501 (a table reads best with one code per line)
from decimal import Decimal

from bookkeeping.charts import Role
from bookkeeping.vat_codes import Direction as D
from bookkeeping.vat_codes import ReturnBox as B
from bookkeeping.vat_codes import VatCodeTemplate as V
from bookkeeping.vat_codes import VatKind as K

_DUE = Role.VAT_DUE
_DED = Role.VAT_DEDUCTIBLE
_0 = Decimal("0")
_23 = Decimal("23")

CODES: tuple[V, ...] = (
    # Sprzedaż (sales)
    V("S23", "Sprzedaż 23 %", D.SALES, K.STANDARD, _23, ("K_19",), ("K_20",), (), _DUE, "S"),
    V("S08", "Sprzedaż 8 %", D.SALES, K.STANDARD, Decimal("8"), ("K_17",), ("K_18",), (), _DUE, "S"),
    V("S05", "Sprzedaż 5 %", D.SALES, K.STANDARD, Decimal("5"), ("K_15",), ("K_16",), (), _DUE, "S"),
    V("S00", "Sprzedaż krajowa 0 %", D.SALES, K.ZERO, _0, ("K_13",), (), (), None, "Z"),
    V("ZW", "Sprzedaż zwolniona (zw)", D.SALES, K.EXEMPT, _0, ("K_10",), (), (), None, "E"),
    V("WDT", "Wewnątrzwspólnotowa dostawa towarów", D.SALES, K.INTRA_EU, _0,
      ("K_21",), (), (), None, "K"),
    V("NPU", "Usługi poza terytorium kraju (art. 100 ust. 1 pkt 4)", D.SALES, K.INTRA_EU, _0,
      ("K_11", "K_12"), (), (), None, "K"),
    V("EXP", "Eksport towarów", D.SALES, K.EXPORT, _0, ("K_22",), (), (), None, "G"),
    # Zakup (purchases)
    V("P23", "Zakup 23 % — pozostałe nabycia", D.PURCHASES, K.STANDARD, _23,
      ("K_42",), ("K_43",), (), _DED, "S"),
    V("P08", "Zakup 8 % — pozostałe nabycia", D.PURCHASES, K.STANDARD, Decimal("8"),
      ("K_42",), ("K_43",), (), _DED, "S"),
    V("P05", "Zakup 5 % — pozostałe nabycia", D.PURCHASES, K.STANDARD, Decimal("5"),
      ("K_42",), ("K_43",), (), _DED, "S"),
    V("P23ST", "Zakup 23 % — środki trwałe", D.PURCHASES, K.STANDARD, _23,
      ("K_40",), ("K_41",), (), _DED, "S"),
    V("WNT", "Wewnątrzwspólnotowe nabycie towarów 23 %", D.PURCHASES, K.INTRA_EU, _23,
      ("K_23", "K_42"), ("K_43",), ("K_24",), _DED, "K"),
    V("IU", "Import usług (spoza UE) 23 %", D.PURCHASES, K.REVERSE_CHARGE, _23,
      ("K_27", "K_42"), ("K_43",), ("K_28",), _DED, "AE"),
    V("IU28B", "Import usług od podatników VAT UE (art. 28b) 23 %", D.PURCHASES,
      K.REVERSE_CHARGE, _23, ("K_29", "K_42"), ("K_43",), ("K_30",), _DED, "AE"),
    V("OOK", "Odwrotne obciążenie — nabywca (art. 17 ust. 1 pkt 5) 23 %", D.PURCHASES,
      K.REVERSE_CHARGE, _23, ("K_31", "K_42"), ("K_43",), ("K_32",), _DED, "AE"),
)  # fmt: skip

BOXES: tuple[B, ...] = (
    B("K_10", "Dostawa towarów i świadczenie usług na terytorium kraju, zwolnione od podatku"),
    B("K_11", "Dostawa towarów i świadczenie usług poza terytorium kraju"),
    B("K_12", "w tym świadczenie usług, o których mowa w art. 100 ust. 1 pkt 4 ustawy"),
    B("K_13", "Dostawa towarów i świadczenie usług na terytorium kraju, 0 %"),
    B("K_15", "Dostawa towarów i świadczenie usług na terytorium kraju, 5 % — podstawa"),
    B("K_16", "Dostawa towarów i świadczenie usług na terytorium kraju, 5 % — podatek"),
    B("K_17", "Dostawa towarów i świadczenie usług na terytorium kraju, 8 % — podstawa"),
    B("K_18", "Dostawa towarów i świadczenie usług na terytorium kraju, 8 % — podatek"),
    B("K_19", "Dostawa towarów i świadczenie usług na terytorium kraju, 23 % — podstawa"),
    B("K_20", "Dostawa towarów i świadczenie usług na terytorium kraju, 23 % — podatek"),
    B("K_21", "Wewnątrzwspólnotowa dostawa towarów"),
    B("K_22", "Eksport towarów"),
    B("K_23", "Wewnątrzwspólnotowe nabycie towarów — podstawa"),
    B("K_24", "Wewnątrzwspólnotowe nabycie towarów — podatek należny"),
    B("K_25", "Import towarów (art. 33a) — podstawa"),
    B("K_26", "Import towarów (art. 33a) — podatek należny"),
    B("K_27", "Import usług z wyłączeniem usług z art. 28b — podstawa"),
    B("K_28", "Import usług z wyłączeniem usług z art. 28b — podatek należny"),
    B("K_29", "Import usług nabywanych od podatników VAT (art. 28b) — podstawa"),
    B("K_30", "Import usług nabywanych od podatników VAT (art. 28b) — podatek należny"),
    B("K_31", "Dostawa towarów, dla której podatnikiem jest nabywca — podstawa"),
    B("K_32", "Dostawa towarów, dla której podatnikiem jest nabywca — podatek należny"),
    B("K_40", "Nabycie towarów i usług zaliczanych do środków trwałych — wartość netto"),
    B("K_41", "Nabycie towarów i usług zaliczanych do środków trwałych — podatek naliczony"),
    B("K_42", "Nabycie pozostałych towarów i usług — wartość netto"),
    B("K_43", "Nabycie pozostałych towarów i usług — podatek naliczony"),
)

CREDIT_NOTE_BOXES: dict[str, str] = {}  # corrections go into the same fields, negative
