"""Invitation tokens never reach a log.

A working invitation link is a password: `/i/<token>/` in an access log lets anyone
who reads the log answer in a participant's name. Both gunicorn's access log and
Django's own request logging (404s and 429s of `django.request`, `runserver`'s
`django.server`) write the path with the token replaced: `/i/…/`.

This module is loaded by the gunicorn master (gunicorn.conf.py) before Django is set
up, so it imports nothing from Django.
"""

import logging
import re

from gunicorn.glogging import Logger

_TOKEN_IN_PATH = re.compile(r"/i/[^/?#\s\"]+")
REDACTED = "/i/…"


def redact(text: str) -> str:
    """`text` with every invitation token in a path replaced by an ellipsis."""
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class RedactingGunicornLogger(Logger):
    """gunicorn's logger with the token taken out of every access-log field: the
    request line, the path, the referrer and any header a format may name."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


class RedactTokensFilter(logging.Filter):
    """A handler filter: the formatted message, with tokens taken out."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
