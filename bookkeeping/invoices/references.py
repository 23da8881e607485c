"""Structured payment references a bank can match without reading: per the seller's country.

- Belgium: the "structured communication" +++123/4567/89002+++ (10 digits, then their remainder
  modulo 97 as two digits, 97 when the remainder is 0).
- Norway: a KID with a modulus-10 (Luhn) check digit.
- Elsewhere: the invoice number itself.
"""

from __future__ import annotations

import re

KIND_DIGITS = {"invoice": 1, "credit_note": 2}


def be_structured(base: int) -> str:
    """The Belgian structured communication of a 10-digit base number."""
    if not 0 < base < 10**10:
        raise ValueError("The base of a structured communication has at most 10 digits.")
    check = base % 97 or 97
    digits = f"{base:010d}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def be_structured_valid(reference: str) -> bool:
    digits = re.sub(r"\D", "", reference)
    if len(digits) != 12:
        return False
    base, check = int(digits[:10]), int(digits[10:])
    return base > 0 and (base % 97 or 97) == check


def luhn_digit(digits: str) -> str:
    """The modulus-10 check digit to append to `digits` (the KID rule)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def kid_valid(kid: str) -> bool:
    return kid.isdigit() and len(kid) >= 2 and luhn_digit(kid[:-1]) == kid[-1]


def payment_reference_for(*, country: str, kind: str, year: int, sequence: int, number: str) -> str:
    """The reference of an issued invoice: unique per company through its series and year."""
    kind_digit = KIND_DIGITS.get(kind, 9)
    if country == "BE" and sequence < 10**7:
        return be_structured(int(f"{year % 100:02d}{kind_digit}{sequence:07d}"))
    if country == "NO":
        base = f"{year:04d}{kind_digit}{sequence:06d}"
        return base + luhn_digit(base)
    return number
