"""Parties: VAT numbers per country (python-stdnum), IBANs (schwifty), one party per VAT number."""

from __future__ import annotations

import pytest

from bookkeeping import services
from bookkeeping.errors import DuplicateParty, InvalidIban, InvalidVatNumber
from bookkeeping.identifiers import iban_normalise, vat_number_normalise
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "given", "stored"),
    [
        ("BE", "0403.019.261", "BE0403019261"),
        ("BE", "BE 0403 019 261", "BE0403019261"),
        ("PL", "526-025-02-74", "PL5260250274"),
        ("NO", "995 525 828 MVA", "NO995525828MVA"),
        ("NO", "995525828", "NO995525828MVA"),
        ("DE", "DE 136 695 976", "DE136695976"),
        ("NL", "004495445B01", "NL004495445B01"),
        ("FR", "FR 40 303 265 045", "FR40303265045"),
        ("BE", "", ""),
    ],
)
def test_vat_numbers_are_normalised_per_country(country: str, given: str, stored: str) -> None:
    assert vat_number_normalise(country, given) == stored


@pytest.mark.parametrize(
    ("country", "given"),
    [("BE", "0403019262"), ("PL", "5260250275"), ("NO", "995525829"), ("DE", "136695977")],
)
def test_bad_vat_numbers_get_one_sentence(country: str, given: str) -> None:
    with pytest.raises(InvalidVatNumber) as refused:
        vat_number_normalise(country, given)
    assert refused.value.code == "invalid_vat_number"
    assert given in refused.value.message and refused.value.message.endswith(".")


def test_ibans_are_checked() -> None:
    assert iban_normalise("be68 5390 0754 7034") == "BE68539007547034"
    with pytest.raises(InvalidIban) as refused:
        iban_normalise("BE68 5390 0754 7035")
    assert refused.value.code == "invalid_iban"


def test_client_and_staff_create_parties(world: World) -> None:
    by_client = services.party_create(
        actor=world.client, company=world.company, name="Brouwerij", country="BE",
        vat_number="0403.019.261", iban="BE68 5390 0754 7034", bic="GEBABEBB",
    )  # fmt: skip
    assert (by_client.vat_number, by_client.iban) == ("BE0403019261", "BE68539007547034")
    by_staff = services.party_create(
        actor=world.accountant, company=world.company, name="Supplier", country="PL",
        kind="supplier",
    )  # fmt: skip
    assert by_staff.vat_number == ""


def test_a_second_party_with_the_same_vat_number_is_refused(world: World) -> None:
    first = services.party_create(
        actor=world.client, company=world.company, name="A", country="BE", vat_number="0403019261"
    )
    with pytest.raises(DuplicateParty) as refused:
        services.party_create(
            actor=world.accountant, company=world.company, name="A again", country="BE",
            vat_number="BE 0403.019.261",
        )  # fmt: skip
    assert refused.value.code == "duplicate_party"
    assert refused.value.details == {"party": first.pk}
    assert services.party_find_duplicate(company=world.company, vat_number="BE0403019261") == first
    # Parties without a VAT number never collide; another company may have the same one.
    services.party_create(actor=world.client, company=world.company, name="B", country="BE")
    services.party_create(actor=world.client, company=world.company, name="C", country="BE")
    services.party_create(actor=world.other_owner, company=world.other_company, name="A",
                          country="BE", vat_number="0403019261")  # fmt: skip


def test_update_checks_the_same_rules(world: World) -> None:
    first = services.party_create(
        actor=world.client, company=world.company, name="A", country="BE", vat_number="0403019261"
    )
    second = services.party_create(actor=world.client, company=world.company, name="B",
                                   country="BE")  # fmt: skip
    with pytest.raises(DuplicateParty):
        services.party_update(actor=world.client, party=second,
                              changes={"vat_number": "BE0403019261"})  # fmt: skip
    with pytest.raises(InvalidVatNumber):
        services.party_update(actor=world.client, party=second, changes={"vat_number": "123"})
    updated = services.party_update(actor=world.client, party=first, changes={"city": "Gent"})
    assert (updated.city, updated.vat_number) == ("Gent", "BE0403019261")
