"""The refusals of the books, each with a stable code (the API answers {code, message})."""

from __future__ import annotations

from server.errors import DomainError


class BooksError(DomainError):
    """A refusal of the bookkeeping services; the code says which."""


class Unbalanced(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("unbalanced", message)


class PeriodLocked(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("period_locked", message)


class PostedImmutable(BooksError):
    status = 409

    def __init__(self, message: str = "A posted entry cannot be changed; reverse it.") -> None:
        super().__init__("posted_immutable", message)


class NoFiscalYear(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("no_fiscal_year", message)


class InvalidVatNumber(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("invalid_vat_number", message)


class InvalidIban(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("invalid_iban", message)


class InvalidBic(BooksError):
    def __init__(self, message: str) -> None:
        super().__init__("invalid_bic", message)


class DuplicateParty(BooksError):
    status = 409

    def __init__(self, message: str, party: int) -> None:
        super().__init__("duplicate_party", message, party=party)


class BooksNotInstalled(BooksError):
    def __init__(self, message: str = "The books of this company are not set up yet.") -> None:
        super().__init__("books_not_installed", message)
