"""Names and labels stay on one line (issue 11, section 6).

A line break in a partnership's, organisation's or person's name spilled into the
invitation e-mail (a new line in the body, or half the name out of the subject).
Every form field that takes a name strips control characters and joins lines; the
e-mails put stored names on one line too.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core import mail

import assessments.forms as forms_package
from assessments.forms.accounts import AccountForm
from assessments.forms.fields import NameField
from assessments.forms.respondents import RespondentForm, RespondentPasteForm
from assessments.forms.workspace import (
    AssessmentForm,
    OrganisationFormSet,
    PartnershipForm,
)
from assessments.models import Partnership, Respondent
from assessments.text import single_line
from assessments.workspace.invitations import invitation_send, reminder_send

from .conftest import make_respondent, run_tasks

pytestmark = pytest.mark.django_db

HOSTILE = "Alfa\r\nBcc: evil@example.org\x00\x1b[31m\u2028\x85 BV"
CLEAN = "Alfa Bcc: evil@example.org [31m BV"

NAME_FIELDS = {"name", "label", "title", "first_name", "last_name"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HOSTILE, CLEAN),
        ("  Fatima   el Amrani ", "Fatima el Amrani"),
        ("Gemeente\tUtrecht", "Gemeente Utrecht"),
        ("Zorg & Welzijn — Noord", "Zorg & Welzijn — Noord"),
    ],
)
def test_single_line(text, expected):
    assert single_line(text) == expected


def _forms_with_fields():
    for info in pkgutil.iter_modules(forms_package.__path__):
        module = importlib.import_module(f"{forms_package.__name__}.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{info.name}.{name}", cls.base_fields
    yield "workspace.OrganisationFormSet", OrganisationFormSet.form.base_fields


def test_every_name_field_in_the_forms_is_a_name_field():
    plain = [
        f"{where}.{field_name}"
        for where, fields in _forms_with_fields()
        for field_name, field in fields.items()
        if field_name in NAME_FIELDS and not isinstance(field, NameField)
    ]
    assert plain == []


def test_a_partnership_name_is_one_line_and_its_description_keeps_lines(owner):
    form = PartnershipForm({"name": HOSTILE, "description": "one\ntwo"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == CLEAN
    assert form.cleaned_data["description"] == "one\ntwo"


def test_organisation_names_are_one_line(owner):
    data = {
        "organisations-TOTAL_FORMS": "2",
        "organisations-INITIAL_FORMS": "0",
        "organisations-MIN_NUM_FORMS": "2",
        "organisations-MAX_NUM_FORMS": "12",
        "organisations-0-name": HOSTILE,
        "organisations-1-name": "Beta\nBV",
    }
    formset = OrganisationFormSet(
        data, instance=Partnership(owner=owner), prefix="organisations"
    )
    assert formset.is_valid(), formset.errors
    assert [row.name for row in formset.rows()] == [CLEAN, "Beta BV"]


def test_a_scan_title_is_one_line(question_set):
    form = AssessmentForm({"title": HOSTILE, "question_set": question_set.pk})
    form.is_valid()
    assert form.cleaned_data["title"] == CLEAN


def test_a_respondent_label_is_one_line(assessment):
    organisation = assessment.partnership.organisations.first()
    form = RespondentForm(
        {"label": HOSTILE, "organisation": organisation.pk, "language": "nl"},
        assessment=assessment,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["label"] == CLEAN


def test_pasted_respondents_lose_control_characters(assessment):
    form = RespondentPasteForm(
        {"rows": "Anna\x1b[2J\x07; anna@example.org; Alfa\x1f; nl"},
        assessment=assessment,
    )
    assert form.is_valid(), form.errors
    (row,) = form.cleaned_data["rows"]
    assert row.label == "Anna [2J"
    assert row.organisation.name == "Alfa"


def test_the_consultants_name_is_one_line(owner):
    form = AccountForm(
        {"first_name": "Eva\r\nBcc: x", "last_name": "de\x0bVries", "email": "e@x.nl"},
        instance=owner,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "Eva Bcc: x"
    assert form.cleaned_data["last_name"] == "de Vries"


@pytest.mark.parametrize("send", [invitation_send, reminder_send])
def test_stored_names_with_line_breaks_stay_on_one_line_in_e_mails(
    owner, assessment, send
):
    # Names saved before the forms cleaned them.
    partnership = assessment.partnership
    partnership.name = "Alfa\nSubject: spoofed"
    partnership.save()
    owner.first_name = "Eva\r\n\r\nP.S. click http://evil.example"
    owner.save()
    respondent = make_respondent(
        assessment, label="Anna\n\nYour account is locked", email="anna@example.org"
    )
    if send is reminder_send:
        Respondent.objects.filter(pk=respondent.pk).update(
            invited_at="2026-01-01T00:00Z"
        )
    send(respondents=assessment.respondents.all(), consultant=owner)
    run_tasks()
    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert "Alfa Subject: spoofed" in message.subject
    lines = message.body.splitlines()
    assert "Your account is locked" not in lines
    assert any("Anna Your account is locked" in line for line in lines)
    assert not any(line.startswith("P.S.") for line in lines)
