"""Purchase invoices: imported from Peppol e-invoices or entered from a dossier inbox document,
and booked in the purchases journal."""
