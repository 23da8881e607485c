"""Pure renderers for the books: report tables to CSV/XLSX/PDF and sales invoices to PDF.

Nothing here touches the database; callers pass plain data (Decimal money, dates) and get bytes.
"""

from .invoice_pdf import InvoiceDocument, InvoiceItem, InvoiceParty, VatSummaryRow, invoice_pdf
from .tables import Column, Table, table_csv, table_pdf, table_xlsx

__all__ = [
    "Column",
    "InvoiceDocument",
    "InvoiceItem",
    "InvoiceParty",
    "Table",
    "VatSummaryRow",
    "invoice_pdf",
    "table_csv",
    "table_pdf",
    "table_xlsx",
]
