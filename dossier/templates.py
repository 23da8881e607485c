"""The folders every new company starts with, per country: (code, name, access)."""

from .models import FolderAccess

SHARED, OFFICE_FILLS, INTERNAL = (
    FolderAccess.SHARED,
    FolderAccess.OFFICE_FILLS,
    FolderAccess.INTERNAL,
)

FOLDER_TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    "BE": [
        ("statutes", "Statuten / Statuts", SHARED),
        ("contracts", "Contracten / Contrats", SHARED),
        ("general_meetings", "Algemene vergaderingen / Assemblées générales", SHARED),
        ("annual_accounts", "Jaarrekening / Comptes annuels", OFFICE_FILLS),
        ("vat_returns", "Btw-aangiften / Déclarations TVA", OFFICE_FILLS),
        ("payroll", "Lonen / Salaires", OFFICE_FILLS),
        ("bank_statements", "Bankuittreksels / Extraits bancaires", SHARED),
        ("purchase_invoices", "Aankoopfacturen / Factures d'achat", SHARED),
        ("sales_invoices", "Verkoopfacturen / Factures de vente", SHARED),
        ("office_working_papers", "Werkdocumenten kantoor / Documents de travail", INTERNAL),
    ],
    "PL": [
        ("statutes", "Umowa spółki / statut", SHARED),
        ("contracts", "Umowy", SHARED),
        ("general_meetings", "Zgromadzenia wspólników", SHARED),
        ("annual_accounts", "Sprawozdania finansowe", OFFICE_FILLS),
        ("vat_returns", "JPK_V7 i deklaracje VAT", OFFICE_FILLS),
        ("payroll", "Kadry i płace", OFFICE_FILLS),
        ("bank_statements", "Wyciągi bankowe", SHARED),
        ("purchase_invoices", "Faktury zakupowe", SHARED),
        ("sales_invoices", "Faktury sprzedażowe", SHARED),
        ("office_working_papers", "Dokumenty robocze biura", INTERNAL),
    ],
    "NO": [
        ("statutes", "Vedtekter", SHARED),
        ("contracts", "Kontrakter", SHARED),
        ("general_meetings", "Generalforsamlinger", SHARED),
        ("annual_accounts", "Årsregnskap", OFFICE_FILLS),
        ("vat_returns", "MVA-meldinger", OFFICE_FILLS),
        ("payroll", "Lønn", OFFICE_FILLS),
        ("bank_statements", "Kontoutskrifter", SHARED),
        ("purchase_invoices", "Inngående fakturaer", SHARED),
        ("sales_invoices", "Utgående fakturaer", SHARED),
        ("office_working_papers", "Arbeidspapirer regnskapsfører", INTERNAL),
    ],
}
FOLDER_TEMPLATES["default"] = [
    ("statutes", "Statutes", SHARED),
    ("contracts", "Contracts", SHARED),
    ("general_meetings", "General meetings", SHARED),
    ("annual_accounts", "Annual accounts", OFFICE_FILLS),
    ("vat_returns", "VAT returns", OFFICE_FILLS),
    ("payroll", "Payroll", OFFICE_FILLS),
    ("bank_statements", "Bank statements", SHARED),
    ("purchase_invoices", "Purchase invoices", SHARED),
    ("sales_invoices", "Sales invoices", SHARED),
    ("office_working_papers", "Office working papers", INTERNAL),
]
