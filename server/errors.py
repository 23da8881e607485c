"""The base of every refusal a service makes: a stable code, one sentence, an HTTP status.

The API turns it into `{"code", "message"}` (server/api_errors.py); the socket into an error frame.
"""

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # Extra fields of the error answer, e.g. the current state with a 409.
        self.details = details
