"""Every free-text field and column has a length cap; over-long text is refused
and changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import (
    Assessment,
    DimensionComment,
    Organisation,
    Partnership,
    Respondent,
)

from .helpers import _as_participant, _fingerprint, _login, _post_page_form

pytestmark = pytest.mark.django_db


def _form_classes():
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import assessments.forms as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{info.name}.{name}", cls


def test_every_free_text_form_field_has_a_length_cap():
    from django import forms

    uncapped = [
        f"{where}.{field_name}"
        for where, cls in _form_classes()
        for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert uncapped == []


def test_every_text_column_a_consultant_or_participant_fills_has_a_length_cap():
    from django.db import models

    filled_by_users = [Partnership, Organisation, Assessment, Respondent]
    filled_by_users += [DimensionComment, get_user_model()]
    uncapped = [
        f"{model.__name__}.{field.name}"
        for model in filled_by_users
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.max_length is None
    ]
    assert uncapped == []


TOO_LONG = "x" * 5000


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("partnership-create", {"name": TOO_LONG, "organisations-0-name": "One"}),
        ("partnership-create", {"name": "Ok", "organisations-0-name": TOO_LONG}),
        ("partnership-edit", {"description": TOO_LONG}),
        ("assessment-create", {"title": TOO_LONG}),
        ("assessment-edit", {"title": TOO_LONG}),
        ("respondent-add", {"label": TOO_LONG}),
        ("respondent-add", {"label": "Ok", "email": TOO_LONG + "@example.org"}),
        ("respondent-edit", {"label": TOO_LONG}),
        ("respondent-paste", {"rows": f"{TOO_LONG};;Alfa;nl"}),
        ("collaborator-add", {"user": TOO_LONG}),
        ("account", {"first_name": TOO_LONG}),
    ],
)
def test_over_long_text_is_refused_with_a_message_and_changes_nothing(
    client, world, owner, name, fields
):
    _login(client, owner)
    kwargs = {
        "partnership-create": [],
        "account": [],
        "partnership-edit": [world["partnership"].pk],
        "collaborator-add": [world["partnership"].pk],
        "assessment-create": [world["partnership"].pk],
        "respondent-edit": [world["assessment"].pk, world["respondent"].pk],
    }.get(name, [world["assessment"].pk])
    before = _fingerprint()
    response = _post_page_form(
        client, reverse(f"assessments:{name}", args=kwargs), **fields
    )
    assert response.status_code in (200, 400), response.status_code
    assert _fingerprint() == before


def test_an_over_long_comment_is_refused_by_the_autosave(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    dimension = respondent.assessment.question_set.dimensions.order_by("position")[1]
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"), {f"c-{dimension.pk}": TOO_LONG}
    )
    assert response.status_code == 400
    assert _fingerprint() == before
