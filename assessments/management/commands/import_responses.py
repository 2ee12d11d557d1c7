from django.core.management.base import BaseCommand, CommandError

from assessments.imports import (
    MAX_BYTES,
    ResponsesImportError,
    read_table,
    responses_import,
)
from assessments.models import Assessment


class Command(BaseCommand):
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
            raise CommandError(f"No assessment {assessment}.")
        try:
            with open(file, "rb") as fh:
                # One byte over the cap is enough for read_table to refuse it.
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            summary = responses_import(
                assessment=found,
                rows=read_table(data),
                replace_submitted=replace_submitted,
            )
        except ResponsesImportError as exc:
            problems = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(
                f"{file} was not imported; nothing changed:\n{problems}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file} into assessment {found.pk}: "
                f"{summary.respondents_created} respondents created, "
                f"{summary.respondents_updated} updated, "
                f"{summary.answers_written} answers written, "
                f"{summary.respondents_submitted} newly submitted."
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
