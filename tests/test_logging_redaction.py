"""Invitation links never reach a log (issue 11, section 6).

A working link is a password. gunicorn's access log and Django's request logging
write `/i/…/` instead of the token: checked through a real gunicorn, and through
the handlers the settings configure.
"""

import io
import logging
import runpy
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.util import load_class

from partnerscan.log_redaction import RedactTokensFilter, redact

from .gunicorn_server import ROOT, Gunicorn, Site

TOKEN = "k3Y-s3cr3t_T0ken"  # noqa: S105 - a made-up token


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /i/{TOKEN}/ HTTP/1.1", "GET /i/…/ HTTP/1.1"),
        (f"/i/{TOKEN}/?lang=en", "/i/…/?lang=en"),
        (f"https://scan.example.org/i/{TOKEN}/", "https://scan.example.org/i/…/"),
        (f'"GET /i/{TOKEN}" 404', '"GET /i/…" 404'),
        ("/q/step/3/", "/q/step/3/"),
    ],
)
def test_redact_replaces_the_token_and_nothing_else(text, expected):
    assert redact(text) == expected


def _gunicorn_settings():
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorns_access_log_line_has_no_token(tmp_path):
    conf = _gunicorn_settings()
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", conf["access_log_format"] + ' "%(f)s" %(U)s')
    logger = load_class(conf["logger_class"])(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/i/{TOKEN}/",
        "PATH_INFO": f"/i/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://scan.example.org/i/{TOKEN}/",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert TOKEN not in line
    assert '"GET /i/…/ HTTP/1.1" 302' in line


def _handler_output(handler):
    """Swap the handler's stream for a buffer; return the buffer and the old one."""
    buffer = io.StringIO()
    return buffer, handler.setStream(buffer)


def _redacting_handler(logger_name):
    logger = logging.getLogger(logger_name)
    for handler in logger.handlers:
        if any(isinstance(f, RedactTokensFilter) for f in handler.filters):
            return handler
    raise AssertionError(f"no redacting handler on {logger_name or 'root'}")


@pytest.mark.django_db
def test_djangos_request_log_has_no_token(client):
    handler = _redacting_handler("")
    buffer, stream = _handler_output(handler)
    try:
        response = client.get(reverse("assessments:invitation", args=[TOKEN]))
    finally:
        handler.setStream(stream)
    assert response.status_code == 404
    assert "Not Found: /i/…/" in buffer.getvalue()
    assert TOKEN not in buffer.getvalue()


def test_the_development_servers_log_has_no_token():
    handler = _redacting_handler("django.server")
    buffer, stream = _handler_output(handler)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s',
            f"GET /i/{TOKEN}/ HTTP/1.1",
            302,
            0,
            extra={"status_code": 302},
        )
    finally:
        handler.setStream(stream)
    assert '"GET /i/…/ HTTP/1.1" 302 0' in buffer.getvalue()
    assert TOKEN not in buffer.getvalue()


def test_djangos_own_handlers_do_not_print_requests_unredacted():
    # Django's default "django" handlers (console when DEBUG, mail_admins) would
    # write the path as it came; the settings route it through the root handler.
    assert logging.getLogger("django").handlers == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_working_link_opened_through_gunicorn_leaves_no_token_in_its_log(tmp_path):
    site = Site(tmp_path, LOG_LEVEL="INFO")
    links = site.seed()
    server = Gunicorn(site, workers=1).start()
    try:
        opener = urllib.request.build_opener(_NoRedirect)
        for link in links[:2]:
            with pytest.raises(urllib.error.HTTPError) as answer:
                opener.open(server.url + link, timeout=30)
            assert answer.value.code == 302  # a working link: on to the questionnaire
    finally:
        server.stop()
    log = server.log.read_text()
    assert log.count('"GET /i/…/ HTTP/1.1" 302') == 2
    for link in links:
        assert link not in log


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
