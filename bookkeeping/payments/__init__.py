"""Payments received and paid, allocated to open invoices; the open items per party."""
