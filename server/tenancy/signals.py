"""Hooks for apps that sit above tenancy (the dossier seeds its folders on `company_created`).

Tenancy cannot import those apps (dependencies point one way), so it announces instead.
"""

from django.dispatch import Signal

# Sent inside the creating transaction, with `company`.
company_created = Signal()
# Sent inside the editing transaction, with `company` and `changed` (the field names).
company_profile_changed = Signal()
