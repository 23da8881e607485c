"""Sales invoices and credit notes the client issues in Kontor: drafts, gapless numbering, the PDF
in the dossier, the automatic booking, and the Peppol BIS 3.0 UBL export.

services.py (drafts, issue, credit notes), selectors.py (scoped reads), references.py (structured
payment references), documents.py (the PDF and UBL views of an invoice), api.py, events.py.
"""
