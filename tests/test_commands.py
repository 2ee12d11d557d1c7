"""The command line: seed_demo, export_questionset, import_questionset."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from assessments.models import Answer, Assessment, QuestionSet, Respondent

from .conftest import questionset_data

pytestmark = pytest.mark.django_db


def _run(*args, lang="en"):
    from io import StringIO

    out = StringIO()
    call_command(*args, lang=lang, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("no_question_set")  # a fresh machine: seed_demo installs it
class TestSeedDemo:
    def test_it_creates_a_partly_answered_demo_and_prints_full_links(self):
        output = _run("seed_demo")
        assessment = Assessment.objects.get()
        assert f"Assessment {assessment.pk}" in output
        links = re.findall(r"^http://\S+/i/\S+/$", output, flags=re.MULTILINE)
        assert len(links) == assessment.respondents.count() == 6
        submitted = assessment.respondents.filter(submitted_at__isnull=False).count()
        assert 0 < submitted < 6
        assert Answer.objects.exists()
        assert "consultant" in output and "partnerscan-demo" in output

    def test_it_is_idempotent(self):
        _run("seed_demo")
        counts = (
            QuestionSet.objects.count(),
            Assessment.objects.count(),
            Respondent.objects.count(),
            Answer.objects.count(),
        )
        output = _run("seed_demo")
        assert "already present" in output
        assert counts == (
            QuestionSet.objects.count(),
            Assessment.objects.count(),
            Respondent.objects.count(),
            Answer.objects.count(),
        )

    def test_the_demo_logins_work(self):
        _run("seed_demo")
        client = Client()
        assert client.login(username="consultant", password="partnerscan-demo")
        assert client.login(username="admin", password="partnerscan-admin")


class TestExportImport:
    def test_export_prints_the_default_set(self, no_question_set):
        _run("seed_demo")
        data = json.loads(_run("export_questionset"))
        kinds = [d["kind"] for d in data["dimensions"]]
        assert kinds.count("condition") == 5 and kinds.count("link") == 9
        for dim in data["dimensions"]:
            assert len(dim["questions"]) >= 4
            assert dim["name"]["nl"] and dim["name"]["en"]

    def test_export_of_an_unknown_set_fails_clearly(self):
        with pytest.raises(CommandError, match="nosuchset"):
            _run("export_questionset", "nosuchset")

    def test_export_then_import_round_trips(self, tmp_path, question_set):
        target = tmp_path / "set.json"
        version = str(question_set.version)
        _run(
            "export_questionset", "partnerscan", "--version", version, "-o", str(target)
        )
        data = json.loads(target.read_text())
        assert data["version"] == question_set.version
        data["version"] = question_set.version + 1
        target.write_text(json.dumps(data))
        output = _run("import_questionset", str(target))
        assert "Imported" in output
        imported = QuestionSet.objects.get(version=data["version"])
        assert imported.status == QuestionSet.Status.DRAFT
        again = json.loads(
            _run("export_questionset", "partnerscan", "--version", str(data["version"]))
        )
        data.pop("status"), again.pop("status")
        assert again == data

    def test_a_broken_file_is_refused_with_every_problem_and_changes_nothing(
        self, tmp_path, no_question_set
    ):
        data = questionset_data()
        data["dimensions"] = data["dimensions"][1:]
        data["dimensions"][0]["kind"] = "condition"
        target = tmp_path / "broken.json"
        target.write_text(json.dumps(data))
        with pytest.raises(CommandError) as excinfo:
            _run("import_questionset", str(target))
        message = str(excinfo.value)
        assert "nothing changed" in message
        assert "BV1 is missing" in message
        assert "RS" not in message or "kind" in message
        assert not QuestionSet.objects.exists()

    @pytest.mark.parametrize(
        "lang, expected, foreign",
        [
            (
                "nl",
                ["niet geïmporteerd; er is niets veranderd:", "ontbreekt"],
                "nothing",
            ),
            ("en", ["was not imported; nothing changed:", "is missing"], "ontbreekt"),
        ],
    )
    def test_a_broken_file_is_explained_in_one_language(
        self, tmp_path, lang, expected, foreign
    ):
        data = questionset_data()
        data["dimensions"] = data["dimensions"][1:]
        target = tmp_path / "broken.json"
        target.write_text(json.dumps(data))
        # The shell's language must not leak in: --lang decides.
        other = "en" if lang == "nl" else "nl"
        with translation.override(other), pytest.raises(CommandError) as excinfo:
            _run("import_questionset", str(target), lang=lang)
        message = str(excinfo.value)
        for words in expected:
            assert words in message
        assert foreign not in message

    def test_without_lang_it_speaks_the_sites_language(self, tmp_path, settings):
        assert settings.LANGUAGE_CODE == "nl"
        with pytest.raises(CommandError) as excinfo:
            call_command("import_questionset", str(tmp_path / "absent.json"))
        assert str(excinfo.value) == (
            f"Kan {tmp_path / 'absent.json'} niet lezen: het bestand bestaat niet."
        )

    def test_a_file_that_is_not_json_is_refused(self, tmp_path):
        target = tmp_path / "nonsense.json"
        target.write_text("{not json")
        with pytest.raises(CommandError, match="JSON.*Expecting property name"):
            _run("import_questionset", str(target))

    def test_a_missing_file_is_refused(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            _run("import_questionset", str(tmp_path / "absent.json"))
