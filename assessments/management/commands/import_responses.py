from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments.imports import (
    MAX_BYTES,
    ResponsesImportError,
    read_table,
    responses_import,
)
from assessments.management.language import TranslatedCommand, os_reason
from assessments.models import Assessment


class Command(TranslatedCommand):
    help = (
        "Import answers collected on paper or in a spreadsheet, in the CSV (or XLSX) "
        "format of export_results (docs/data-formats.md). All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment", type=int, help="the assessment's id")
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--replace-submitted",
            action="store_true",
            help="also replace the answers of respondents who already submitted "
            "(by default they are kept and listed)",
        )

    def handle(self, *args, assessment, file, replace_submitted, **options):
        found = (
            Assessment.objects.select_related("partnership", "question_set")
            .filter(pk=assessment)
            .first()
        )
        if found is None:
            raise CommandError(_("No assessment %(id)s.") % {"id": assessment})
        try:
            with open(file, "rb") as fh:
                # One byte over the cap is enough for read_table to refuse it.
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s.")
                % {"file": file, "reason": os_reason(exc)}
            ) from exc
        try:
            summary = responses_import(
                assessment=found,
                rows=read_table(data),
                replace_submitted=replace_submitted,
            )
        except ResponsesImportError as exc:
            problems = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                _("%(file)s was not imported; nothing changed:") % {"file": file}
                + f"\n{problems}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(file)s into assessment %(id)s: %(created)s "
                    "respondents created, %(updated)s updated, %(answers)s answers "
                    "written, %(submitted)s newly submitted."
                )
                % {
                    "file": file,
                    "id": found.pk,
                    "created": summary.respondents_created,
                    "updated": summary.respondents_updated,
                    "answers": summary.answers_written,
                    "submitted": summary.respondents_submitted,
                }
            )
        )
        if summary.skipped:
            names = ", ".join(held.label for held in summary.skipped)
            self.stdout.write(
                self.style.WARNING(
                    f"Kept the submitted answers of {len(summary.skipped)} "
                    f"respondents: {names} (--replace-submitted replaces them)."
                )
            )
