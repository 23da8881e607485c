"""VAT code data per country (see bookkeeping/vat_codes.py)."""
