from django.core.management.base import BaseCommand, CommandError

from assessments.models import QuestionSet
from assessments.questionsets import (
    QuestionSetFormatError,
    questionset_import,
    questionset_parse,
)


class Command(BaseCommand):
    help = "Import a question set from a JSON file (docs/questionset-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--publish", action="store_true", help="publish it (default: draft)"
        )

    def handle(self, *args, file, publish, **options):
        try:
            with open(file, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        status = QuestionSet.Status.PUBLISHED if publish else QuestionSet.Status.DRAFT
        try:
            question_set = questionset_import(
                data=questionset_parse(raw), status=status
            )
        except QuestionSetFormatError as exc:
            problems = "\n".join(f"  - {error}" for error in exc.errors)
            raise CommandError(
                f"{file} was not imported; nothing changed:\n{problems}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {question_set}."))
