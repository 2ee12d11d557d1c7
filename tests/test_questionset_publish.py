"""One published version per question set: the publish service, the database
constraint, the shipped default and the migration for older databases."""

import importlib
import json

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from assessments.models import QuestionSet
from assessments.questionsets import (
    QuestionSetStateError,
    _default_questionset_text,
    questionset_clone,
    questionset_import,
    questionset_install_default,
    questionset_publish,
    questionset_retire,
)

from .conftest import questionset_data

migration = importlib.import_module("assessments.migrations.0013_questionset_versions")


def test_publishing_retires_the_previous_version(question_set):
    newer = questionset_clone(question_set=question_set)
    retired = questionset_publish(question_set=newer)
    assert retired == [question_set]
    question_set.refresh_from_db()
    assert question_set.status == QuestionSet.Status.RETIRED
    assert list(QuestionSet.objects.published()) == [newer]


def test_other_slugs_are_left_alone(question_set):
    data = questionset_data()
    data["slug"] = "andere-set"
    other = questionset_import(data=data, status=QuestionSet.Status.PUBLISHED)
    question_set.refresh_from_db()
    assert question_set.status == other.status == QuestionSet.Status.PUBLISHED


def test_only_drafts_publish_and_only_published_sets_retire(question_set):
    with pytest.raises(QuestionSetStateError):
        questionset_publish(question_set=question_set)
    questionset_retire(question_set=question_set)
    with pytest.raises(QuestionSetStateError):
        questionset_publish(question_set=question_set)
    with pytest.raises(QuestionSetStateError):
        questionset_retire(question_set=question_set)


def test_the_database_refuses_a_second_published_version(question_set):
    newer = questionset_clone(question_set=question_set)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionSet.objects.filter(pk=newer.pk).update(
            status=QuestionSet.Status.PUBLISHED
        )


def test_importing_published_goes_through_the_service(question_set):
    data = questionset_data()
    data["version"] = question_set.version + 1
    questionset_import(data=data, status=QuestionSet.Status.PUBLISHED)
    question_set.refresh_from_db()
    assert question_set.status == QuestionSet.Status.RETIRED


def test_a_shipped_new_default_version_retires_the_old_one(question_set, monkeypatch):
    data = json.loads(_default_questionset_text())
    data["version"] = question_set.version + 1
    monkeypatch.setattr(
        "assessments.questionsets._default_questionset_text", lambda: json.dumps(data)
    )
    shipped, created = questionset_install_default()
    assert created and shipped.status == QuestionSet.Status.PUBLISHED
    assert shipped.version == question_set.version + 1
    question_set.refresh_from_db()
    assert question_set.status == QuestionSet.Status.RETIRED


def test_a_shipped_default_behind_the_admins_version_arrives_as_draft(
    question_set, monkeypatch
):
    admins = questionset_clone(question_set=question_set)  # shipped + 1
    newest = questionset_clone(question_set=admins)  # shipped + 2, a draft
    questionset_publish(question_set=newest)
    data = json.loads(_default_questionset_text())
    data["version"] = admins.version
    admins.delete()
    monkeypatch.setattr(
        "assessments.questionsets._default_questionset_text", lambda: json.dumps(data)
    )
    shipped, created = questionset_install_default()
    assert created and shipped.status == QuestionSet.Status.DRAFT
    assert shipped.version == admins.version
    assert QuestionSet.objects.published().get().version == newest.version


def test_the_migration_keeps_the_newest_published_version(question_set):
    newer = questionset_clone(question_set=question_set)
    # An old database: the constraint did not exist, so imitate it per row.
    with transaction.atomic():
        QuestionSet.objects.filter(pk=question_set.pk).update(status="retired")
        QuestionSet.objects.filter(pk=newer.pk).update(status="published")
    migration.retire_all_but_the_newest(apps, None)
    assert QuestionSet.objects.published().get() == newer
