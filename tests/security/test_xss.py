"""XSS payloads in every free-text field, and in an uploaded file, come back
escaped on every page that shows them."""

import io

import pytest
from django.urls import reverse

from assessments.models import DimensionComment, Question

from .helpers import _as_participant, _fingerprint, _login, _payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(world, owner, collaborator, question_set):
    """Payloads in every free-text field a consultant or participant can fill in."""
    partnership = world["partnership"]
    partnership.name = _payload("partnership")
    partnership.description = _payload("description")
    partnership.save()
    for number, organisation in enumerate(partnership.organisations.all()):
        organisation.name = _payload(f"organisation{number}")
        organisation.save()
    assessment = world["assessment"]
    assessment.title = _payload("title")
    assessment.save()
    respondent = world["respondent"]
    respondent.label = _payload("label")
    respondent.save()
    DimensionComment.objects.filter(respondent=respondent).update(
        text=_payload("comment")
    )
    owner.first_name = _payload("consultant")
    owner.save()
    collaborator.first_name = _payload("collaborator")
    collaborator.save()
    return world


FIELDS = [
    "partnership",
    "description",
    "organisation0",
    "organisation1",
    "title",
    "label",
    "comment",
    "consultant",
    "collaborator",
]


def _assert_escaped(response, url):
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    for field in FIELDS:
        assert _payload(field) not in body, (url, field)
    assert "<script>alert(" not in body, url
    assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", ""), url
    return body


def test_consultant_pages_show_every_payload_escaped(client, hostile, owner):
    _login(client, owner)
    assessment, partnership = hostile["assessment"], hostile["partnership"]
    respondent = hostile["respondent"]
    urls = [
        reverse("assessments:dashboard"),
        reverse("assessments:dashboard") + "?q=%3Cscript%3Ealert(%22q%22)%3C/script%3E",
        reverse("assessments:partnership-detail", args=[partnership.pk]),
        reverse("assessments:partnership-edit", args=[partnership.pk]),
        reverse("assessments:assessment-detail", args=[assessment.pk]),
        reverse("assessments:assessment-edit", args=[assessment.pk]),
        reverse("assessments:assessment-results", args=[assessment.pk]),
        reverse("assessments:respondent-edit", args=[assessment.pk, respondent.pk]),
        reverse("assessments:respondent-add", args=[assessment.pk]),
        reverse("assessments:account"),
    ]
    shown = ""
    for url in urls:
        shown += _assert_escaped(client.get(url), url)
    # The payloads are shown, as text.
    for field in ("partnership", "organisation0", "title", "label", "comment"):
        assert f"&lt;script&gt;alert(&quot;{field}&quot;)" in shown, field
    assert '<script>alert("q")' not in shown


def test_workshop_pages_show_every_payload_escaped(client, hostile, owner):
    _login(client, owner)
    assessment = hostile["assessment"]
    client.post(reverse("assessments:workshop-start", args=[assessment.pk]))
    for url in (
        reverse("assessments:workshop-step", args=[assessment.pk, 1]),
        reverse("assessments:workshop-review", args=[assessment.pk]),
    ):
        _assert_escaped(client.get(url), url)


def test_participant_pages_show_every_payload_escaped(client, hostile):
    _as_participant(client, hostile["respondent"])
    shown = ""
    for url in (
        reverse("assessments:questionnaire-welcome"),
        reverse("assessments:questionnaire-step", args=[1]),
        reverse("assessments:questionnaire-review"),
    ):
        shown += _assert_escaped(client.get(url), url)
    assert "&lt;script&gt;alert(&quot;comment&quot;)" in shown


def test_a_comment_payload_saved_through_the_autosave_comes_back_escaped(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    dimension = respondent.assessment.question_set.dimensions.order_by(
        "position"
    ).first()
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"c-{dimension.pk}": _payload("typed")},
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    step = client.get(reverse("assessments:questionnaire-step", args=[1]))
    assert _payload("typed") not in step.content.decode()
    assert "&lt;script&gt;alert(&quot;typed&quot;)" in step.content.decode()


def test_an_uploaded_file_with_payloads_is_shown_escaped_on_the_error_page(
    client, world, owner
):
    _login(client, owner)
    question = Question.objects.filter(
        dimension__question_set=world["assessment"].question_set
    ).first()
    payload = _payload("upload")
    rows = [
        "respondent,organisation,dimension,question,value",
        f'"{payload}",Alfa,{question.dimension.code},{question.code},9',
        f'Bob,"{payload}",{question.dimension.code},{question.code},3',
    ]
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "answers.csv"
    before = _fingerprint()
    response = client.post(
        reverse("assessments:assessment-import", args=[world["assessment"].pk]),
        {"file": upload},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert payload not in body and "<script>alert(" not in body
    assert _fingerprint() == before
