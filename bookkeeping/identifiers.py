"""VAT numbers, IBANs and BICs of parties: validated per country and stored in one compact form.

Belgium, Poland and Norway use their own rules (python-stdnum be.vat, pl.nip, no.mva); other EU
countries the EU VIES formats (stdnum.eu.vat); anything else the country's module if stdnum has one.
"""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import get_cc_module
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import mva as no_mva
from stdnum.pl import nip as pl_nip

from .errors import InvalidBic, InvalidIban, InvalidVatNumber

_OWN_RULES = {"BE": be_vat, "PL": pl_nip, "NO": no_mva}
_EXAMPLES = {"BE": "BE0403019261", "PL": "PL5260250274", "NO": "NO995525828MVA"}


def vat_number_normalise(country: str, number: str) -> str:
    """The VAT number as `<country><digits>` ("BE0403019261", "NO995525828MVA"), '' if empty."""
    number = (number or "").strip()
    if not number:
        return ""
    country = (country or "").upper()
    example = _EXAMPLES.get(country, "")
    hint = f"; for example {example}" if example else ""
    sentence = f"{number!r} is not a valid VAT number for {country or 'this country'}{hint}."
    try:
        if country in _OWN_RULES:
            if country == "NO" and not number.upper().rstrip().endswith("MVA"):
                number = f"{number}MVA"  # the organisation number alone is accepted too
            return f"{country}{_OWN_RULES[country].validate(number)}"
        if country.lower() in eu_vat.MEMBER_STATES or country == "GR":
            prefixed = number.upper().replace(" ", "")
            prefix = "EL" if country == "GR" else country
            if not prefixed.startswith(prefix):
                prefixed = prefix + prefixed
            return str(eu_vat.validate(prefixed))
        module = get_cc_module(country.lower(), "vat") if len(country) == 2 else None
        if module is None:
            raise InvalidVatNumber(f"VAT numbers of country {country!r} cannot be checked yet.")
        return f"{country}{module.validate(number)}".replace(f"{country}{country}", country)
    except (StdnumError, ValueError):
        raise InvalidVatNumber(sentence) from None


def iban_normalise(iban: str) -> str:
    """The IBAN in compact form ("BE68539007547034"), '' if empty."""
    iban = (iban or "").strip()
    if not iban:
        return ""
    try:
        return str(IBAN(iban).compact)
    except (SchwiftyException, ValueError):
        raise InvalidIban(
            f"{iban!r} is not a valid IBAN; check the digits, e.g. BE68 5390 0754 7034."
        ) from None


def bic_normalise(bic: str) -> str:
    bic = (bic or "").strip()
    if not bic:
        return ""
    try:
        return str(BIC(bic).compact)
    except (SchwiftyException, ValueError):
        raise InvalidBic(
            f"{bic!r} is not a valid BIC; it has 8 or 11 letters and digits."
        ) from None
