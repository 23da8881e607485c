"""The error the e-invoice reader and writer raise: a stable code and one sentence for a person."""

from server.errors import DomainError


class EInvoiceError(DomainError):
    """Codes: not_xml, unsafe_xml, too_large, unknown_format, missing_field, bad_value,
    wrong_currency, totals_mismatch (reader); missing_field (writer: no Peppol address)."""

    status = 400
