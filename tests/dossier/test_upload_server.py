"""`kontor serve` keeps Twisted from parsing upload bodies in memory (server/cli.py): daphne
hands the spooled body to Django, which streams it; Twisted's own parse held the whole file,
several times over, in RAM (bench/dossier.py measures it)."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

from daphne import http_protocol
from twisted.web import http

from server import cli

BOUNDARY = "kontor-test"
BODY = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="folder"\r\n\r\n7\r\n'
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
    "Content-Type: application/pdf\r\n\r\n%PDF-1.7 scan\r\n"
    f"--{BOUNDARY}--\r\n"
).encode()


def _received(request_class: type[http.Request]) -> http.Request:
    """A POST of BODY through `request_class`, up to the point where it would be processed."""
    server = SimpleNamespace(protocol_connected=lambda request: None)
    channel: Any = SimpleNamespace(
        factory=SimpleNamespace(server=server),
        getPeer=lambda: None,
        getHost=lambda: None,
        transport=None,
    )
    request = request_class(channel)
    request.process = lambda: None  # type: ignore[method-assign]
    request.content = io.BytesIO(BODY)
    request.content.seek(0, io.SEEK_END)
    request.requestHeaders.setRawHeaders(
        b"Content-Type", [f"multipart/form-data; boundary={BOUNDARY}".encode()]
    )
    request.requestReceived(b"POST", b"/api/v1/companies/1/documents/?x=1", b"HTTP/1.1")
    return request


def test_twisted_alone_parses_an_upload_into_memory() -> None:
    """The premise: a plain Twisted request reads the multipart body into `args`."""
    assert _received(http.Request).args[b"file"] == [b"%PDF-1.7 scan"]


def test_kontor_serve_leaves_the_body_to_django() -> None:
    cli._twisted_form_parsing_off()
    cli._twisted_form_parsing_off()  # idempotent: wrapped once
    request = _received(http_protocol.WebRequest)
    assert request.args == {b"x": [b"1"]}  # the query string only
    # The body, untouched, for Django to stream.
    assert request.content is not None and request.content.read() == BODY
