from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.report import (
    REPORT_LANGUAGES,
    build_report_context,
    render_pdf,
)


class Command(BaseCommand):
    help = "Render an assessment's readiness report as a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("assessment", type=int, help="the assessment's id")
        parser.add_argument("-o", "--output", required=True, help="the PDF file")
        parser.add_argument("--lang", choices=REPORT_LANGUAGES, default="nl")

    def handle(self, *args, assessment, output, lang, **options):
        found = (
            Assessment.objects.select_related("partnership", "question_set")
            .filter(pk=assessment)
            .first()
        )
        if found is None:
            raise CommandError(f"No assessment {assessment}.")
        pdf = render_pdf(build_report_context(found, lang))
        Path(output).write_bytes(pdf)
        self.stdout.write(f"Wrote {output} ({len(pdf) // 1024} KB, {lang}).")
