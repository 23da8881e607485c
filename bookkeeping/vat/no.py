"""Norway: the standard MVA codes of SAF-T Financial, which key the lines of the MVA-melding.

Each code's line on the return has a base (grunnlag) and a VAT amount; a deductible line is a
"fradrag". Box codes are "<MVA code>-grunnlag", "<MVA code>-mva" and "<MVA code>-fradrag".
Reverse charge on services bought from abroad (86/88) and import of goods declared by the
business itself (81) owe the VAT and deduct it on the same code; 87/89 are the non-deductible
variants (the VAT owed becomes a cost). Codes 14/15 deduct import VAT paid to customs.
Credit notes go into the same lines with a negative sign.
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
_25 = Decimal("25")
_15 = Decimal("15")
_12 = Decimal("12")


def _b(code: str) -> tuple[str]:
    return (f"{code}-grunnlag",)


def _m(code: str) -> tuple[str]:
    return (f"{code}-mva",)


def _f(code: str) -> tuple[str]:
    return (f"{code}-fradrag",)


CODES: tuple[V, ...] = (
    # Utgående (sales)
    V("3", "Utgående mva, alminnelig sats 25 %", D.SALES, K.STANDARD, _25, _b("3"), _m("3"), (), _DUE, "S"),
    V("31", "Utgående mva, middels sats 15 %", D.SALES, K.STANDARD, _15, _b("31"), _m("31"), (), _DUE, "S"),
    V("33", "Utgående mva, lav sats 12 %", D.SALES, K.STANDARD, _12, _b("33"), _m("33"), (), _DUE, "S"),
    V("5", "Innenlands omsetning fritatt for mva (nullsats)", D.SALES, K.ZERO, _0, _b("5"), (), (), None, "Z"),
    V("51", "Innenlands omsetning med omvendt avgiftsplikt", D.SALES, K.REVERSE_CHARGE, _0,
      _b("51"), (), (), None, "AE"),
    V("52", "Utførsel av varer og tjenester (eksport)", D.SALES, K.EXPORT, _0, _b("52"), (), (), None, "G"),
    V("6", "Omsetning unntatt merverdiavgiftsloven", D.SALES, K.EXEMPT, _0, _b("6"), (), (), None, "E"),
    # Inngående (purchases)
    V("1", "Fradrag inngående mva, alminnelig sats 25 %", D.PURCHASES, K.STANDARD, _25,
      _b("1"), _f("1"), (), _DED, "S"),
    V("11", "Fradrag inngående mva, middels sats 15 %", D.PURCHASES, K.STANDARD, _15,
      _b("11"), _f("11"), (), _DED, "S"),
    V("13", "Fradrag inngående mva, lav sats 12 %", D.PURCHASES, K.STANDARD, _12,
      _b("13"), _f("13"), (), _DED, "S"),
    V("14", "Fradrag innførselsmva betalt ved import 25 %", D.PURCHASES, K.STANDARD, _25,
      _b("14"), _f("14"), (), _DED, "S"),
    V("15", "Fradrag innførselsmva betalt ved import 15 %", D.PURCHASES, K.STANDARD, _15,
      _b("15"), _f("15"), (), _DED, "S"),
    V("81", "Innførsel av varer med fradrag, 25 %", D.PURCHASES, K.REVERSE_CHARGE, _25,
      _b("81"), _f("81"), _m("81"), _DED, "G"),
    V("86", "Tjenester kjøpt fra utlandet med fradrag, 25 %", D.PURCHASES, K.REVERSE_CHARGE, _25,
      _b("86"), _f("86"), _m("86"), _DED, "AE"),
    V("87", "Tjenester kjøpt fra utlandet uten fradrag, 25 %", D.PURCHASES, K.REVERSE_CHARGE, _25,
      _b("87"), (), _m("87"), None, "AE"),
    V("88", "Tjenester kjøpt fra utlandet med fradrag, 12 %", D.PURCHASES, K.REVERSE_CHARGE, _12,
      _b("88"), _f("88"), _m("88"), _DED, "AE"),
    V("89", "Tjenester kjøpt fra utlandet uten fradrag, 12 %", D.PURCHASES, K.REVERSE_CHARGE, _12,
      _b("89"), (), _m("89"), None, "AE"),
)  # fmt: skip

_LABELS: tuple[tuple[str, str, bool, bool], ...] = (
    # code, label, has output VAT line, has deduction line
    ("3", "Innenlands omsetning, alminnelig sats", True, False),
    ("31", "Innenlands omsetning, middels sats", True, False),
    ("33", "Innenlands omsetning, lav sats", True, False),
    ("5", "Innenlands omsetning fritatt for merverdiavgift", False, False),
    ("51", "Innenlands omsetning med omvendt avgiftsplikt", False, False),
    ("52", "Utførsel av varer og tjenester", False, False),
    ("6", "Omsetning unntatt merverdiavgiftsloven", False, False),
    ("1", "Innenlandske kjøp, alminnelig sats", False, True),
    ("11", "Innenlandske kjøp, middels sats", False, True),
    ("13", "Innenlandske kjøp, lav sats", False, True),
    ("14", "Innførselsmerverdiavgift betalt ved import, alminnelig sats", False, True),
    ("15", "Innførselsmerverdiavgift betalt ved import, middels sats", False, True),
    ("81", "Innførsel av varer, alminnelig sats, med fradrag", True, True),
    ("86", "Tjenester kjøpt fra utlandet, alminnelig sats, med fradrag", True, True),
    ("87", "Tjenester kjøpt fra utlandet, alminnelig sats, uten fradrag", True, False),
    ("88", "Tjenester kjøpt fra utlandet, lav sats, med fradrag", True, True),
    ("89", "Tjenester kjøpt fra utlandet, lav sats, uten fradrag", True, False),
)

BOXES: tuple[B, ...] = tuple(
    box
    for code, label, output, deduction in _LABELS
    for box in (
        B(f"{code}-grunnlag", f"Kode {code}: {label} — grunnlag"),
        *((B(f"{code}-mva", f"Kode {code}: {label} — merverdiavgift"),) if output else ()),
        *((B(f"{code}-fradrag", f"Kode {code}: {label} — fradrag"),) if deduction else ()),
    )
)

CREDIT_NOTE_BOXES: dict[str, str] = {}  # credit notes go into the same lines, negative
