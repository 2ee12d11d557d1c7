import json

from django.core.management.base import BaseCommand, CommandError

from assessments.models import QuestionSet
from assessments.questionsets import QuestionSetFormatError, questionset_import


class Command(BaseCommand):
    help = "Import a question set from a JSON file (docs/questionset-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--publish", action="store_true", help="publish it (default: draft)"
        )

    def handle(self, *args, file, publish, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from exc
        status = QuestionSet.Status.PUBLISHED if publish else QuestionSet.Status.DRAFT
        try:
            question_set = questionset_import(data=data, status=status)
        except QuestionSetFormatError as exc:
            problems = "\n".join(f"  - {error}" for error in exc.errors)
            raise CommandError(
                f"{file} was not imported; nothing changed:\n{problems}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {question_set}."))
