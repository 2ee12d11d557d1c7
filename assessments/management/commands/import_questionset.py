import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.management.language import TranslatedCommand, os_reason
from assessments.models import QuestionSet
from assessments.questionsets import QuestionSetFormatError, questionset_import


class Command(TranslatedCommand):
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
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.")
                % {"file": file, "reason": os_reason(exc)}
            ) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("%(file)s is not a UTF-8 text file.") % {"file": file}
            ) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(file)s is not valid JSON (line %(line)s, column %(column)s).")
                % {"file": file, "line": exc.lineno, "column": exc.colno}
            ) from exc
        status = QuestionSet.Status.PUBLISHED if publish else QuestionSet.Status.DRAFT
        try:
            question_set = questionset_import(data=data, status=status)
        except QuestionSetFormatError as exc:
            problems = "\n".join(f"  - {error}" for error in exc.errors)
            raise CommandError(
                _("%(file)s was not imported; nothing changed:") % {"file": file}
                + f"\n{problems}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(_("Imported %(set)s.") % {"set": question_set})
        )
