"""Run the periodic work once: automatic reminders, closing scans at their closing
date, digests, retrying what a stopped worker left. For a timer (systemd, cron) where
the worker does not run the schedule itself (`worker --no-schedule`)."""

from django.core.management.base import BaseCommand

from ...background.schedule import schedule_tick


class Command(BaseCommand):
    help = "Run the periodic work once (reminders, closing, digests)."

    def handle(self, *args, **options):
        for name, count in schedule_tick().items():
            self.stdout.write(f"{name}: {count}")
