"""Checks on a company's profile that depend on its country."""

from django.core.exceptions import ValidationError
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import mva as no_mva
from stdnum.pl import nip as pl_nip

_VAT_MODULES = {"BE": be_vat, "PL": pl_nip, "NO": no_mva}
_VAT_EXAMPLES = {"BE": "BE0403019261", "PL": "PL5260250274", "NO": "NO995525828MVA"}


def vat_number_clean(country: str, number: str) -> str:
    """The VAT number in its compact form with the country prefix, or a ValidationError."""
    number = (number or "").strip()
    if not number:
        return ""
    module = _VAT_MODULES.get(country)
    if module is None:
        raise ValidationError(f"VAT numbers of country {country!r} are not supported yet.")
    try:
        compact = module.validate(number)
    except StdnumError:
        example = _VAT_EXAMPLES[country]
        raise ValidationError(
            f"{number!r} is not a valid VAT number for {country}; for example {example}."
        ) from None
    # Store one form per country: the country prefix, the digits, and for Norway "MVA" (which
    # stdnum's compact form of no.mva already carries).
    digits = compact.removesuffix("MVA")
    suffix = "MVA" if country == "NO" else ""
    return f"{country}{digits}{suffix}"
