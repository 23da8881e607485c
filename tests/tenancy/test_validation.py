"""A company's VAT number is stored in one compact form per country."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from server.tenancy.validation import vat_number_clean


@pytest.mark.parametrize(
    ("country", "written", "stored"),
    [
        ("BE", "be 0403.019.261", "BE0403019261"),
        ("PL", "PL 526-025-02-74", "PL5260250274"),
        ("NO", "995525828MVA", "NO995525828MVA"),
        ("NO", "NO 995 525 828 MVA", "NO995525828MVA"),
    ],
)
def test_one_form_per_country(country: str, written: str, stored: str) -> None:
    assert vat_number_clean(country, written) == stored


def test_a_wrong_check_digit_is_refused_with_an_example() -> None:
    with pytest.raises(ValidationError, match="for example NO995525828MVA"):
        vat_number_clean("NO", "995525829MVA")


def test_the_migration_mends_numbers_stored_before_the_fix(world) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("server.tenancy.migrations.0002_norwegian_vat_numbers")
    world.company.vat_number = "NO995525828MVAMVA"
    world.company.save(update_fields=["vat_number"])
    migration.fix(apps, None)
    world.company.refresh_from_db()
    assert world.company.vat_number == "NO995525828MVA"
