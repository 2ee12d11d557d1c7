from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.management.language import TranslatedCommand, os_reason
from assessments.models import QuestionSet
from assessments.questionsets import (
    QuestionSetFormatError,
    questionset_import,
    questionset_import_xlsx,
    questionset_parse,
    questionset_publish,
)


class Command(TranslatedCommand):
    help = (
        "Import a question set from a JSON file, or an edited XLSX workbook as the "
        "next draft version of its set (docs/questionset-format.md)."
    )

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
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.")
                % {"file": file, "reason": os_reason(exc)}
            ) from exc
        status = QuestionSet.Status.PUBLISHED if publish else QuestionSet.Status.DRAFT
        try:
            if file.lower().endswith(".xlsx"):
                question_set = questionset_import_xlsx(raw=raw)
                if publish:
                    questionset_publish(question_set=question_set)
            else:
                question_set = questionset_import(
                    data=questionset_parse(raw), status=status
                )
        except QuestionSetFormatError as exc:
            problems = "\n".join(f"  - {error}" for error in exc.errors)
            raise CommandError(
                _("%(file)s was not imported; nothing changed:") % {"file": file}
                + f"\n{problems}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(_("Imported %(set)s.") % {"set": question_set})
        )
