"""Oversized request bodies are refused before they are read (issue 11, section 6).

A body declared larger than the view accepts gets a friendly 413 without a byte of
it being read (so nothing lands in memory or a temporary file); the two import
views accept files up to their own caps; a body without Content-Length is refused.
"""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body that claims to be endless and counts what is read of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        size = len(buffer)
        buffer[:size] = b"x" * size
        self.read_bytes += size
        return size


def _raw_request(path, **meta):
    stream = CountingStream()
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        **meta,
    )
    environ["wsgi.input"] = stream
    response = ClientHandler(enforce_csrf_checks=True)(environ)
    return response, stream


def test_a_50_mb_post_to_login_gets_413_without_reading_the_body():
    response, stream = _raw_request("/login/", CONTENT_LENGTH=str(50 * MB))
    assert response.status_code == 413
    assert stream.read_bytes == 0
    body = response.content.decode()
    assert "te groot" in body
    assert "2 MB" in body


def test_an_oversized_post_to_an_import_gets_413_without_reading_the_body(
    assessment,
):
    url = reverse("assessments:assessment-import", args=[assessment.pk])
    response, stream = _raw_request(url, CONTENT_LENGTH=str(7 * MB))
    assert response.status_code == 413
    assert stream.read_bytes == 0
    assert "6 MB" in response.content.decode()


def test_a_body_without_content_length_is_refused_unread():
    response, stream = _raw_request("/login/", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert stream.read_bytes == 0


def test_a_malformed_content_length_is_refused_unread():
    response, stream = _raw_request("/login/", CONTENT_LENGTH="1e9")
    assert response.status_code == 413
    assert stream.read_bytes == 0


def test_an_oversized_autosave_gets_a_short_message_under_htmx(client, respondent):
    client.get(reverse("assessments:invitation", args=[respondent.raw_token]))
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {"c-1": "x" * (3 * MB)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 413
    assert b"<html" not in response.content
    assert b'role="alert"' in response.content


def test_an_import_file_within_its_cap_reaches_the_form(client, owner, assessment):
    assert client.login(username=owner.username, password=PASSWORD)
    upload = SimpleUploadedFile("answers.xlsx", b"PK\3\4" + b"\0" * (4 * MB))
    response = client.post(
        reverse("assessments:assessment-import", args=[assessment.pk]),
        {"file": upload},
    )
    # The form read it and said what is wrong with it; the size limit let it pass.
    assert response.status_code == 400
    assert "te groot" not in response.content.decode()


def test_an_admin_question_set_file_within_the_limit_reaches_the_form(admin_client):
    upload = SimpleUploadedFile("set.json", b" " * (3 * MB))
    response = admin_client.post(
        reverse("admin:assessments_questionset_import"), {"file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_an_accepted_upload_is_never_written_to_a_temporary_file():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.UPLOAD_REQUEST_MAX_BYTES
    assert settings.MIDDLEWARE[0] == (
        "assessments.web.request_limits.RequestSizeLimitMiddleware"
    )


def test_the_documented_proxy_limit_matches_the_apps():
    text = (settings.BASE_DIR / "docs" / "deployment.md").read_text()
    limits = set(re.findall(r"client_max_body_size (\d+)m;", text))
    assert limits == {str(settings.UPLOAD_REQUEST_MAX_BYTES // MB)}
    assert "proxy_request_buffering on;" in text
    conf = (settings.BASE_DIR / "gunicorn.conf.py").read_text()
    assert "buffering reverse proxy" in conf
