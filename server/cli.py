"""`kontor`: the demo, the servers, the workers, and every Django management command.

kontor demo [--port 8000]      migrate, load the demo data, serve on 127.0.0.1
kontor serve [--bind H] [--port P] [--proxy-headers]
kontor worker | kontor beat    Celery
kontor <django command> ...    e.g. kontor migrate, kontor createsuperuser
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    import django

    django.setup()


def _twisted_form_parsing_off() -> None:
    """Twisted's Request reads a whole multipart/form-data body into memory and parses it into
    `request.args` (about 12x the file size in RAM for an upload through Kontor) before daphne
    hands the body, spooled to a temporary file, to Django, which parses it again streamed; daphne
    never reads `args`. Twisted >= 24.11 lets a request opt out; daphne does not ask."""
    from daphne import http_protocol

    init = http_protocol.WebRequest.__init__
    if getattr(init, "kontor_no_form_parse", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    __init__.kontor_no_form_parse = True  # type: ignore[attr-defined]
    http_protocol.WebRequest.__init__ = __init__  # type: ignore[method-assign]


def _daphne(bind: str, port: int, proxy_headers: bool = False) -> None:
    from daphne.cli import CommandLineInterface

    _twisted_form_parsing_off()
    args = ["--bind", bind, "--port", str(port)]
    if proxy_headers:
        args.append("--proxy-headers")
    # A hard cap on one socket message; the consumer answers anything over 64 KiB with an error
    # frame first, this only stops a client from making the server buffer megabytes.
    args += ["--websocket-max-message-size", str(1024 * 1024), "server.asgi:application"]
    CommandLineInterface().run(args)


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="kontor demo")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    # Links in the demo's e-mails (invitations, resets, notifications) point at this server.
    os.environ.setdefault("KONTOR_SITE_URL", f"http://127.0.0.1:{args.port}")
    _django_setup()
    from django.core.management import call_command

    from server.demo import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    logins = demo_load()
    print(f"\nKontor demo: http://127.0.0.1:{args.port}/")
    print(f"Password for every login below: {logins.password}")
    for email in logins.emails:
        print(f"  {email}")
    print()
    sys.stdout.flush()
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker, so no beat: run the periodic jobs here
        from server.embedded_beat import embedded_beat_start

        embedded_beat_start()
    _daphne("127.0.0.1", args.port)


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="kontor serve")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--proxy-headers", action="store_true")
    args = parser.parse_args(argv)
    _django_setup()
    _daphne(args.bind, args.port, args.proxy_headers)


def celery(kind: str, argv: list[str]) -> None:
    _django_setup()
    from server.celery import app

    app.start([kind, "--loglevel", "INFO", *argv])


def main() -> None:
    argv = sys.argv[1:]
    command = argv[0] if argv else "help"
    if command == "demo":
        demo(argv[1:])
    elif command == "serve":
        serve(argv[1:])
    elif command in {"worker", "beat"}:
        celery(command, argv[1:])
    elif command in {"help", "-h", "--help"}:
        print(__doc__)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["kontor", *argv])


if __name__ == "__main__":
    main()
