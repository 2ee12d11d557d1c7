"""SSRF and file payloads in every text of the PDF: nothing is fetched, nothing
embedded, the text is shown literally."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import DimensionComment

from ..conftest import answer_all, download_prepared, make_respondent
from .helpers import _login

# Renders the whole report twice, each in a forked child.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class _CountingHandler(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: url(/tracked) }")

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    _CountingHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    # A short poll, so that shutdown() returns at once rather than after ~0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


def _pdf_payloads(base):
    return [
        f'<img src="{base}/img.png">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f"<style>@import url({base}/import.css);</style>",
        f'<div style="background:url({base}/bg.png)">x</div>',
        f'<object data="{base}/object"></object><iframe src="{base}/frame">',
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/hostname">attached</a>',
        f'<svg><image href="{base}/svg.png"/></svg>',
    ]


def test_the_pdf_fetches_nothing_and_embeds_no_file_whatever_the_text(
    client, world, owner, counting_server
):
    base, hits = counting_server
    payloads = _pdf_payloads(base)
    partnership = world["partnership"]
    partnership.name = payloads[0][:200]
    partnership.save()
    for organisation, payload in zip(
        partnership.organisations.all(), payloads[1:3], strict=True
    ):
        organisation.name = payload[:200]
        organisation.save()
    assessment = world["assessment"]
    assessment.title = payloads[3][:200]
    assessment.allow_comments = True
    assessment.save()
    respondent = world["respondent"]
    respondent.label = payloads[4][:200]
    respondent.save()
    dimensions = list(assessment.question_set.dimensions.order_by("position"))
    DimensionComment.objects.filter(respondent=respondent).delete()
    second = make_respondent(assessment, label="Second")
    answer_all(second, value=4)
    for dimension, payload in zip(dimensions, payloads, strict=False):
        for who in (respondent, second):
            DimensionComment.objects.create(
                respondent=who, dimension=dimension, text=payload
            )
    _login(client, owner)
    for language in ("nl", "en"):
        url = reverse("assessments:assessment-report", args=[assessment.pk])
        response = download_prepared(client, url, {"lang": language})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = b"".join(response.streaming_content)
        reader = PdfReader(io.BytesIO(pdf))
        assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                assert annotation.get_object().get("/Subtype") != "/FileAttachment"
        text = "".join(page.extract_text() for page in reader.pages)
        assert "root:x:0:0" not in text
        assert b"/EmbeddedFile" not in pdf
        # The hostile text is shown literally, as text (and not as markup).
        assert "<img src=" in text and "127.0.0.1" in text
        assert "&lt;img" not in text
    assert hits == []
