"""Party identifiers on e-invoices: normalised VAT numbers, Peppol endpoints, "is it us?".

No check digits are verified here (the parties service does that with python-stdnum); only the
shape, so that "BE 0123.456.749", "0123456749" and "BE0123456749" compare equal.
"""

from __future__ import annotations

import re

from bookkeeping.einvoice.errors import EInvoiceError
from bookkeeping.einvoice.model import EInvoice, EParty

# Peppol EAS codes (BT-34/BT-49 schemeID). Belgium: every company is registered under 0208 with
# its enterprise number (the VAT number's digits); Norway: 0192, the organisation number.
BE_ENTERPRISE = "0208"
NO_ORGANISATION = "0192"
# Elsewhere Kontor addresses a party by its VAT number under the country's VAT scheme (99xx;
# IT 0211, the Partita IVA). The identifier is the VAT number with its country prefix.
VAT_SCHEMES = {
    "AT": "9914", "BE": "9925", "BG": "9926", "CY": "9928", "CZ": "9929", "DE": "9930",
    "EE": "9931", "GR": "9933", "HR": "9934", "IE": "9935", "LT": "9937", "LU": "9938",
    "LV": "9939", "MT": "9943", "NL": "9944", "PL": "9945", "PT": "9946", "RO": "9947",
    "SI": "9949", "SK": "9950", "FR": "9957", "ES": "9920", "HU": "9910", "IT": "0211",
}  # fmt: skip
# Schemes under which an endpoint or registration id holds the same digits as the VAT number.
_SAME_DIGITS = {
    "BE": {BE_ENTERPRISE, "9925", "9956"},  # 9956: the old Belgian CBE scheme
    "NO": {NO_ORGANISATION, "9908"},
}
_VAT_PREFIX = {"GR": "EL"}  # Greece writes EL in front of its VAT numbers


def normalise_vat(value: str, country: str) -> str:
    """The bare national number ("0123456749", "123456785"), or "" when it cannot be one.

    A number carrying another country's prefix is returned with that prefix, so it never equals
    a bare number of `country`.
    """
    country = country.upper()
    v = re.sub(r"[\s.\-/]", "", value).upper()
    prefix = v[:2]
    if prefix.isalpha() and len(v) > 2:
        if prefix not in (country, _VAT_PREFIX.get(country)):
            return v
        v = v[2:]
    if country == "NO":
        v = v.removesuffix("MVA")
        return v if re.fullmatch(r"\d{9}", v) else ""
    if country == "BE":
        if re.fullmatch(r"\d{9}", v):
            v = "0" + v  # the old 9-digit form
        return v if re.fullmatch(r"[01]\d{9}", v) else ""
    if country == "PL":
        return v if re.fullmatch(r"\d{10}", v) else ""
    return v if re.fullmatch(r"[0-9A-Z+*]{2,14}", v) else ""


def buyer_is(einvoice: EInvoice, *, vat_number: str, country: str) -> bool:
    """Whether the invoice's buyer is the company with this VAT (or organisation) number."""
    want = normalise_vat(vat_number, country)
    if not want:
        return False
    buyer = einvoice.buyer
    same_digits = _SAME_DIGITS.get(country.upper(), set()) | {VAT_SCHEMES.get(country.upper(), "")}
    candidates = [buyer.vat_number]
    if buyer.registration_scheme in same_digits or not buyer.registration_scheme:
        candidates.append(buyer.registration_id)
    if buyer.endpoint_scheme in same_digits:
        candidates.append(buyer.endpoint_id)
    return any(c and normalise_vat(c, country) == want for c in candidates)


def peppol_endpoint(party: EParty) -> tuple[str, str]:
    """(EAS scheme, identifier) for a party: its own endpoint, else one derived from its numbers."""
    if party.endpoint_id:
        return party.endpoint_scheme, party.endpoint_id
    country = party.country.upper()
    if country in ("BE", "NO"):
        for raw in (party.registration_id, party.vat_number):
            number = normalise_vat(raw, country) if raw else ""
            if number and number.isdigit():
                return (BE_ENTERPRISE if country == "BE" else NO_ORGANISATION), number
    elif country in VAT_SCHEMES and party.vat_number:
        vat = re.sub(r"[\s.\-/]", "", party.vat_number).upper()
        return VAT_SCHEMES[country], vat
    raise EInvoiceError(
        "missing_field",
        f"{party.name} has no Peppol address: give it an endpoint, or a VAT or company number "
        "Kontor can address it by.",
    )
